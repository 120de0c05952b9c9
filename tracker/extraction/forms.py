"""The paste form and the review form of the extraction flow."""

from flask_babel import lazy_gettext as _l
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
        _l("Nội dung văn bản"),
        description=_l("Dán toàn văn thông báo kết luận, chỉ thị, kế hoạch hoặc công văn."),
    )
    file = FileField(_l("Hoặc chọn tệp (.txt, .docx, .pdf có lớp chữ)"))
    base_date = VNDateField(
        _l("Ngày làm mốc cho “trong vòng N ngày”"),
        validators=[Optional()],
        description=_l("Để trống: lấy ngày ban hành văn bản."),
    )


class TaskRowForm(Form):
    """One proposed task (no CSRF of its own: the review form carries it)."""

    content = TextAreaField(_l("Nội dung nhiệm vụ"))
    source_text = HiddenField()
    lead_name = HiddenField()
    collective_kind = HiddenField()
    warnings = HiddenField()
    #: the engine's words behind each field, as JSON, kept across the review's round trips
    sources = HiddenField()
    lead_agency_id = AgencyField(_l("Chủ trì"), validators=[Optional()])
    co_agency_ids = AgencyMultiField(_l("Phối hợp"), validators=[Optional()])
    via_agency_id = AgencyField(_l("Báo cáo qua"), validators=[Optional()])
    via_due_on = VNDateField(_l("Hạn gửi tổng hợp"), validators=[Optional()])
    due_on = VNDateField(_l("Thời hạn"), validators=[Optional()])
    cadence = SelectField(_l("Định kỳ"), choices=options(CADENCE_CHOICES), default="none")
    period_due_day = StringField(_l("Hạn mỗi kỳ"), validators=[Optional()])
    confirm_early_due = BooleanField(_l("Xác nhận hạn trước ngày ban hành"))
    remove = BooleanField(_l("Bỏ nhiệm vụ này"))


class ReviewForm(DirectiveForm):
    full_text = HiddenField()
    #: the header's warnings (JSON), so they stay on the page after a failed save
    header_warnings = HiddenField()
    #: the signed name of the uploaded notice waiting to become the directive's attachment
    upload_token = HiddenField()
    #: the inbox document (Văn bản đến) being reviewed: its file is attached on save
    incoming_id = HiddenField()
    bulk_lead_agency_id = AgencyField(
        _l("Giao chủ trì cho các nhiệm vụ đã chọn"), validators=[Optional()]
    )
    bulk_due_on = VNDateField(_l("Đặt thời hạn cho các nhiệm vụ đã chọn"), validators=[Optional()])
    tasks = FieldList(FormField(TaskRowForm), min_entries=0)
