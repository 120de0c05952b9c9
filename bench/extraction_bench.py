"""Time extract() on the example notice and on a synthetic 30 KB notice.

usage: python bench/extraction_bench.py [--runs N] [--shared DIR]

Prints the median and the slowest of N runs in milliseconds. The target is "well under
100 ms for a 30 KB notice"; tests assert nothing about time (machines differ), this does
the measuring.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracker.extraction import Registry, extract  # noqa: E402

AGENCIES = [
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Môi trường",
    "Văn phòng UBND tỉnh",
    "Công an tỉnh",
    "UBND các xã, phường",
    "Sở Ngoại vụ",
]
DEADLINES = [
    "trước ngày 15/8/2025",
    "trong tháng 9/2025",
    "trong quý IV/2025",
    "trước ngày 20 hằng tháng",
    "trong vòng 60 ngày kể từ ngày ký",
    "chậm nhất ngày 30/11/2025",
]
HEADER = (
    "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH\nSố: 999/TB-UBND\nHòa Bình, ngày 17 tháng 5 năm 2025\n"
    "THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh tại cuộc họp ngày 12/5/2025\n"
    "Chủ tịch UBND tỉnh kết luận như sau:\n"
)


def synthetic_notice(size: int = 30 * 1024) -> str:
    """A dense conclusion notice of about `size` bytes (UTF-8) mixing every phrase type.

    Every paragraph has a lead, co-agencies, a report-via agency, a deadline and a cadence,
    so it is harder per kilobyte than real notices (the example has long narrative parts).
    """
    parts = [HEADER]
    index = 0
    while sum(len(part.encode("utf-8")) for part in parts) < size:
        agency = AGENCIES[index % len(AGENCIES)]
        other = AGENCIES[(index + 3) % len(AGENCIES)]
        due = DEADLINES[index % len(DEADLINES)]
        parts.append(
            f"{index + 1}. {agency}: Chủ trì, phối hợp với {other} và các cơ quan liên quan rà "
            "soát, đánh giá kết quả thực hiện các nhiệm vụ cải cách hành chính, chuyển đổi số "
            f"theo Kế hoạch số 123/KH-UBND ngày 05/6/2024; báo cáo UBND tỉnh {due} (qua Sở Nội "
            "vụ tổng hợp). Tiếp tục tăng cường kỷ luật, kỷ cương hành chính; định kỳ hàng quý "
            "báo cáo kết quả thực hiện.\n"
        )
        index += 1
    return "".join(parts)


def time_it(text: str, registry: Registry, runs: int) -> tuple[float, float, float]:
    """Median wall time, median CPU time and slowest wall time of `runs` calls, in ms.

    CPU time is shown too because a shared CI machine inflates wall time.
    """
    extract(text, registry)  # warm up caches (regex compilation, folding table)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        extract(text, registry)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), max(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--shared", type=Path, default=None, help="the shared/ directory")
    args = parser.parse_args(argv)
    registry = Registry.from_csv(REPO / "tracker" / "demo" / "agencies.csv")
    cases = []
    shared = args.shared or next(
        (p / "shared" for p in REPO.parents if (p / "shared" / "examples").is_dir()), None
    )
    example = shared / "examples" / "directives" / "5016-TB-VPUBND-2025.txt" if shared else None
    if example and example.is_file():
        cases.append(("example 5016/TB-VPUBND", example.read_text(encoding="utf-8")))
    else:
        print("example notice not found (pass --shared DIR)", file=sys.stderr)
    cases.append(("synthetic 30 KB notice", synthetic_notice()))
    for label, text in cases:
        median, cpu, worst = time_it(text, registry, args.runs)
        size = len(text.encode("utf-8")) / 1024
        print(
            f"{label:24s} {size:5.1f} KB  median {median:6.1f} ms (CPU {cpu:6.1f} ms)"
            f"  max {worst:6.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
