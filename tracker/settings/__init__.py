"""Office-editable settings stored in the `setting` table, with code defaults.

The table holds a dozen small rows and most of them are never set: `session.get()` finds a
stored row in the identity map, but asks the database again for every key that has no row. The
period report reads the period rules three times over (six keys, none set in a fresh province):
16 statements per report (issue 17). So the first read in a transaction loads every row in one
statement and later reads, stored or missing, are answered from that; any flush, commit or
rollback of the session forgets it, so a write is always seen by the next read.
"""

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.extensions import db

#: `session.info` key of the rows read in the current transaction ({key: Setting})
_LOADED = "tracker.settings"


def _loaded() -> dict[str, Any]:
    from tracker.settings.models import Setting

    session = db.session()
    rows = session.info.get(_LOADED)
    if rows is None:
        rows = {row.key: row for row in session.scalars(select(Setting))}
        session.info[_LOADED] = rows
    return rows


def get_setting(key: str, default: Any = None) -> Any:
    """Return the stored value of `key`, or `default` when the office never set it."""
    row = _loaded().get(key)
    return default if row is None else row.value


def set_setting(key: str, value: Any) -> None:
    """Store `value` under `key` (the caller commits)."""
    from tracker.settings.models import Setting

    row = _loaded().get(key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    forget_loaded(db.session())


def forget_loaded(session: Session, *_: Any) -> None:
    """Drop the settings read in this transaction (after a write, a commit or a rollback)."""
    session.info.pop(_LOADED, None)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, forget_loaded)
