"""Directive-extraction engine: propose the header and tasks of a pasted directive.

Pure Python (no Flask): the web review screen and the `flask directives extract` command
call `extract()`, `Registry` and `read_document()`.
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
