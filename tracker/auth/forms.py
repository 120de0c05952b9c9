"""Login and user-account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from tracker.auth.models import Role
from tracker.forms import REQUIRED, AgencyField, options


class LoginForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class UserForm(FlaskForm):
    email = EmailField(
        _l("Thư điện tử"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
        ],
    )
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=255)])
    role = SelectField(_l("Vai trò"), choices=options((r.value, _l(r.label)) for r in Role))
    agency_id = AgencyField(_l("Cơ quan, đơn vị"), validators=[Optional()])
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[Optional(), Length(min=8, message=_l("Mật khẩu cần ít nhất 8 ký tự."))],
    )
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.role.data == Role.AGENCY_OFFICER and not self.agency_id.data:
            self.agency_id.errors.append(
                _l("Cán bộ cơ quan, đơn vị phải thuộc một cơ quan, đơn vị.")
            )
            ok = False
        return ok


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=8, message=_l("Mật khẩu cần ít nhất 8 ký tự.")),
        ],
    )
