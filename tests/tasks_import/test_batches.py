"""Long imports commit in batches: other users can write in between, and a re-run is safe.

Issue 14: during an 80 s agency import in one transaction every other writer got "database is
locked" on SQLite. Each batch is now its own transaction; the hook between batches writes
from another connection that waits at most 0.2 s for the lock (a page's write would wait
15 s; a transaction over the whole file would keep it longer than that).
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from tests.tasks_import.test_import import xlsx
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.tasks import importing
from tracker.tasks.models import Task

LEADS = ["Sở Tài chính", "Sở Y tế", "Sở Nội vụ", "Sở Khoa học và Công nghệ"]


def task_rows(count: int) -> list[list]:
    """Half into the saved 5016/TB-VPUBND, half into a new directive."""
    out = []
    for i in range(count):
        if i % 2:
            header = ["77/KH-UBND", "02/01/2025", "Kế hoạch thử", "Kế hoạch"]
        else:
            header = ["5016/TB-VPUBND", None, None, None]
        due = date(2025, 9, 1) + timedelta(days=i)
        out.append([*header, f"Nhiệm vụ số {i}", LEADS[i % 4], None, None, due, None, None])
    return out


class OtherUser:
    """Another connection to the same database, as another worker's request would have."""

    def __init__(self) -> None:
        self.engine = create_engine(db.engine.url, poolclass=NullPool)
        self.writes = 0

    def write(self) -> int:
        """Change an agency and count the tasks it sees; fail fast if the database is locked."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.execute(text("PRAGMA busy_timeout = 200"))
            else:
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
            self.writes += 1
            conn.execute(
                text("UPDATE agency SET short_name = :v WHERE name = 'Sở Y tế'"),
                {"v": f"SYT{self.writes}"},
            )
            return conn.execute(text("SELECT count(*) FROM task")).scalar_one()

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def other(app_ctx):
    user = OtherUser()
    yield user
    user.close()


def _task_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Task))


def test_another_connection_writes_between_the_batches_of_a_task_import(app_ctx, data, other):
    plan = importing.plan_import(importing.read_rows("t.xlsx", xlsx(task_rows(45))))
    assert not plan.errors and len(plan.rows) == 45
    before = _task_count()
    seen: list[tuple[int, int, int]] = []

    def between(done: int, total: int) -> None:
        seen.append((done, total, other.write()))

    assert importing.import_plan(plan, batch_rows=10, on_batch=between) == (45, 1)
    # five batches; each committed before the other user wrote, who saw its tasks
    assert [(d, t) for d, t, _seen in seen] == [(10, 45), (20, 45), (30, 45), (40, 45), (45, 45)]
    assert [count - before for _d, _t, count in seen] == [10, 20, 30, 40, 45]
    assert _task_count() == before + 45
    assert db.session.scalar(select(Agency.short_name).where(Agency.name == "Sở Y tế")) == "SYT5"


def test_an_import_stopped_mid_way_keeps_its_batches_and_a_rerun_adds_only_the_rest(
    app_ctx, data, monkeypatch
):
    content = xlsx(task_rows(30))
    plan = importing.plan_import(importing.read_rows("t.xlsx", content))
    before = _task_count()
    real = importing._write_batch
    calls = []

    def dies_at_the_third(batch, plan, user_id):
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("máy chủ dừng")
        return real(batch, plan, user_id)

    monkeypatch.setattr(importing, "_write_batch", dies_at_the_third)
    with pytest.raises(importing.ImportStopped) as stopped:
        importing.import_plan(plan, batch_rows=10)
    assert stopped.value.done == 20
    assert "Đã nhập 20 dòng" in str(stopped.value) and "máy chủ dừng" in str(stopped.value)
    assert _task_count() == before + 20  # the two committed batches stay, the third is gone
    monkeypatch.undo()

    again = importing.plan_import(importing.read_rows("t.xlsx", content))
    assert not again.errors
    assert len(again.skipped) == 20 and len(again.rows) == 10
    assert "đã có trong văn bản" in again.skipped[0].message
    assert importing.import_plan(again, batch_rows=10) == (10, 0)  # the directive exists now
    assert _task_count() == before + 30
    # a third run finds nothing to do
    last = importing.plan_import(importing.read_rows("t.xlsx", content))
    assert (len(last.rows), len(last.skipped)) == (0, 30)


def test_a_row_repeated_in_the_file_is_imported_as_often_as_it_appears(app_ctx, data):
    row = ["5016/TB-VPUBND", None, None, None, "Báo cáo lặp", "Sở Y tế", None, None, None]
    plan = importing.plan_import(importing.read_rows("t.xlsx", xlsx([row, row])))
    assert len(plan.rows) == 2
    importing.import_plan(plan)
    plan = importing.plan_import(importing.read_rows("t.xlsx", xlsx([row, row, row])))
    assert (len(plan.rows), len(plan.skipped)) == (1, 2)


def test_the_task_cli_commits_in_batches_and_reports_skipped_rows(app, data, runner, tmp_path):
    app.config["TRACKER_LIMIT_IMPORT_BATCH_ROWS"] = 4
    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(xlsx(task_rows(9)))
    result = runner.invoke(args=["tasks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 9 nhiệm vụ (1 văn bản mới)" in result.output
    result = runner.invoke(args=["tasks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "9 dòng đã có trong hệ thống" in result.output
