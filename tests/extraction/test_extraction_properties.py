"""Properties: extract() and read_document() never crash, on any text or bytes.

Examples are bounded (size and count) so the whole suite stays fast; the strategies mix
random Unicode with fragments of real directives so that the interesting code paths (lists,
dates, cadences, tables) are reached, not only the "nothing found" one.
"""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.extraction import UnsupportedDocument, extract, read_document

FRAGMENTS = [
    "Sở Tài chính: ",
    "Các Sở Tài chính, Nội vụ, Nông nghiệp và Môi trường: ",
    "Giao các Sở ",
    "UBND các xã, phường ",
    "Các cơ quan, đơn vị được giao nhiệm vụ nêu trên ",
    "chủ trì, phối hợp với ",
    "trước ngày 31/02/2025",
    "trước ngày 15/8/2025",
    "trước ngày 20 hằng tháng",
    "trong vòng 60 ngày kể từ ngày ký",
    "trong quý IV/2026",
    "trong tháng 13/2025",
    "định kỳ quý I, 6 tháng, 9 tháng, cả năm ",
    "gửi Sở Tài chính trước ngày 05/7 để tổng hợp, báo cáo UBND tỉnh trước ngày 10/7",
    "(qua Sở Nội vụ tổng hợp)",
    "Hằng năm ",
    "Số: 12/CT-UBND\n",
    "Hòa Bình, ngày 31 tháng 2 năm 2025\n",
    " | ",
    "STT | Nội dung | Cơ quan chủ trì | Thời hạn\n",
    ". ",
    "; ",
    ", ",
    ": ",
    "\n",
    "./.",
    "Sở ",
    "và ",
    "các ",
    "UBND xã ",
    "ngày 99/99/9999",
    "trong 999 tháng kể từ ngày 31/12/9999",
    # the layout stage: page chrome, markdown, pipe-drawn and tab tables, records
    "|\n",
    "\t",
    "**",
    "## ",
    "Kính gửi:\n",
    "Nơi nhận:\n",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
    "- Đơn vị chủ trì: ",
    "c) Thời gian thực hiện: ",
    "STT\tNội dung\tCơ quan chủ trì\tThời gian hoàn thành\n",
    "1.1. ",
    "II. ",
    "Giao các Bộ: Công an, Tài chính ",
    "UBND các huyện: ",
    "trước ngày 01/6 và 15/11 hằng năm",
    "trong vòng 10 ngày làm việc kể từ ngày Thông tư số 1/2025/TT-BTC có hiệu lực",
    "Sau khi Nghị định được ban hành",
    "6 tháng đầu năm 9999",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map(
    "".join
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, base=st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))))
def test_extract_never_raises_and_is_json_and_deterministic(registry, text, base):
    first = extract(text, registry, base_date=base)
    assert set(first) == {"directive", "tasks", "warnings"}
    json.dumps(first, ensure_ascii=False)
    assert extract(text, registry, base_date=base) == first
    for task in first["tasks"]:
        assert task["due"] is None or len(task["due"]) == 10


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000))
def test_extract_on_binary_junk(registry, data):
    extract(data.decode("latin-1"), registry)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.doc", "a", "A.PDF", "x.DOCX"]),
    data=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=3000).map(lambda b: b"%PDF-1.4\n" + b),
        texts.map(lambda t: t.encode("utf-8")),
    ),
)
def test_read_document_only_raises_unsupported(name, data):
    try:
        text = read_document(name, data)
    except UnsupportedDocument as error:
        assert error.message
    else:
        assert isinstance(text, str)


def test_huge_input_does_not_crash(registry):
    text = ("Sở Tài chính: báo cáo trước ngày 15/8/2025. " * 5000) + "x" * 50_000
    out = extract(text, registry)
    assert out["tasks"]
