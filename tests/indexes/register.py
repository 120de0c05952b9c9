"""A 5016-style PAR Index register as an XLSX file, built with openpyxl.

Thông báo 5016/TB-VPUBND assigns the PAR Index's lĩnh vực and tiêu chí to agencies: Sở Nội
vụ (chỉ đạo điều hành, tổ chức bộ máy, công vụ), Văn phòng UBND tỉnh (thủ tục hành chính;
"Tiến độ thực hiện các nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao"), Sở Tư pháp (thể
chế), Sở Tài chính (tài chính công; "Đối thoại của lãnh đạo tỉnh với người dân, doanh
nghiệp"; thu hút đầu tư), Sở Khoa học và Công nghệ (chính quyền số; "Đổi mới, sáng tạo").
"""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["Chỉ số", "Mã", "Tên", "Điểm tối đa", "Cơ quan theo dõi"]

PAR_ROWS = [
    ["PAR Index", "1", "Công tác chỉ đạo, điều hành cải cách hành chính", 9, "Sở Nội vụ"],
    [None, "1.1", "Kế hoạch cải cách hành chính năm", 2, None],
    [
        None,
        "1.2",
        "Tiến độ thực hiện các nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao",
        2,
        "Văn phòng UBND tỉnh",
    ],
    [
        None,
        "1.3",
        "Đổi mới, sáng tạo trong triển khai nhiệm vụ CCHC",
        2,
        "Sở Khoa học và Công nghệ",
    ],
    [None, "1.4", "Đối thoại của lãnh đạo tỉnh với người dân, doanh nghiệp", 1, "Sở Tài chính"],
    [None, "2", "Cải cách thể chế", 8, "Sở Tư pháp"],
    [None, "2.1", "Xây dựng và tổ chức thực hiện văn bản QPPL tại tỉnh", 3, None],
    [None, "2.1.1", "Thực hiện kế hoạch xây dựng văn bản QPPL", 1.5, None],
    [None, "2.1.2", "Tự kiểm tra, rà soát, hệ thống hóa văn bản QPPL", 1.5, None],
    [None, "2.2", "Theo dõi thi hành pháp luật", 2, None],
    [None, "3", "Cải cách thủ tục hành chính", 12, "Văn phòng UBND tỉnh"],
    [None, "3.1", "Thực hiện cơ chế một cửa, một cửa liên thông", 4, None],
    [None, "4", "Cải cách tổ chức bộ máy hành chính nhà nước", "7,5", "Sở Nội vụ"],
    [None, "5", "Cải cách chế độ công vụ", 11, "Sở Nội vụ"],
    [None, "6", "Cải cách tài chính công", 10, "Sở Tài chính"],
    [None, "6.1", "Giải ngân kế hoạch vốn đầu tư công", 3, None],
    [None, "6.2", "Giảm chi trực tiếp ngân sách cho đơn vị sự nghiệp công lập", 2, None],
    [
        None,
        "7",
        "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        12,
        "Sở Khoa học và Công nghệ",
    ],
    [
        None,
        "8",
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển KT-XH",
        20,
        "Sở Tài chính",
    ],
    [None, "8.1", "Mức độ thu hút đầu tư", 2, None],
    [None, "8.2", "Mức độ phát triển doanh nghiệp", 2, None],
    [None, "8.3", "Thực hiện thu ngân sách hằng năm của tỉnh", 2, None],
    ["PAPI", "1", "Tham gia của người dân ở cấp cơ sở", 10, "Sở Nội vụ"],
]


def xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bo chi so"
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def par_register() -> bytes:
    return xlsx(PAR_ROWS)
