"""Office-editable settings stored in the `setting` table, with code defaults."""

from typing import Any

from tracker.extensions import db


def get_setting(key: str, default: Any = None) -> Any:
    """Return the stored value of `key`, or `default` when the office never set it."""
    from tracker.settings.models import Setting

    row = db.session.get(Setting, key)
    return default if row is None else row.value


def set_setting(key: str, value: Any) -> None:
    """Store `value` under `key` (the caller commits)."""
    from tracker.settings.models import Setting

    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
