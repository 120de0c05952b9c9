"""Targets (chỉ tiêu) read from directives' sentences (tracker.extraction.targets), on the
sentences of Thông báo 5016 and a few made to trip it."""

from decimal import Decimal
from pathlib import Path

import pytest

from tracker.extraction.targets import propose_targets

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples" / "directives"
TB_5016 = EXAMPLES / "5016-TB-VPUBND-2025.txt"


def _described(sentence: str) -> list[str]:
    return [t.describe() for t in propose_targets(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "đảm bảo trong năm 2025 phải có ít nhất 05 giải pháp, sáng kiến cấp tỉnh có tính "
            "đột phá, mang lại lợi ích thiết thực; Hoàn thành trước 30/11/2025.",
            ["≥ 5 giải pháp"],
        ),
        (
            "Tham mưu tổ chức ít nhất 02 cuộc đối thoại của lãnh đạo tỉnh với cộng đồng doanh "
            "nghiệp.",
            ["≥ 2 cuộc đối thoại"],
        ),
        (
            "Chỉ đạo chủ đầu tư quyết liệt đẩy nhanh tiến độ thực hiện và giải ngân kế hoạch đầu "
            "tư vốn ngân sách nhà nước năm 2025, đảm bảo đạt tỷ lệ 100%.",
            ["≥ 100 %"],
        ),
        ("Tổ chức 02 hội nghị tập huấn trong quý III.", ["≥ 2 hội nghị tập huấn"]),
        ("Tỷ lệ hồ sơ trực tuyến toàn trình đạt 80,5 %.", ["≥ 80,5 %"]),
        ("Thời gian giải quyết không quá 05 ngày làm việc.", ["≤ 5 ngày làm việc"]),
        # numbers that are not targets: references, dates, years, a plan's number
        (
            "Thực hiện theo Quyết định số 813/QĐ-UBND ngày 30/3/2018 của Chủ tịch Ủy ban nhân "
            "dân tỉnh trước ngày 15/8/2025.",
            [],
        ),
        ("Triển khai Đề án 06 của tỉnh trong năm 2025.", []),
        ("Báo cáo kết quả quý 02 năm 2025.", []),
        ("", []),
    ],
)
def test_targets_read_from_a_sentence(sentence, expected):
    assert _described(sentence) == expected


def test_the_5016_notice_sets_its_numbers():
    """Sở Tài chính's and Sở KH&CN's paragraphs of 5016 carry the notice's targets."""
    text = TB_5016.read_text(encoding="utf-8")
    stc = next(p for p in text.splitlines() if p.startswith("Sở Tài chính:"))
    found = propose_targets(stc)
    assert [t.describe() for t in found] == ["≥ 100 %", "≥ 100 %", "≥ 2 cuộc đối thoại"]
    assert "đạt tỷ lệ 100%" in found[1].text
    assert found[2].quantity == Decimal(2)
    skhcn = next(p for p in text.splitlines() if p.startswith("Sở Khoa học và Công nghệ:"))
    assert [t.describe() for t in propose_targets(skhcn)] == ["≥ 5 giải pháp"]
    stp = next(p for p in text.splitlines() if p.startswith("Sở Tư pháp:"))
    assert [t.describe() for t in propose_targets(stp)] == ["≥ 100 %"]
