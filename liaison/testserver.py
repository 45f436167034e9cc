"""A real server process on its own database, for tests that need requests to run truly at the same time.

The test database of pytest-django lives inside the test process (SQLite in memory) or inside its transaction, so
simultaneous requests through the test client or a live-server thread never race for real. This starts gunicorn with
several worker processes on a database of its own: a SQLite file, or a new database on the PostgreSQL server the
suite runs on (``DATABASE_URL``), dropped afterwards.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _database(tmp_path: Path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    name = f"koban_server_{secrets.token_hex(4)}"
    admin = {"dbname": "postgres", "user": parts.username or "postgres", **query}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """A running server: ``base`` URL, ``manage(...)`` on its database, ``session(...)`` to log in."""

    def __init__(self, base: str, env: dict[str, str]):
        self.base = base
        self.env = env
        self.host, port = urllib.parse.urlsplit(base).netloc.split(":")
        self.port = int(port)

    def manage(self, *args: str, timeout: int = 300) -> str:
        """Run a manage.py command against the server's database; its standard output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def session(self, username: str, password: str) -> Browser:
        browser = Browser(self)
        page = browser.get("/accounts/login/")
        browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
                "username": username,
                "password": password,
            },
        )
        if "sessionid" not in browser.cookies:
            raise RuntimeError(f"login as {username} failed")
        return browser


class Browser:
    """Cookies and plain HTTP/1.1 requests, one connection per request (so threads can share it)."""

    def __init__(self, server: Server):
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data or {}, doseq=True) if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for morsel in http.cookies.SimpleCookie(header).values():
                    self.cookies[morsel.key] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def get(self, path: str) -> str:
        status, _headers, text = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return text

    def post(self, path: str, data: dict) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, data)


def hidden_value(html: str, name: str) -> str:
    """The value of the hidden input called ``name`` in a page."""
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', html)
    if match is None:
        raise AssertionError(f"no hidden input {name!r} on the page")
    return match.group(1)


@contextlib.contextmanager
def running_server(tmp_path: Path, *, setup: str, workers: int = 4):
    """Migrate a fresh database, run ``setup`` (Python, via ``manage.py shell``), serve it with gunicorn."""
    with _database(tmp_path) as database_url:
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}
        env.update(DATABASE_URL=database_url, VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
        port = _free_port()
        server = Server(f"http://127.0.0.1:{port}", env)
        server.manage("migrate", "--no-input", "-v", "0")
        server.manage("shell", "-v", "0", "-c", setup)
        log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "config.wsgi",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
