"""Reminders (đôn đốc, nhắc việc): what each agency must be told each working day, delivered once.

- `policy.py` — pure rules: given the open deadlines and what was already sent, which reminders
  are due on day D (thresholds are "on or before D and not yet sent", so a missed day catches up);
- `services.py` — the daily sweep: reads deadlines, asks the policy, queues one digest per agency
  and one summary for the office in the outbox, and records each reminder under a unique key;
- `sweep.py` — what the sweep plans and did (`AgencyDigest`, `Plan`, `SweepResult`), shared by
  the sweep, `emails.py` (rendering each digest and summary) and the notifications;
- `outbox.py` — claim → send → mark, with retries, stale claims and a PostgreSQL leader lock;
- `scheduler.py` — the APScheduler process (`flask --app wsgi scheduler run`), never the web app;
- `cli.py`, `views.py` — `reminders run`, `outbox send`, and the office pages.
"""
