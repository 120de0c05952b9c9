"""Helpers of the stack tests: real processes (gunicorn, the scheduler, the CLI) on loopback.

The stack tests need PostgreSQL and a database of their own, which they reset: the one named by
`TEST_STACK_DATABASE_URL`, or else `<TEST_DATABASE_URL's database>_stack` (created if missing).
With SQLite as the test database (TEST_DATABASE_URL unset) they are skipped: production runs on
PostgreSQL, and `make test`'s PostgreSQL pass runs them.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from config import _database_url

ROOT = Path(__file__).resolve().parents[2]


def stack_database_url() -> str | None:
    """The PostgreSQL database the stack tests may reset, or None on SQLite."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgres"):
        return None  # the SQLite pass of the suite; the PostgreSQL pass runs the stack
    explicit = os.environ.get("TEST_STACK_DATABASE_URL")
    if explicit:
        return _database_url(explicit)
    url = make_url(_database_url(test_url))
    stack = url.set(database=f"{url.database}_stack")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": stack.database}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{stack.database}"'))
    finally:
        admin.dispose()
    return stack.render_as_string(hide_password=False)


def require_stack_database() -> str:
    url = stack_database_url()
    if url is None:
        pytest.skip(
            "the production stack runs on PostgreSQL: it runs when TEST_DATABASE_URL is a "
            "postgresql URL (the second pass of `make test`)"
        )
    return url


def reset_database(url: str) -> None:
    """A fresh, empty public schema (the stack database only)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            # a process of an earlier run that was not stopped would hold locks
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def table_counts(url: str) -> dict[str, int]:
    """Rows of every table of the public schema (alembic_version included)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            ).scalars()
            return {
                name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in list(names)
            }
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump/pg_restore understand it (no `+psycopg`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Proc:
    """A child process whose output goes to a log file, killed at the end whatever happens."""

    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.popen.poll() is not None:
            return
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)


@dataclass
class Processes:
    """Starts commands from the repository root with a given environment; stops them all."""

    env: dict[str, str]
    logdir: Path
    procs: list[Proc] = field(default_factory=list)

    def run(self, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
        """Run a `flask --app wsgi` command to completion; fail with its output if it fails."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, (
            f"flask {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
        return result

    def start(self, name: str, argv: list[str], **env: str) -> Proc:
        log = self.logdir / f"{name}-{len(self.procs)}.log"
        handle = log.open("w", encoding="utf-8")
        popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers die with it
        )
        handle.close()
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def flask(self, name: str, *args: str, **env: str) -> Proc:
        return self.start(name, [sys.executable, "-m", "flask", "--app", "wsgi", *args], **env)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()

    def logs(self, tail: int = 120) -> str:
        """The last lines of every process's output (the scheduler logs each run)."""
        parts = []
        for p in self.procs:
            lines = [
                line for line in p.output().splitlines() if "apscheduler.executors" not in line
            ]
            parts.append(
                f"----- {p.name} (pid {p.popen.pid}, exit {p.popen.poll()}) -----\n"
                + "\n".join(lines[-tail:])
            )
        return "\n".join(parts)


def wait_for(
    condition: Callable[[], object], timeout: float, what: str, procs=(), interval=0.2
) -> object:
    """Poll until `condition()` is truthy; fail after `timeout` s or when a process died."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for proc in procs:
            if not proc.alive():
                pytest.fail(
                    f"{proc.name} exited ({proc.popen.returncode}) while waiting for {what}"
                )
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    url: str
    body: str
    headers: dict[str, str]


class HttpClient:
    """A tiny browser on the standard library: cookies, forms with their CSRF token."""

    def __init__(self, base: str, follow_redirects: bool = True):
        self.base = base.rstrip("/")
        self.cookies = CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if not follow_redirects:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict | list | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return Response(
                    resp.status, resp.url, resp.read().decode("utf-8"), dict(resp.headers)
                )
        except urllib.error.HTTPError as err:
            return Response(err.code, err.url, err.read().decode("utf-8"), dict(err.headers))

    def get(self, path: str) -> Response:
        return self.request(path)

    def post(self, path: str, data: dict | list) -> Response:
        return self.request(path, data)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (page.status, page.body[:500])
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.body)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def submit(self, path: str, fields: dict, action: str | None = None) -> Response:
        """GET the form at `path` (for its token), then POST `fields` to `action` or `path`."""
        token = self.csrf_token(path)
        return self.post(action or path, {"csrf_token": token, **fields})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, so fixtures can print logs on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def failed(request) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
