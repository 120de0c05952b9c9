"""Directive and task forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.directives.models import DirectiveKind
from tracker.forms import REQUIRED, AgencyField, AgencyMultiField, VNDateField, options

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


class TaskForm(FlaskForm):
    content = TextAreaField(_l("Nội dung nhiệm vụ"), validators=[DataRequired(REQUIRED)])
    lead_agency_id = AgencyField(
        _l("Đơn vị chủ trì"), validators=[DataRequired(_l("Vui lòng chọn đơn vị chủ trì."))]
    )
    co_agency_ids = AgencyMultiField(_l("Đơn vị phối hợp"), validators=[Optional()])
    via_agency_id = AgencyField(_l("Báo cáo qua (tổng hợp)"), validators=[Optional()])
    via_due_on = VNDateField(_l("Hạn đơn vị tổng hợp báo cáo"), validators=[Optional()])
    due_on = VNDateField(_l("Thời hạn"), validators=[Optional()])
    cadence = SelectField(_l("Chế độ báo cáo"), choices=options(CADENCE_CHOICES), default="none")
    cadence_rule = StringField(
        _l("Quy tắc lặp nâng cao"),
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "FREQ=MONTHLY;BYMONTHDAY=20"},
    )
    period_due_day = StringField(
        _l("Hạn báo cáo mỗi kỳ"),
        validators=[Optional(), Length(max=10)],
        render_kw={"placeholder": _l("20 hoặc 15/12")},
    )
    starts_on = VNDateField(_l("Báo cáo từ ngày"), validators=[Optional()])
    ends_on = VNDateField(_l("Báo cáo đến ngày"), validators=[Optional()])
    confirm_early_due = BooleanField(_l("Tôi xác nhận thời hạn trước ngày ban hành là đúng"))
