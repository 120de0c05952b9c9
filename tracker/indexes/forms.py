"""Forms of the index register: the import, a quarter's assessment, a year's result, and the
criteria a task serves."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.forms import REQUIRED, options


class RegisterImportForm(FlaskForm):
    file = FileField(
        _l("Tệp bộ chỉ số (.xlsx hoặc .csv)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))]
    )


class AssessmentForm(FlaskForm):
    year = IntegerField(
        _l("Năm"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(2015, 2100, _l("Năm phải từ 2015 đến 2100.")),
        ],
    )
    quarter = SelectField(
        _l("Quý"),
        choices=options([("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")]),
        validators=[InputRequired(REQUIRED)],
    )
    met = RadioField(
        _l("Kết quả"),
        choices=options([("yes", _l("Đạt")), ("no", _l("Chưa đạt"))]),
        validators=[InputRequired(_l("Vui lòng chọn Đạt hoặc Chưa đạt."))],
    )
    #: read by `tracker.targets.rules.read_number` ("1,5" as well as "1.5")
    points_lost = StringField(
        _l("Điểm bị trừ"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    reason = TextAreaField(_l("Lý do chưa đạt"))
    objective = BooleanField(_l("Chưa đạt do nguyên nhân khách quan"))


class ResultForm(FlaskForm):
    year = IntegerField(
        _l("Năm"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(2015, 2100, _l("Năm phải từ 2015 đến 2100.")),
        ],
    )
    score = StringField(
        _l("Điểm của tỉnh"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "decimal"},
    )
    rank = IntegerField(_l("Xếp hạng"), validators=[Optional()])
    rank_of = IntegerField(_l("Trên tổng số tỉnh, thành phố"), validators=[Optional()], default=34)


class TaskCriteriaForm(FlaskForm):
    criterion_ids = SelectMultipleField(_l("Tiêu chí chỉ số"), coerce=int, validate_choice=False)
