"""Acceptance of a completion (issue 16): an agency's "hoàn thành" waits for the office.

When the office requires it (setting ``acceptance_required``, on by default), an agency
officer's completion report of a task or of a reporting period puts it in *chờ xác nhận*; the
office accepts it (done, dated the agency's report date, counted from the day of acceptance) or
*trả lại* with a reason (open again, the agency is told). The office may also mark an unmet
obligation *do nguyên nhân khách quan*: it stays in lists but leaves the rates and the thi đua
table. The state rules themselves live in `tracker.deadlines.status`.
"""
