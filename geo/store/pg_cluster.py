"""A throwaway PostgreSQL cluster with PostGIS, for tests and benchmarks.

initdb in a temporary folder, ``pg_ctl start`` on a free port of 127.0.0.1
(socket in the same folder), one database with ``CREATE EXTENSION postgis``;
``stop()`` shuts it down and deletes the folder. PostgreSQL refuses to run as
root, so as root the server runs as the ``postgres`` user (created if missing).
Nothing here is used by the app: deployments point GEO_STORE_URL at their server.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed; the message says how to install it."""


def find_bin(name: str) -> str | None:
    """``name`` from Debian's versioned folder (newest first) or PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which(name)


def _version_key(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def postgis_installed(initdb: str) -> bool:
    share = subprocess.run([str(Path(initdb).with_name("pg_config")), "--sharedir"],
                           capture_output=True, text=True)
    folders = [share.stdout.strip()] if share.returncode == 0 else []
    folders += glob.glob("/usr/share/postgresql/*")
    return any(Path(f, "extension", "postgis.control").is_file() for f in folders if f)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempCluster:
    """``with TempCluster() as c: c.url`` — a private PostGIS server for as long as the block runs."""

    def __init__(self, *, dbname: str = "geo", fast: bool = True):
        self.dbname = dbname
        self.fast = fast  # fsync off: fine for a cluster thrown away afterwards
        self.folder: Path | None = None
        self.port: int | None = None
        self._as_user: list[str] = []

    # ---- life cycle ------------------------------------------------------
    def start(self) -> "TempCluster":
        initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise ClusterUnavailable("PostgreSQL server programs (initdb, pg_ctl) not found; "
                                     "install them with: apt-get install postgresql postgresql-15-postgis-3 "
                                     "(or run bash scripts/setup.sh test as root)")
        if not postgis_installed(initdb):
            raise ClusterUnavailable("PostGIS is not installed for this PostgreSQL; install it with: "
                                     "apt-get install postgresql-15-postgis-3 (match the server version)")
        self.folder = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        data = self.folder / "data"
        if os.geteuid() == 0:
            user = _server_user()
            info = pwd.getpwnam(user)
            os.chown(self.folder, info.pw_uid, info.pw_gid)
            self._as_user = ["runuser", "-u", user, "--"]
        self.port = free_port()
        atexit.register(self.stop)  # also when the caller forgets, or a test run is interrupted
        self._run([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"], "initdb")
        opts = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                "-c max_connections=60 -c shared_buffers=64MB")
        if self.fast:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run([pg_ctl, "-D", str(data), "-l", str(self.folder / "server.log"), "-o", opts,
                   "-w", "-t", "60", "start"], "pg_ctl start")
        import psycopg

        with psycopg.connect(self.server_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        pg_ctl = find_bin("pg_ctl")
        data = self.folder / "data"
        if pg_ctl and (data / "postmaster.pid").exists():
            subprocess.run(self._as_user + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, text=True)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> "TempCluster":
        return self.start()

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    # ---- addresses -------------------------------------------------------
    def server_url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        return self.server_url(self.dbname)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.folder / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except (OSError, TypeError):
            return ""

    def _run(self, cmd: list[str], what: str) -> None:
        done = subprocess.run(self._as_user + cmd, capture_output=True, text=True)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()[-800:]
            log = self.log_tail()
            self.stop()
            raise ClusterUnavailable(f"{what} failed: {detail}\n{log}".strip())


def _server_user() -> str:
    """An unprivileged OS user to run the server as (root may not)."""
    try:
        pwd.getpwnam(SERVER_USER)
        return SERVER_USER
    except KeyError:
        pass
    name = "geo-pg"
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
    return name
