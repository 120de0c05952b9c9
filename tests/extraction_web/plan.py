"""A generated plan of N numbered tasks over the demo's agencies: the size of a real kế hoạch."""

from datetime import date, timedelta

AGENCIES = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Y tế",
    "Sở Khoa học và Công nghệ",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
]
ISSUED = date(2025, 6, 2)
TWO_HOP = (
    "Sở Y tế báo cáo kết quả thực hiện chính sách an sinh xã hội, gửi Sở Tài chính trước "
    "ngày 05/7/2025 để tổng hợp, báo cáo UBND tỉnh trước ngày 10/7/2025."
)


def plan_notice(count: int = 100, early: int = 3) -> str:
    """`count` tasks, the first `early` due before the issue date, the last one two-hop."""
    lines = [
        "Thông báo số 120/TB-VPUBND ngày 02/6/2025 kết luận của Chủ tịch UBND tỉnh tại hội nghị "
        "triển khai kế hoạch năm 2025.",
        "",
    ]
    for n in range(1, count):
        agency = AGENCIES[n % len(AGENCIES)]
        due = ISSUED - timedelta(days=10) if n <= early else ISSUED + timedelta(days=20 + n)
        lines.append(
            f"{n}. {agency} chủ trì triển khai nội dung thứ {n} của kế hoạch cải cách hành chính, "
            f"hoàn thành trước ngày {due:%d/%m/%Y}."
        )
    lines.append(f"{count}. {TWO_HOP}")
    return "\n".join(lines) + "\n"
