"""The review screen's pure rules: source words marked in their sentence, bulk actions."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.extraction.review import apply_bulk, highlight, load_sources


def test_each_source_is_marked_once_where_it_is():
    text = "Sở Tài chính chủ trì, gửi Sở Nội vụ trước ngày 05/7/2025 để tổng hợp."
    pieces = highlight(
        text, {"agency": "Sở Tài chính", "due": "trước ngày 05/7/2025", "via": "Sở Nội vụ"}
    )
    assert "".join(p for p, _ in pieces) == text
    assert [(p, n) for p, n in pieces if n] == [
        ("Sở Tài chính", "agency"),
        ("Sở Nội vụ", "via"),
        ("trước ngày 05/7/2025", "due"),
    ]


def test_words_not_in_the_sentence_are_not_marked():
    assert highlight("Sở Y tế chủ trì.", {"due": "trước ngày 01/01/2026"}) == [
        ("Sở Y tế chủ trì.", None)
    ]


def test_overlapping_sources_mark_the_next_place():
    pieces = highlight("Sở Y tế gửi Sở Y tế", {"agency": "Sở Y tế", "via": "Sở Y tế"})
    assert [n for _, n in pieces] == ["agency", None, "via"]


@given(st.text(), st.dictionaries(st.sampled_from(["agency", "due", "cadence", "via"]), st.text()))
def test_highlight_always_gives_the_text_back(text, sources):
    assert "".join(p for p, _ in highlight(text, sources)) == text


def test_broken_sources_field_is_empty():
    assert load_sources("not json") == {} and load_sources("[1]") == {}
    assert load_sources('{"agency": "Sở Y tế", "x": "y", "due": 3}') == {"agency": "Sở Y tế"}


def test_bulk_actions():
    rows = [
        {"lead_agency_id": 1, "due_on": date(2025, 5, 1)},
        {"lead_agency_id": 2, "due_on": date(2025, 7, 1)},
    ]
    assert [r["lead_agency_id"] for r in apply_bulk(rows, "lead", {1}, lead_agency_id=9)] == [1, 9]
    assert apply_bulk(rows, "drop", {0}) == [rows[1]]
    assert apply_bulk(rows, "due", {0}, due_on=date(2025, 9, 30))[0]["due_on"] == date(2025, 9, 30)
    confirmed = apply_bulk(rows, "confirm-early", set(), issued_on=date(2025, 6, 2))
    assert [r.get("confirm_early_due") for r in confirmed] == [True, None]
    assert rows[0].get("confirm_early_due") is None  # the rows given are not changed


def test_a_source_inside_a_longer_one_splits_it():
    text = "Sở Y tế gửi Sở Tài chính trước ngày 05/7/2025 để tổng hợp."
    pieces = highlight(
        text,
        {
            "agency": "Sở Y tế",
            "due": "gửi Sở Tài chính trước ngày 05/7/2025",
            "via": "Sở Tài chính",
        },
    )
    assert [(p, n) for p, n in pieces if n] == [
        ("Sở Y tế", "agency"),
        ("gửi ", "due"),
        ("Sở Tài chính", "via"),
        (" trước ngày 05/7/2025", "due"),
    ]
