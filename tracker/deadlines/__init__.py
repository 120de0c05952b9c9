"""Domain rules for deadlines: working days, relative deadlines, reporting periods, the states
of obligations and the Wilson interval used by the reports.

The pure modules (calendar, relative, periods, status, wilson) import neither Flask nor the ORM:
the web app, the reminder scheduler and the reports call the same functions with plain
``datetime.date`` values, so a rule is decided once, here, and can be tested without a database.
`status` also writes each state rule as a SQLAlchemy Core expression beside its Python form, so
the lists and counts over a million rows apply the very same rule; `obligations` says what an
obligation is (a one-off task's deadline, a reporting period, a via agency's deadline) over the
models. The rest is the web layer of periods, extensions and the calendar: models, forms, access
(who may act), the `services` package (one module per concern: settings, office_calendar,
reporting, via, history, extension_requests), views (the pages) and panel (the deadline part of
the task page).
"""
