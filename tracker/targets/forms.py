"""The office's target form and the agency's result form (its per-target fields are read by
the service from the posted data: their names depend on the task's targets)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class TargetsForm(FlaskForm):
    targets = TextAreaField(
        _l("Chỉ tiêu (mỗi dòng một chỉ tiêu)"),
        description=_l("Ví dụ: “ít nhất 5 giải pháp”, “100 % vốn giải ngân”, “tỷ lệ ≥ 80 %”."),
    )
    checklist = TextAreaField(
        _l("Việc cần làm (mỗi dòng một việc)"),
        description=_l("Đơn vị đánh dấu từng việc khi báo cáo tiến độ."),
    )


class TargetReportForm(FlaskForm):
    note = TextAreaField(_l("Ghi chú kèm báo cáo"))
