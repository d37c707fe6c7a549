"""The documentation works in a stand-alone clone: every link in a Markdown file leads somewhere."""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from lib.config import PROJECT_ROOT

# Folders that are not part of the repository: tools, build output, copied vendor files.
_NOT_OURS = {"test-artifacts", "__pycache__", "node_modules"}
_GENERATED = {("benchmarks", "out"), ("static", "vendor")}

_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
_HTML = re.compile(r"""<(?:a|img)\s[^>]*?(?:href|src)=["']([^"']+)""", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _markdown_files() -> list[Path]:
    files = []
    for path in sorted(PROJECT_ROOT.rglob("*.md")):
        parts = path.relative_to(PROJECT_ROOT).parts
        if any(part.startswith(".") or part in _NOT_OURS for part in parts):
            continue
        if any(parts[: len(prefix)] == prefix for prefix in _GENERATED):
            continue
        files.append(path)
    return files


def _prose(text: str) -> str:
    """The text without code, where brackets are not links."""
    return _CODE_SPAN.sub("", _FENCED.sub("", text))


def _links(text: str) -> list[str]:
    prose = _prose(text)
    return [m.group(1) for pattern in (_INLINE, _REFERENCE, _HTML) for m in pattern.finditer(prose)]


def _anchors(markdown: Path) -> set[str]:
    """GitHub's ids of the file's headings: lower case, punctuation dropped, spaces as hyphens."""
    anchors = set()
    for heading in _HEADING.findall(_FENCED.sub("", markdown.read_text(encoding="utf-8"))):
        plain = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
        anchors.add(re.sub(r"[^\w\- ]", "", plain).replace(" ", "-"))
    return anchors


def _problem(source: Path, target: str) -> str | None:
    url = urlparse(target)
    if url.scheme in {"http", "https", "mailto"}:
        return None
    if url.scheme or target.startswith("/"):
        return "not a public URL and not a path relative to the file"
    linked = (source.parent / unquote(url.path)).resolve() if url.path else source
    if not linked.is_relative_to(PROJECT_ROOT):
        return "outside the repository"
    if not linked.exists():
        return "no such file"
    if url.fragment and linked.suffix == ".md" and url.fragment not in _anchors(linked):
        return f"no heading #{url.fragment} in {linked.relative_to(PROJECT_ROOT)}"
    return None


def test_the_repository_has_the_markdown_files_this_test_reads():
    names = {path.relative_to(PROJECT_ROOT).as_posix() for path in _markdown_files()}
    assert {"README.md", "benchmarks/README.md", "geodata/README.md"} <= names


@pytest.mark.parametrize("markdown", _markdown_files(), ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix())
def test_every_link_resolves_inside_the_repository_or_is_a_public_url(markdown):
    broken = [
        f"{target}: {problem}"
        for target in _links(markdown.read_text(encoding="utf-8"))
        if (problem := _problem(markdown, target))
    ]
    assert broken == []


def test_the_link_check_reads_links_outside_code_and_sees_a_link_leaving_the_repository(tmp_path):
    text = "See [design](../shared/DESIGN.md), ![shot](docs/a.png) and [s]: geodata/SCHEMA.md\n`[not](a link)`\n"
    assert _links(text) == ["../shared/DESIGN.md", "docs/a.png"]
    assert _problem(PROJECT_ROOT / "README.md", "../shared/DESIGN.md") == "outside the repository"
    assert _problem(PROJECT_ROOT / "README.md", "README.md#tests") is None
    assert _problem(PROJECT_ROOT / "README.md", "#no-such-section").startswith("no heading")
