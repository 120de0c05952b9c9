"""Login and user-account forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from tracker.auth.models import Role
from tracker.forms import REQUIRED, AgencyField, options


class LoginForm(FlaskForm):
    email = EmailField("Thư điện tử", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Ghi nhớ đăng nhập")


class UserForm(FlaskForm):
    email = EmailField(
        "Thư điện tử",
        validators=[
            DataRequired(REQUIRED),
            Email("Địa chỉ thư điện tử không hợp lệ.", check_deliverability=False),
        ],
    )
    full_name = StringField("Họ và tên", validators=[DataRequired(REQUIRED), Length(max=255)])
    role = SelectField("Vai trò", choices=options((r.value, r.label) for r in Role))
    agency_id = AgencyField("Cơ quan, đơn vị", validators=[Optional()])
    password = PasswordField(
        "Mật khẩu",
        validators=[Optional(), Length(min=8, message="Mật khẩu cần ít nhất 8 ký tự.")],
    )
    active = BooleanField("Đang hoạt động", default=True)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.role.data == Role.AGENCY_OFFICER and not self.agency_id.data:
            self.agency_id.errors.append("Cán bộ cơ quan, đơn vị phải thuộc một cơ quan, đơn vị.")
            ok = False
        return ok


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired(REQUIRED),
            Length(min=8, message="Mật khẩu cần ít nhất 8 ký tự."),
        ],
    )
