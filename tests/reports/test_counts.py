"""The report's numbers against the hand-computed province (tests/reports/conftest.py)."""

from datetime import date

import pytest

from tests.reports.conftest import AS_OF, EXPECTED_Q3, EXPECTED_Q3_TOTALS
from tracker.reports.queries import METRICS
from tracker.reports.service import (
    ReportError,
    build_report,
    detail_records,
    parse_request,
)


def _by_name(report):
    return {r["agency"]: r for r in report["agencies"] + report["small_agencies"]}


def test_quarter_counts_per_agency(app, province):
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", AS_OF))
    rows = _by_name(report)
    assert set(rows) == set(EXPECTED_Q3)
    for name, expected in EXPECTED_Q3.items():
        assert {m: rows[name][m] for m in METRICS} == expected, name
    assert {m: report["totals"][m] for m in METRICS} == EXPECTED_Q3_TOTALS
    assert report["starts_on"] == "2025-06-15" and report["ends_on"] == "2025-09-14"


def test_rates_and_wilson(app, province):
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", AS_OF))
    stc = _by_name(report)["Sở Tài chính"]
    assert stc["completion_rate"] == 66.7  # 6 of 9 due
    assert stc["on_time_rate"] == 44.4  # 4 of 9 due; late completions are not on time
    assert stc["wilson_low"] < 44.4 < stc["wilson_high"]
    assert stc["merged"] == ["Sở Kế hoạch và Đầu tư"]
    assert not stc["small"]
    # every other agency has fewer than 5 due tasks: shown apart, not ranked
    assert [r["agency"] for r in report["agencies"]] == ["Sở Tài chính"]
    assert {r["agency"] for r in report["small_agencies"]} == {
        "Sở Nội vụ",
        "Sở Y tế",
        "Sở Khoa học và Công nghệ",
    }
    assert [r["agency"] for r in report["ranking"]] == ["Sở Tài chính"]
    assert report["totals"]["on_time_rate"] == round(100 * 7 / 16, 1)


def test_as_of_inside_the_period(app, province):
    """On 01/09 the tasks due 05/09 and 14/09 were still within their deadline."""
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", date(2025, 9, 1)))
    stc = _by_name(report)["Sở Tài chính"]
    assert (stc["total"], stc["done_on_time"], stc["done_late"]) == (9, 4, 2)
    assert (stc["open_on_time"], stc["open_overdue"], stc["settled"]) == (2, 1, 7)
    assert stc["on_time_rate"] == round(100 * 4 / 7, 1)


def test_later_extension_moves_the_task_out_of_the_quarter(app, province):
    """As of 20/10 the extension decided 10/10 is in force: t5 is due 30/09, after Q3."""
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", date(2025, 10, 20)))
        stc = _by_name(report)["Sở Tài chính"]
        assert stc["total"] == 8
        # t6 was done on 20/10 (late)
        assert stc["done_late"] == 3


def test_year_report_overdue_more_than_120_days(app, province):
    with app.app_context():
        report = build_report(parse_request(2025, "Y", AS_OF))
    snv = _by_name(report)["Sở Nội vụ"]
    assert snv["overdue_120"] == 1  # due 01/05, open on 05/10: 157 days
    # stc_co (due 15/11) is still within its deadline on 05/10
    assert snv["open_on_time"] == 1


def test_drill_down_matches_each_number(app, province):
    with app.app_context():
        request = parse_request(2025, "Q3", AS_OF)
        report = build_report(request, with_trend=False)
        for metric in METRICS:
            for row in report["agencies"] + report["small_agencies"]:
                records = detail_records(request, metric=metric, agency_id=row["agency_id"])
                assert len(records) == row[metric], (row["agency"], metric)
            assert len(detail_records(request, metric=metric)) == report["totals"][metric]


def test_drill_down_of_merged_agency(app, province):
    with app.app_context():
        request = parse_request(2025, "Q3", AS_OF)
        late = detail_records(request, metric="done_late", agency_id=province["agencies"]["stc"])
    assert {r["task_id"] for r in late} == {province["tasks"]["t3"], province["tasks"]["khdt"]}
    assert {r["lead_agency"] for r in late} == {"Sở Tài chính", "Sở Kế hoạch và Đầu tư"}


def test_appendix_lists_every_item_with_state(app, province):
    with app.app_context():
        rows = detail_records(parse_request(2025, "Q3", AS_OF))
    assert len(rows) == 16 + 1 + 2  # items, the cancelled one, the stale undated tasks
    assert [r["stt"] for r in rows] == list(range(1, len(rows) + 1))
    by_task = {(r["task_id"], r["period_id"]): r for r in rows}
    t4 = by_task[(province["tasks"]["t4"], None)]
    assert t4["extended"] and t4["due_on"] == date(2025, 8, 30)
    assert t4["original_due_on"] == date(2025, 8, 1)
    assert t4["status"] == "done_on_time"
    assert "Tháng 8/2025" in " ".join(r["content"] for r in rows)
    assert any(r["status"] == "cancelled" for r in rows)
    future = province["tasks"]["future"]
    assert all(r["task_id"] != future for r in rows)


@pytest.mark.parametrize(
    ("year", "code", "as_of", "message"),
    [
        (2025, "Q5", "2025-10-05", "Kỳ báo cáo “Q5” không hợp lệ"),
        (2025, "Q3", "05-2025-10", "không đúng định dạng"),
        (2025, "Q3", "2025-06-01", "trước ngày bắt đầu kỳ"),
        ("hai nghìn", "Q3", "2025-10-05", "Năm “hai nghìn” không hợp lệ"),
        (1900, "Y", "2025-10-05", "ngoài khoảng"),
    ],
)
def test_bad_input(app, year, code, as_of, message):
    with app.app_context(), pytest.raises(ReportError, match=message):
        parse_request(year, code, as_of)


def test_empty_report_says_why(app, province):
    with app.app_context():
        report = build_report(parse_request(2024, "Q1", "2024-12-31"))
    assert report["empty"] and report["agencies"] == [] and report["small_agencies"] == []
    assert "Không có nhiệm vụ nào có thời hạn trong kỳ Quý I/2024" in report["empty_reason"]


def test_trend_over_the_last_quarters(app, province):
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", AS_OF))
    assert [p["key"] for p in report["trend"]] == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    last = report["trend"][-1]
    assert last["settled"] == 16 and last["on_time_rate"] == report["totals"]["on_time_rate"]


def test_ranking_uses_the_wilson_lower_bound():
    from tracker.reports.service import _ranking, _with_rates

    def row(name, settled, on_time):
        counts = dict.fromkeys(METRICS, 0)
        counts.update(settled=settled, total=settled, done_on_time=on_time)
        return {"agency_id": name, "agency": name, **_with_rates(counts)}

    ranked = _ranking([row("nhỏ", 5, 5), row("lớn", 100, 95), row("kém", 20, 8)])
    assert [r["agency"] for r in ranked] == ["lớn", "nhỏ", "kém"]
    assert ranked[1]["on_time_rate"] == 100.0 and ranked[0]["score"] > ranked[1]["score"]


@pytest.mark.parametrize("code", ["M7", "M9", "Q1", "Q3", "Q4", "H1", "9M", "Y"])
@pytest.mark.parametrize("as_of", [date(2025, 8, 1), AS_OF, date(2025, 10, 20)])
def test_single_pass_equals_separate_reports(app, province, code, as_of):
    """The report and its trend come from one pass over pieces of their windows (issue 7); each
    number must equal what the report of that window alone gives."""
    from tracker.reports import service
    from tracker.reports.queries import Scope

    with app.app_context():
        try:
            request = parse_request(2025, code, as_of)
        except ReportError:  # a period that starts after the as-of day has no report
            return
        with_trend = build_report(request)
        alone = build_report(request, with_trend=False)
        assert with_trend["agencies"] == alone["agencies"]
        assert with_trend["small_agencies"] == alone["small_agencies"]
        assert with_trend["totals"] == alone["totals"]
        quarters = service.trend_quarters(request)
        assert [p["key"] for p in with_trend["trend"]] == [q[0] for q in quarters]
        for point, (_, _, starts_on, ends_on) in zip(with_trend["trend"], quarters, strict=True):
            _, totals = service._agency_rows(Scope(starts_on, ends_on, as_of))
            rated = service._with_rates(totals)
            assert point["settled"] == rated["settled"]
            assert point["on_time_rate"] == rated["on_time_rate"]
            assert point["completion_rate"] == rated["completion_rate"]


def test_elementary_windows_cut_overlaps_and_skip_gaps():
    from tracker.reports.queries import elementary_windows

    d = date
    pieces = elementary_windows(
        [
            (d(2025, 6, 15), d(2025, 9, 14)),
            (d(2025, 7, 1), d(2025, 7, 31)),
            (d(2025, 10, 1), d(2025, 10, 9)),
        ]
    )
    assert pieces == [
        (d(2025, 6, 15), d(2025, 6, 30)),
        (d(2025, 7, 1), d(2025, 7, 31)),
        (d(2025, 8, 1), d(2025, 9, 14)),
        (d(2025, 10, 1), d(2025, 10, 9)),
    ]


def test_nine_month_report_ends_where_the_office_set_it(app, province):
    """The "9 tháng" end set on the Kỳ báo cáo page is the report's too (it used to be ignored)."""
    from tracker.deadlines.services import save_period_settings
    from tracker.extensions import db

    with app.app_context():
        assert parse_request(2025, "9M", AS_OF).ends_on == date(2025, 9, 14)
        save_period_settings(
            due_day=20,
            nine_month_end="31/8",
            strict_before=False,
            cutoff="decree",
            due_on_day_off="keep",
        )
        db.session.commit()
        request = parse_request(2025, "9M", AS_OF)
        assert (request.starts_on, request.ends_on) == (date(2024, 12, 15), date(2025, 8, 31))
        # the quarters keep the decree's cut-off
        assert parse_request(2025, "Q3", AS_OF).ends_on == date(2025, 9, 14)
