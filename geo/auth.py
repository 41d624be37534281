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

import functools
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

@functools.cache
def _dummy_hash() -> bytes:
    """Checked against for an unknown name, so the answer time does not tell which names exist.
    Made on the first sign-in, not at import: a bcrypt hash costs a quarter second of every app start."""
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=12))


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
    ok = _verify(password, account.password_hash if account else _dummy_hash()) and account is not None
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


# ---------------------------------------------------------------------------
# lasting sign-in: a signed, expiring session token and server-side session ids
# ---------------------------------------------------------------------------
# The browser keeps the token in a cookie (``COOKIE``); the app reads it on a new
# session (a reload, a shared link) and the person is signed in again without typing.
# The token says who, which session and when it was issued, signed with a secret from
# configuration; it stops working after ``session_hours`` or when 退出登录 revokes its
# session id in the data folder's session file (every tab, every copy of the cookie).
COOKIE = "geo_session"
SESSION_HOURS_DEFAULT = 12.0
SECRET_NAME = "auth.cookie_secret"          # secrets.toml [auth] cookie_secret, or $GEO_AUTH_COOKIE_SECRET
HOURS_NAME = "auth.session_hours"           # secrets.toml [auth] session_hours, or $GEO_AUTH_SESSION_HOURS
SECRET_FILE = ".auth_secret"                # generated in the data folder when no secret is configured
SESSIONS_FILE = ".auth_sessions.json"       # active session ids (data folder)
_SALT = "geo-signin-v1"


def session_hours() -> float:
    """How long a sign-in lasts, in hours (configured, default 12); nonsense falls back to the default."""
    raw = config.secret(HOURS_NAME, default=SESSION_HOURS_DEFAULT)
    try:
        hours = float(raw)
    except (TypeError, ValueError):
        return SESSION_HOURS_DEFAULT
    return hours if 0 < hours <= 24 * 366 else SESSION_HOURS_DEFAULT


def cookie_secret(directory=None) -> str:
    """The signing secret: configured (secrets/env), else one generated once into the data folder.

    The generated file (``.auth_secret``, mode 600) is untracked; deleting it signs everybody out.
    """
    import os
    import secrets as _secrets
    from pathlib import Path

    configured = config.secret(SECRET_NAME)
    if configured:
        return str(configured)
    path = Path(directory or config.data_dir()) / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = _secrets.token_urlsafe(48)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    try:
        os.link(tmp, path)          # first writer wins; a racing session reads the winner's secret
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def _serializer(secret: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt=_SALT)


@dataclass(frozen=True)
class Session:
    """A lasting sign-in: who, which session id, issued when (epoch seconds)."""
    user: User
    session_id: str
    issued: float


class SessionStore:
    """The active session ids, in one JSON file of the data folder (shared by every app process).

    ``{session_id: {"user": name, "issued": t, "expires": t}}``; expired ids are dropped on write.
    """

    def __init__(self, path, *, clock: Callable[[], float] = time.time):
        from pathlib import Path

        from filelock import FileLock

        self.path = Path(path)
        self.clock = clock
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=10)

    @classmethod
    def in_data_dir(cls, directory=None) -> "SessionStore":
        from pathlib import Path

        return cls(Path(directory or config.data_dir()) / SESSIONS_FILE)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict, now: float | None = None) -> None:
        import os

        now = self.clock() if now is None else now
        data = {k: v for k, v in data.items() if isinstance(v, dict) and _number(v.get("expires")) > now}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, self.path)

    def add(self, session_id: str, user: str, issued: float, expires: float) -> None:
        with self._lock:
            data = self._read()
            data[session_id] = {"user": user, "issued": issued, "expires": expires}
            self._write(data, now=issued)

    def is_active(self, session_id: str, user: str, *, now: float | None = None) -> bool:
        entry = self._read().get(session_id)
        now = self.clock() if now is None else now
        try:
            return isinstance(entry, dict) and entry.get("user") == user and float(entry.get("expires") or 0) > now
        except (TypeError, ValueError):
            return False

    def revoke(self, session_id: str) -> None:
        with self._lock:
            data = self._read()
            data.pop(session_id, None)
            self._write(data)

    def revoke_user(self, user: str) -> int:
        """End every session of ``user`` (all browsers); returns how many were active."""
        with self._lock:
            data = self._read()
            keep = {k: v for k, v in data.items() if not (isinstance(v, dict) and v.get("user") == user)}
            self._write(keep)
            return len(data) - len(keep)


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def start_session(user: User, *, secret: str, sessions: SessionStore, hours: float | None = None,
                  now: float | None = None) -> tuple[Session, str]:
    """A new lasting session for a signed-in ``user``: recorded in ``sessions``; returns it and its token."""
    import secrets as _secrets

    if not user.can_edit:
        raise NotAllowed("not_allowed", action=action_label("edit"), code="edit")
    now = time.time() if now is None else now
    hours = session_hours() if hours is None else hours
    session = Session(user, _secrets.token_urlsafe(18), now)
    sessions.add(session.session_id, user.name, now, now + hours * 3600)
    token = _serializer(secret).dumps({"u": user.name, "sid": session.session_id, "iat": int(now)})
    return session, token


def resume_session(token: str | None, *, secret: str, sessions: SessionStore,
                   accounts: Mapping[str, Account] | None = None, hours: float | None = None,
                   now: float | None = None) -> Session | None:
    """The :class:`Session` a token stands for, or None when it is missing, forged, expired or revoked.

    The role comes from the accounts as they are now: an account removed from the secrets
    no longer signs in, whatever its cookie says.
    """
    from itsdangerous import BadData

    if not token or not isinstance(token, str) or len(token) > 4096:
        return None
    hours = session_hours() if hours is None else hours
    now = time.time() if now is None else now
    try:
        payload = _serializer(secret).loads(token, max_age=None)
    except BadData:
        return None
    if not isinstance(payload, dict):
        return None
    name, sid, issued = payload.get("u"), payload.get("sid"), payload.get("iat")
    if not isinstance(name, str) or not isinstance(sid, str) or not isinstance(issued, int):
        return None
    if not (issued - 60 <= now < issued + hours * 3600):
        return None
    if not sessions.is_active(sid, name, now=now):
        return None
    try:
        accounts = load_accounts() if accounts is None else accounts
    except AuthError:
        return None
    account = accounts.get(name)
    if account is None:
        return None
    return Session(User(account.name, account.role), sid, float(issued))


def end_session(session_id: str | None, *, sessions: SessionStore) -> None:
    """退出登录: the session id is revoked, so its cookie (anywhere it was copied) no longer signs in."""
    if session_id:
        sessions.revoke(session_id)
