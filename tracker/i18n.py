"""Language and date formatting at the edges: Vietnamese first, English second.

Source strings are Vietnamese (the users' language); `tracker/translations/en` gives English.
Outside a request (the scheduler writing emails, the CLI) the text stays Vietnamese.
Dates read dd/mm/yyyy and times are shown in the committee's zone.
"""

import re
from datetime import date, datetime
from typing import Any

from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations, gettext
from jinja2 import pass_context

from tracker.timeutil import zone


def select_locale() -> str:
    """Pick the language from `?lang=`, then the session, then Vietnamese (the API: Accept-Language)."""
    from flask import current_app

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        # API clients say their language in Accept-Language; they keep no session
        best = request.accept_languages.best_match(languages)
        return best or current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    return session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]


def format_date(value: date | datetime | None) -> str:
    """Return dd/mm/yyyy, or "" for no date; a datetime is first put in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone()).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """Return dd/mm/yyyy HH:MM in the committee's zone."""
    if value is None:
        return ""
    return value.astimezone(zone()).strftime("%d/%m/%Y %H:%M")


def format_decimal(value: float | int | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals as the reader writes it: "16,7" in Vietnamese (the
    decimal comma, TCVN and every provincial report), "16.7" in English; "—" for none."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text if str(get_locale() or "vi").startswith("en") else text.replace(".", ",")


#: the years a typed date may fall in (strptime alone accepts "0025" and "9999")
MIN_YEAR, MAX_YEAR = 1900, 2199


def parse_date(text: str | None) -> date | None:
    """Parse dd/mm/yyyy (or d/m/yyyy, or ISO yyyy-mm-dd); raise ValueError if not a date."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        # "15.08.0025" is a typo, not the year 25: a directive's dates are in this era
        if MIN_YEAR <= parsed.year <= MAX_YEAR:
            return parsed
        break
    raise ValueError(text)


#: the shapes of the period labels that tracker.deadlines.periods writes (Vietnamese data,
#: also stored in reporting_period.label), each with the message that says it again
_PERIOD_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Tháng (?P<month>\d{1,2})/(?P<year>\d{4})"), "month"),
    (re.compile(r"Quý (?P<quarter>[IV]+)/(?P<year>\d{4})"), "quarter"),
    (re.compile(r"6 tháng đầu năm (?P<year>\d{4})"), "first_half"),
    (re.compile(r"6 tháng cuối năm (?P<year>\d{4})"), "second_half"),
    (re.compile(r"9 tháng năm (?P<year>\d{4})"), "nine_months"),
    (re.compile(r"Năm (?P<year>\d{4})"), "year"),
    (re.compile(r"Kỳ báo cáo (?P<date>\d{2}/\d{2}/\d{4})"), "dated"),
)


def _period_message(kind: str, parts: dict[str, str]) -> str:
    # literal msgids, so that extraction finds them
    if kind == "month":
        return gettext("Tháng %(month)s/%(year)s", **parts)
    if kind == "quarter":
        return gettext("Quý %(quarter)s/%(year)s", **parts)
    if kind == "first_half":
        return gettext("6 tháng đầu năm %(year)s", **parts)
    if kind == "second_half":
        return gettext("6 tháng cuối năm %(year)s", **parts)
    if kind == "nine_months":
        return gettext("9 tháng năm %(year)s", **parts)
    if kind == "year":
        return gettext("Năm %(year)s", **parts)
    return gettext("Kỳ báo cáo %(date)s", **parts)


def period_label(label: str | None) -> str:
    """A reporting period's label in the interface language.

    Period labels are Vietnamese data (written by the pure period rules and stored with each
    period); in Vietnamese, or for a label of another shape, the label is returned as is.
    """
    if not label:
        return ""
    locale = get_locale()
    if locale is None or locale.language == "vi":
        return label
    for pattern, kind in _PERIOD_LABELS:
        match = pattern.fullmatch(label.strip())
        if match:
            return _period_message(kind, match.groupdict())
    return label


# -- the templates' _() ------------------------------------------------------------------------

#: the template variable that carries the render's catalog (see `template_translations`)
TEMPLATE_TRANSLATIONS = "_translations"
_MEMO = "_tracker_translations"


def current_translations() -> NullTranslations:
    """Flask-Babel's `get_translations()`, remembered for the request.

    Flask-Babel looks the catalog up again on every message (the domain, the context, the
    locale and its name: ~10 context-local lookups, 20–50 µs on the 2-core machine); a task list
    shows ~200 messages (issue 17). The catalog is kept on `g` with the locale it was found
    for, so `force_locale` (an email in Vietnamese written during an English request) still
    gets its own.
    """
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    memo = g.get(_MEMO)
    if memo is not None and memo[0] is locale:
        return memo[1]
    translations = get_translations()
    setattr(g, _MEMO, (locale, translations))
    return translations


def template_translations() -> dict[str, Any]:
    """Context processor: the catalog of this render, read once per template."""
    return {TEMPLATE_TRANSLATIONS: current_translations()}


def _catalog(context) -> NullTranslations:
    # a macro imported without context does not see the render's variables
    return context.get(TEMPLATE_TRANSLATIONS) or current_translations()


@pass_context
def _template_gettext(context, string: str) -> str:
    return _catalog(context).ugettext(string)


@pass_context
def _template_ngettext(context, singular: str, plural: str, n: int) -> str:
    return _catalog(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context, msgctxt: str, string: str) -> str:
    return _catalog(context).upgettext(msgctxt, string)


@pass_context
def _template_npgettext(context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return _catalog(context).unpgettext(msgctxt, singular, plural, n)


def install_template_gettext(app) -> None:
    """Replace Flask-Babel's template callables (same messages, same new-style formatting)
    by ones that read the catalog from the render's context."""
    app.context_processor(template_translations)
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        newstyle=True,
    )
