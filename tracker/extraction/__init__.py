"""Directive extraction: propose the header and tasks of a pasted directive, review, save.

The engine (layout, subjects, dates, engine, registry, readers) is pure Python (no Flask): the
web review screen and the `flask directives extract` command call `extract()`, `Registry` and
`read_document()`. `services.py` is the glue to the database (the registry, and saving a
reviewed directive), `review.py` the review's bulk rules, `views.py` the pages.
"""

from tracker.extraction.engine import COLLECTIVE_AGENCY, WARNING_CODES, extract
from tracker.extraction.readers import UnsupportedDocument, read_document
from tracker.extraction.registry import AgencyRecord, Match, Registry

__all__ = [
    "COLLECTIVE_AGENCY",
    "WARNING_CODES",
    "AgencyRecord",
    "Match",
    "Registry",
    "UnsupportedDocument",
    "extract",
    "read_document",
]
