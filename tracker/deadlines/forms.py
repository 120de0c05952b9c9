"""Forms for extensions, period reports, the two-hop delivery, the calendar and the rules."""

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
            raise ValueError(f"“{text}” không phải là một số nguyên.") from None


def _choices(*pairs: tuple[str, str]) -> list:
    if SelectChoice is None:  # pragma: no cover
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class ExtensionRequestForm(FlaskForm):
    requested_due_on = VNDateField("Đề nghị gia hạn đến ngày", validators=[Optional()])
    working_days = VNIntegerField(
        "hoặc thêm số ngày làm việc",
        validators=[Optional(), NumberRange(1, 365, "Số ngày làm việc phải từ 1 đến 365.")],
    )
    reason = TextAreaField(
        "Lý do đề nghị gia hạn", validators=[DataRequired("Vui lòng nêu lý do đề nghị gia hạn.")]
    )


class ExtensionDecisionForm(FlaskForm):
    approved_due_on = VNDateField("Gia hạn đến ngày", validators=[Optional()])
    note = TextAreaField("Ý kiến (bắt buộc khi từ chối)", validators=[Optional()])
    action = SelectField(
        "Quyết định",
        choices=_choices(("approve", "Chấp thuận"), ("refuse", "Từ chối")),
        validate_choice=True,
    )


class PeriodReportForm(FlaskForm):
    report_number = StringField(
        "Số văn bản báo cáo",
        validators=[
            DataRequired("Vui lòng nhập số văn bản báo cáo."),
            Length(max=100, message="Số văn bản tối đa 100 ký tự."),
        ],
        render_kw={"placeholder": "123/BC-STC"},
    )
    report_date = VNDateField("Ngày văn bản báo cáo", validators=[Optional()])
    done_on = VNDateField("Ngày nộp", validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Optional()])
    attachment = FileField("Tệp văn bản báo cáo")


class ViaDoneForm(FlaskForm):
    done_on = VNDateField("Ngày gửi báo cáo tổng hợp", validators=[Optional()])


class CalendarExceptionForm(FlaskForm):
    # InputRequired, not DataRequired: the latter would replace "31/02/2025 không hợp lệ"
    day = VNDateField("Ngày", validators=[InputRequired(REQUIRED)])
    kind = SelectField(
        "Loại",
        choices=_choices(
            ("off", "Ngày nghỉ (nghỉ bù, nghỉ thêm)"), ("working", "Ngày làm việc (làm bù)")
        ),
    )
    note = StringField(
        "Ghi chú",
        validators=[Optional(), Length(max=255, message="Ghi chú tối đa 255 ký tự.")],
        render_kw={"placeholder": "Theo Thông báo số …/TB-VPCP"},
    )


class PeriodSettingsForm(FlaskForm):
    due_day = VNIntegerField(
        "Hạn báo cáo: trước ngày … của tháng cuối kỳ",
        validators=[
            InputRequired("Vui lòng nhập ngày hạn báo cáo."),
            NumberRange(1, 31, "Ngày hạn báo cáo phải từ 1 đến 31."),
        ],
    )
    nine_month_end = StringField(
        "Ngày chốt số liệu kỳ 9 tháng (ngày/tháng)",
        validators=[InputRequired(REQUIRED)],
        render_kw={"placeholder": "14/9"},
    )
    strict_before = BooleanField("Hiểu “trước ngày D” là hạn ngày D−1 (mặc định: hạn ngày D)")
    cutoff = SelectField(
        "Phạm vi số liệu",
        choices=_choices(
            ("decree", "Theo Nghị định 09/2019 (từ ngày 15 tháng trước đến ngày 14)"),
            ("calendar", "Theo tháng dương lịch (từ ngày 01 đến cuối tháng)"),
        ),
    )
    due_on_day_off = SelectField(
        "Hạn rơi vào ngày nghỉ",
        choices=_choices(
            ("keep", "Giữ nguyên ngày ghi trong văn bản"),
            ("next", "Chuyển sang ngày làm việc tiếp theo"),
            ("previous", "Chuyển về ngày làm việc liền trước"),
        ),
    )
