"""A second machine on PostgreSQL's own replication: a real primary and a real hot standby.

Both clusters are made here from Debian's PostgreSQL binaries on loopback ports (`initdb`, then
`pg_basebackup -R` for the standby), the demo province is loaded into the primary, and gunicorn
serves the app with `DATABASE_URL` on the primary and `DATABASE_REPLICA_URL` on the standby.

The proof that a page is answered by the standby is black-box: replay on the standby is paused
(`pg_wal_replay_pause()`), the office completes a task through the API, and then
- the task itself (`/api/v1/tasks/<id>`, a page one lands on after a write) already shows it:
  it reads the primary;
- the list of open tasks (`/api/v1/tasks?state=open`, marked `@replica_reads`) does not yet:
  it reads the paused standby;
- once replay resumes, the list shows it too.
In-process, a marked request's SELECT runs where `pg_is_in_recovery()` is true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.stack.conftest import (
    Processes,
    free_port,
    require_stack_database,
    wait_for,
)
from tests.stack.test_production_stack import stack_env

pytestmark = pytest.mark.stack


def _pg_bin() -> Path:
    """Debian's PostgreSQL server binaries (not on PATH there): the newest version's."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        pytest.fail("initdb not found: install Debian's postgresql package")
    return versions[-1].parent


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run the server tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str], timeout: float = 120) -> str:
    result = subprocess.run(
        _as_postgres(argv), capture_output=True, text=True, timeout=timeout, cwd="/"
    )
    assert result.returncode == 0, f"{' '.join(argv)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


class Cluster:
    """One PostgreSQL cluster in a directory of its own, listening on 127.0.0.1:port."""

    def __init__(self, bin_dir: Path, data: Path, port: int):
        self.bin, self.data, self.port = bin_dir, data, port
        self.logfile = data.parent / f"{data.name}.log"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        _run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.logfile),
                "-o",
                options,
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres(
                    [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
                ),
                capture_output=True,
                timeout=60,
                cwd="/",
            )

    def log(self) -> str:
        path = self.logfile
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@pytest.fixture(scope="module")
def clusters():
    require_stack_database()  # the PostgreSQL pass of `make test` only
    bin_dir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="tracker-replica-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary = Cluster(bin_dir, root / "primary", free_port())
    standby = Cluster(bin_dir, root / "standby", free_port())
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(primary.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        primary.start()
        admin = create_engine(primary.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE tracker"))
        admin.dispose()
        # the standby: a base backup of the running primary, with -R writing
        # primary_conninfo and standby.signal, as the PostgreSQL docs' recipe does
        _run(
            [
                str(bin_dir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(standby.data),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            ]
        )
        standby.start()
        yield primary, standby
    except BaseException:
        print("----- primary -----\n" + primary.log())
        print("----- standby -----\n" + standby.log())
        raise
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


def _in_recovery(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one()
    finally:
        engine.dispose()


def _caught_up(primary_url: str, standby_url: str) -> bool:
    """The standby has replayed everything the primary has written so far."""
    p = create_engine(primary_url)
    s = create_engine(standby_url)
    try:
        with p.connect() as pc, s.connect() as sc:
            lsn = pc.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
            return sc.execute(
                text("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), :lsn) >= 0"), {"lsn": lsn}
            ).scalar_one()
    finally:
        p.dispose()
        s.dispose()


def _set_replay(standby_url: str, paused: bool) -> None:
    engine = create_engine(standby_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            fn = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
            conn.execute(text(f"SELECT {fn}()"))
    finally:
        engine.dispose()


def _answers(base: str, token: str) -> bool:
    try:
        return _api(base, token, "/api/v1/agencies")[0] == 200
    except OSError:
        return False


def _api(base: str, token: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        headers={
            "Authorization": f"Bearer {token}",
            **({"Content-Type": "application/json"} if data else {}),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_a_marked_select_runs_on_the_standby(clusters, tmp_path):
    """In-process: a marked GET request's SELECT is answered where pg_is_in_recovery()."""
    from flask import g

    from tests.conftest import make_config
    from tracker import create_app
    from tracker.extensions import db

    primary, standby = clusters
    app = create_app(
        make_config(
            primary.url("postgres"),
            tmp_path,
            SQLALCHEMY_BINDS={"replica": standby.url("postgres")},
        )
    )
    with app.test_request_context("/reports/"):
        assert db.session.execute(select(func.pg_is_in_recovery())).scalar_one() is False
        db.session.rollback()
        g.replica_reads = True
        assert db.session.execute(select(func.pg_is_in_recovery())).scalar_one() is True
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_reports_read_the_standby_and_writes_read_the_primary(clusters, tmp_path):
    primary, standby = clusters
    p_url, s_url = primary.url("tracker"), standby.url("tracker")
    port = free_port()
    env = stack_env(p_url, tmp_path, port, smtp_port=free_port())
    env["DATABASE_REPLICA_URL"] = s_url
    procs = Processes(env, tmp_path)
    try:
        procs.run("db", "upgrade")
        procs.run("demo", "load", timeout=180)
        token = procs.run("users", "token", "create", "--email", "admin@tinh.gov.vn").stdout
        token = next(
            word for line in token.splitlines() for word in line.split() if len(word) >= 32
        )
        web = procs.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base, token), 60, "gunicorn to answer", [web])
        wait_for(lambda: _caught_up(p_url, s_url), 60, "the standby to replay the demo", [web])
        assert _in_recovery(s_url) and not _in_recovery(p_url)

        def open_total() -> int:
            status, body = _api(base, token, "/api/v1/tasks?state=open&per_page=100")
            assert status == 200, body
            return body["total"]

        status, listing = _api(base, token, "/api/v1/tasks?state=open&per_page=100")
        assert status == 200, listing
        before = listing["total"]
        # a one-off task; the office's "hoàn thành" is done at once (an agency's would wait
        # for the office's acceptance, issue 16)
        task = next(
            item
            for item in listing["items"]
            if all(o["kind"] == "task" for o in item.get("obligations", []))
        )

        _set_replay(s_url, paused=True)
        status, body = _api(
            base,
            token,
            f"/api/v1/tasks/{task['id']}/completion",
            {"report_number": "123/BC-STC", "report_date": None},
        )
        assert status == 200, body
        # read-your-own-write: the task page reads the primary
        status, body = _api(base, token, f"/api/v1/tasks/{task['id']}")
        assert status == 200 and body["done_on"] is not None, body
        # the list is answered by the paused standby: not yet
        assert open_total() == before
        _set_replay(s_url, paused=False)
        wait_for(lambda: open_total() == before - 1, 30, "the standby to catch up", [web])
    except BaseException:
        print(procs.logs())
        print("----- standby -----\n" + standby.log())
        raise
    finally:
        procs.stop_all()
