"""Accent-insensitive search in SQL over folded columns, on SQLite and PostgreSQL alike.

Every word of the query must begin a word (in any order), so "ket luan chu tich" finds
"Kết luận của Chủ tịch" and "so tai chinh" finds "Sở Tài chính", but "an" finds "an ninh"
and not "ban hành".
"""

from sqlalchemy import ColumnElement, Text, and_, literal, or_, true

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
    finds "ban hành".

    The word-start patterns are ANDed with ``LIKE '%term%'``, which they imply (so the rows are
    the same): on PostgreSQL a trigram GIN index on the folded column (migration 0018_search17)
    serves that one pattern with a bitmap scan instead of reading every row (issue 17: the task
    search at 1M tasks); on SQLite it is one cheap test that rejects most rows first.
    """
    escaped = _escape(term)
    # PostgreSQL would also serve each word-start pattern from the trigram index: seven scans
    # of the same rows. `column || ''` (the same text) keeps them off the index, so the one
    # containment scan serves the word, and a word too short for a trigram ("so") is checked
    # on the rows the other words found instead of being scanned for at all.
    text = column.concat(literal("", Text))
    return and_(
        column.like(f"%{escaped}%", escape="\\"),
        or_(
            text.like(f"{escaped}%", escape="\\"),
            *(text.like(f"%{before}{escaped}%", escape="\\") for before in _WORD_STARTS[1:]),
        ),
    )


def matches(query: str, *columns) -> ColumnElement[bool]:
    """Each word of `query` begins a word in at least one of the folded `columns`."""
    terms = words(query)
    if not terms:
        return true()
    return and_(*(or_(*(starts_a_word(c, t) for c in columns)) for t in terms))
