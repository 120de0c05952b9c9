"""`flask backup` copies the SQLite database without losing anything."""

import sqlite3

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.tasks.models import Task


def test_backup_and_restore_round_trip(app, runner, data, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL is backed up with pg_dump (tested in the stack test)")
        tasks = db.session.execute(select(func.count(Task.id))).scalar_one()
    target = tmp_path / "copy.sqlite"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from task").fetchone()[0] == tasks
        contents = {row[0] for row in copy.execute("select content from task")}
    copy.close()
    assert "Sở Tài chính tổng hợp kiến nghị thanh tra" in contents
