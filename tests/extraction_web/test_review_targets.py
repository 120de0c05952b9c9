"""The review screen shows the chỉ tiêu read from each row's sentence, and saving attaches them
to the tasks (issue 16 §4), on Thông báo 5016."""

import re

from sqlalchemy import select

from tests.extraction_web.test_review_flow import (
    NOTICE,
    demo,  # noqa: F401  (fixture)
    form_fields,
    login_as,
    post_review,
)
from tracker.extensions import db
from tracker.targets.models import TaskTarget
from tracker.tasks.models import Task


def test_review_shows_and_saves_the_targets_of_5016(demo, client):  # noqa: F811
    login_as(client, "admin@tinh.gov.vn")
    html = client.post(
        "/directives/extract/", data={"text": NOTICE.read_text(encoding="utf-8")}
    ).get_data(as_text=True)
    assert "Chỉ tiêu đọc được" in html
    assert 'data-target="≥ 5 giải pháp"' in html
    assert 'data-target="≥ 2 cuộc đối thoại"' in html
    fields = form_fields(html)
    rows = sorted({int(m) for k in fields for m in re.findall(r"^tasks-(\d+)-", k)})
    for i in rows:
        if "due-before-issued" in fields[f"tasks-{i}-warnings"][0]:
            fields[f"tasks-{i}-confirm_early_due"] = ["y"]
        if (
            fields[f"tasks-{i}-collective_kind"][0]
            or not fields.get(f"tasks-{i}-lead_agency_id", [""])[0]
        ):
            fields[f"tasks-{i}-remove"] = ["y"]
    assert post_review(client, fields).status_code == 302
    with demo.app_context():
        saved = db.session.execute(
            select(TaskTarget.unit, TaskTarget.quantity, Task.source_text).join(Task)
        ).all()
        units = {(unit, int(quantity)) for unit, quantity, _ in saved}
        assert ("giải pháp", 5) in units
        assert ("cuộc đối thoại", 2) in units
        for unit, _quantity, source in saved:
            assert unit == "%" or unit in source
