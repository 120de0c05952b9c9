"""The paste form and the review form of the extraction flow."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from tracker.directives.forms import CADENCE_CHOICES, DirectiveForm
from tracker.forms import AgencyField, AgencyMultiField, VNDateField, options


class PasteForm(FlaskForm):
    text = TextAreaField(
        "Nội dung văn bản",
        description="Dán toàn văn thông báo kết luận, chỉ thị, kế hoạch hoặc công văn.",
    )
    file = FileField("Hoặc chọn tệp (.txt, .docx, .pdf có lớp chữ)")
    base_date = VNDateField(
        "Ngày làm mốc cho “trong vòng N ngày”",
        validators=[Optional()],
        description="Để trống: lấy ngày ban hành văn bản.",
    )


class TaskRowForm(Form):
    """One proposed task (no CSRF of its own: the review form carries it)."""

    content = TextAreaField("Nội dung nhiệm vụ")
    source_text = HiddenField()
    lead_name = HiddenField()
    collective_kind = HiddenField()
    warnings = HiddenField()
    lead_agency_id = AgencyField("Chủ trì", validators=[Optional()])
    co_agency_ids = AgencyMultiField("Phối hợp", validators=[Optional()])
    via_agency_id = AgencyField("Báo cáo qua", validators=[Optional()])
    via_due_on = VNDateField("Hạn gửi tổng hợp", validators=[Optional()])
    due_on = VNDateField("Thời hạn", validators=[Optional()])
    cadence = SelectField("Định kỳ", choices=options(CADENCE_CHOICES), default="none")
    period_due_day = StringField("Hạn mỗi kỳ", validators=[Optional()])
    confirm_early_due = BooleanField("Xác nhận hạn trước ngày ban hành")
    remove = BooleanField("Bỏ nhiệm vụ này")


class ReviewForm(DirectiveForm):
    full_text = HiddenField()
    tasks = FieldList(FormField(TaskRowForm), min_entries=0)
