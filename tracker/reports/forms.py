"""The office's form for the report's settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange

from tracker.deadlines.forms import VNIntegerField
from tracker.forms import options
from tracker.reports.service import DEFAULT_MIN_COUNT, MIN_COUNT_RANGE

CUTOFF_CHOICES = [
    ("decree", _l("Theo Nghị định 09/2019 (từ ngày 15 tháng trước đến ngày 14)")),
    ("calendar", _l("Theo tháng dương lịch (từ ngày 01 đến cuối tháng)")),
]


class ReportSettingsForm(FlaskForm):
    min_count = VNIntegerField(
        _l("Số nhiệm vụ đã đến hạn tối thiểu để xếp hạng một đơn vị"),
        validators=[
            InputRequired(_l("Vui lòng nhập số nhiệm vụ tối thiểu.")),
            NumberRange(
                *MIN_COUNT_RANGE,
                # NumberRange fills in %(min)s and %(max)s
                message=_l("Số nhiệm vụ tối thiểu phải từ %(min)s đến %(max)s."),
            ),
        ],
        description=_l(
            "Đơn vị có ít nhiệm vụ đã đến hạn hơn số này được trình bày riêng và không xếp hạng "
            "(mặc định %(default)s).",
            default=DEFAULT_MIN_COUNT,
        ),
    )
    cutoff = SelectField(
        _l("Phạm vi số liệu của báo cáo theo kỳ"),
        choices=options(CUTOFF_CHOICES),
        # WTForms' own "Not a valid choice" is English: the service says it in Vietnamese
        validate_choice=False,
        description=_l("Áp dụng cho báo cáo tháng, quý, 6 tháng, 9 tháng và cả năm."),
    )
