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
