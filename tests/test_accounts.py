"""Local accounts: hashed passwords in a file only its owner reads, sign-in checks, and failed
sign-ins slowed down and logged."""

import logging
import stat
from dataclasses import replace

import pytest
from argon2 import PasswordHasher

from lib import accounts
from lib.access import ADMIN, COORDINATOR, LEADERSHIP, Actor
from lib.accounts import AccountError, SignInThrottled, Throttle

PASSWORD = "Şəhər2026!"  # Azerbaijani letters, as a coordinator may well type them


class Clock:
    """A clock the tests move by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def file(tmp_path):
    return tmp_path / "config" / "accounts.toml"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def throttle(clock):
    return Throttle(clock=clock)


@pytest.fixture
def lachin(file):
    return accounts.add("Aysel", PASSWORD, COORDINATOR, ["az-lac"], display_name="Aysel Məmmədova", path=file)


def test_the_file_keeps_a_hash_never_the_password_and_only_its_owner_reads_it(file, lachin):
    text = file.read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert "$argon2id$" in text
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert PASSWORD not in repr(lachin) and "argon2" not in repr(lachin)
    assert [p.name for p in file.parent.iterdir() if p.name.startswith(".accounts-")] == []  # no temporary left


def test_an_account_reads_back_as_written(file, lachin):
    loaded = accounts.load(file)
    assert list(loaded) == ["aysel"]
    assert loaded["aysel"] == lachin
    assert lachin.districts == ("AZ-LAC",)
    assert lachin.actor == Actor("aysel", COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")


def test_the_right_password_signs_in_with_the_accounts_role_and_districts(file, lachin, throttle):
    actor = accounts.verify(" AYSEL ", PASSWORD, path=file, throttle=throttle)
    assert actor == Actor("aysel", COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
    assert actor.scope.districts == ("AZ-LAC",)


def test_a_wrong_password_an_unknown_user_and_a_disabled_account_do_not_sign_in(file, lachin, clock, throttle):
    assert accounts.verify("aysel", "Seher2026!", path=file, throttle=throttle) is None  # ə is not e
    clock.now += 60
    assert accounts.verify("nobody", PASSWORD, path=file, throttle=throttle) is None
    accounts.disable("aysel", path=file)
    clock.now += 60
    assert accounts.verify("aysel", PASSWORD, path=file, throttle=throttle) is None
    accounts.enable("aysel", path=file)
    clock.now += 60
    assert accounts.verify("aysel", PASSWORD, path=file, throttle=throttle) is not None


def test_a_reset_password_replaces_the_old_one(file, lachin, clock, throttle):
    accounts.reset_password("aysel", "Yeni-Şifrə-7", path=file)
    assert accounts.verify("aysel", PASSWORD, path=file, throttle=throttle) is None
    clock.now += 60
    assert accounts.verify("aysel", "Yeni-Şifrə-7", path=file, throttle=throttle).username == "aysel"


def test_role_and_districts_change_and_a_coordinator_needs_districts(file, lachin):
    moved = accounts.set_role("aysel", districts=["AZ-LAC", "AZ-KAL"], path=file)
    assert moved.districts == ("AZ-KAL", "AZ-LAC")
    promoted = accounts.set_role("aysel", role=LEADERSHIP, path=file)
    assert promoted.actor.districts is None  # leadership reads every district
    with pytest.raises(AccountError, match="at least one district"):
        accounts.add("rauf", PASSWORD, COORDINATOR, [], path=file)
    with pytest.raises(AccountError, match="unknown role"):
        accounts.set_role("aysel", role="public", path=file)
    assert accounts.load(file)["aysel"].role == LEADERSHIP  # a refused change writes nothing


def test_adding_is_refused_for_a_taken_name_a_short_password_or_an_unknown_user(file, lachin):
    with pytest.raises(AccountError, match="exists already"):
        accounts.add("aysel", PASSWORD, ADMIN, path=file)
    with pytest.raises(AccountError, match="at least 8 characters"):
        accounts.add("rauf", "qısa", ADMIN, path=file)
    with pytest.raises(AccountError, match="no account 'rauf'"):
        accounts.disable("rauf", path=file)
    with pytest.raises(AccountError, match="username"):
        accounts.add("two words", PASSWORD, ADMIN, path=file)


def test_an_account_is_found_by_its_email_in_any_case(file):
    accounts.add("leyla", PASSWORD, LEADERSHIP, email="Leyla@Example.AZ", path=file)
    assert accounts.find_by_email(accounts.load(file), "leyla@example.az").username == "leyla"
    assert accounts.find_by_email(accounts.load(file), "other@example.az") is None


def test_a_hash_made_with_old_parameters_is_rehashed_at_sign_in(file, lachin, throttle):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    accounts.save({"aysel": replace(lachin, password_hash=weak)}, file)
    assert accounts.verify("aysel", PASSWORD, path=file, throttle=throttle) is not None
    renewed = accounts.load(file)["aysel"].password_hash
    assert renewed != weak and not accounts.hasher().check_needs_rehash(renewed)


def test_failures_impose_increasing_waits_up_to_a_cap(clock):
    throttle = Throttle(clock=clock)
    waits = []
    for _ in range(7):
        throttle.failed("aysel")
        waits.append(throttle.wait("aysel"))
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    clock.now += 10
    assert throttle.wait("aysel") == 20


def test_a_sign_in_too_soon_after_a_failure_is_refused_unchecked_and_says_how_long(file, lachin, clock, throttle):
    assert accounts.verify("aysel", "wrong password", path=file, throttle=throttle) is None
    clock.now += 0.5
    with pytest.raises(SignInThrottled) as refused:
        accounts.verify("aysel", PASSWORD, path=file, throttle=throttle)  # even the right password waits
    assert refused.value.wait == pytest.approx(0.5)
    clock.now += 0.5
    assert accounts.verify("aysel", PASSWORD, path=file, throttle=throttle) is not None


def test_a_success_clears_the_failures(file, lachin, clock, throttle):
    for _ in range(3):
        accounts.verify("aysel", "wrong password", path=file, throttle=throttle)
        clock.now += 60
    assert throttle.failures("aysel") == 3
    accounts.verify("aysel", PASSWORD, path=file, throttle=throttle)
    assert throttle.failures("aysel") == 0
    accounts.verify("aysel", "wrong password", path=file, throttle=throttle)
    assert throttle.wait("aysel") == 1  # starts again from the first wait


def test_failures_from_one_address_slow_down_every_username_tried_from_it(throttle):
    for name in ("aysel", "rauf", "leyla"):
        throttle.failed(name, "203.0.113.9")
    assert throttle.wait("kamran", "203.0.113.9") == 4
    assert throttle.wait("kamran", "198.51.100.1") == 0


def test_failures_are_forgotten_after_a_quiet_while(clock, throttle):
    for _ in range(5):
        throttle.failed("aysel")
    clock.now += throttle.forget_after + 1
    assert throttle.failures("aysel") == 0 and throttle.wait("aysel") == 0


def test_every_attempt_is_logged_with_username_address_and_time_never_the_password(
    file, lachin, clock, throttle, caplog
):
    caplog.set_level(logging.INFO, logger="great_return.sign_in")
    accounts.verify("aysel", "Səhv-parol-1", path=file, address="203.0.113.9", throttle=throttle)
    with pytest.raises(SignInThrottled):
        accounts.verify("aysel", PASSWORD, path=file, address="203.0.113.9", throttle=throttle)
    clock.now += 60
    accounts.verify("aysel", PASSWORD, path=file, address="203.0.113.9", throttle=throttle)
    records = [r for r in caplog.records if r.name == "great_return.sign_in"]
    messages = [r.getMessage() for r in records]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING, logging.INFO]
    assert "failed (wrong password)" in messages[0] and "too soon" in messages[1] and "succeeded" in messages[2]
    for message in messages:
        assert "username='aysel'" in message and "address=203.0.113.9" in message and "time=20" in message
        assert "Səhv-parol-1" not in message and PASSWORD not in message


def test_a_typed_username_cannot_forge_a_log_line(file, throttle, caplog):
    caplog.set_level(logging.INFO, logger="great_return.sign_in")
    accounts.verify("x\nsign-in succeeded: username='admin'", "whatever1", path=file, throttle=throttle)
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_a_broken_accounts_file_is_refused_in_words(file, lachin):
    file.write_text("[accounts.aysel]\nrole = 'admin'\n", encoding="utf-8")  # no password hash
    with pytest.raises(AccountError, match="cannot read the accounts file"):
        accounts.load(file)


def test_a_sign_in_token_signs_its_account_in_again_until_it_expires_or_the_password_changes(tmp_path, monkeypatch):
    file = tmp_path / "accounts.toml"
    accounts.add("aysel", "Şəhər2026!", "coordinator", ["AZ-LAC"], path=file)
    token = accounts.issue_token("aysel", path=file)
    assert "Şəhər" not in token and "argon2" not in token  # nothing secret in it
    assert accounts.actor_from_token(token, 60, path=file).districts == ("AZ-LAC",)
    assert (file.parent / "session_secret").stat().st_mode & 0o777 == 0o600
    assert accounts.actor_from_token(token[:-2] + "xx", 60, path=file) is None  # altered
    assert accounts.actor_from_token(token, -1, path=file) is None  # older than allowed
    accounts.reset_password("aysel", "Yeni-parol-2026", path=file)
    assert accounts.actor_from_token(token, 60, path=file) is None
    fresh = accounts.issue_token("aysel", path=file)
    accounts.disable("aysel", path=file)
    assert accounts.actor_from_token(fresh, 60, path=file) is None
    assert accounts.issue_token("aysel", path=file) is None
