"""The giao xử lý form: a phòng typed by name, or an officer of the agency picked."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from tracker.forms import VNDateField


class SubAssignForm(FlaskForm):
    #: lengths, NUL and "one of the two" are checked by the service (one place for them)
    unit = StringField(
        _l("Giao cho phòng, bộ phận"), render_kw={"placeholder": _l("Ví dụ: Phòng Ngân sách")}
    )
    #: the officers are the agency's, filled by the view; the service checks the id again
    assignee = SelectField(_l("Hoặc giao cho cán bộ"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Ghi chú, yêu cầu xử lý"))
    internal_due_on = VNDateField(_l("Hạn xử lý nội bộ (không bắt buộc)"), validators=[Optional()])
