"""Form fields shared by every feature: Vietnamese dates and agency pickers."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import Select, html_params

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


class AgencyChoices(list[SelectChoice]):
    """The agency choices of one request, whose `<option>` markup is rendered only once.

    The extraction review page shows three agency selects per proposed task: ~170 selects of
    ~150 agencies. WTForms renders every option of every select through `render_option`
    (html_params, escaping): 85% of that page's time. The options are the same in every
    select; only which ones are `selected` differs. So `AgencySelect` asks this list for the
    markup, built here once per list (a list lives for one request, so labels follow the
    request's locale) and copied per field with that field's selection marked. Validation
    still reads the list as plain WTForms choices. Do not change the list once rendered: the
    markup would not follow (build a new one instead).
    """

    def __init__(self, choices: Iterable[SelectChoice] = ()):
        super().__init__(choices)
        #: coerce function → (options unselected, options selected, coerced value → indexes)
        self._rendered: dict[Callable, tuple[list[str], list[str], dict[Any, list[int]]]] = {}
        self._joined: dict[Callable, str] = {}
        self._values: frozenset | None = None

    def without_blank(self) -> "AgencyChoices":
        """The same agencies without the "— Chọn —" entry (for multiple selects)."""
        return AgencyChoices(c for c in self if c.value != "")

    def known_values(self) -> frozenset:
        """The submittable values, for the fields' own choice validation."""
        if self._values is None:
            self._values = frozenset(c.value for c in self)
        return self._values

    def options_markup(self, coerce: Callable, selected: Iterable) -> Markup:
        """The `<option>`s, those whose coerced value is in `selected` marked as selected.

        Same rule as WTForms' `iter_choices` (`coerce(choice.value) == data`), so the page
        shows exactly what WTForms would have rendered.
        """
        if coerce not in self._rendered:
            plain, chosen, index = [], [], {}
            for i, c in enumerate(self):
                plain.append(Select.render_option(Choice(c.value, c.label, False, c.render_kw)))
                chosen.append(Select.render_option(Choice(c.value, c.label, True, c.render_kw)))
                try:
                    index.setdefault(coerce(c.value), []).append(i)
                except (ValueError, TypeError):
                    pass  # WTForms would fail to render it; here it is simply never selected
            self._rendered[coerce] = plain, chosen, index
            self._joined[coerce] = "".join(plain)
        plain, chosen, index = self._rendered[coerce]
        hits = {i for value in selected for i in _lookup(index, value)}
        if not hits:
            return Markup(self._joined[coerce])
        parts = list(plain)
        for i in hits:
            parts[i] = chosen[i]
        return Markup("".join(parts))


def _lookup(index: dict[Any, list[int]], value: Any) -> list[int]:
    try:
        return index.get(value, [])
    except TypeError:  # unhashable data never equals an agency id
        return []


class AgencySelect(Select):
    """WTForms' select widget, taking the options from `AgencyChoices` when it can."""

    def __call__(self, field, **kwargs) -> Markup:
        choices = field.choices
        if not isinstance(choices, AgencyChoices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
            selected = field.data or ()
        else:
            selected = (field.data,)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        options = choices.options_markup(field.coerce, selected)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


def _known_values(choices) -> frozenset | set:
    if isinstance(choices, AgencyChoices):
        return choices.known_values()
    return {c.value for c in choices}


class AgencyField(SelectField):
    """One agency, chosen from the registry (the page's picker filters it as you type)."""

    widget = AgencySelect()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _int_or_none)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("render_kw", {}).setdefault("data-picker", "agency")
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data is not None and self.data not in _known_values(self.choices):
            raise ValidationError(_l("Cơ quan, đơn vị không có trong danh mục."))


class AgencyMultiField(SelectMultipleField):
    """Several agencies (đơn vị phối hợp)."""

    widget = AgencySelect(multiple=True)

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("render_kw", {}).setdefault("data-picker", "agency")
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        known = _known_values(self.choices)
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Có cơ quan, đơn vị không có trong danh mục."))


def _int_or_none(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def options(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def agency_choices(include_blank: bool = True) -> AgencyChoices:
    """Return the active agencies as select choices, by name.

    Share the result between the fields of one page: their options are then rendered once.
    """
    from tracker.agencies.models import Agency
    from tracker.extensions import db

    rows = db.session.execute(
        db.select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
    ).all()
    choices = [(row.id, row.name) for row in rows]
    blank = [("", _l("— Chọn cơ quan, đơn vị —"))] if include_blank else []
    return AgencyChoices(options(blank + choices))


def field_errors(field: Field) -> list[str]:
    return list(field.errors or [])


def validate_with_upload(form, field) -> tuple[bool, tuple[bytes, str, str] | None]:
    """Validate a form's fields and its file together: (all valid, the checked file or None).

    The file is checked even when another field fails, so a wrong file is reported at the
    first submission and not after the other fields were fixed (a 30 MB file sent twice).
    Browsers never keep a picked file when the page comes back with errors, so a good file
    on a form that failed says it must be picked again.
    """
    from tracker.files.storage import UploadError, check_upload

    if not form.is_submitted():
        return False, None
    valid = form.validate()
    try:
        checked = check_upload(field.data)
    except UploadError as error:
        field.errors = [*field.errors, str(error)]
        return False, None
    if not valid and checked is not None:
        field.errors = [
            *field.errors,
            _(
                "Tệp “%(name)s” hợp lệ nhưng chưa được lưu vì còn mục khác chưa đúng; "
                "vui lòng chọn lại tệp trước khi gửi lại.",
                name=checked[1],
            ),
        ]
    return valid, checked
