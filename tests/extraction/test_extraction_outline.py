"""Stage 2, subjects and their scope: shared-head lists, outline items, opening clauses."""

from __future__ import annotations

import pytest

from tracker.extraction import Registry, extract
from tracker.extraction.registry import AgencyRecord
from tracker.extraction.subjects import Span, parse_list

ISSUED = "Số: 9/TB-UBND\nHà Nội, ngày 20 tháng 11 năm 2025\n\n"

NAMES = [
    ("Bộ Công an", "bo-nganh"),
    ("Bộ Tài chính", "bo-nganh"),
    ("Bộ Xây dựng", "bo-nganh"),
    ("Bộ Tư pháp", "bo-nganh"),
    ("Bộ Nông nghiệp và Môi trường", "bo-nganh"),
    ("Bộ Nội vụ", "bo-nganh"),
    ("Tập đoàn Bưu chính Viễn thông Việt Nam", "doanh-nghiep"),
    ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "doanh-nghiep"),
    ("UBND huyện Triệu Phong", "ubnd-huyen"),
    ("UBND huyện Hải Lăng", "ubnd-huyen"),
    ("Sở Tài chính", "so-ban-nganh"),
    ("Sở Xây dựng", "so-ban-nganh"),
    ("Sở Khoa học và Công nghệ", "so-ban-nganh"),
    ("Sở Nông nghiệp và Môi trường", "so-ban-nganh"),
    ("Ủy ban nhân dân tỉnh Thanh Hóa", "ubnd-tinh"),
]


@pytest.fixture(scope="module")
def gazetteer() -> Registry:
    return Registry(
        AgencyRecord(id=i, name=name, short_name="", kind=kind, aliases=[], merged_into=None)
        for i, (name, kind) in enumerate(NAMES, start=1)
    )


def names(text: str, registry: Registry) -> list[str]:
    items, _ = parse_list(Span(text), registry, 0)
    return [item.name for item in items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "các Bộ: Công an, Tài chính, Xây dựng, Tư pháp, Nông nghiệp và Môi trường có ý kiến",
            [
                "Bộ Công an",
                "Bộ Tài chính",
                "Bộ Xây dựng",
                "Bộ Tư pháp",
                "Bộ Nông nghiệp và Môi trường",
            ],
        ),
        (
            "các Tập đoàn: Bưu chính Viễn thông Việt Nam, Công nghiệp - Viễn thông Quân đội tổ chức",
            [
                "Tập đoàn Bưu chính Viễn thông Việt Nam",
                "Tập đoàn Công nghiệp - Viễn thông Quân đội",
            ],
        ),
        (
            "UBND các huyện: Triệu Phong, Hải Lăng báo cáo",
            ["UBND huyện Triệu Phong", "UBND huyện Hải Lăng"],
        ),
        (
            "các Sở: Tài chính, Xây dựng, Nông nghiệp và Môi trường",
            ["Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường"],
        ),
        ("các Bộ Công an, Tư pháp phối hợp", ["Bộ Công an", "Bộ Tư pháp"]),
    ],
)
def test_a_list_with_a_shared_head_gives_each_member_its_full_name(gazetteer, text, expected):
    assert names(text, gazetteer) == expected


def test_a_group_noun_is_still_one_collective_item(gazetteer):
    items, _ = parse_list(Span("các Sở, ban, ngành thực hiện"), gazetteer, 0)
    assert [item.kind for item in items] == ["collective"]


def tasks(text: str, registry: Registry) -> list[tuple[str, str | None]]:
    return [(t["agency"], t["due"]) for t in extract(ISSUED + text, registry)["tasks"]]


def test_giao_cac_bo_fans_out_with_the_deadline(gazetteer):
    got = tasks(
        "Giao các Bộ: Công an, Tài chính, Tư pháp có ý kiến trước ngày 10 tháng 12 năm 2025.",
        gazetteer,
    )
    assert got == [
        ("Bộ Công an", "2025-12-10"),
        ("Bộ Tài chính", "2025-12-10"),
        ("Bộ Tư pháp", "2025-12-10"),
    ]


def test_an_item_heading_reaches_its_sub_items_only(gazetteer):
    got = tasks(
        "1. Sở Khoa học và Công nghệ\n"
        "a) Xây dựng bộ tiêu chí đánh giá; hoàn thành trong tháng 12/2025.\n"
        "b) Tổ chức tập huấn, hoàn thành trong Quý I năm 2026.\n"
        "2. Rà soát quy hoạch, hoàn thành trước ngày 31/3/2026.\n",
        gazetteer,
    )
    # item 2 is a sibling of item 1: it names no subject and gets none
    assert got == [
        ("Sở Khoa học và Công nghệ", "2025-12-31"),
        ("Sở Khoa học và Công nghệ", "2026-03-31"),
    ]


def test_an_item_that_names_its_subject_and_ends_with_a_colon_heads_its_sub_items(gazetteer):
    got = tasks(
        "3. Bộ trưởng Bộ Tài chính chỉ đạo thực hiện một số nhiệm vụ sau:\n"
        "3.1. Hoàn thiện kế hoạch cao điểm; báo cáo Thủ tướng trước ngày 30/11/2025.\n"
        "3.2. Sơ kết 6 tháng; báo cáo Thủ tướng trước ngày 15/12/2025.\n"
        "4. Bộ Xây dựng hướng dẫn thực hiện.\n",
        gazetteer,
    )
    assert ("Bộ Tài chính", "2025-11-30") in got and ("Bộ Tài chính", "2025-12-15") in got
    assert ("Bộ Xây dựng", None) in got


def test_the_subject_after_a_topic_or_an_opening_clause(gazetteer):
    got = tasks(
        "5. Về điều chuyển vốn: Ủy ban nhân dân tỉnh Thanh Hóa rà soát, báo cáo Thủ tướng trong "
        "Quý I năm 2026.\n"
        "- Trên cơ sở kết quả khảo sát, Sở Xây dựng chủ trì đề xuất phương án; hoàn thành trong "
        "tháng 12 năm 2025.\n",
        gazetteer,
    )
    assert ("Ủy ban nhân dân tỉnh Thanh Hóa", "2026-03-31") in got
    assert ("Sở Xây dựng", "2025-12-31") in got


def test_an_agency_is_not_its_own_via(gazetteer):
    out = extract(
        ISSUED + "Các Sở Tài chính, Xây dựng báo cáo Chủ tịch UBND tỉnh trước ngày 30/11/2025 "
        "(qua Sở Tài chính tổng hợp).",
        gazetteer,
    )
    vias = {t["agency"]: t["via"] for t in out["tasks"]}
    assert vias == {"Sở Tài chính": None, "Sở Xây dựng": "Sở Tài chính"}


def test_a_shared_head_with_a_colon_reads_members_the_registry_lacks(gazetteer):
    got = tasks(
        "2. Bộ trưởng các Bộ: Quốc phòng, Công an chỉ đạo lực lượng sẵn sàng; báo cáo Thủ "
        "tướng trước ngày 08/12/2025.",
        gazetteer,
    )
    assert got == [("Bộ Quốc phòng", "2025-12-08"), ("Bộ Công an", "2025-12-08")]


def test_ubnd_of_several_levels_with_a_colon(gazetteer):
    out = extract(
        ISSUED + "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố: Thanh Hóa, Nghệ An chỉ đạo sơ "
        "tán dân, báo cáo trước ngày 10/12/2025.",
        gazetteer,
    )
    got = [(t["agency"], t["due"], t["warnings"]) for t in out["tasks"]]
    assert got == [
        ("Ủy ban nhân dân tỉnh Thanh Hóa", "2025-12-10", []),
        ("Ủy ban nhân dân tỉnh Nghệ An", "2025-12-10", ["unknown-agency"]),
    ]
