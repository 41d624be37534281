"""Sign-in: bcrypt hashes from secrets/env, roles, throttling, the user hash CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import bcrypt
import pytest

from geo import auth
from geo.auth import AuthError, NotAllowed, Throttle, load_accounts, require_editor, sign_in

ROOT = Path(__file__).resolve().parent.parent


def _hash(pw: str) -> str:
    return bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def accounts():
    return load_accounts({"anna": {"password_hash": _hash("correct horse"), "role": "editor"}})


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_editor_signs_in_with_right_password(accounts):
    user = sign_in("anna", "correct horse", accounts=accounts, throttle=Throttle())
    assert user.name == "anna" and user.can_edit


@pytest.mark.parametrize("name,pw", [("anna", "wrong horse"), ("bob", "correct horse"), ("anna", "")])
def test_wrong_name_or_password_refused_with_same_message(accounts, name, pw):
    with pytest.raises(AuthError) as exc:
        sign_in(name, pw, accounts=accounts, throttle=Throttle())
    assert "anna" not in str(exc.value)


def test_repeated_failures_are_throttled_then_forgiven(accounts):
    clock = FakeClock()
    th = Throttle(free_attempts=3, base_delay_s=30, clock=clock)
    for _ in range(3):
        with pytest.raises(AuthError, match="wrong"):
            sign_in("anna", "nope", accounts=accounts, throttle=th)
    # now even the right password is refused until the wait is over
    with pytest.raises(AuthError, match="too many"):
        sign_in("anna", "correct horse", accounts=accounts, throttle=th)
    clock.t += 31
    assert sign_in("anna", "correct horse", accounts=accounts, throttle=th).can_edit
    assert th.wait_seconds("anna") == 0


def test_throttle_delay_grows(accounts):
    clock = FakeClock()
    th = Throttle(free_attempts=1, base_delay_s=10, max_delay_s=100, clock=clock)
    th.failed("x")
    first = th.wait_seconds("x")
    clock.t += first + 1
    th.failed("x")
    assert th.wait_seconds("x") > first


def test_viewer_cannot_edit():
    with pytest.raises(NotAllowed, match="sign in"):
        require_editor(auth.ANONYMOUS)
    with pytest.raises(NotAllowed):
        require_editor(None)


@pytest.mark.parametrize("raw,needle", [
    ({"anna": {"password": "plain", "role": "editor"}}, "plain-text"),
    ({"anna": {"password_hash": "abc", "role": "editor"}}, "not a bcrypt hash"),
    ({"anna": {"password_hash": "$2b$04$" + "a" * 53, "role": "boss"}}, "role"),
    ("{not json", "not valid JSON"),
])
def test_bad_account_config_is_named(raw, needle):
    with pytest.raises(AuthError, match=needle):
        load_accounts(raw)


def test_accounts_from_environment(monkeypatch):
    monkeypatch.setenv("GEO_AUTH_USERS", json.dumps({"li": {"password_hash": _hash("pass word 1"), "role": "editor"}}))
    assert sign_in("li", "pass word 1", throttle=Throttle()).name == "li"


def test_accounts_from_secrets_file(tmp_path, monkeypatch):
    from geo import config
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(auth.secrets_snippet("wang", _hash("s3cret pass")), encoding="utf-8")
    monkeypatch.delenv("GEO_AUTH_USERS", raising=False)
    monkeypatch.setattr(config, "SECRETS_PATHS", (secrets_file,))
    accounts = load_accounts()
    assert list(accounts) == ["wang"] and accounts["wang"].role == "editor"
    assert sign_in("wang", "s3cret pass", throttle=Throttle()).can_edit


def test_too_long_password_refused_when_hashing():
    with pytest.raises(AuthError, match="72"):
        auth.hash_password("长" * 30)
    with pytest.raises(AuthError, match="short"):
        auth.hash_password("short")


def _cli(args, stdin, env_extra=None):
    import os
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_cli_hash_prints_a_secrets_block_that_signs_in():
    r = _cli(["user", "hash", "zhao"], "long enough pw\n")
    assert r.returncode == 0, r.stderr
    assert "long enough pw" not in r.stdout
    import tomllib
    doc = tomllib.loads(r.stdout)
    accounts = load_accounts(doc["auth"]["users"])
    assert sign_in("zhao", "long enough pw", accounts=accounts, throttle=Throttle()).can_edit


def test_cli_rejects_short_password_and_bad_name():
    r = _cli(["user", "hash", "zhao"], "short\n")
    assert r.returncode == 1 and "too short" in r.stderr and "Traceback" not in r.stderr
    r = _cli(["user", "hash", 'a"b'], "long enough pw\n")
    assert r.returncode == 1 and "user name" in r.stderr


# ---------------------------------------------------------------------------
# lasting sign-in: signed, expiring tokens with revocable session ids
# ---------------------------------------------------------------------------
SECRET = "s" * 48


@pytest.fixture
def sessions(tmp_path):
    return auth.SessionStore(tmp_path / ".auth_sessions.json")


def _editor():
    return auth.User("anna", "editor")


def test_token_resumes_the_session(accounts, sessions):
    session, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12, now=1_000_000)
    again = auth.resume_session(token, secret=SECRET, sessions=sessions, accounts=accounts, hours=12,
                                now=1_000_000 + 3600)
    assert again is not None and again.user == _editor() and again.session_id == session.session_id
    assert "anna" not in token or "." in token  # a signed token, not a bare name


def test_token_expires_after_the_configured_hours(accounts, sessions):
    _, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=2, now=1_000_000)
    assert auth.resume_session(token, secret=SECRET, sessions=sessions, accounts=accounts, hours=2,
                               now=1_000_000 + 2 * 3600 - 5) is not None
    assert auth.resume_session(token, secret=SECRET, sessions=sessions, accounts=accounts, hours=2,
                               now=1_000_000 + 2 * 3600 + 5) is None


def test_signed_out_token_no_longer_signs_in(accounts, sessions):
    session, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12)
    other, other_token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12)
    auth.end_session(session.session_id, sessions=sessions)
    assert auth.resume_session(token, secret=SECRET, sessions=sessions, accounts=accounts, hours=12) is None
    # another browser's sign-in of the same editor is its own session
    assert auth.resume_session(other_token, secret=SECRET, sessions=sessions, accounts=accounts, hours=12)
    assert sessions.revoke_user("anna") == 1
    assert auth.resume_session(other_token, secret=SECRET, sessions=sessions, accounts=accounts, hours=12) is None


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),    # signature changed
    lambda t: "x" + t,                                               # payload changed
    lambda t: "",                                                    # empty cookie
    lambda t: "not-a-token",
    lambda t: t * 300,                                               # absurdly long
])
def test_forged_tokens_are_refused(accounts, sessions, mangle):
    _, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12)
    assert auth.resume_session(mangle(token), secret=SECRET, sessions=sessions, accounts=accounts, hours=12) is None


def test_token_from_another_secret_or_removed_account_is_refused(accounts, sessions):
    _, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12)
    assert auth.resume_session(token, secret="t" * 48, sessions=sessions, accounts=accounts, hours=12) is None
    assert auth.resume_session(token, secret=SECRET, sessions=sessions, accounts={}, hours=12) is None


def test_viewers_get_no_session(sessions):
    with pytest.raises(NotAllowed):
        auth.start_session(auth.ANONYMOUS, secret=SECRET, sessions=sessions)


def test_expired_sessions_are_dropped_from_the_file(sessions):
    sessions.add("old", "anna", 0, 10)
    sessions.add("new", "anna", 50, 4_000_000_000)
    data = json.loads(sessions.path.read_text(encoding="utf-8"))
    assert list(data) == ["new"]


def test_unreadable_session_file_signs_nobody_in(accounts, sessions):
    _, token = auth.start_session(_editor(), secret=SECRET, sessions=sessions, hours=12)
    sessions.path.write_text("{broken", encoding="utf-8")
    assert auth.resume_session(token, secret=SECRET, sessions=sessions, accounts=accounts, hours=12) is None


def test_secret_is_generated_once_into_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("GEO_AUTH_COOKIE_SECRET", raising=False)
    monkeypatch.setattr(auth.config, "_secrets", lambda: {})
    first = auth.cookie_secret(tmp_path)
    assert len(first) >= 32 and auth.cookie_secret(tmp_path) == first
    assert (tmp_path / auth.SECRET_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only
    monkeypatch.setenv("GEO_AUTH_COOKIE_SECRET", "configured-secret-" + "x" * 20)
    assert auth.cookie_secret(tmp_path) == "configured-secret-" + "x" * 20


@pytest.mark.parametrize("raw,hours", [("6", 6.0), ("0.5", 0.5), ("nonsense", 12.0), ("-3", 12.0), (None, 12.0)])
def test_session_hours_are_configurable(monkeypatch, raw, hours):
    monkeypatch.setattr(auth.config, "_secrets", lambda: {})
    if raw is None:
        monkeypatch.delenv("GEO_AUTH_SESSION_HOURS", raising=False)
    else:
        monkeypatch.setenv("GEO_AUTH_SESSION_HOURS", raw)
    assert auth.session_hours() == hours


def test_secret_files_are_not_tracked():
    ignored = subprocess.run(["git", "check-ignore", "data/.auth_secret", "data/.auth_sessions.json"], cwd=ROOT,
                             capture_output=True, text=True)
    if ignored.returncode == 128:
        pytest.skip("not a git work tree")
    assert ignored.stdout.split() == ["data/.auth_secret", "data/.auth_sessions.json"]
