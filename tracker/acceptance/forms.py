"""Forms of acceptance: the office's reason to return or to excuse, and the setting."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReturnForm(FlaskForm):
    """Trả lại: the reason the agency will read."""

    reason = TextAreaField(
        _l("Lý do trả lại"),
        validators=[DataRequired(_l("Vui lòng nêu lý do trả lại.")), Length(max=2000)],
    )


class ExcuseForm(FlaskForm):
    """Do nguyên nhân khách quan: the cause, for the report's note."""

    period_id = HiddenField()
    reason = TextAreaField(
        _l("Nguyên nhân khách quan"),
        validators=[DataRequired(_l("Vui lòng nêu nguyên nhân khách quan.")), Length(max=2000)],
    )


class SettingForm(FlaskForm):
    required = BooleanField(_l("Báo cáo hoàn thành của đơn vị phải được Văn phòng xác nhận"))
