"""The directive form and the reporting cadences (the task form is in tracker/tasks/task_form.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.directives.models import DirectiveKind
from tracker.forms import REQUIRED, VNDateField, options

CADENCE_CHOICES = [
    ("none", _l("Một lần (không định kỳ)")),
    ("monthly", _l("Hằng tháng")),
    ("quarterly", _l("Hằng quý")),
    ("quarterly-cumulative", _l("Quý I, 6 tháng, 9 tháng, cả năm")),
    ("semiannual", _l("6 tháng")),
    ("annual", _l("Hằng năm")),
    ("custom", _l("Tùy chỉnh (quy tắc lặp nâng cao)")),
]


class DirectiveForm(FlaskForm):
    number = StringField(
        _l("Số, ký hiệu"),
        validators=[DataRequired(REQUIRED), Length(max=100)],
        render_kw={"placeholder": "5016/TB-VPUBND"},
    )
    kind = SelectField(
        _l("Loại văn bản"), choices=options((k.value, _l(k.value)) for k in DirectiveKind)
    )
    issued_on = VNDateField(_l("Ngày ban hành"), validators=[InputRequired(REQUIRED)])
    issuer = StringField(
        _l("Người/cơ quan chỉ đạo"),
        validators=[Optional(), Length(max=255)],
        render_kw={"placeholder": _l("Chủ tịch UBND tỉnh")},
    )
    meeting_on = VNDateField(_l("Ngày họp (nếu có)"), validators=[Optional()])
    title = TextAreaField(_l("Trích yếu"), validators=[DataRequired(REQUIRED)])
    full_text = TextAreaField(_l("Toàn văn"), validators=[Optional()])
    attachment = FileField(_l("Tệp đính kèm"))
