"""An agency import commits in batches: another connection writes in between (issue 14).

See tests/tasks_import/test_batches.py for the task import and the other user's connection.
"""

import pytest
from sqlalchemy import func, select

from tests.tasks_import.test_batches import OtherUser
from tracker.agencies import services as agency_services
from tracker.agencies.importer import AgencyRow
from tracker.agencies.models import Agency
from tracker.agencies.services import AgencyError
from tracker.extensions import db


@pytest.fixture
def other(app_ctx):
    user = OtherUser()
    yield user
    user.close()


def test_another_connection_writes_between_the_batches_of_an_agency_import(app_ctx, other):
    rows = [AgencyRow(line=i + 2, name=f"Đơn vị số {i}", aliases=[f"ĐV{i}"]) for i in range(25)]
    rows.append(AgencyRow(line=27, name="Sở Y tế"))
    rows.append(AgencyRow(line=28, name="Đơn vị cũ", merged_into="Đơn vị số 3"))
    seen = []

    def between(done: int, total: int) -> None:
        other.write()
        seen.append(done)

    assert agency_services.import_rows(rows, batch_rows=10, on_batch=between) == (27, 0)
    assert seen == [10, 20, 27]
    old = db.session.scalar(select(Agency).where(Agency.name == "Đơn vị cũ"))
    assert old.merged_into.name == "Đơn vị số 3" and not old.active
    # the same file again: the same agencies updated, none created twice
    assert agency_services.import_rows(rows, batch_rows=10) == (0, 27)
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 27


def test_a_refused_merge_writes_nothing_even_in_a_later_batch(app_ctx, data):
    """A saved agency with open tasks cannot be merged by an import: checked before the
    first batch, so the rows before it are not written either."""
    rows = [AgencyRow(line=i + 2, name=f"Đơn vị số {i}") for i in range(12)]
    rows.append(AgencyRow(line=14, name="Sở Tài chính", merged_into="Đơn vị số 1"))
    before = db.session.scalar(select(func.count()).select_from(Agency))
    with pytest.raises(AgencyError, match="nhiệm vụ đang thực hiện"):
        agency_services.import_rows(rows, batch_rows=5)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Agency)) == before
