"""Accent-insensitive search in SQL over folded columns, on SQLite and PostgreSQL alike.

Every word of the query must begin a word (in any order), so "ket luan chu tich" finds
"Kết luận của Chủ tịch" and "so tai chinh" finds "Sở Tài chính", but "an" finds "an ninh"
and not "ban hành".
"""

from sqlalchemy import ColumnElement, and_, or_, true

from tracker.text import fold


def words(query: str) -> list[str]:
    return fold(query).split()


#: what may come before a word in folded text: the start, a space, or punctuation that joins
#: words ("5016/tb-vpubnd", "(ubnd", "“so")
_WORD_STARTS = ("", " ", "/", "-", "(", "\u201c", '"')


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def starts_a_word(column, term: str) -> ColumnElement[bool]:
    """`term` begins a word of the folded `column`: "chinh" finds "tài chính", "an" no longer
    finds "ban hành". LIKE patterns, as before: the same scan on SQLite and PostgreSQL."""
    escaped = _escape(term)
    return or_(
        column.like(f"{escaped}%", escape="\\"),
        *(column.like(f"%{before}{escaped}%", escape="\\") for before in _WORD_STARTS[1:]),
    )


def matches(query: str, *columns) -> ColumnElement[bool]:
    """Each word of `query` begins a word in at least one of the folded `columns`."""
    terms = words(query)
    if not terms:
        return true()
    return and_(*(or_(*(starts_a_word(c, t) for c in columns)) for t in terms))
