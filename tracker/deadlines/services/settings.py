"""The province's period rules as the office set them (stored settings), with the
decree's defaults."""

from __future__ import annotations

import logging
from datetime import date

from flask_babel import gettext as _

from tracker.deadlines.periods import (
    DEFAULT_SETTINGS,
    PeriodSettings,
)
from tracker.deadlines.services.errors import DeadlineError
from tracker.extensions import db
from tracker.settings import get_setting, set_setting

log = logging.getLogger(__name__)


#: setting keys (tracker.settings) for the period rules; defaults are the decree's
SETTING_DUE_DAY = "periods.due_day"
SETTING_NINE_MONTH_END = "periods.nine_month_end"
SETTING_STRICT_BEFORE = "periods.strict_before"
SETTING_CUTOFF = "periods.cutoff"
SETTING_DUE_ON_DAY_OFF = "periods.due_on_day_off"


def period_settings() -> PeriodSettings:
    """The province's period rules as stored by the office (the decree's where never set).

    A stored value that no longer validates falls back to the default for the whole set, so a
    bad row can never stop the scheduler.
    """
    d = DEFAULT_SETTINGS
    month_day = get_setting(SETTING_NINE_MONTH_END, list(d.nine_month_end))
    try:
        return PeriodSettings(
            cutoff_day=d.cutoff_day,
            nine_month_end=(int(month_day[0]), int(month_day[1])),
            due_day=int(get_setting(SETTING_DUE_DAY, d.due_day)),
            strict_before=bool(get_setting(SETTING_STRICT_BEFORE, d.strict_before)),
            cutoff=get_setting(SETTING_CUTOFF, d.cutoff),
            due_on_day_off=get_setting(SETTING_DUE_ON_DAY_OFF, d.due_on_day_off),
        )
    except (ValueError, TypeError, IndexError):
        log.warning("stored period settings are invalid; using the defaults")
        return DEFAULT_SETTINGS


def save_period_settings(
    *,
    due_day: int | None,
    nine_month_end: str,
    strict_before: bool,
    cutoff: str,
    due_on_day_off: str,
) -> PeriodSettings:
    """Validate and store the period rules; existing periods keep their dates."""
    if due_day is None or not 1 <= due_day <= 31:
        raise DeadlineError("due_day", _("Ngày hạn báo cáo phải từ 1 đến 31."))
    month_day = parse_day_month(nine_month_end)
    if month_day is None:
        raise DeadlineError(
            "nine_month_end", _("Ngày chốt kỳ 9 tháng ghi dạng ngày/tháng, ví dụ 14/9.")
        )
    day, month = month_day
    try:
        settings = PeriodSettings(
            nine_month_end=(month, day),
            due_day=due_day,
            strict_before=strict_before,
            cutoff=cutoff,  # type: ignore[arg-type]
            due_on_day_off=due_on_day_off,  # type: ignore[arg-type]
        )
    except ValueError:
        raise DeadlineError("cutoff", _("Lựa chọn không hợp lệ.")) from None
    set_setting(SETTING_DUE_DAY, settings.due_day)
    set_setting(SETTING_NINE_MONTH_END, list(settings.nine_month_end))
    set_setting(SETTING_STRICT_BEFORE, settings.strict_before)
    set_setting(SETTING_CUTOFF, settings.cutoff)
    set_setting(SETTING_DUE_ON_DAY_OFF, settings.due_on_day_off)
    db.session.flush()
    return settings


def parse_day_month(text: str | None) -> tuple[int, int] | None:
    """ "14/9" → (14, 9); None unless it is a real day of a month (29/2 allowed)."""
    parts = (text or "").strip().split("/")
    if len(parts) != 2:
        return None
    try:
        day, month = int(parts[0]), int(parts[1])
        date(2028, month, day)
    except ValueError:
        return None
    return day, month
