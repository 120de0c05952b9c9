"""The office's switch for the public page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class PublicSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Bật trang công khai (không cần đăng nhập)"))
