"""Accent-insensitive search in SQL over folded columns, on SQLite and PostgreSQL alike.

Every word of the query must appear (in any order), so "ket luan chu tich" finds
"Kết luận của Chủ tịch" and "so tai chinh" finds "Sở Tài chính".
"""

from sqlalchemy import ColumnElement, and_, or_, true

from tracker.text import fold, like_pattern


def words(query: str) -> list[str]:
    return fold(query).split()


def matches(query: str, *columns) -> ColumnElement[bool]:
    """Each word of `query` appears in at least one of the folded `columns`."""
    terms = words(query)
    if not terms:
        return true()
    return and_(*(or_(*(c.like(like_pattern(t), escape="\\") for c in columns)) for t in terms))
