"""Forms an agency fills on its tasks, and the office's reopen/cancel forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import REQUIRED, VNDateField


class ProgressForm(FlaskForm):
    body = TextAreaField("Nội dung báo cáo tiến độ", validators=[DataRequired(REQUIRED)])
    attachment = FileField("Tệp đính kèm")


class CompleteForm(FlaskForm):
    done_on = VNDateField("Ngày hoàn thành", validators=[Optional()])
    report_number = StringField(
        "Số văn bản báo cáo kết quả",
        validators=[DataRequired("Vui lòng nhập số văn bản báo cáo kết quả."), Length(max=100)],
        render_kw={"placeholder": "123/BC-STC"},
    )
    report_date = VNDateField("Ngày văn bản báo cáo", validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Optional()])
    attachment = FileField("Tệp văn bản báo cáo")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Lý do", validators=[DataRequired("Vui lòng nêu lý do.")])
