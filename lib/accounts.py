"""Local accounts: who may sign in, with which role and districts, and the check of a password.

The accounts live in one TOML file (setting ``accounts_file``), managed from the command line
(``python -m lib.cli accounts``) and never by the pages. A password is kept only as an argon2id
hash (argon2-cffi's :class:`~argon2.PasswordHasher`); the file is replaced atomically and is
readable by its owner alone (mode 0600), and edits take turns through a lock file.

Signing in (:func:`verify`) is slowed down after failures by a :class:`Throttle` (per username
and per client address: 1, 2, 4 ... seconds, at most 30, before the next attempt is even
checked), and every attempt is logged on the ``great_return.sign_in`` logger with the username,
the address and the time, never the password.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path

import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from filelock import FileLock
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lib.access import ACCOUNT_ROLES, COORDINATOR, Actor

LOG = logging.getLogger("great_return.sign_in")
MIN_PASSWORD_LENGTH = 8
# Letters of any script, digits and . _ @ -: what a login name is typed with (and nothing that
# could pass for another line in a log).
_USERNAME = re.compile(r"[\w.@-]{1,64}")
_HEADER = (
    "# Accounts of the Great Return dashboard. Managed with `python -m lib.cli accounts`;\n"
    "# passwords are kept only as argon2id hashes. Keep this file readable by its owner alone.\n"
)


class AccountError(ValueError):
    """An account change or lookup the rules refuse (unknown user, bad role, short password, ...)."""


class SignInThrottled(Exception):
    """A sign-in attempted before the wait that earlier failures impose has passed; ``wait`` is
    the seconds still to wait. The password was not checked."""

    def __init__(self, wait: float):
        self.wait = wait
        super().__init__(f"too many failed sign-ins; try again in {wait:.0f} s")


@dataclass(frozen=True)
class Account:
    """One local account. ``districts`` limits a coordinator (empty for the other roles)."""

    username: str
    role: str
    password_hash: str = field(repr=False)
    display_name: str = ""
    districts: tuple[str, ...] = ()
    email: str | None = None
    disabled: bool = False

    def __post_init__(self):
        if self.role not in ACCOUNT_ROLES:
            raise AccountError(f"unknown role {self.role!r}; expected one of {', '.join(ACCOUNT_ROLES)}")
        districts = tuple(sorted({d.strip().upper() for d in self.districts if d.strip()}))
        if self.role == COORDINATOR and not districts:
            raise AccountError(f"a coordinator needs at least one district ({self.username})")
        object.__setattr__(self, "districts", districts if self.role == COORDINATOR else ())

    @property
    def actor(self) -> Actor:
        """Who this account acts as once signed in."""
        return Actor(self.username, self.role, self.districts or None, self.display_name)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _checked_email(email: str | None) -> str | None:
    """An e-mail address in lower case (None for none), or :class:`AccountError` for one that is not."""
    email = (email or "").strip().lower()
    if email and not _EMAIL.fullmatch(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email or None


def normalise_username(username: str) -> str:
    """A username as stored: trimmed, lower case."""
    return username.strip().lower()


def _checked_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.fullmatch(name):
        raise AccountError(f"a username is 1 to 64 letters, digits or . _ @ - (not {username!r})")
    return name


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return password


@cache
def hasher() -> PasswordHasher:
    """The password hasher (argon2id with argon2-cffi's current recommended parameters)."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


@cache
def _stand_in_hash() -> str:
    # checked against when the username is unknown, so that a wrong name takes as long as a
    # wrong password and timing does not tell which names exist
    return hasher().hash("no such account")


def _path(path: Path | str | None) -> Path:
    if path is None:
        from lib.config import get_settings

        return Path(get_settings().accounts_file).expanduser()
    return Path(path).expanduser()


# ---------------------------------------------------------------------------------------------
# The file


def load(path: Path | str | None = None) -> dict[str, Account]:
    """The accounts in the file (``None``: the configured ``accounts_file``), by username; none
    when the file does not exist. Read again only when the file changed.

    Raises
    ------
    AccountError
        When the file is not a valid accounts file (nobody can sign in until it is mended).
    """
    path = _path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    if stat.st_mode & 0o077:
        logging.getLogger("great_return.accounts").warning(
            "%s can be read by others (mode %o); run chmod 600 on it", path, stat.st_mode & 0o777
        )
    try:
        return dict(_read(str(path), stat.st_mtime_ns, stat.st_size))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError, ValueError) as problem:
        raise AccountError(f"cannot read the accounts file {path}: {problem}") from problem


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int, size: int) -> dict[str, Account]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    accounts = {}
    for username, entry in data.get("accounts", {}).items():
        accounts[username] = Account(
            username=username,
            role=entry["role"],
            password_hash=entry["password_hash"],
            display_name=entry.get("display_name", ""),
            districts=tuple(entry.get("districts", ())),
            email=entry.get("email") or None,
            disabled=bool(entry.get("disabled", False)),
        )
    return accounts


def save(accounts: dict[str, Account], path: Path | str | None = None) -> None:
    """Write ``accounts`` to the file atomically (a temporary file in the same folder, then a
    rename), readable and writable by its owner only."""
    path = _path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    entries = {}
    for username in sorted(accounts):
        account = accounts[username]
        entry = {"display_name": account.display_name, "role": account.role}
        if account.districts:
            entry["districts"] = list(account.districts)
        if account.email:
            entry["email"] = account.email
        entry["disabled"] = account.disabled
        entry["password_hash"] = account.password_hash
        entries[username] = entry
    text = _HEADER + "\n" + tomli_w.dumps({"accounts": entries})
    # mkstemp creates the file with mode 0600 from the start: the hashes are never readable by others
    handle, temporary = tempfile.mkstemp(prefix=".accounts-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _lock(path: Path) -> FileLock:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return FileLock(str(path) + ".lock", timeout=30)


def _change(path: Path | str | None, username: str, change: Callable[[Account], Account]) -> Account:
    """Apply ``change`` to one account and write the file, under the lock."""
    path = _path(path)
    name = normalise_username(username)
    with _lock(path):
        accounts = load(path)
        if name not in accounts:
            raise AccountError(f"no account {name!r}")
        accounts[name] = change(accounts[name])
        save(accounts, path)
    return accounts[name]


# ---------------------------------------------------------------------------------------------
# Managing accounts


def add(
    username: str,
    password: str,
    role: str,
    districts: Iterable[str] = (),
    *,
    display_name: str = "",
    email: str | None = None,
    path: Path | str | None = None,
) -> Account:
    """Add an account.

    Raises
    ------
    AccountError
        When the username is taken or malformed, the role unknown, the password shorter than
        :data:`MIN_PASSWORD_LENGTH`, or a coordinator has no district.
    """
    path = _path(path)
    name = _checked_username(username)
    account = Account(
        username=name,
        role=role,
        password_hash="",
        display_name=display_name.strip(),
        districts=tuple(districts),
        email=_checked_email(email),
    )
    account = replace(account, password_hash=hash_password(_checked_password(password)))
    with _lock(path):
        accounts = load(path)
        if name in accounts:
            raise AccountError(f"an account {name!r} exists already")
        if account.email and find_by_email(accounts, account.email):
            raise AccountError(f"another account has the e-mail address {account.email}")
        accounts[name] = account
        save(accounts, path)
    return account


def set_disabled(username: str, disabled: bool, *, path: Path | str | None = None) -> Account:
    """Disable an account (it can no longer sign in; a session signed in ends at its next
    action) or enable it again."""
    return _change(path, username, lambda account: replace(account, disabled=disabled))


def disable(username: str, *, path: Path | str | None = None) -> Account:
    return set_disabled(username, True, path=path)


def enable(username: str, *, path: Path | str | None = None) -> Account:
    return set_disabled(username, False, path=path)


def reset_password(username: str, password: str, *, path: Path | str | None = None) -> Account:
    """Give an account a new password."""
    new_hash = hash_password(_checked_password(password))
    return _change(path, username, lambda account: replace(account, password_hash=new_hash))


def set_role(
    username: str,
    role: str | None = None,
    districts: Iterable[str] | None = None,
    *,
    display_name: str | None = None,
    email: str | None = None,
    path: Path | str | None = None,
) -> Account:
    """Change an account's role and/or districts (and name or e-mail); ``None`` keeps a value.

    A coordinator keeps their districts when only the role is given; an account made a
    coordinator needs districts."""

    def change(account: Account) -> Account:
        return replace(
            account,
            role=account.role if role is None else role,
            districts=account.districts if districts is None else tuple(districts),
            display_name=account.display_name if display_name is None else display_name.strip(),
            email=account.email if email is None else _checked_email(email),
        )

    return _change(path, username, change)


def find_by_email(accounts: dict[str, Account], email: str) -> Account | None:
    """The account with this e-mail address (any case), if one has it."""
    wanted = email.strip().lower()
    return next((a for a in accounts.values() if a.email and a.email == wanted), None)


def current_actor(username: str, *, path: Path | str | None = None) -> Actor | None:
    """The actor an account acts as now (its role and districts as the file says), or ``None``
    when it was removed or disabled since it signed in."""
    account = load(path).get(normalise_username(username))
    return None if account is None or account.disabled else account.actor


# ---------------------------------------------------------------------------------------------
# Staying signed in across a reload

_TOKEN_SALT = "great-return-sign-in"


def _secret(path: Path | str | None = None) -> str:
    """The key that signs sign-in tokens: ``session_secret`` when configured, else one made on
    first use and kept beside the accounts file (readable by its owner alone), so that tokens
    outlive a restart and no two installations share one."""
    from lib.config import get_settings

    configured = get_settings().session_secret
    if configured is not None:
        return configured.get_secret_value()
    return _kept_secret(str(_path(path).with_name("session_secret")))


@lru_cache(maxsize=8)
def _kept_secret(name: str) -> str:
    file = Path(name)
    with _lock(file):
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(32))
        return file.read_text().strip()


def _fingerprint(account: Account) -> str:
    # a new password (or a reset) ends every token issued before it
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def issue_token(username: str, *, path: Path | str | None = None) -> str | None:
    """A signed token that signs ``username`` in again in a new browser session (a reload), or
    ``None`` when the account is gone or disabled. It names the account and its password's
    fingerprint, nothing secret; :func:`actor_from_token` accepts it for a limited time."""
    account = load(path).get(normalise_username(username))
    if account is None or account.disabled:
        return None
    serializer = URLSafeTimedSerializer(_secret(path), salt=_TOKEN_SALT)
    return serializer.dumps({"u": account.username, "p": _fingerprint(account)})


def actor_from_token(token: str, max_age_s: float, *, path: Path | str | None = None) -> Actor | None:
    """The actor a token from :func:`issue_token` signs in, when it is genuine, younger than
    ``max_age_s`` and its account still exists, is enabled and has the same password."""
    serializer = URLSafeTimedSerializer(_secret(path), salt=_TOKEN_SALT)
    try:
        claims = serializer.loads(token, max_age=max_age_s)
    except BadSignature:  # forged, altered or expired (SignatureExpired is one)
        return None
    if not isinstance(claims, dict):
        return None
    account = load(path).get(normalise_username(str(claims.get("u", ""))))
    if account is None or account.disabled or claims.get("p") != _fingerprint(account):
        return None
    return account.actor


# ---------------------------------------------------------------------------------------------
# Signing in


class Throttle:
    """Failed sign-ins slow the next ones down: after ``n`` failures in a row for a username (or
    from a client address), the next attempt is refused unchecked until ``base * 2**(n-1)``
    seconds (at most ``cap``) have passed since the last failure. A success clears the count;
    failures are forgotten after ``forget_after`` seconds without one.

    The state is in this process's memory (each app process keeps its own). ``clock`` is
    injectable so tests need not wait.
    """

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 30.0,
        forget_after: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base, self.cap, self.forget_after, self.clock = base, cap, forget_after, clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last)
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str | None) -> list[str]:
        keys = [f"user:{normalise_username(username)[:64]}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    def delay(self, failures: int) -> float:
        """The wait imposed after ``failures`` failures in a row."""
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def _current(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, now))
        if count and now - last > self.forget_after:
            return 0, now
        return count, last

    def failures(self, username: str, address: str | None = None) -> int:
        """Failures in a row for this username or address, whichever has more."""
        now = self.clock()
        with self._lock:
            return max(self._current(key, now)[0] for key in self._keys(username, address))

    def wait(self, username: str, address: str | None = None) -> float:
        """Seconds before the next attempt for this username from this address is checked (0: now)."""
        now = self.clock()
        with self._lock:
            waits = []
            for key in self._keys(username, address):
                count, last = self._current(key, now)
                waits.append(last + self.delay(count) - now if count else 0.0)
        return max(0.0, *waits)

    def failed(self, username: str, address: str | None = None) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:  # forget the old ones rather than grow without end
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] <= self.forget_after}
            for key in self._keys(username, address):
                count, _ = self._current(key, now)
                self._failures[key] = (count + 1, now)

    def succeeded(self, username: str, address: str | None = None) -> None:
        with self._lock:
            for key in self._keys(username, address):
                self._failures.pop(key, None)


THROTTLE = Throttle()


def _log(outcome: str, username: str, address: str | None, level: int = logging.WARNING) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    # %r: a typed username cannot forge another log line
    LOG.log(level, "sign-in %s: username=%r address=%s time=%s", outcome, username, address or "unknown", at)


def verify(
    username: str,
    password: str,
    *,
    path: Path | str | None = None,
    address: str | None = None,
    throttle: Throttle | None = None,
) -> Actor | None:
    """Check a username and password; the actor the account acts as, or ``None`` (unknown
    username, wrong password, disabled account: the caller cannot tell which, the log can).

    A success rehashes the password when the hasher's parameters have changed since it was set.

    Raises
    ------
    SignInThrottled
        When earlier failures for this username or address impose a wait that has not passed.
    """
    throttle = THROTTLE if throttle is None else throttle
    name = normalise_username(username)
    wait = throttle.wait(name, address)
    if wait > 0:
        _log("refused, too soon after failures", name, address)
        raise SignInThrottled(wait)
    path = _path(path)
    account = load(path).get(name)
    try:
        hasher().verify(account.password_hash if account else _stand_in_hash(), password)
        matched = account is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if not matched or account.disabled:
        throttle.failed(name, address)
        reason = "disabled account" if matched else ("unknown username" if account is None else "wrong password")
        _log(f"failed ({reason})", name, address)
        return None
    throttle.succeeded(name, address)
    _log("succeeded", name, address, logging.INFO)
    if hasher().check_needs_rehash(account.password_hash):
        new_hash = hash_password(password)
        _change(path, name, lambda current: replace(current, password_hash=new_hash))
    return account.actor
