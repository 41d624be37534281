"""What every browser test shares: a real `streamlit run` on 127.0.0.1, Debian's Chromium, and a
guard that blocks and records every non-local request (and every dialog)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output"
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:", "file:")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guard:
    """Blocks and records every non-local request; records dialogs (none may ever open)."""

    def __init__(self, page):
        self.blocked: list[tuple[str, str]] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("dialog", self._dialog)

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            return route.continue_()
        self.blocked.append((route.request.resource_type, url))
        return route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@contextlib.contextmanager
def streamlit_app(data_dir: Path, *, env: dict | None = None, start_timeout: float = 90.0):
    """Run ``streamlit run app.py`` on a free local port with ``GEO_DATA_DIR=data_dir``; yields the URL.

    Waits for the health endpoint (a condition, not a fixed time) and always stops the server.
    """
    port = free_port()
    full_env = {**os.environ, **(env or {}), "GEO_DATA_DIR": str(data_dir)}
    full_env.pop("GEO_STORE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)  # polling interval while waiting for the health endpoint
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


SIGNED_IN = "已登录：{name}"


def sign_in(page, name: str, password: str, *, timeout: float = 60_000) -> None:
    """Sign in through the sidebar form with ONE press of 登录 (no retry: the first press must work)."""
    page.bring_to_front()  # a background page's rendering is throttled
    page.get_by_text("编辑登录").click()
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("密码"))
    form.get_by_label("用户名").fill(name)
    form.get_by_label("密码").fill(password)
    form.get_by_role("button", name="登录").click()
    page.get_by_text(SIGNED_IN.format(name=name)).wait_for(timeout=timeout)


def session_cookie(context, name: str = "geo_session", *, timeout: float = 30.0):
    """The sign-in cookie once the page has written it (polled: the page's script sets it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == name and c["value"]]
        if found:
            return found[0]
        time.sleep(0.1)  # polling interval while waiting for the cookie
    raise AssertionError(f"no {name} cookie after {timeout} s")
