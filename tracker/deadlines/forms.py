"""Forms for extensions, period reports, the two-hop delivery, the calendar and the rules."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.forms import REQUIRED, VNDateField

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


class VNIntegerField(IntegerField):
    """A whole number; "mười" or "3,5" gets a Vietnamese message (WTForms has no vi locale)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        text = valuelist[0].strip()
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(_("“%(text)s” không phải là một số nguyên.", text=text)) from None


def _choices(*pairs: tuple[str, str]) -> list:
    if SelectChoice is None:  # pragma: no cover
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class ExtensionRequestForm(FlaskForm):
    requested_due_on = VNDateField(_l("Đề nghị gia hạn đến ngày"), validators=[Optional()])
    working_days = VNIntegerField(
        _l("hoặc thêm số ngày làm việc"),
        validators=[Optional(), NumberRange(1, 365, _l("Số ngày làm việc phải từ 1 đến 365."))],
    )
    reason = TextAreaField(
        _l("Lý do đề nghị gia hạn"),
        validators=[DataRequired(_l("Vui lòng nêu lý do đề nghị gia hạn."))],
    )


class ExtensionDecisionForm(FlaskForm):
    approved_due_on = VNDateField(_l("Gia hạn đến ngày"), validators=[Optional()])
    note = TextAreaField(_l("Ý kiến (bắt buộc khi từ chối)"), validators=[Optional()])
    action = SelectField(
        _l("Quyết định"),
        choices=_choices(("approve", _l("Chấp thuận")), ("refuse", _l("Từ chối"))),
        validate_choice=True,
    )


class PeriodReportForm(FlaskForm):
    report_number = StringField(
        _l("Số văn bản báo cáo"),
        validators=[
            DataRequired(_l("Vui lòng nhập số văn bản báo cáo.")),
            Length(max=100, message=_l("Số văn bản tối đa 100 ký tự.")),
        ],
        render_kw={"placeholder": "123/BC-STC"},
    )
    report_date = VNDateField(_l("Ngày văn bản báo cáo"), validators=[Optional()])
    done_on = VNDateField(_l("Ngày nộp"), validators=[Optional()])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional()])
    attachment = FileField(_l("Tệp văn bản báo cáo"))


class ViaDoneForm(FlaskForm):
    done_on = VNDateField(_l("Ngày gửi báo cáo tổng hợp"), validators=[Optional()])


class CalendarExceptionForm(FlaskForm):
    # InputRequired, not DataRequired: the latter would replace "31/02/2025 không hợp lệ"
    day = VNDateField(_l("Ngày"), validators=[InputRequired(REQUIRED)])
    kind = SelectField(
        _l("Loại"),
        choices=_choices(
            ("off", _l("Ngày nghỉ (nghỉ bù, nghỉ thêm)")), ("working", _l("Ngày làm việc (làm bù)"))
        ),
    )
    note = StringField(
        _l("Ghi chú"),
        validators=[Optional(), Length(max=255, message=_l("Ghi chú tối đa 255 ký tự."))],
        render_kw={"placeholder": _l("Theo Thông báo số …/TB-VPCP")},
    )


class PeriodSettingsForm(FlaskForm):
    due_day = VNIntegerField(
        _l("Hạn báo cáo: trước ngày … của tháng cuối kỳ"),
        validators=[
            InputRequired(_l("Vui lòng nhập ngày hạn báo cáo.")),
            NumberRange(1, 31, _l("Ngày hạn báo cáo phải từ 1 đến 31.")),
        ],
    )
    nine_month_end = StringField(
        _l("Ngày chốt số liệu kỳ 9 tháng (ngày/tháng)"),
        validators=[InputRequired(REQUIRED)],
        render_kw={"placeholder": "14/9"},
    )
    strict_before = BooleanField(_l("Hiểu “trước ngày D” là hạn ngày D−1 (mặc định: hạn ngày D)"))
    cutoff = SelectField(
        _l("Phạm vi số liệu"),
        choices=_choices(
            ("decree", _l("Theo Nghị định 09/2019 (từ ngày 15 tháng trước đến ngày 14)")),
            ("calendar", _l("Theo tháng dương lịch (từ ngày 01 đến cuối tháng)")),
        ),
    )
    due_on_day_off = SelectField(
        _l("Hạn rơi vào ngày nghỉ"),
        choices=_choices(
            ("keep", _l("Giữ nguyên ngày ghi trong văn bản")),
            ("next", _l("Chuyển sang ngày làm việc tiếp theo")),
            ("previous", _l("Chuyển về ngày làm việc liền trước")),
        ),
    )
