"""`flask backup` (SQLite) while the app is writing, then restore the copy and run the app on it:
every table has the rows it had at the copy, and the restored database works."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
from flask_migrate import upgrade

from tests.conftest import make_config
from tests.world import build_world
from tracker import create_app
from tracker.extensions import db
from tracker.tasks import services as task_services
from tracker.tasks.models import Task


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    conn.close()
    return counts


def test_sqlite_backup_under_writes_restores_and_serves(tmp_path):
    source = tmp_path / "tracker.sqlite"
    app = create_app(make_config(f"sqlite:///{source}", tmp_path))
    with app.app_context():
        upgrade()
        ids = build_world()
        db.session.commit()

    stop = threading.Event()
    written = []

    def writer():  # the app keeps saving progress reports while the backup runs
        with app.app_context():
            while not stop.is_set() and len(written) < 200:
                task = db.session.get(Task, ids["own"])
                task_services.add_progress(
                    task, body=f"Tiến độ {len(written)}", author_id=None, agency_id=None
                )
                db.session.commit()
                written.append(1)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup = tmp_path / "backup" / "copy.sqlite"
        result = app.test_cli_runner().invoke(args=["backup", "-o", str(backup)])
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        thread.join(30)
    copy = _counts(backup)
    assert copy["task"] == _counts(source)["task"] and copy["alembic_version"] == 1
    assert copy["progress_update"] >= 1  # a consistent copy: some of the writes, never half of one
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    # restore: the copy becomes the database, and the app runs on it
    restored = tmp_path / "restored.sqlite"
    shutil.copy(backup, restored)
    app2 = create_app(make_config(f"sqlite:///{restored}", tmp_path))
    client = app2.test_client()
    response = client.post(
        "/login", data={"email": "admin@tinh.gov.vn", "password": "mat-khau-thu-123"}
    )
    assert response.status_code == 302
    page = client.get(f"/tasks/{ids['own']}")
    assert page.status_code == 200 and "Đã họp triển khai" in page.get_data(as_text=True)
    assert _counts(restored) == copy
    with app2.app_context():
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def test_backup_refuses_postgresql_with_the_pg_dump_hint(app, runner):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the SQLite case is above")
    result = runner.invoke(args=["backup"])
    assert result.exit_code != 0 and "pg_dump" in result.output
