"""On the demo province, every count and list of overdue work agrees with `tasks list` (issue 12).

`flask tasks list --json` computes each task's state in Python, with its periods and its via
agency's own item. The overdue export (CSV), Tổng quan's "đang thực hiện quá hạn" tile and an
agency's own dashboard count the same obligations in SQL: one-off tasks, reporting periods of
recurring tasks and via agencies' deadlines — on the tests' day and on a later one, when many
monthly and quarterly reports have been skipped.
"""

import csv
import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.reports.test_dashboard_links import _tile_links

LATER = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _overdue_in_cli(runner, *args) -> set[tuple[int, str]]:
    """(task id, which obligation) of every overdue obligation `tasks list` reports."""
    result = runner.invoke(args=["tasks", "list", "--json", *args])
    assert result.exit_code == 0, result.output
    found = set()
    for task in json.loads(result.output):
        if task["status"] == "open_overdue" and not task["cadence"]:
            found.add((task["id"], "task"))
        for period in task.get("periods", []):
            if period["status"] == "open_overdue":
                label = period["label"]
                found.add((task["id"], label[:1].lower() + label[1:]))
        if task.get("via_status") == "open_overdue":
            found.add((task["id"], "via"))
    return found


def _overdue_in_export(client) -> set[tuple[int, str]]:
    response = client.get("/reports/overdue.csv")
    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    found = set()
    for line in lines:
        label = line["Kỳ báo cáo"]
        if not label:
            kind = "task"
        elif label.startswith("Báo cáo tổng hợp"):
            kind = "via"
        else:
            kind = label.removeprefix("Báo cáo ")
        found.add((int(line["Mã nhiệm vụ"]), kind))
    assert len(found) == len(lines)  # one row per obligation
    return found


def _overdue_tile(client) -> int:
    page = client.get("/dashboard").get_data(as_text=True)
    return _tile_links(page)["open_overdue"][0]


def _login(client, email: str, password: str) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302


@pytest.mark.parametrize("later", [False, True], ids=["18-08-2025", "07-12-2026"])
def test_export_tile_and_agency_dashboard_count_what_the_cli_reports(app, runner, later):
    if later:
        app.config["TRACKER_NOW"] = LATER
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    in_cli = _overdue_in_cli(runner)
    periods = {o for o in in_cli if o[1] not in ("task", "via")}
    assert periods, "the demo has overdue reporting periods"
    assert any(o[1] == "task" for o in in_cli)

    office = app.test_client()
    _login(office, "admin@tinh.gov.vn", "quantri-demo")
    assert _overdue_in_export(office) == in_cli
    assert _overdue_tile(office) == len(in_cli)
    # the tile opens the list of the tasks it counts; the list says how many obligations
    listed = office.get("/tasks/?status=open_overdue").get_data(as_text=True)
    assert re.search(rf"Tổng cộng: {len(in_cli)}\b", listed)

    agency = app.test_client()
    _login(agency, "stc@tinh.gov.vn", "sotaichinh-demo")
    own = _overdue_in_cli(runner, "--agency", "Sở Tài chính")
    assert own and own < in_cli
    assert _overdue_in_export(agency) == own
    assert _overdue_tile(agency) == len(own)
