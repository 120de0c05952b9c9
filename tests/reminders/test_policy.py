"""The pure rules: which reminders fire on day D (no database, no Flask)."""

import ast
from datetime import date
from pathlib import Path

import pytest

import tracker.reminders
from tracker.deadlines.calendar import default_calendar
from tracker.reminders.policy import Deadline, Policy, PolicyError, decide, pending_thresholds

CAL = default_calendar()
P = Policy()
D = date


def dl(due, **kw):
    return Deadline("task:1", 1, 7, "lead", due, **kw)


def fire(deadline, day, sent=(), policy=P):
    notices = decide([deadline], day, policy, CAL, set(sent))
    return [(n.category, [t.name for t in n.thresholds]) for n in notices]


def test_policy_module_is_pure():
    path = Path(tracker.reminders.__file__).with_name("policy.py")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            assert not any(n and n.split(".")[0] in {"flask", "sqlalchemy"} for n in names)


def test_before_on_and_after_the_due_date():
    due = D(2025, 8, 15)  # a Friday
    assert fire(dl(due), D(2025, 8, 7)) == []
    assert fire(dl(due), D(2025, 8, 8)) == [("due_soon", ["before:7"])]
    assert fire(dl(due), D(2025, 8, 14)) == [("due_soon", ["before:1"])]
    assert fire(dl(due), D(2025, 8, 15)) == [("due_today", ["due"])]
    assert fire(dl(due), D(2025, 8, 18)) == [("overdue", ["overdue:1"])]
    assert fire(dl(due), D(2025, 8, 25)) == [("overdue", ["overdue:8"])]


def test_a_due_date_on_sunday_is_reminded_on_friday():
    due = D(2025, 8, 10)
    assert fire(dl(due), D(2025, 8, 8)) == [("due_today", ["due"])]
    assert fire(dl(due), D(2025, 8, 9)) == []  # Saturday: nothing goes out


def test_catch_up_is_on_or_before_not_equality():
    due = D(2025, 8, 15)
    key = dl(due).key
    # 8/8 was missed: on 11/8 the "7 days before" still goes out
    assert fire(dl(due), D(2025, 8, 11)) == [("due_soon", ["before:7"])]
    assert fire(dl(due), D(2025, 8, 12), sent={key("before:7")}) == []
    # a ten-day outage: only the latest threshold, once
    assert fire(dl(due), D(2025, 8, 20)) == [("overdue", ["overdue:1"])]
    assert fire(dl(due), D(2025, 8, 21), sent={key("overdue:1")}) == []


def test_escalation_after_more_than_14_30_and_120_days():
    due = D(2025, 6, 2)
    reached = [t.name for t in pending_thresholds(dl(due), D(2025, 6, 16), P, CAL)]
    assert reached == ["overdue:8"]  # 14 days: not yet
    reached = [t.name for t in pending_thresholds(dl(due), D(2025, 6, 17), P, CAL)]
    assert reached == ["overdue:15", "escalate:14"]
    assert fire(dl(due), D(2025, 7, 3))[0] == ("escalated", ["overdue:29", "escalate:30"])
    assert fire(dl(due), D(2025, 10, 1))[0][1][-1] == "escalate:120"


def test_an_extension_starts_a_new_cycle():
    old, new = dl(D(2025, 8, 14)), dl(D(2025, 9, 12))
    assert old.key("before:7") != new.key("before:7")
    assert fire(new, D(2025, 8, 13), sent={old.key("before:7")}) == []


def test_update_request_for_undated_tasks_every_three_months():
    undated = dl(None, last_activity_on=D(2025, 6, 10))
    assert fire(undated, D(2025, 9, 9)) == []
    assert fire(undated, D(2025, 9, 10)) == [("update_requested", ["update:2025-06-10:1"])]
    assert fire(undated, D(2025, 12, 10)) == [("update_requested", ["update:2025-06-10:2"])]
    assert fire(undated, D(2025, 9, 10), policy=Policy(update_after_months=0)) == []


def test_policy_from_settings_validates():
    assert Policy.from_dict(None) == Policy()
    custom = Policy.from_dict({"before_days": [1, 3, 3], "escalate_after_days": [30, 7]})
    assert custom.before_days == (3, 1) and custom.escalate_after_days == (7, 30)
    with pytest.raises(PolicyError):
        Policy.from_dict({"overdue_every_days": 0})
    with pytest.raises(PolicyError):
        Policy.from_dict({"before_days": ["bảy"]})
