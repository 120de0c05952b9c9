"""Stage 1, reading the document: page chrome, markdown, pipe tables, records, wrapped lines."""

from __future__ import annotations

import pytest

from tracker.extraction.layout import TABLE_HEADER, normalise_layout, outline_depth

CHROME = "\n".join(
    [
        "|",
        "Bản dịch này thuộc quyền sở hữu của **",
        "THƯ VIỆN PHÁP LUẬT**. Mọi hành vi sao chép đều vi phạm.",
        "**Số hiệu:**",
        "|",
        "12/UBND-KT",
        "|",
        "**Ngày ban hành:**",
        "|",
        "01/12/2025",
        "|",
        "## Tóm tắt",
        "Sở Tài chính báo cáo trước ngày 15/12/2025.",
        "Xem thêm chi tiết tại Công văn 12/UBND-KT.",
        "|",
        "**ỦY BAN NHÂN DÂN**",
        "TỈNH HÒA BÌNH",
        "-------",
        "|",
        "**CỘNG HÒA XÃ HỘI",
        "CHỦ NGHĨA VIỆT NAM**",
        "Độc lập - Tự do - Hạnh phúc",
        "|",
        "Số: 12/UBND-KT",
        "|",
        "*Hòa Bình, ngày 01",
        "tháng 12 năm 2025*",
        "|",
        "",
        "Sở Tài chính tổng hợp, báo cáo UBND tỉnh trước ngày 15/12/2025.",
        "",
        "Công văn 12/UBND-KT năm 2025 về báo cáo tài chính",
        "Văn bản này chưa cập nhật nội dung Tiếng Anh",
        "## Văn bản liên quan",
        "Ban hành: 12/09/2025",
    ]
)


def test_a_law_library_page_keeps_only_the_letter():
    text = normalise_layout(CHROME)
    assert text.startswith("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\nCỘNG HÒA XÃ HỘI")
    assert text.count("trước ngày 15/12/2025") == 1  # the summary does not count twice
    assert "Bản dịch" not in text and "Văn bản liên quan" not in text
    assert "**" not in text and "Hòa Bình, ngày 01 tháng 12 năm 2025" in text


def test_a_bare_letter_is_not_cut():
    letter = "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH\nSố: 5/TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    assert normalise_layout(letter).split("\n")[:2] == [
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
        "Số: 5/TB-UBND",
    ]


def test_a_pipe_drawn_task_table_gives_one_line_per_row():
    lines = ["|", "**STT**", "|", "**Nội dung**", "|", "**Cơ quan chủ trì**", "|"]
    lines += ["**Cơ quan phối hợp**", "|", "**Thời gian hoàn thành**", "|", "|"]
    lines += ["**I. CẢI CÁCH**", "|", "|", "1", "|", "Rà soát thủ tục", "hành chính", "|"]
    lines += ["Sở Tư pháp", "|", "|", "Quý II/2025", "|", "", "Đoạn sau bảng."]
    text = normalise_layout("\n".join(lines))
    assert text.split("\n") == [
        "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành",
        "I. CẢI CÁCH",
        "1 | Rà soát thủ tục hành chính | Sở Tư pháp |  | Quý II/2025",
        "Đoạn sau bảng.",
    ]


def test_a_layout_table_goes_back_to_lines():
    text = normalise_layout("|\n**ỦY BAN NHÂN DÂN**\n|\n**CỘNG HÒA XÃ HỘI**\n|\n")
    assert text.split("\n") == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI"]


def test_a_labelled_record_becomes_a_table_row():
    text = normalise_layout(
        "1.1. Xây dựng chiến lược dữ liệu:\n"
        "a) Nhiệm vụ: Rà soát, hoàn thiện chiến lược dữ liệu.\n"
        "b) Cơ quan thực hiện:\n"
        "- Đơn vị chủ trì: Sở Khoa học và Công nghệ.\n"
        "- Đơn vị phối hợp: Các Sở, ban, ngành.\n"
        "c) Thời gian thực hiện: Hoàn thành trong năm 2025.\n"
        "1.2. Mục sau."
    )
    assert text.split("\n") == [
        "1.1. Xây dựng chiến lược dữ liệu:",
        TABLE_HEADER,
        "Rà soát, hoàn thiện chiến lược dữ liệu. | Sở Khoa học và Công nghệ. | "
        "Các Sở, ban, ngành. | Hoàn thành trong năm 2025.",
        "1.2. Mục sau.",
    ]


WRAPPED = """Chủ tịch Ủy ban nhân dân tỉnh có ý kiến chỉ đạo như sau về công tác
rà soát dữ liệu số nhà sau sắp xếp đơn vị hành chính trên địa bàn toàn
tỉnh, cụ thể:
1.1. Giao Sở Nông nghiệp
và Môi trường
Khẩn trương chia sẻ toàn bộ cơ sở dữ liệu đất đai đã được cập nhật cùng
các tờ bản đồ địa chính có thông tin địa chỉ của tỉnh đến Ủy ban nhân dân
các xã, phường để tiếp tục rà soát, đối chiếu, cập nhật dữ liệu số nhà.
Thời gian hoàn thành trước ngày 05 tháng 12
năm 2025.
1.2. Giao Sở Xây dựng theo dõi, đôn đốc các xã, phường thực hiện cập nhật
thông tin số nhà vào cơ sở dữ liệu đất đai trên toàn địa bàn tỉnh."""


def test_hard_wrapped_lines_are_joined_into_outline_items():
    lines = normalise_layout(WRAPPED).split("\n")
    assert len(lines) == 5
    assert lines[0].endswith("trên địa bàn toàn tỉnh, cụ thể:")
    # a short line that the next does not continue in lower case ends its paragraph
    assert lines[1] == "1.1. Giao Sở Nông nghiệp và Môi trường"
    assert lines[2].startswith("Khẩn trương") and lines[2].endswith("cập nhật dữ liệu số nhà.")
    assert lines[3] == "Thời gian hoàn thành trước ngày 05 tháng 12 năm 2025."
    assert lines[4].startswith("1.2.") and lines[4].endswith("trên toàn địa bàn tỉnh.")


def test_a_pasted_notice_without_final_stops_keeps_its_paragraphs():
    text = normalise_layout(
        "Sở Nội vụ hướng dẫn các cơ quan, đơn vị rà soát, sắp xếp lại đội ngũ công chức làm\n"
        "công tác tư pháp tại các xã, phường sau sắp xếp đơn vị hành chính theo quy định.\n"
        "Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan rà soát toàn bộ hồ sơ\n"
        "đất đai đang lưu trữ tại các huyện trước đây, hoàn thành trước ngày 15/8/2025\n"
        "Sở Y tế chủ trì\n"
        "Sở Xây dựng hướng dẫn các xã, phường lập quy hoạch chung, hoàn thành trong\n"
        "tháng 9/2025 và báo cáo kết quả thực hiện cho Ủy ban nhân dân tỉnh theo quy\n"
        "định hiện hành về quy hoạch đô thị và nông thôn trên địa bàn toàn tỉnh."
    )
    lines = text.split("\n")
    # a task sentence ending with its date, a capital after it: a new paragraph
    assert lines[1].endswith("hoàn thành trước ngày 15/8/2025")
    assert lines[2].startswith("Sở Y tế chủ trì")


def test_a_deadline_line_dates_the_item_before_it(registry):
    from tracker.extraction import extract

    out = extract("Số: 1/UBND\nHòa Bình, ngày 01 tháng 11 năm 2025\n" + WRAPPED, registry)
    tasks = [(t["agency"], t["due"]) for t in out["tasks"]]
    assert tasks == [("Sở Nông nghiệp và Môi trường", "2025-12-05"), ("Sở Xây dựng", None)]


def test_a_sentence_cut_by_a_page_break_goes_on():
    text = normalise_layout("Bộ Nội vụ nghiên cứu, báo cáo Chính phủ\n\ntrước ngày 30/11/2025.")
    assert text == "Bộ Nội vụ nghiên cứu, báo cáo Chính phủ trước ngày 30/11/2025."


def test_one_paragraph_a_line_stays_as_it_is():
    text = "Sở Tài chính: Tham mưu bố trí kinh phí\n\nSở Nội vụ: Hướng dẫn thực hiện"
    assert (
        normalise_layout(text)
        == "Sở Tài chính: Tham mưu bố trí kinh phí\nSở Nội vụ: Hướng dẫn thực hiện"
    )


@pytest.mark.parametrize(
    ("line", "depth"),
    [
        ("II. NHIỆM VỤ", 1),
        ("3. Bộ Tài chính", 2),
        ("3.1. Hoàn thiện", 3),
        ("3.1.2. Rà soát", 4),
        ("a) Nhiệm vụ", 5),
        ("- Phối hợp", 6),
        ("+ Báo cáo", 7),
        ("Sở Tài chính", None),
        ("2025 là năm", None),
    ],
)
def test_outline_depth(line, depth):
    assert outline_depth(line) == depth


def test_a_tab_separated_task_table_gives_pipe_rows_and_other_tabs_stay_spaces():
    from tracker.extraction.layout import tab_rows

    text = tab_rows(
        "ỦY BAN NHÂN DÂN\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "STT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
        "1\tRà soát thủ tục\tSở Tư pháp\t\tQuý II/2025\n"
        "\n"
        "Đoạn\tsau bảng."
    )
    assert text.split("\n") == [
        "ỦY BAN NHÂN DÂN\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành",
        "1 | Rà soát thủ tục | Sở Tư pháp |  | Quý II/2025",
        "",
        "Đoạn\tsau bảng.",
    ]


def test_kinh_gui_and_noi_nhan_blocks_are_not_text_to_read():
    text = normalise_layout(
        "Kính gửi:\n- Sở Y tế;\n- Sở Xây dựng.\nSở Tài chính báo cáo trước ngày 15/8/2025.\n"
        "Nơi nhận:\n- Như trên;\n- Sở Nội vụ;\n- Lưu: VT."
    )
    assert text == "Sở Tài chính báo cáo trước ngày 15/8/2025."


def test_an_outline_marker_alone_and_a_wrapped_capital_heading_are_joined():
    text = normalise_layout("II. NỘI\nDUNG KẾ HOẠCH\n2.\nRà soát văn bản quy phạm pháp luật\n")
    assert text.split("\n") == ["II. NỘI DUNG KẾ HOẠCH", "2. Rà soát văn bản quy phạm pháp luật"]


@pytest.mark.parametrize("number", ["2", "- 2 -", "Trang 2/5"])
def test_a_page_number_inside_a_sentence_is_dropped(number):
    text = normalise_layout(
        f"Bộ Nội vụ nghiên cứu, báo cáo Chính phủ\n\n{number}\n\ntrước ngày 30/11/2025."
    )
    assert text == "Bộ Nội vụ nghiên cứu, báo cáo Chính phủ trước ngày 30/11/2025."
