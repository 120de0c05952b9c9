"""The audit log: who created, changed or deleted what, with before and after values."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.timeutil import utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: "create", "update" or "delete"
    action: Mapped[str] = mapped_column(String(10))
    #: table name of the changed row
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    #: the key of a row whose primary key is not an integer (a setting's key)
    entity_key: Mapped[str | None] = mapped_column(String(80))
    #: the task the change belongs to, so the task's timeline can show it
    task_id: Mapped[int | None] = mapped_column(Integer)
    #: {"field": [before, after]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: why, when a service says so (`tracker.audit.audit_note`), e.g. an agency merge:
    #: {"kind": "agency_merge", "from_id": 3, "from": "Sở …", "to_id": 5, "on": "2025-07-01"}
    note: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    user: Mapped["User | None"] = relationship()  # noqa: F821


Index("ix_audit_log_entity", AuditLog.entity, AuditLog.entity_id)
Index("ix_audit_log_task", AuditLog.task_id)
# the journal lists the newest rows first and filters by date
Index("ix_audit_log_at", AuditLog.at)
