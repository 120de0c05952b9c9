"""The profile page's form for a new personal API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from tracker.forms import VNDateField


class TokenForm(FlaskForm):
    name = StringField(
        _l("Tên gợi nhớ"),
        validators=[Optional(), Length(max=100)],
        render_kw={"placeholder": _l("ví dụ: Hệ thống báo cáo của Sở")},
    )
    expires_on = VNDateField(_l("Hết hạn sau ngày"), validators=[Optional()])
