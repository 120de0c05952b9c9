"""Forms an agency fills on its tasks, and the office's reopen/cancel forms."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.forms import REQUIRED, VNDateField


def new_request_key() -> str:
    """A random key for one rendering of a form: its retried POSTs are recognised."""
    return secrets.token_urlsafe(24)


class ProgressForm(FlaskForm):
    body = TextAreaField(_l("Nội dung báo cáo tiến độ"), validators=[DataRequired(REQUIRED)])
    attachment = FileField(_l("Tệp đính kèm"))
    #: idempotency key: a POST retried after a lost response finds the update it already made
    request_key = HiddenField(default=new_request_key, validators=[Optional(), Length(max=64)])


class CompleteForm(FlaskForm):
    done_on = VNDateField(_l("Ngày hoàn thành"), validators=[Optional()])
    report_number = StringField(
        _l("Số văn bản báo cáo kết quả"),
        validators=[DataRequired(_l("Vui lòng nhập số văn bản báo cáo kết quả.")), Length(max=100)],
        render_kw={"placeholder": "123/BC-STC"},
    )
    report_date = VNDateField(_l("Ngày văn bản báo cáo"), validators=[Optional()])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional()])
    attachment = FileField(_l("Tệp văn bản báo cáo"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Vui lòng nêu lý do."))])


class TaskImportForm(FlaskForm):
    """Upload a task list (the template filled in) for checking."""

    file = FileField(
        _l("Tệp nhiệm vụ (.xlsx hoặc .csv)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))]
    )


class ConfirmTaskImportForm(FlaskForm):
    """Confirm an upload already checked: the server keeps the file, the form names it."""

    token = HiddenField()
    only_valid = HiddenField()
