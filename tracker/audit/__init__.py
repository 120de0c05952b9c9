"""Every create, change and delete of an audited model leaves an `AuditLog` row.

Models opt in with `__audited__ = True` (and `__audit_exclude__` for noisy columns). The
rows are written in the same flush, on the same connection, so a rolled-back change
leaves no audit trace and a committed one always has it.

Collections: a many-to-many collection (a task's co-agencies) is recorded as the names before
and after. A one-to-many collection of small parts that only exist inside their owner (an
agency's aliases and reminder mailboxes) is recorded the same way on the owner's row when the
owner lists it in `__audit_collections__`, so the journal shows "Thư điện tử nhận nhắc việc:
a@… → a@…, b@…" on the agency itself.

A service that knows *why* it writes (an agency merge moving tasks) wraps the writes in
`audit_note(...)`: every row of those flushes carries the note, and the task's timeline and
the journal show it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from tracker.timeutil import utcnow

_ALWAYS_EXCLUDED = {"created_at", "updated_at"}
_NOTE_KEY = "audit_note"


@contextmanager
def audit_note(session: Any, note: dict[str, Any]) -> Iterator[None]:
    """Attach `note` (JSON) to every audit row written by the flushes inside the block.

    The block's pending changes are flushed before it ends, so none of them leaves without
    its note; notes do not nest (an inner one replaces the outer one for its block).
    """
    previous = session.info.get(_NOTE_KEY)
    session.info[_NOTE_KEY] = note
    try:
        yield
        session.flush()
    finally:
        if previous is None:
            session.info.pop(_NOTE_KEY, None)
        else:
            session.info[_NOTE_KEY] = previous


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value
    return str(value)


def current_actor_id() -> int | None:
    """Return the id of the logged-in user, or of the user a CLI command acts for."""
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id
    try:
        return g.get("audit_user_id")
    except RuntimeError:
        return None


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    exclude = _ALWAYS_EXCLUDED | set(getattr(obj, "__audit_exclude__", ()))
    owned = set(getattr(obj, "__audit_collections__", ()))
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.attrs:
        key = attr.key
        if key in exclude:
            continue
        is_collection = isinstance(attr, RelationshipProperty) and attr.uselist
        if isinstance(attr, RelationshipProperty) and not (
            is_collection and (attr.secondary is not None or key in owned)
        ):
            continue  # the foreign key column records the change
        if action == "create" and not is_collection:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _jsonable(value)]
            continue
        # not `state.attrs[key]`: that builds a namespace of every attribute on each access,
        # a quadratic cost in bulk inserts (an import's thousands of tasks)
        hist = get_history(obj, key, passive=PASSIVE_NO_INITIALIZE)
        if action == "update" and not hist.has_changes():
            continue
        if is_collection:
            before = [str(o) for o in (*hist.unchanged, *hist.deleted)]
            after = [str(o) for o in (*hist.unchanged, *hist.added)]
            if action == "create":
                before = []
            if action == "delete":
                after = []
            if before != after:
                changes[key] = [sorted(before), sorted(after)]
            continue
        if action == "delete":
            changes[key] = [_jsonable(getattr(obj, key)), None]
        else:
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before != after:
                changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def record(
    session: Any,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    changes: dict[str, list[Any]],
    task_id: int | None = None,
) -> None:
    """Write one audit row by hand, for a person's write on a row that is not audited as a
    whole: the outbox's emails change every minute under the scheduler, and only the
    office's "send again" belongs in the journal."""
    from tracker.audit.models import AuditLog

    session.add(
        AuditLog(
            at=utcnow(),
            user_id=current_actor_id(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            task_id=task_id,
            changes={k: [_jsonable(v) for v in pair] for k, pair in changes.items()},
            note=session.info.get(_NOTE_KEY),
        )
    )


def _task_id(obj: Any) -> int | None:
    if obj.__tablename__ == "task":
        return obj.id
    return getattr(obj, "task_id", None)


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, flush_context: Any) -> None:
    from tracker.audit.models import AuditLog

    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not getattr(obj, "__audited__", False):
                continue
            if action == "update" and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            # the primary key as the row holds it: a new row has no identity key yet
            # during the flush, but its generated id is already on the object
            identity = inspect(obj).mapper.primary_key_from_instance(obj)
            single = identity[0] if len(identity) == 1 else None
            rows.append(
                {
                    "at": utcnow(),
                    "user_id": current_actor_id(),
                    "action": action,
                    "entity": obj.__tablename__,
                    "entity_id": single if isinstance(single, int) else None,
                    "entity_key": None
                    if single is None or isinstance(single, int)
                    else str(single)[:80],
                    "task_id": _task_id(obj),
                    "changes": changes,
                    "note": session.info.get(_NOTE_KEY),
                }
            )
    if rows:
        session.connection().execute(insert(AuditLog), rows)
