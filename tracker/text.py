"""Text helpers shared by search, the agency registry and extraction.

Vietnamese users type without diacritics ("so tai chinh"), so every search compares
*folded* text: lower case, no combining marks, đ→d, single spaces.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Return `text` lower-cased, without diacritics and with single spaces."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def like_pattern(query: str) -> str:
    """Return a LIKE pattern matching folded text that contains the folded `query`."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
