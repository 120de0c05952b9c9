"""The office's reminder policy form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from tracker.forms import REQUIRED


def parse_day_list(text: str | None) -> list[int]:
    """ "7, 1" → [7, 1]; raises ValueError with a Vietnamese message."""
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ValueError(_l("Nhập các số nguyên, cách nhau bằng dấu phẩy, ví dụ: 7, 1.")) from None


class DayListField(StringField):
    """A comma-separated list of whole numbers of days."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        try:
            self.days = parse_day_list(self.data)
        except ValueError as exc:
            self.days = []
            raise ValueError(str(exc)) from None


class PolicyForm(FlaskForm):
    before_days = DayListField(
        _l("Nhắc trước thời hạn (số ngày, cách nhau bằng dấu phẩy)"),
        description=_l(
            "Ví dụ: 7, 1 — nhắc trước 7 ngày và trước 1 ngày. Rơi vào ngày nghỉ thì nhắc vào ngày làm việc liền trước."
        ),
    )
    on_due_day = BooleanField(_l("Nhắc vào ngày đến hạn"))
    overdue_every_days = IntegerField(
        _l("Khi quá hạn, nhắc lại sau mỗi (ngày)"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 90, _l("Nhập từ 1 đến 90 ngày."))],
    )
    escalate_after_days = DayListField(
        _l("Báo cáo Thủ trưởng đơn vị và Văn phòng khi quá hạn trên (số ngày)"),
        description=_l("Ví dụ: 14, 30, 120."),
    )
    update_after_months = IntegerField(
        _l("Đề nghị cập nhật tiến độ nhiệm vụ không thời hạn sau (tháng không báo cáo)"),
        description=_l("0: không đề nghị."),
        validators=[InputRequired(REQUIRED), NumberRange(0, 24, _l("Nhập từ 0 đến 24 tháng."))],
    )

    def validate_before_days(self, field: DayListField) -> None:
        if any(n < 1 or n > 90 for n in getattr(field, "days", [])):
            raise ValidationError(_l("Mỗi số ngày nhắc trước hạn phải từ 1 đến 90."))

    def validate_escalate_after_days(self, field: DayListField) -> None:
        if any(n < 0 or n > 3650 for n in getattr(field, "days", [])):
            raise ValidationError(_l("Mỗi số ngày quá hạn phải từ 0 đến 3650."))
