"""Directive and task forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.directives.models import DirectiveKind
from tracker.forms import REQUIRED, AgencyField, AgencyMultiField, VNDateField, options

CADENCE_CHOICES = [
    ("none", "Một lần (không định kỳ)"),
    ("monthly", "Hằng tháng"),
    ("quarterly", "Hằng quý"),
    ("quarterly-cumulative", "Quý I, 6 tháng, 9 tháng, cả năm"),
    ("semiannual", "6 tháng"),
    ("annual", "Hằng năm"),
    ("custom", "Tùy chỉnh (RRULE)"),
]


class DirectiveForm(FlaskForm):
    number = StringField(
        "Số, ký hiệu",
        validators=[DataRequired(REQUIRED), Length(max=100)],
        render_kw={"placeholder": "5016/TB-VPUBND"},
    )
    kind = SelectField("Loại văn bản", choices=options((k.value, k.value) for k in DirectiveKind))
    issued_on = VNDateField("Ngày ban hành", validators=[InputRequired(REQUIRED)])
    issuer = StringField(
        "Người/cơ quan chỉ đạo",
        validators=[Optional(), Length(max=255)],
        render_kw={"placeholder": "Chủ tịch UBND tỉnh"},
    )
    meeting_on = VNDateField("Ngày họp (nếu có)", validators=[Optional()])
    title = TextAreaField("Trích yếu", validators=[DataRequired(REQUIRED)])
    full_text = TextAreaField("Toàn văn", validators=[Optional()])
    attachment = FileField("Tệp đính kèm")


class TaskForm(FlaskForm):
    content = TextAreaField("Nội dung nhiệm vụ", validators=[DataRequired(REQUIRED)])
    lead_agency_id = AgencyField(
        "Đơn vị chủ trì", validators=[DataRequired("Vui lòng chọn đơn vị chủ trì.")]
    )
    co_agency_ids = AgencyMultiField("Đơn vị phối hợp", validators=[Optional()])
    via_agency_id = AgencyField("Báo cáo qua (tổng hợp)", validators=[Optional()])
    via_due_on = VNDateField("Hạn đơn vị tổng hợp báo cáo", validators=[Optional()])
    due_on = VNDateField("Thời hạn", validators=[Optional()])
    cadence = SelectField("Chế độ báo cáo", choices=options(CADENCE_CHOICES), default="none")
    cadence_rule = StringField(
        "Quy tắc lặp (RRULE)",
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "FREQ=MONTHLY;BYMONTHDAY=20"},
    )
    period_due_day = StringField(
        "Hạn báo cáo mỗi kỳ",
        validators=[Optional(), Length(max=10)],
        render_kw={"placeholder": "20 hoặc 15/12"},
    )
    starts_on = VNDateField("Báo cáo từ ngày", validators=[Optional()])
    ends_on = VNDateField("Báo cáo đến ngày", validators=[Optional()])
    confirm_early_due = BooleanField("Tôi xác nhận thời hạn trước ngày ban hành là đúng")
