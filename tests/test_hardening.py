"""Hardening kept in the repository: XSRF protection on, uploads no larger than the import reads,
and no secret committed (secrets.toml and accounts files git-ignored, only placeholders in the
example)."""

import re
import shutil
import subprocess
import tomllib

import pytest

from lib.config import PROJECT_ROOT, Settings

STREAMLIT = PROJECT_ROOT / ".streamlit"
# A private key, a whole argon2 hash, or a secret-looking assignment with a real-looking value
SECRET = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{16,}\$"
)


def _git(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)


def test_xsrf_protection_is_on_explicitly():
    server = tomllib.loads((STREAMLIT / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["enableXsrfProtection"] is True
    assert server.get("enableCORS", True) is True  # Streamlit turns XSRF protection off without it


def test_streamlit_refuses_uploads_larger_than_the_import_reads():
    server = tomllib.loads((STREAMLIT / "config.toml").read_text(encoding="utf-8"))["server"]
    # Streamlit's megabytes are 1024 * 1024 bytes
    assert server["maxUploadSize"] * 1024 * 1024 == Settings.model_fields["import_max_bytes"].default


def test_secrets_and_accounts_files_are_git_ignored_and_not_tracked():
    for path in (".streamlit/secrets.toml", "accounts.toml", "great_return.toml"):
        assert _git("check-ignore", "-q", path).returncode == 0, f"{path} is not git-ignored"
    assert _git("check-ignore", "-q", ".streamlit/secrets.toml.example").returncode == 1
    tracked = _git("ls-files").stdout.splitlines()
    assert ".streamlit/secrets.toml" not in tracked
    assert ".streamlit/secrets.toml.example" in tracked


def test_the_secrets_example_configures_oidc_with_placeholders_only():
    auth = tomllib.loads((STREAMLIT / "secrets.toml.example").read_text(encoding="utf-8"))["auth"]
    assert auth["redirect_uri"].endswith("/oauth2callback")
    provider = next(value for value in auth.values() if isinstance(value, dict))
    assert {"client_id", "client_secret", "server_metadata_url"} <= set(provider)
    for value in (auth["cookie_secret"], provider["client_id"], provider["client_secret"]):
        assert value.startswith("REPLACE-WITH-"), value


def test_no_tracked_file_holds_a_private_key_or_a_password_hash():
    found = []
    for name in _git("ls-files").stdout.splitlines():
        path = PROJECT_ROOT / name
        if path.is_file() and path.stat().st_size < 5_000_000:
            text = path.read_bytes().decode("utf-8", errors="ignore")
            found += [name for _ in SECRET.finditer(text)][:1]
    assert found == []
