"""Two people saving the same thing at once, and one POST sent twice (issue 14).

- 12 parallel completions of one task: before, two committed and the second replaced the first
  report number. `Task.version` (optimistic locking) lets exactly one through; the others get
  409 "Nhiệm vụ đã được cập nhật bởi người khác" and change nothing.
- A progress report posted again after a lost response (same form, same idempotency key)
  is saved once.

Threads with their own clients and connections; meaningful on PostgreSQL (row locks) and run
on SQLite too.
"""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from tests.world import client_as
from tracker.extensions import db
from tracker.tasks import services
from tracker.tasks.models import ProgressUpdate, Task

RACERS = 12
CHANGED = "Nhiệm vụ đã được cập nhật bởi người khác"


def test_parallel_completions_let_exactly_one_through(app, world, monkeypatch):
    task_id = world["own"]
    roles = ["officer_own", "office_staff", "office_admin"]
    clients = [client_as(app, roles[i % len(roles)]) for i in range(RACERS)]
    barrier = threading.Barrier(RACERS, timeout=30)
    complete = services.complete_task

    def racing_complete(task, **kwargs):
        barrier.wait()  # every request has read the task as open
        return complete(task, **kwargs)

    monkeypatch.setattr(services, "complete_task", racing_complete)
    responses: list = [None] * RACERS

    def submit(i: int) -> None:
        try:
            responses[i] = clients[i].post(
                f"/tasks/{task_id}/complete", data={"report_number": f"{100 + i}/BC-STC"}
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            responses[i] = error

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [302] + [409] * (RACERS - 1), statuses
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    for response in responses:
        if response.status_code == 409:
            assert CHANGED in response.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task.done_report_number == f"{100 + winner}/BC-STC"
        assert task.version == 2


def test_a_single_edit_still_works_and_bumps_the_version(app, world):
    client = client_as(app, "officer_own")
    response = client.post(f"/tasks/{world['own']}/complete", data={"report_number": "1/BC"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Task, world["own"]).version == 2


def _progress_count(app, task_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count(ProgressUpdate.id)).where(ProgressUpdate.task_id == task_id)
        ).scalar_one()


def test_a_retried_progress_post_is_saved_once(app, world):
    client = client_as(app, "officer_own")
    task_id = world["own"]
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    key = re.search(r'name="request_key"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="request_key"', page
    )
    assert key, "the progress form carries an idempotency key"
    before = _progress_count(app, task_id)
    form = {"body": "Đã hoàn thành 80% khối lượng", "request_key": key.group(1)}
    first = client.post(f"/tasks/{task_id}/progress", data=form)
    again = client.post(f"/tasks/{task_id}/progress", data=form)  # the response was lost
    assert first.status_code == again.status_code == 302
    assert _progress_count(app, task_id) == before + 1
    # a new rendering of the form has a new key: a second report is a second report
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert key.group(1) not in page
    other_key = {**form, "request_key": "another-form"}
    assert client.post(f"/tasks/{task_id}/progress", data=other_key).status_code == 302
    assert _progress_count(app, task_id) == before + 2


def test_two_copies_of_one_post_racing_are_saved_once(app, world, monkeypatch):
    task_id = world["own"]
    clients = [client_as(app, "officer_own") for _ in range(2)]
    barrier = threading.Barrier(2, timeout=30)
    find = services.progress_by_key
    calls = {"n": 0}

    def racing_find(key):
        found = find(key)
        calls["n"] += 1
        if calls["n"] <= 2:
            barrier.wait()  # both copies have seen "not saved yet"
        return found

    monkeypatch.setattr(services, "progress_by_key", racing_find)
    form = {"body": "Báo cáo tiến độ", "request_key": "key-of-one-form"}
    responses: list = [None, None]

    def submit(i: int) -> None:
        responses[i] = clients[i].post(f"/tasks/{task_id}/progress", data=form)

    before = _progress_count(app, task_id)
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [302, 302]
    assert _progress_count(app, task_id) == before + 1
