"""Agency forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from tracker.agencies.importer import _check_email
from tracker.agencies.models import AgencyKind
from tracker.forms import REQUIRED, AgencyField, options


class AgencyForm(FlaskForm):
    name = StringField("Tên cơ quan, đơn vị", validators=[DataRequired(REQUIRED), Length(max=255)])
    short_name = StringField("Tên viết tắt", validators=[Optional(), Length(max=80)])
    kind = SelectField("Loại", choices=options((k.value, k.label) for k in AgencyKind))
    parent_id = AgencyField("Cơ quan cấp trên", validators=[Optional()])
    merged_into_id = AgencyField("Đã sáp nhập vào", validators=[Optional()])
    aliases = TextAreaField(
        "Tên gọi khác (mỗi dòng một tên)",
        description="Ví dụ: Sở KH&CN. Dùng cho tìm kiếm và khi đọc văn bản.",
    )
    emails = TextAreaField(
        "Thư điện tử nhận nhắc việc (mỗi dòng một địa chỉ)",
        description="Đầu mối, hộp thư chung: mỗi địa chỉ đều nhận thư tổng hợp hằng ngày.",
    )
    head_email = EmailField(
        "Thư điện tử của thủ trưởng",
        validators=[
            Optional(),
            Email("Địa chỉ thư điện tử không hợp lệ.", check_deliverability=False),
        ],
    )
    active = BooleanField("Đang hoạt động", default=True)

    def validate_emails(self, field) -> None:
        bad = [e for e in self.email_list() if not _check_email(e)]
        if bad:
            raise ValidationError("Thư điện tử không hợp lệ: " + ", ".join(bad))

    def alias_list(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]

    def email_list(self) -> list[str]:
        text = (self.emails.data or "").replace(";", "\n").replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]


class ImportForm(FlaskForm):
    file = FileField(
        "Tệp danh sách (.csv hoặc .xlsx)", validators=[FileRequired("Vui lòng chọn tệp.")]
    )


class ConfirmImportForm(FlaskForm):
    rows = StringField()
