"""Deadline and cadence phrases, one sentence at a time."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.extraction import extract
from tracker.extraction.dates import add_working_days, find_cadences, find_deadlines
from tracker.extraction.textutil import fold_keep_length

ISSUED = "Hòa Bình, ngày 17 tháng 5 năm 2025\n"


def one_task(registry, sentence: str, **kwargs) -> dict:
    out = extract(ISSUED + sentence, registry, **kwargs)
    assert len(out["tasks"]) == 1, out["tasks"]
    return out["tasks"][0]


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("trước ngày 15/8/2025", "2025-08-15"),
        ("Thời hạn hoàn thành trước ngày 30/6/2025", "2025-06-30"),
        ("Hoàn thành trước 30/11/2025", "2025-11-30"),
        ("chậm nhất ngày 25/9/2025", "2025-09-25"),
        ("chậm nhất là ngày 5-9-2025", "2025-09-05"),
        ("trước ngày 15 tháng 8 năm 2025", "2025-08-15"),
        ("thời hạn: 30/6/2025", "2025-06-30"),
        ("trong tháng 9/2025", "2025-09-30"),
        ("trong tháng 6/2026", "2026-06-30"),
        ("trong tháng 2 năm 2028", "2028-02-29"),
        ("trong quý IV/2026", "2026-12-31"),
        ("trong quý I năm 2026", "2026-03-31"),
        ("hoàn thành trong năm 2025", "2025-12-31"),
        ("trước ngày 05/7", "2025-07-05"),  # no year: the directive's
        ("trong tháng 9", "2025-09-30"),
    ],
)
def test_one_off_deadline(registry, phrase, due):
    task = one_task(registry, f"Sở Tài chính tổng hợp, báo cáo UBND tỉnh {phrase}.")
    assert task["due"] == due
    assert task["cadence"] is None


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("trong vòng 60 ngày kể từ ngày ký", "2025-07-16"),  # issue date 17/5/2025
        # 31/8/2025 is a Sunday and 1-2/9 Quốc khánh: the period ends on the next working day
        ("trong vòng 30 ngày kể từ ngày 01/8/2025", "2025-09-03"),
        ("trong thời hạn 10 ngày làm việc kể từ ngày ký", "2025-05-30"),
        ("trong 2 tháng kể từ ngày 31/12/2025", "2026-03-02"),  # 28/02/2026 is a Saturday
    ],
)
def test_relative_deadline(registry, phrase, due):
    task = one_task(registry, f"Sở Xây dựng hoàn thiện hồ sơ {phrase}.")
    assert task["due"] == due
    assert task["notes"], "the computation is explained to the reviewer"


def test_relative_deadline_prefers_base_date_over_issue_date(registry):
    task = one_task(
        registry, "Sở Xây dựng hoàn thiện hồ sơ trong vòng 10 ngày.", base_date=date(2025, 6, 1)
    )
    assert task["due"] == "2025-06-11"


def test_relative_deadline_without_any_base_is_undated():
    deadlines = find_deadlines(fold_keep_length("trong vòng 10 ngày kể từ ngày ký"), None, None)
    assert len(deadlines) == 1 and deadlines[0].due is None


def test_citation_dates_are_not_deadlines():
    folded = fold_keep_length(
        "theo Quyết định số 813/QĐ-UBND ngày 30/3/2018, xếp thứ 37/63 tỉnh, năm 2024"
    )
    assert find_deadlines(folded, 2025, None) == []


@pytest.mark.parametrize(
    ("sentence", "cadence", "day", "first_due"),
    [
        ("Hằng tháng rà soát tình hình thực hiện nhiệm vụ.", "monthly", None, None),
        ("Rà soát, báo cáo kết quả hàng tháng.", "monthly", None, None),
        # issued 17/5/2025: the first period's deadline is the first such day after it
        ("Báo cáo UBND tỉnh trước ngày 20 hằng tháng.", "monthly", "20", "2025-05-20"),
        ("Báo cáo UBND tỉnh trước ngày 10 hằng tháng.", "monthly", "10", "2025-06-10"),
        ("Định kỳ hàng quý báo cáo kết quả.", "quarterly", None, None),
        (
            "Định kỳ quý I, 6 tháng, 9 tháng, cả năm báo cáo kết quả.",
            "quarterly-cumulative",
            None,
            None,
        ),
        ("Định kỳ 6 tháng báo cáo kết quả.", "semiannual", None, None),
        ("Hằng năm tổ chức đánh giá.", "annual", None, None),
        ("Báo cáo trước ngày 15 của tháng cuối quý.", "quarterly", "15", "2025-06-15"),
        ("Báo cáo trước ngày 15/5 hằng năm.", "annual", "15/05", "2026-05-15"),
    ],
)
def test_cadence(registry, sentence, cadence, day, first_due):
    task = one_task(registry, f"Sở Nội vụ: {sentence}")
    assert (task["cadence"], task["period_due_day"], task["due"]) == (cadence, day, first_due)


def test_semiannual_and_annual_report_days(registry):
    out = extract(
        ISSUED + "Sở Y tế: báo cáo 6 tháng gửi Sở Nội vụ trước ngày 05/7 và báo cáo năm trước "
        "ngày 15/12 hằng năm.",
        registry,
    )
    got = [(t["cadence"], t["period_due_day"]) for t in out["tasks"]]
    assert got == [("semiannual", "05/07"), ("annual", "15/12")]


def test_annual_in_a_noun_phrase_is_not_a_cadence():
    for text in (
        "đảm bảo các vấn đề theo dõi thi hành pháp luật hàng năm được xử lý kịp thời",
        "tiêu chí “Thực hiện thu ngân sách hằng năm của tỉnh”",
        "Báo cáo đánh giá Chỉ số năm 2024 của tỉnh",
    ):
        assert find_cadences(fold_keep_length(text)) == [], text


def test_two_hop_chain(registry):
    out = extract(
        ISSUED + "Sở Y tế báo cáo kết quả, gửi Sở Tài chính trước ngày 05/7 để tổng hợp, báo cáo "
        "UBND tỉnh trước ngày 10/7.",
        registry,
    )
    [task] = out["tasks"]
    # the lead's own deadline is its report to the via agency; the via agency's is later
    assert (task["due"], task["via"], task["via_due"]) == (
        "2025-07-05",
        "Sở Tài chính",
        "2025-07-10",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Tổng hợp, báo cáo Chủ tịch UBND tỉnh (qua Sở Nội vụ tổng hợp) trước ngày 30/11/2025.",
        "Đề xuất giải pháp trước ngày 30/11/2025, gửi Sở Nội vụ tổng hợp.",
    ],
)
def test_report_via(registry, sentence):
    task = one_task(registry, f"Sở Y tế: {sentence}")
    assert (task["via"], task["due"]) == ("Sở Nội vụ", "2025-11-30")


@pytest.mark.parametrize("written", ["31/02/2025", "31/6/2025", "29/2/2025", "12/13/2025"])
def test_invalid_date_keeps_task_without_due(registry, written):
    out = extract(ISSUED + f"Sở Y tế báo cáo trước ngày {written}.", registry)
    [task] = out["tasks"]
    assert task["due"] is None and task["warnings"] == ["invalid-date"]
    assert any(written in w["message"] for w in out["warnings"])


def test_leap_day_is_valid(registry):
    assert one_task(registry, "Sở Y tế báo cáo trước ngày 29/2/2028.")["due"] == "2028-02-29"


def test_due_before_issued_is_flagged(registry):
    task = one_task(registry, "Sở Y tế báo cáo trước ngày 30/5/2024.")
    assert task["due"] == "2024-05-30" and task["warnings"] == ["due-before-issued"]


def test_deadline_only_sentence_completes_the_previous_one(registry):
    out = extract(
        ISSUED + "Sở Tài chính: Rà soát lại các chỉ tiêu năm 2025. Thời hạn hoàn thành trước ngày "
        "30/6/2025. Thực hiện tốt công tác quản lý ngân sách.",
        registry,
    )
    dated = [t for t in out["tasks"] if t["due"]]
    assert len(dated) == 1
    assert dated[0]["text"].startswith("Rà soát lại") and "30/6/2025" in dated[0]["text"]


def test_working_days_skip_weekends():
    assert add_working_days(date(2025, 5, 16), 1) == date(2025, 5, 19)  # Friday -> Monday


# -- the office's working calendar, events, several days of a year -------------------------


def test_working_days_skip_tet():
    """10 working days from 10/02/2026 jump the Tết Bính Ngọ break: 03/03, not 24/02."""
    assert add_working_days(date(2026, 2, 10), 10) == date(2026, 3, 3)


def test_a_period_in_working_days_uses_the_calendar(registry):
    out = extract(
        "Thông báo số 5/TB-UBND ngày 10/02/2026.\n\n"
        "Sở Tài chính báo cáo trong vòng 10 ngày làm việc kể từ ngày ký.",
        registry,
    )
    [task] = out["tasks"]
    assert task["due"] == "2026-03-03"


def test_an_explicit_date_on_a_weekend_is_not_moved(registry):
    task = one_task(registry, "Sở Tài chính báo cáo trước ngày 14/9/2025.")  # a Sunday
    assert task["due"] == "2025-09-14"


@pytest.mark.parametrize(
    "phrase",
    [
        "trong vòng 30 ngày kể từ ngày Thông tư số 12/2025/TT-BTC có hiệu lực",
        "trong thời hạn 15 ngày kể từ ngày Đề án được phê duyệt",
    ],
)
def test_a_period_from_an_event_awaits_the_event(registry, phrase):
    out = extract(ISSUED + f"Sở Tư pháp hướng dẫn thực hiện {phrase}.", registry)
    [task] = out["tasks"]
    assert task["due"] is None
    assert task["warnings"] == ["awaiting-event"]
    [warning] = out["warnings"]
    assert "chờ sự kiện" in warning["message"] and "«ngày" in warning["message"]


def test_a_period_from_this_document_is_not_an_event(registry):
    task = one_task(
        registry, "Sở Tư pháp hướng dẫn trong vòng 30 ngày kể từ ngày Quyết định này có hiệu lực."
    )
    assert task["warnings"] == []


@pytest.mark.parametrize(
    ("phrase", "cadence"),
    [
        ("trước ngày 01/6 và 15/11 hằng năm", "semiannual"),
        ("trước ngày 15/12 hằng năm", "annual"),
        ("trước ngày 15/3, 15/6, 15/9 và 15/12 hằng năm", "quarterly"),
    ],
)
def test_days_of_the_year_make_one_recurring_task(registry, phrase, cadence):
    task = one_task(registry, f"Sở Tài chính định kỳ {phrase} báo cáo UBND tỉnh.")
    assert task["cadence"] == cadence


def test_a_list_of_cadences_shares_its_via(registry):
    out = extract(
        ISSUED + "Các Sở: Y tế, Xây dựng báo cáo định kỳ 6 tháng, hằng năm (qua Sở Tài chính).",
        registry,
    )
    got = sorted((t["agency"], t["cadence"], t["via"]) for t in out["tasks"])
    assert got == [
        ("Sở Xây dựng", "annual", "Sở Tài chính"),
        ("Sở Xây dựng", "semiannual", "Sở Tài chính"),
        ("Sở Y tế", "annual", "Sở Tài chính"),
        ("Sở Y tế", "semiannual", "Sở Tài chính"),
    ]


@pytest.mark.parametrize(
    ("cell", "due", "cadence"),
    [
        ("Năm 2026", "2026-12-31", None),
        ("2026", "2026-12-31", None),
        ("Quí IV-2025", "2025-12-31", None),
        ("6 tháng đầu năm 2026", "2026-06-30", None),
        ("Cuối năm 2025", "2025-12-31", None),
        ("Năm 2025 - 2026", "2026-12-31", None),
        ("Tháng 10 năm 2025", "2025-10-31", None),
        ("Trước ngày 15/10 hằng năm", "2025-10-15", "annual"),
        ("Hằng năm", None, "annual"),
        ("Thường xuyên", None, None),
    ],
)
def test_the_time_column_of_a_markdown_table(registry, cell, due, cadence):
    out = extract(
        "Số: 9/KH-UBND\nHòa Bình, ngày 02 tháng 4 năm 2025\n\n"
        "| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "|---|---|---|---|---|\n"
        f"| 1 | Rà soát thủ tục | Sở Tư pháp | Sở Nội vụ | {cell} |\n",
        registry,
    )
    [task] = out["tasks"]
    assert (task["agency"], task["due"], task["cadence"]) == ("Sở Tư pháp", due, cadence)


def test_the_last_months_of_a_year_are_a_period_not_a_deadline(registry):
    out = extract(
        ISSUED + "Sở Y tế tập trung thực hiện các nhiệm vụ trong 02 tháng cuối năm 2025.", registry
    )
    assert [t["due"] for t in out["tasks"]] == [None]


def test_a_time_cell_after_an_event_awaits_it(registry):
    out = extract(
        "Số: 9/KH-UBND\nHòa Bình, ngày 02 tháng 4 năm 2025\n\n"
        "| STT | Nội dung | Cơ quan chủ trì | Thời gian hoàn thành |\n"
        "| 1 | Triển khai Nghị định | Sở Tư pháp | Sau khi Nghị định hướng dẫn được ban hành |\n",
        registry,
    )
    [task] = out["tasks"]
    assert (task["agency"], task["due"], task["warnings"]) == (
        "Sở Tư pháp",
        None,
        ["awaiting-event"],
    )


def test_a_table_whose_lead_column_is_don_vi_thuc_hien(registry):
    out = extract(
        "Số: 9/KH-UBND\nHòa Bình, ngày 02 tháng 4 năm 2025\n\n"
        "| TT | Nhiệm vụ | Đơn vị thực hiện | Thời gian thực hiện |\n|---|---|---|---|\n"
        "| 1 | Rà soát thủ tục | Sở Tư pháp, Sở Nội vụ | Quý III/2025 |\n",
        registry,
    )
    got = [(t["agency"], t["due"]) for t in out["tasks"]]
    assert got == [("Sở Tư pháp", "2025-09-30"), ("Sở Nội vụ", "2025-09-30")]
