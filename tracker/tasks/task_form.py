"""The task form (the office adds a task to a directive, or edits one) and its mapping to the
service's `TaskInput`."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.directives.forms import CADENCE_CHOICES
from tracker.forms import (
    REQUIRED,
    AgencyField,
    AgencyMultiField,
    VNDateField,
    agency_choices,
    options,
)
from tracker.tasks.services import TaskInput


class TaskForm(FlaskForm):
    content = TextAreaField(_l("Nội dung nhiệm vụ"), validators=[DataRequired(REQUIRED)])
    lead_agency_id = AgencyField(
        _l("Đơn vị chủ trì"), validators=[DataRequired(_l("Vui lòng chọn đơn vị chủ trì."))]
    )
    co_agency_ids = AgencyMultiField(_l("Đơn vị phối hợp"), validators=[Optional()])
    via_agency_id = AgencyField(_l("Báo cáo qua (tổng hợp)"), validators=[Optional()])
    via_due_on = VNDateField(_l("Hạn đơn vị tổng hợp báo cáo"), validators=[Optional()])
    due_on = VNDateField(_l("Thời hạn"), validators=[Optional()])
    cadence = SelectField(_l("Chế độ báo cáo"), choices=options(CADENCE_CHOICES), default="none")
    cadence_rule = StringField(
        _l("Quy tắc lặp nâng cao"),
        validators=[Optional(), Length(max=500)],
        render_kw={"placeholder": "FREQ=MONTHLY;BYMONTHDAY=20"},
    )
    period_due_day = StringField(
        _l("Hạn báo cáo mỗi kỳ"),
        validators=[Optional(), Length(max=10)],
        render_kw={"placeholder": _l("20 hoặc 15/12")},
    )
    starts_on = VNDateField(_l("Báo cáo từ ngày"), validators=[Optional()])
    ends_on = VNDateField(_l("Báo cáo đến ngày"), validators=[Optional()])
    confirm_early_due = BooleanField(_l("Tôi xác nhận thời hạn trước ngày ban hành là đúng"))


def task_form(obj=None) -> TaskForm:
    form = TaskForm(obj=obj)
    choices = agency_choices()
    form.lead_agency_id.choices = choices
    form.via_agency_id.choices = choices
    form.co_agency_ids.choices = choices.without_blank()
    return form


def task_input(form: Any) -> TaskInput:
    """What the office typed for one task, as the services take it: from the task form, or
    from a row of the extraction review (which has no recurrence rule nor report range, and
    keeps the words the task was extracted from)."""

    def data(name: str) -> Any:
        field = getattr(form, name, None)
        return None if field is None else field.data

    return TaskInput(
        content=form.content.data or "",
        lead_agency_id=form.lead_agency_id.data,
        co_agency_ids=list(form.co_agency_ids.data or []),
        via_agency_id=form.via_agency_id.data,
        via_due_on=form.via_due_on.data,
        due_on=form.due_on.data,
        cadence=form.cadence.data,
        cadence_rule=data("cadence_rule"),
        period_due_day=form.period_due_day.data,
        starts_on=data("starts_on"),
        ends_on=data("ends_on"),
        source_text=data("source_text") or "",
        confirm_early_due=form.confirm_early_due.data,
    )
