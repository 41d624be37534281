"""What the AppTest files share: pointing the app at a test data folder, running it, signing in."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.auth import THROTTLE
from tests import edit_data

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def use_data(monkeypatch, data_dir: Path) -> Path:
    """The app reads ``data_dir`` (file store) and knows the test editors; no sign-in throttle carried over."""
    monkeypatch.setenv("GEO_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GEO_AUTH_USERS", edit_data.accounts_env())
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    THROTTLE._state.clear()
    return data_dir


def run_app(query: dict | None = None, *, timeout: float = 90) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str = "anna", password: str | None = None) -> AppTest:
    at.sidebar.text_input(key="auth_name").input(name)
    at.sidebar.text_input(key="auth_password").input(password or edit_data.EDITORS[name])
    next(b for b in at.sidebar.button if "登录" in b.label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
