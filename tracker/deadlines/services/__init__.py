"""The deadline rules wired to the database, one module per concern:

- `errors`: `DeadlineError` (a Vietnamese reason with its form field);
- `settings`: the province's period rules as the office set them;
- `office_calendar`: the working calendar with the office's days off and worked Saturdays;
- `reporting`: the reporting periods of recurring tasks as rows (open ahead, resync, submit,
  reopen);
- `via`: two-hop reporting, the via agency's own deadline;
- `history`: states as of a day, from the approved extensions;
- `extension_requests`: extension requests and the office's decisions.

The rules themselves live in the pure modules of `tracker.deadlines` (calendar, periods, status,
relative); these modules only read rows, call them and write the results. The caller commits,
so a request saves everything it asked for or nothing. The scheduler, the CLI and the views all
call the same functions (``open_periods`` in particular).

This package re-exports every public name, so `from tracker.deadlines import services` and
`services.request_extension(...)` keep working; a new function goes in the module of its
concern (and is listed here).
"""

from tracker.deadlines.services.errors import (
    DeadlineError,
)
from tracker.deadlines.services.extension_requests import (
    approve_extension,
    current_due,
    extension_counts,
    refuse_extension,
    request_extension,
    requested_date,
)
from tracker.deadlines.services.history import (
    ExtensionHistory,
    PeriodState,
    approved_extensions,
    period_status,
    periods_as_of,
    task_due_as_of,
    task_status,
)
from tracker.deadlines.services.office_calendar import (
    add_calendar_exception,
    delete_calendar_exception,
    working_calendar,
)
from tracker.deadlines.services.reporting import (
    HORIZON_DAYS,
    open_periods,
    open_task_periods,
    parse_due_spec,
    reopen_period,
    resync_future_periods,
    submit_period,
    sync_task_periods,
    task_first_day,
    task_schedule,
)
from tracker.deadlines.services.settings import (
    SETTING_CUTOFF,
    SETTING_DUE_DAY,
    SETTING_DUE_ON_DAY_OFF,
    SETTING_NINE_MONTH_END,
    SETTING_STRICT_BEFORE,
    parse_day_month,
    period_settings,
    save_period_settings,
)
from tracker.deadlines.services.via import (
    mark_via_done,
    via_status,
)

__all__ = [
    "DeadlineError",
    "ExtensionHistory",
    "HORIZON_DAYS",
    "PeriodState",
    "SETTING_CUTOFF",
    "SETTING_DUE_DAY",
    "SETTING_DUE_ON_DAY_OFF",
    "SETTING_NINE_MONTH_END",
    "SETTING_STRICT_BEFORE",
    "add_calendar_exception",
    "approve_extension",
    "approved_extensions",
    "current_due",
    "delete_calendar_exception",
    "extension_counts",
    "mark_via_done",
    "open_periods",
    "open_task_periods",
    "parse_day_month",
    "parse_due_spec",
    "period_settings",
    "period_status",
    "periods_as_of",
    "refuse_extension",
    "reopen_period",
    "request_extension",
    "requested_date",
    "resync_future_periods",
    "save_period_settings",
    "submit_period",
    "sync_task_periods",
    "task_due_as_of",
    "task_first_day",
    "task_schedule",
    "task_status",
    "via_status",
    "working_calendar",
]
