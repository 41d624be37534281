"""Who may edit: editors sign in with a bcrypt-hashed password kept in secrets; everyone else views.

Accounts live outside the repository, in ``.streamlit/secrets.toml``::

    [auth.users.anna]
    password_hash = "$2b$12$..."      # from: python -m geo user hash
    role = "editor"

or in the environment as JSON (deployments, tests)::

    GEO_AUTH_USERS='{"anna": {"password_hash": "$2b$12$...", "role": "editor"}}'

A person who has not signed in is a viewer (the projector, the public view): they see
everything and can change nothing. Repeated failed sign-ins for a name are slowed
down (see :class:`Throttle`), so a password cannot be guessed by trying many.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

import bcrypt

from geo import config
from geo.i18n import LocalisedError, Message

ROLES = ("editor", "admin")  # roles that may edit; "viewer" is everybody not signed in
VIEWER = "viewer"
BCRYPT_MAX_BYTES = 72  # bcrypt ignores (5.x: refuses) anything past 72 bytes
MIN_PASSWORD_CHARS = 8
USERS_ENV = "GEO_AUTH_USERS"

# Used to spend the same time on an unknown name as on a wrong password, so the
# answer time does not tell which names exist.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=12))


class AuthError(LocalisedError):
    """A sign-in or configuration problem, phrased for the person at the screen."""


class NotAllowed(AuthError):
    """The current person may not do this (a viewer trying to edit)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str = VIEWER

    @property
    def can_edit(self) -> bool:
        return self.role in ROLES

    @property
    def is_viewer(self) -> bool:
        return not self.can_edit


ANONYMOUS = User("", VIEWER)


@dataclass(frozen=True)
class Account:
    name: str
    password_hash: bytes
    role: str


# ---------------------------------------------------------------------------
# accounts from secrets / environment
# ---------------------------------------------------------------------------
def load_accounts(raw: Mapping | str | None = None) -> dict[str, Account]:
    """Accounts from ``raw`` (a mapping or JSON text) or, by default, from secrets/env.

    Raises :class:`AuthError` naming the account and the fix when an entry is malformed.
    """
    if raw is None:
        raw = config.secret("auth.users", default={})
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise AuthError("accounts_json", env=USERS_ENV, msg=exc.msg, col=exc.colno) from None
    if not isinstance(raw, Mapping):
        raise AuthError("accounts_table")
    accounts = {}
    for name, entry in raw.items():
        if not isinstance(entry, Mapping):
            raise AuthError("account_fields", name=name)
        if "password" in entry:
            raise AuthError("account_plain_password", name=name)
        pw_hash = str(entry.get("password_hash") or "")
        if not pw_hash.startswith(("$2a$", "$2b$", "$2y$")) or len(pw_hash) != 60:
            raise AuthError("account_bad_hash", name=name)
        role = str(entry.get("role") or "editor")
        if role not in ROLES:
            raise AuthError("account_role", name=name, role=role, roles=", ".join(ROLES))
        accounts[str(name)] = Account(str(name), pw_hash.encode("ascii"), role)
    return accounts


def hash_password(password: str, rounds: int = 12) -> str:
    """A bcrypt hash for ``password``; refuses passwords bcrypt would silently shorten or that are too short."""
    check_password_rules(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AuthError("password_short", n=MIN_PASSWORD_CHARS)
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise AuthError("password_long", n=BCRYPT_MAX_BYTES)


def _verify(password: str, pw_hash: bytes) -> bool:
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        bcrypt.checkpw(b"x", pw_hash)
        return False
    try:
        return bcrypt.checkpw(data, pw_hash)
    except ValueError:
        return False


# ---------------------------------------------------------------------------
# throttling failed sign-ins
# ---------------------------------------------------------------------------
@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


@dataclass
class Throttle:
    """Slows down guessing: after ``free_attempts`` failures for a name, each further try waits longer.

    The wait doubles from ``base_delay_s`` up to ``max_delay_s``; failures older than
    ``forget_after_s`` are forgotten. Keyed by account name (and, in the app, also by
    session), shared by every session of the process.
    """

    free_attempts: int = 5
    base_delay_s: float = 30.0
    max_delay_s: float = 15 * 60.0
    forget_after_s: float = 60 * 60.0
    clock: Callable[[], float] = time.monotonic
    _state: dict[str, _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, key: str) -> float:
        """How long ``key`` must still wait before another attempt (0: may try now)."""
        with self._lock:
            st = self._current(key)
            return max(0.0, st.locked_until - self.clock()) if st else 0.0

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            st = self._current(key) or self._state.setdefault(key, _Failures())
            st.count += 1
            st.last = now
            over = st.count - self.free_attempts
            if over >= 0:
                st.locked_until = now + min(self.max_delay_s, self.base_delay_s * (2 ** over))

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)

    def _current(self, key: str) -> _Failures | None:
        st = self._state.get(key)
        if st and self.clock() - st.last > self.forget_after_s and st.locked_until <= self.clock():
            del self._state[key]
            return None
        return st


THROTTLE = Throttle()


def _throttle_key(name: str) -> str:
    return name.strip().casefold()


def sign_in(name: str, password: str, *, accounts: Mapping[str, Account] | None = None,
            throttle: Throttle | None = None) -> User:
    """The signed-in :class:`User`, or :class:`AuthError` with a message safe to show.

    The message never says whether the name or the password was wrong.
    """
    throttle = throttle or THROTTLE
    name = (name or "").strip()
    key = _throttle_key(name)
    wait = throttle.wait_seconds(key)
    if wait > 0:
        raise AuthError("signin_throttled", s=int(wait) + 1)
    if not name or not password:
        raise AuthError("signin_empty")
    accounts = load_accounts() if accounts is None else accounts
    account = accounts.get(name)
    ok = _verify(password, account.password_hash if account else _DUMMY_HASH) and account is not None
    if not ok:
        throttle.failed(key)
        raise AuthError("signin_wrong")
    throttle.succeeded(key)
    return User(account.name, account.role)


def require_editor(user: User | None, action: str = "edit") -> User:
    """``user`` if they may edit; else :class:`NotAllowed` saying how to get there."""
    if user is None or not user.can_edit:
        raise NotAllowed("not_allowed", action=action_label(action), code=action)
    return user


def action_label(action: str) -> Message:
    """What a viewer tried to do, in words (修改, 定位, …)."""
    return Message("action_" + action if "action_" + action in ACTIONS else "action_edit")


ACTIONS = ("action_edit", "action_place", "action_status", "action_note", "action_photo", "action_undo")


def secrets_snippet(name: str, password_hash: str, role: str = "editor") -> str:
    """The secrets.toml lines for one account (what ``python -m geo user hash`` prints)."""
    if not name or any(c in name for c in '"\\\n.[]') or name != name.strip():
        raise AuthError("user_name_bad", name=name)
    key = name if all(c.isalnum() or c in "-_" for c in name) else json.dumps(name, ensure_ascii=False)
    return f'[auth.users.{key}]\npassword_hash = "{password_hash}"\nrole = "{role}"\n'
