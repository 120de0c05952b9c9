"""Language and date formatting at the edges: Vietnamese first, English second.

Source strings are Vietnamese (the users' language); `translations/en` gives English.
Dates read dd/mm/yyyy and times are shown in the committee's zone.
"""

from datetime import date, datetime

from flask import request, session

from tracker.timeutil import zone


def select_locale() -> str:
    """Pick the language from `?lang=`, then the session, then Vietnamese."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
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
