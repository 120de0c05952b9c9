"""Pure domain rules for deadlines: working days, relative deadlines, reporting periods, task
states and the Wilson interval used by the reports.

Nothing in this package imports Flask or SQLAlchemy: the web app, the reminder scheduler and the
reports all call the same functions with plain ``datetime.date`` values, so a rule is decided
once, here, and can be tested without a database.
"""
