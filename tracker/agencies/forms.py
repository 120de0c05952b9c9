"""Agency forms."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from tracker.agencies.importer import _check_email
from tracker.agencies.models import AgencyKind
from tracker.agencies.reorganisation import UserChoice
from tracker.forms import REQUIRED, AgencyField, VNDateField, options


class AgencyForm(FlaskForm):
    name = StringField(
        _l("Tên cơ quan, đơn vị"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    short_name = StringField(_l("Tên viết tắt"), validators=[Optional(), Length(max=80)])
    kind = SelectField(_l("Loại"), choices=options((k.value, _l(k.label)) for k in AgencyKind))
    parent_id = AgencyField(_l("Cơ quan cấp trên"), validators=[Optional()])
    merged_into_id = AgencyField(_l("Đã sáp nhập vào"), validators=[Optional()])
    aliases = TextAreaField(
        _l("Tên gọi khác (mỗi dòng một tên)"),
        description=_l("Ví dụ: Sở KH&CN. Dùng cho tìm kiếm và khi đọc văn bản."),
    )
    emails = TextAreaField(
        _l("Thư điện tử nhận nhắc việc (mỗi dòng một địa chỉ)"),
        description=_l("Đầu mối, hộp thư chung: mỗi địa chỉ đều nhận thư tổng hợp hằng ngày."),
    )
    head_email = EmailField(
        _l("Thư điện tử của thủ trưởng"),
        validators=[
            Optional(),
            Email(_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
        ],
    )
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def validate_emails(self, field) -> None:
        bad = [e for e in self.email_list() if not _check_email(e)]
        if bad:
            raise ValidationError(_("Thư điện tử không hợp lệ: %(emails)s", emails=", ".join(bad)))

    def alias_list(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]

    def email_list(self) -> list[str]:
        text = (self.emails.data or "").replace(";", "\n").replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]


class ImportForm(FlaskForm):
    file = FileField(
        _l("Tệp danh sách (.csv hoặc .xlsx)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))]
    )


class ConfirmImportForm(FlaskForm):
    rows = StringField()


class MergeForm(FlaskForm):
    """Merge this agency into another: first a preview, then the confirmation."""

    new_id = AgencyField(_l("Hợp nhất vào"), validators=[DataRequired(REQUIRED)])
    on = VNDateField(
        _l("Ngày hợp nhất"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Nhiệm vụ đang thực hiện chuyển sang cơ quan tiếp nhận từ ngày này."),
    )
    users = RadioField(
        _l("Tài khoản của cơ quan này"),
        choices=options((c.value, _l(c.label)) for c in UserChoice),
        default=UserChoice.MOVE.value,
        # WTForms' own "Not a valid choice" is English: validate_users says it in Vietnamese
        validate_choice=False,
    )
    #: the tasks the preview showed (ids, comma-separated): the merge refuses another list
    task_ids = HiddenField()
    #: set by the preview's button: without it a POST only shows the preview
    confirm = HiddenField()

    def validate_users(self, field) -> None:
        if field.data not in {c.value for c in UserChoice}:
            raise ValidationError(_("Lựa chọn không hợp lệ."))

    def shown_task_ids(self) -> list[int] | None:
        text = (self.task_ids.data or "").strip()
        if not text:
            return []
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            return None


class RenameForm(FlaskForm):
    new_name = StringField(
        _l("Tên mới"),
        validators=[DataRequired(REQUIRED), Length(max=255)],
        description=_l("Tên cũ được giữ làm tên gọi khác, để tìm kiếm và đọc văn bản cũ."),
    )
