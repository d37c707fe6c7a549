"""The corpus of bad files (tests/import_corpus): each is refused with its own clear message, and
nothing is written — through the same command a coordinator runs."""

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from lib.cli import main
from lib.i18n import LANGUAGES, Translator
from lib.importing import prepare_import
from lib.store_gpkg import GeoPackageStore

CORPUS = Path(__file__).parent / "import_corpus"
CASES = [
    row for manifest in sorted(CORPUS.glob("*_cases.csv")) for row in csv.DictReader(manifest.open(encoding="utf-8"))
]


def test_the_corpus_holds_at_least_forty_bad_files():
    files = {row["file"] for row in CASES}
    assert len(files) >= 40
    assert all((CORPUS / "files" / name).is_file() for name in files)


@pytest.fixture(scope="module")
def store(built_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "store.gpkg"
    shutil.copy(built_store.path, path)
    return GeoPackageStore(path)


def fingerprint(store) -> tuple:
    return store.data_version(), len(store.audit_log()), hashlib.sha256(store.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES, ids=[row["file"] for row in CASES])
def test_each_bad_file_is_refused_with_its_message_and_nothing_is_written(case, store, capsys):
    path = CORPUS / "files" / case["file"]
    before = fingerprint(store)
    preview = prepare_import(store, case["layer"], path.read_bytes(), path.name)
    codes = {problem.code for problem in preview.problems}
    assert case["expected_code"] in codes, [str(p) for p in preview.problems]
    for language in LANGUAGES:
        worded = [problem.describe(Translator(language)) for problem in preview.problems]
        assert all(text and "{" not in text for text in worded)
    assert main(["import", str(path), "--layer", case["layer"], "--commit", "--store", str(store.path)]) != 0
    assert "Heç nə yazılmayıb." in capsys.readouterr().err
    assert fingerprint(store) == before
