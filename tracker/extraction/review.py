"""Rules of the review screen that need no Flask: the source words highlighted inside their
sentence, and the bulk actions the office applies to selected rows of a 100-task proposal.

The rows are plain dicts (the review form's data), so the same rules serve a real request
and a unit test; the view only turns the form into rows and rows back into a form.
"""

import json
from datetime import date

#: the fields whose words the engine records, in the order they are highlighted
SOURCE_FIELDS = ("agency", "due", "cadence", "via")

#: bulk actions posted as `action=bulk-<name>`
BULK_ACTIONS = ("lead", "due", "drop", "confirm-early")


def load_sources(text: str | None) -> dict[str, str]:
    """The `sources` hidden field back into a dict; anything else (edited, broken) is empty."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if k in SOURCE_FIELDS and isinstance(v, str) and v}


def highlight(text: str, sources: dict[str, str]) -> list[tuple[str, str | None]]:
    """Cut `text` into pieces, each either plain (None) or the words behind one field.

    Longer sources are placed first, each at its first place that is free or lies wholly inside
    one longer source (the via agency inside "gửi Sở Tài chính trước ngày 05/7"), which it then
    splits. A source not found in the sentence (rewritten by the office, say) is not marked,
    so the highlighting never shows words that are not there.
    """
    labels: list[str | None] = [None] * len(text)
    lengths: list[int] = [0] * len(text)
    named = [(name, (sources.get(name) or "").strip()) for name in SOURCE_FIELDS]
    for name, words in sorted(named, key=lambda pair: -len(pair[1])):
        if not words:
            continue
        start = text.find(words)
        while start != -1:
            end = start + len(words)
            covering = set(zip(labels[start:end], lengths[start:end], strict=True))
            free = covering == {(None, 0)}
            inside = len(covering) == 1 and next(iter(covering))[1] > len(words)
            if free or inside:
                labels[start:end] = [name] * len(words)
                lengths[start:end] = [len(words)] * len(words)
                break
            start = text.find(words, start + 1)
    pieces: list[tuple[str, str | None]] = []
    for char, label in zip(text, labels, strict=True):
        if pieces and pieces[-1][1] == label:
            pieces[-1] = (pieces[-1][0] + char, label)
        else:
            pieces.append((char, label))
    return pieces


def apply_bulk(
    rows: list[dict],
    action: str,
    selected: set[int],
    *,
    lead_agency_id: int | None = None,
    due_on: date | None = None,
    issued_on: date | None = None,
) -> list[dict]:
    """Rows after one bulk action on the selected indexes (the others are kept as they are).

    "confirm-early" confirms the due dates before the issue date of the selected rows, or of
    every row when none is selected: it is the one action the office wants on the whole plan
    (a notice that repeats deadlines already passed).
    """
    if action == "drop":
        return [row for i, row in enumerate(rows) if i not in selected]
    result = []
    for i, row in enumerate(rows):
        row = dict(row)
        if action == "lead" and i in selected:
            row["lead_agency_id"] = lead_agency_id
            row["collective_kind"] = ""
        elif action == "due" and i in selected:
            row["due_on"] = due_on
        elif action == "confirm-early" and (i in selected or not selected):
            due = row.get("due_on")
            if isinstance(due, date) and isinstance(issued_on, date) and due < issued_on:
                row["confirm_early_due"] = True
        result.append(row)
    return result
