"""The agency selects render their options once a page, and exactly as WTForms would."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.widgets import Select

from tracker.forms import AgencyChoices, AgencyField, AgencyMultiField, options

PAIRS = [("", "— Chọn —"), (1, "Sở <Tài> & “chính”"), (2, "Sở Nội vụ"), (30, 'Xã "A"')]


class TwoPickers(Form):
    lead = AgencyField("Chủ trì")
    co = AgencyMultiField("Phối hợp")


def _form(formdata=None, **data) -> TwoPickers:
    form = TwoPickers(formdata=MultiDict(formdata) if formdata else None, data=data)
    choices = AgencyChoices(options(PAIRS))
    form.lead.choices = choices
    form.co.choices = choices.without_blank()
    return form


def _wtforms(field, **kwargs) -> str:
    """What WTForms' own select widget renders for the field (with its render_kw)."""
    widget = Select(multiple=field.type == "AgencyMultiField")
    return widget(field, **{**field.render_kw, **kwargs})


@pytest.mark.parametrize(
    "formdata, data",
    [
        (None, {}),
        (None, {"lead": 2, "co": [1, 30]}),
        ([("lead", "30"), ("co", "2")], {}),
        ([("lead", "999"), ("co", "1"), ("co", "999")], {}),  # unknown ids: nothing marked
        ([("lead", "abc"), ("co", "x")], {}),  # not a number: the field keeps no data
    ],
)
def test_same_markup_as_wtforms(formdata, data):
    form = _form(formdata, **data)
    for field in (form.lead, form.co):
        assert str(field(size=4)) == str(_wtforms(field, size=4))


def test_one_choice_list_serves_every_field_and_keeps_each_selection():
    choices = AgencyChoices(options(PAIRS))
    forms = [_form([("lead", str(i))]) for i in (1, 2, 30)]
    for form in forms:
        form.lead.choices = choices
    html = [str(form.lead()) for form in forms]
    for value, page in zip((1, 2, 30), html, strict=True):
        assert page.count("selected") == 1 and f'<option selected value="{value}">' in page
    assert "Sở &lt;Tài&gt; &amp; “chính”" in html[0]


def test_validation_still_checks_the_choices():
    form = _form([("lead", "999"), ("co", "2"), ("co", "998")])
    assert not form.validate()
    assert form.lead.errors and form.co.errors
    form = _form([("lead", "30"), ("co", "1"), ("co", "2")])
    assert form.validate(), form.errors
    assert form.lead.data == 30 and form.co.data == [1, 2]


def test_a_plain_list_of_choices_still_renders():
    form = _form([("lead", "2")])
    form.lead.choices = options(PAIRS)
    assert str(form.lead()) == str(_wtforms(form.lead))
    assert '<option selected value="2">' in str(form.lead())


def test_options_are_rendered_once_for_all_the_fields(monkeypatch):
    """The guard of the review page's speed: 170 selects must not render 25k options."""
    calls = []
    render = Select.render_option.__func__

    def counting(cls, choice, **kwargs):
        calls.append(choice.value)
        return render(cls, choice, **kwargs)

    monkeypatch.setattr(Select, "render_option", classmethod(counting))
    choices = AgencyChoices(options(PAIRS))
    for i in range(10):
        form = _form([("lead", str(i))])
        form.lead.choices = choices
        form.lead()
    assert len(calls) == 2 * len(PAIRS)  # each option once unselected, once selected
