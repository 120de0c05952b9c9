"""Form fields shared by every feature: Vietnamese dates and agency pickers."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from tracker.i18n import format_date, parse_date

REQUIRED = _l("Vui lòng nhập mục này.")


class VNDateField(StringField):
    """A date typed as dd/mm/yyyy; "31/02/2025" gets a Vietnamese message, not a crash."""

    def __init__(self, label: str | None = None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("placeholder", "dd/mm/yyyy")
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_date(self.data) if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        try:
            self.data = parse_date(text)
        except ValueError:
            self.data = None
            raise ValueError(
                _(
                    "Ngày “%(text)s” không hợp lệ. Nhập theo dạng dd/mm/yyyy, ví dụ 15/08/2025.",
                    text=text,
                )
            ) from None


class AgencyField(SelectField):
    """One agency, chosen from the registry (the page's picker filters it as you type)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _int_or_none)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("render_kw", {}).setdefault("data-picker", "agency")
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data is not None and self.data not in {c.value for c in self.choices}:
            raise ValidationError(_l("Cơ quan, đơn vị không có trong danh mục."))


class AgencyMultiField(SelectMultipleField):
    """Several agencies (đơn vị phối hợp)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("render_kw", {}).setdefault("data-picker", "agency")
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        known = {c.value for c in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Có cơ quan, đơn vị không có trong danh mục."))


def _int_or_none(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def options(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def agency_choices(include_blank: bool = True) -> list[SelectChoice]:
    """Return the active agencies as select choices, by name."""
    from tracker.agencies.models import Agency
    from tracker.extensions import db

    rows = db.session.execute(
        db.select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
    ).all()
    choices = [(row.id, row.name) for row in rows]
    return options(([("", _l("— Chọn cơ quan, đơn vị —"))] if include_blank else []) + choices)


def field_errors(field: Field) -> list[str]:
    return list(field.errors or [])
