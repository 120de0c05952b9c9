"""Login and user-account forms."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tracker.auth.models import Role
from tracker.auth.passwords import MIN_LENGTH, TOO_SHORT, password_problem
from tracker.deadlines.forms import VNIntegerField
from tracker.forms import REQUIRED, AgencyField, options


def password_message(problem: str) -> str:
    """The Vietnamese sentence for a `password_problem` code."""
    if problem == TOO_SHORT:
        return _("Mật khẩu cần ít nhất %(count)s ký tự.", count=MIN_LENGTH)
    return _(
        "Mật khẩu này quá phổ biến hoặc dễ đoán; hãy chọn một cụm từ dài hơn, "
        "ví dụ ba, bốn từ không liên quan."
    )


class StrongPassword:
    """At least MIN_LENGTH characters and not a common password (tracker.auth.passwords).

    `email_field` names the form's email field, or the form's `account_email` attribute is
    used: a password equal to one's own email is refused too.
    """

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        email = getattr(form, "account_email", None)
        if self.email_field:
            email = getattr(form, self.email_field).data
        problem = password_problem(field.data, email)
        if problem:
            raise ValidationError(password_message(problem))


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
        validators=[Optional(), StrongPassword(email_field="email")],
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
    """An admin sets a user's password, or a user through an emailed link."""

    #: set by the view: the account's email, which the password may not be
    account_email: str | None = None

    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED), StrongPassword()],
        description=_l("Ít nhất 10 ký tự; một cụm từ dễ nhớ là tốt nhất."),
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[Optional(), EqualTo("password", _l("Hai lần nhập mật khẩu không khớp."))],
    )


class ChangePasswordForm(PasswordResetForm):
    """A user changes their own password (the current one first)."""

    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), Length(max=255)])


class SessionLimitsForm(FlaskForm):
    """The office's session lifetimes (tracker.auth.sessions)."""

    idle_minutes = VNIntegerField(
        _l("Tự đăng xuất sau bao nhiêu phút không thao tác"),
        validators=[
            DataRequired(REQUIRED),
            NumberRange(5, 24 * 60, _l("Từ 5 đến 1440 phút.")),
        ],
    )
    absolute_hours = VNIntegerField(
        _l("Phiên đăng nhập dài nhất (giờ)"),
        validators=[DataRequired(REQUIRED), NumberRange(1, 24 * 30, _l("Từ 1 đến 720 giờ."))],
        description=_l("Hết thời gian này phải đăng nhập lại, dù vẫn đang làm việc."),
    )
