"""The command line on the demo data, and migrations that match the models."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.sql import schema_filter
from tracker.tasks.models import Task


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": schema_filter(connection.dialect.name)}
        )
        assert compare_metadata(context, db.metadata) == []


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.execute(select(func.count(model.id))).scalar_one()
            for model in (Agency, User, Directive, Task)
        )


def test_demo_load_twice_duplicates_nothing(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "admin@tinh.gov.vn" in first.output and "quantri-demo" in first.output
    loaded = counts(app)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert counts(app) == loaded
    # 5016/TB-VPUBND and the two directives dated from the day of loading
    assert loaded[2] == 3 and loaded[3] >= 30


def test_tasks_list_json(app, runner):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["tasks", "list", "--agency", "Sở Tài chính", "--json"])
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.output)
    due_15_8 = next(t for t in tasks if t["due"] == "2025-08-15")
    assert due_15_8["directive"] == "5016/TB-VPUBND"
    assert due_15_8["lead_agency"] == "Sở Tài chính"
    assert due_15_8["status"] == "open_on_time" or due_15_8["status"] == "open_overdue"
    assert {"id", "co_agencies", "via", "cadence", "done", "status"} <= set(due_15_8)
    by_directive = json.loads(
        runner.invoke(args=["tasks", "list", "--directive", "5016/TB-VPUBND", "--json"]).output
    )
    with app.app_context():
        of_5016 = db.session.scalar(
            select(func.count(Task.id)).join(Directive).where(Directive.number == "5016/TB-VPUBND")
        )
    assert len(by_directive) == of_5016 and {t["directive"] for t in by_directive} == {
        "5016/TB-VPUBND"
    }


def test_tasks_list_as_of(app, runner):
    runner.invoke(args=["demo", "load"])
    tasks = json.loads(
        runner.invoke(
            args=["tasks", "list", "--agency", "so tai chinh", "--as-of", "2025-08-08", "--json"]
        ).output
    )
    due_15_8 = next(t for t in tasks if t["due"] == "2025-08-15")
    assert due_15_8["status"] == "open_on_time" and due_15_8["due_soon"] is True


def test_unknown_agency_in_cli(runner, data):
    result = runner.invoke(args=["tasks", "list", "--agency", "Sở Không Có", "--json"])
    assert result.exit_code != 0 and "Không tìm thấy" in result.output
