"""`python -m lib.cli accounts`: accounts are added, listed, disabled, enabled, given a new password
and a new role from the command line; what the rules refuse exits 1 and says why."""

import io
import stat

import pytest

from lib import accounts
from lib.access import COORDINATOR, LEADERSHIP
from lib.accounts import Throttle
from lib.cli import main
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers

PASSWORD = "Şəhər2026!"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store whose districts are Lachin (AZ-LAC) and Zangilan (AZ-ZAN)."""
    store = GeoPackageStore(tmp_path_factory.mktemp("store") / "store.gpkg")
    store.write_layers(tiny_layers(), note="test", author="builder")
    return str(store.path)


@pytest.fixture
def file(tmp_path):
    return tmp_path / "accounts.toml"


@pytest.fixture
def run(file, store, monkeypatch, capsys):
    """Run `accounts ...` on the test file and store; (exit status, standard output, standard error)."""

    def run(*args: str, password: str | None = None):
        if password is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        with_store = ["--store", store] if args[0] in ("add", "set") else []
        with_stdin = ["--password-stdin"] if password is not None else []
        status = main(["accounts", "--file", str(file), *args, *with_store, *with_stdin])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


def _signs_in(file, username, password) -> bool:
    return accounts.verify(username, password, path=file, throttle=Throttle()) is not None


def test_the_first_admin_is_added_with_a_password_from_standard_input(run, file):
    status, out, _ = run("add", "rauf", "--role", "admin", "--name", "Rauf Əliyev", password=PASSWORD)
    assert status == 0
    assert "Added rauf (Rauf Əliyev): admin" in out
    assert _signs_in(file, "rauf", PASSWORD)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_a_coordinator_is_added_for_districts_of_the_store(run, file):
    status, out, _ = run(
        "add", "aysel", "--role", "coordinator", "--districts", "az-lac,AZ-ZAN", "--email", "a@x.az", password=PASSWORD
    )
    assert status == 0, out
    account = accounts.load(file)["aysel"]
    assert (account.role, account.districts, account.email) == (COORDINATOR, ("AZ-LAC", "AZ-ZAN"), "a@x.az")


def test_the_password_can_be_typed_at_a_prompt_twice(run, file, monkeypatch):
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run("add", "leyla", "--role", "leadership")[0] == 0
    assert _signs_in(file, "leyla", PASSWORD)


def test_two_different_passwords_at_the_prompt_are_refused(run, file, monkeypatch):
    typed = iter([PASSWORD, "Şəhər2027!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    status, _, err = run("add", "leyla", "--role", "leadership")
    assert (status, err.strip()) == (1, "Refused: the two passwords differ.")
    assert accounts.load(file) == {}


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (["add", "x1", "--role", "coordinator"], "a coordinator needs at least one district"),
        (["add", "x1", "--role", "coordinator", "--districts", "AZ-XXX"], "not a return-area district: AZ-XXX"),
        (["add", "x1", "--role", "coordinator", "--districts", "AZ-BA"], "not a return-area district: AZ-BA"),
        (["add", "x1", "--role", "leadership", "--email", "notanemail"], "'notanemail' is not an e-mail address"),
        (["add", "x1", "--role", "public"], "unknown role 'public'"),
        (["add", "x1", "--role", "superuser"], "unknown role 'superuser'"),
    ],
    ids=["coordinator-without-districts", "unknown-district", "baku", "bad-email", "public-role", "made-up-role"],
)
def test_an_account_the_rules_refuse_exits_1_saying_why_and_writes_nothing(run, file, arguments, why):
    status, _, err = run(*arguments, password=PASSWORD)
    assert status == 1
    assert why in err
    assert accounts.load(file) == {}


def test_list_shows_every_account_without_its_password_hash(run):
    run("add", "rauf", "--role", "admin", password=PASSWORD)
    run("add", "aysel", "--role", "coordinator", "--districts", "AZ-LAC", password=PASSWORD)
    run("disable", "aysel")
    status, out, _ = run("list")
    assert status == 0
    assert "aysel (no name): coordinator for AZ-LAC  DISABLED" in out
    assert "rauf (no name): admin" in out
    assert "argon2" not in out and PASSWORD not in out


def test_a_disabled_account_cannot_sign_in_until_enabled(run, file):
    run("add", "aysel", "--role", "coordinator", "--districts", "AZ-LAC", password=PASSWORD)
    assert run("disable", "aysel") == (0, "Disabled aysel.\n", "")
    assert not _signs_in(file, "aysel", PASSWORD)
    assert run("enable", "AYSEL")[0] == 0
    assert _signs_in(file, "aysel", PASSWORD)


def test_reset_password_replaces_the_old_one(run, file):
    run("add", "aysel", "--role", "coordinator", "--districts", "AZ-LAC", password=PASSWORD)
    assert run("reset-password", "aysel", password="Yeni-Şifrə-7")[0] == 0
    assert not _signs_in(file, "aysel", PASSWORD)
    assert _signs_in(file, "aysel", "Yeni-Şifrə-7")


def test_set_changes_role_and_districts(run, file):
    run("add", "aysel", "--role", "coordinator", "--districts", "AZ-LAC", password=PASSWORD)
    assert run("set", "aysel", "--districts", "AZ-LAC", "AZ-ZAN")[0] == 0
    assert accounts.load(file)["aysel"].districts == ("AZ-LAC", "AZ-ZAN")
    status, out, _ = run("set", "aysel", "--role", "leadership")
    assert (status, out) == (0, "Now aysel (no name): leadership.\n")
    assert accounts.load(file)["aysel"].role == LEADERSHIP
    status, _, err = run("set", "aysel", "--role", "coordinator")  # back to coordinator: which districts?
    assert status == 1 and "at least one district" in err


def test_changing_an_unknown_user_exits_1(run):
    for arguments in (["disable", "nobody"], ["enable", "nobody"], ["set", "nobody", "--role", "admin"]):
        status, _, err = run(*arguments)
        assert (status, err.strip()) == (1, "Refused: no account 'nobody'."), arguments
    assert run("reset-password", "nobody", password=PASSWORD)[:2] == (1, "")


def test_a_malformed_command_exits_2(run):
    with pytest.raises(SystemExit) as usage:
        run("add", "aysel")  # no --role
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        run("rename", "aysel")
    assert usage.value.code == 2
