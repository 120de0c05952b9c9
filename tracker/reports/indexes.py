"""Indexes the reports need on tables owned by other features (declared here so that the
owning models stay untouched; imported by `tracker.models` so Alembic sees them).

* The due date in force as of a day is a correlated subquery per task over its approved
  extensions ordered by decision date: (task_id, state, decided_on) answers it from the index.
* The same for a reporting period's own extensions.
* "No progress report for 3 months" looks for a task's updates after a moment.
"""

from sqlalchemy import Index

from tracker.deadlines.models import ExtensionRequest
from tracker.tasks.models import ProgressUpdate

Index(
    "ix_extension_request_task_state_decided",
    ExtensionRequest.task_id,
    ExtensionRequest.state,
    ExtensionRequest.decided_on,
)
Index(
    "ix_extension_request_period_state_decided",
    ExtensionRequest.period_id,
    ExtensionRequest.state,
    ExtensionRequest.decided_on,
)
Index("ix_progress_update_task_created", ProgressUpdate.task_id, ProgressUpdate.created_at)
