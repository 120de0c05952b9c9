"""In-app notifications (the bell) and the emails that tell an agency or the office at once.

Who is told what, and when (each event is produced by the service that makes the write, inside
the same transaction, so a rolled-back save tells nobody):

* **An agency** (its officers in the app, its mailboxes by email — the same `AgencyContact`
  rows as the daily digest):
  - a directive is saved with tasks (pasted and reviewed, or typed), or a task is added to an
    existing directive: each lead, co- and via agency gets **one** "giao nhiệm vụ" email per
    save listing its tasks of that directive, and one notification per task; an edit that
    brings an agency into a task tells that agency only;
  - its extension request is decided (approved with the new due date, or refused with the
    reason): the lead agency, plus the officer who asked;
  - the office reopens its completion of a task or of a reporting period ("trả lại");
  - the daily sweep's reminders (sắp đến hạn, đến hạn, quá hạn, …): in the app only — the
    digest email already carries them.
* **The office** (office_admin and office_staff in the app; `TRACKER_OFFICE_EMAIL` and every
  active office user by email): a new extension request.
* **Leaders** read everything and change nothing, so they get what concerns directives as a
  whole rather than each agency's daily traffic: a directive saved with its tasks, and a task
  the sweep escalated (quá hạn kéo dài, báo cáo lãnh đạo). No email: leaders have the reports.

A notification belongs to an audience (one agency, the office, the leaders), not to a person:
an officer who joins an agency later sees its history. Read state is per user — individual
marks plus a "read through id N" cursor set by "mark all read", so the bell's count is one
indexed COUNT per page.

Each event carries a unique key (the in-app row and the outbox row alike), so a retried
request, a second scheduler or a re-run can never tell anyone twice.
"""
