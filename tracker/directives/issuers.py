"""One spelling per issuer: "Chủ tịch Ủy ban nhân dân tỉnh" and "Chủ tịch UBND tỉnh" are the
same person, and must not become two entries of the issuer filter (issue 11).

A plain function (no Flask): the directive service applies it on every save, typed or pasted.
"""

import re
import unicodedata

#: the long forms of the bodies a directive's issuer names → the short form documents use
_SHORT_FORMS = (
    (re.compile(r"\b(?:ủy|uỷ) ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bhội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
    (re.compile(r"\bubnd\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bhđnd\b", re.IGNORECASE), "HĐND"),
    (re.compile(r"\bban chỉ đạo\b", re.IGNORECASE), "Ban Chỉ đạo"),
)
_SPACES = re.compile(r"\s+")


def normalize_issuer(text: str | None) -> str:
    """The canonical spelling of an issuer: composed Unicode, single spaces, the short forms
    UBND/HĐND, a capital first letter ("chủ tịch ubnd tỉnh" → "Chủ tịch UBND tỉnh")."""
    if not text:
        return ""
    value = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    for pattern, short in _SHORT_FORMS:
        value = pattern.sub(short, value)
    return value[:1].upper() + value[1:]
