"""The registry and agency lists: matching names and splitting lists of agencies."""

from __future__ import annotations

import io

import pytest

from tracker.extraction import AgencyRecord, Registry, extract

ISSUED = "Hòa Bình, ngày 17 tháng 5 năm 2025\n"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("van phong uy ban nhan dan tinh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("VĂN PHÒNG  UỶ BAN   NHÂN DÂN TỈNH", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("sở gd&đt", "Sở Giáo dục và Đào tạo"),
        ("Đoàn TNCS HCM tỉnh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh"),
        ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh"),
        ("Ủy ban nhân dân xã Mai Châu", "UBND xã Mai Châu"),
        ("Sở Tài chính tỉnh", "Sở Tài chính"),
        ("STC", "Sở Tài chính"),
    ],
)
def test_match_ignores_case_diacritics_spaces_abbreviations(registry, written, canonical):
    match = registry.match(written)
    assert match.record is not None and match.record.name == canonical
    assert match.note is None


@pytest.mark.parametrize(
    ("former", "successor"),
    [
        ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
        ("Sở TT&TT", "Sở Khoa học và Công nghệ"),
        ("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),
        ("Ban Dân tộc tỉnh", "Sở Dân tộc và Tôn giáo"),
    ],
)
def test_former_agency_resolves_to_successor_with_note(registry, former, successor):
    match = registry.match(former)
    assert match.record.name == successor
    assert match.note.endswith(f"nay là {successor}")
    assert match.former is not None


def test_unknown_name(registry):
    assert registry.match("Sở Ngoại vụ").record is None
    assert registry.match("").record is None


def test_registry_from_fileobj_and_records():
    data = (
        "name,short_name,kind,aliases,email,head_email,merged_into,id\n"
        "Sở A,SA,department,Sở Anpha,,,,7\n"
    )
    reg = Registry.from_csv(io.StringIO(data))
    assert reg.match("so anpha").record.id == 7
    assert Registry.from_csv(io.BytesIO(data.encode("utf-8-sig"))).match("Sở A").record.id == 7
    reg = Registry([AgencyRecord(1, "Sở X", "SX", "department", [], None)])
    assert reg.get(1).name == "Sở X"
    assert Registry([]).match("Sở X").record is None


def test_merge_cycle_does_not_loop():
    reg = Registry(
        [
            AgencyRecord(1, "Sở A", merged_into="Sở B"),
            AgencyRecord(2, "Sở B", merged_into="Sở A"),
        ]
    )
    assert reg.match("Sở A").record.name == "Sở A"


def agencies(registry, sentence: str) -> list[str]:
    return [t["agency"] for t in extract(ISSUED + sentence, registry)["tasks"]]


def test_shared_so_and_names_containing_va(registry):
    assert agencies(
        registry,
        "Các Sở Tài chính, Nội vụ, Nông nghiệp và Môi trường: báo cáo trước ngày 30/11/2025.",
    ) == ["Sở Tài chính", "Sở Nội vụ", "Sở Nông nghiệp và Môi trường"]


def test_long_list_after_giao(registry):
    got = agencies(
        registry,
        "Giao các Sở Nội vụ, Tài chính, Y tế, Khoa học và Công nghệ, Văn hóa, Thể thao và Du lịch,"
        " Văn phòng UBND tỉnh, Thanh tra tỉnh, Công an tỉnh căn cứ Kế hoạch số 123/KH-UBND ngày"
        " 05/6/2024 để đề xuất giải pháp; hoàn thành trước ngày 30/6/2025.",
    )
    assert got == [
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Y tế",
        "Sở Khoa học và Công nghệ",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Thanh tra tỉnh",
        "Công an tỉnh",
    ]


def test_va_between_two_agencies(registry):
    assert agencies(registry, "Sở Y tế và Sở Xây dựng báo cáo trước ngày 30/6/2025.") == [
        "Sở Y tế",
        "Sở Xây dựng",
    ]


def test_unknown_agency_in_a_list_is_kept_and_flagged(registry):
    out = extract(
        ISSUED + "Giao các Sở Ngoại vụ, Tài chính báo cáo trước ngày 30/6/2025.", registry
    )
    assert [t["agency"] for t in out["tasks"]] == ["Sở Ngoại vụ", "Sở Tài chính"]
    assert out["tasks"][0]["warnings"] == ["unknown-agency"]
    assert out["tasks"][0]["agency_id"] is None


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("Các Sở, Ban, ngành", "department"),
        ("Ủy ban nhân dân các cấp", "commune"),
        ("UBND các xã, phường", "commune"),
        ("Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh", "department"),
        ("Các cơ quan, đơn vị, địa phương", None),
    ],
)
def test_collective_subjects(registry, subject, kind):
    out = extract(ISSUED + f"{subject} báo cáo kết quả trước ngày 30/6/2025.", registry)
    [task] = out["tasks"]
    assert task["collective"] is True and task["agency"] == "*"
    assert task["collective_kind"] == kind
    assert any(subject in note for note in task["notes"])


def test_back_reference_expands_to_the_previous_assignment(registry):
    out = extract(
        ISSUED
        + "Giao Sở Y tế, Sở Xây dựng rà soát thủ tục; hoàn thành trước ngày 30/6/2025.\n"
        + "Các cơ quan, đơn vị được giao nhiệm vụ nêu trên định kỳ hàng quý báo cáo kết quả.",
        registry,
    )
    recurring = [(t["agency"], t["cadence"]) for t in out["tasks"] if t["cadence"]]
    assert recurring == [("Sở Y tế", "quarterly"), ("Sở Xây dựng", "quarterly")]


def test_lead_and_co_agencies(registry):
    out = extract(
        ISSUED + "Sở Y tế chủ trì, phối hợp với Sở Tài chính và UBND các xã, phường triển khai "
        "chiến dịch; xong trước ngày 30/9/2025.",
        registry,
    )
    [task] = out["tasks"]
    assert task["agency"] == "Sở Y tế"
    assert task["co_agencies"] == ["Sở Tài chính", "UBND các xã, phường"]


def test_deadline_without_agency_is_a_warning(registry):
    out = extract(ISSUED + "1. Hoàn thành việc nạo vét kênh mương trước ngày 15/4/2025.", registry)
    assert out["tasks"] == []
    assert [w["code"] for w in out["warnings"]] == ["deadline-without-agency"]


def test_former_agency_task(registry):
    out = extract(ISSUED + "Sở Kế hoạch và Đầu tư báo cáo trước ngày 30/6/2025.", registry)
    [task] = out["tasks"]
    assert task["agency"] == "Sở Tài chính"
    assert task["warnings"] == ["former-agency"]
    assert "Sở Kế hoạch và Đầu tư nay là Sở Tài chính" in task["notes"]
