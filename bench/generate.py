"""Generate a realistic province of N tasks in a benchmark database (wiped first).

usage: python -m bench.generate --tasks 100000 --database-url URL [--seed 7] [--today 2025-08-18]

The schema comes from the migrations (`flask db upgrade`), then rows are bulk-loaded: PostgreSQL
through COPY, SQLite through Core `insert()` with executemany, in batches of a few thousand
directives, so memory stays flat and 1M tasks take minutes. The province:

* 40 agencies (the demo's departments and other units, plus a few more) and 100 communes, each
  with aliases; the seven pre-2025 departments as inactive agencies merged into their successors;
* users: an office admin, office staff, a leader, and one officer per agency (bench password
  `bench.generate.PASSWORD`);
* directives of 5 to 30 tasks, issued over the 30 months before "today", lead agencies skewed
  (a few departments get most of the work), 0-3 co-agencies, a via agency on ~15%;
* ~84% one-off tasks with a due date, ~8% ongoing ("thường xuyên"), ~8% recurring with their
  ReportingPeriod rows (monthly, quarterly, 6-monthly, yearly) up to today;
* of the tasks already due, ~62% done on time, ~25% done late, ~9% still open and overdue, ~2%
  cancelled — about a third late or overdue;
* ~8% of dated tasks extended (an approved ExtensionRequest, `due_on` moved, `original_due_on`
  kept), ~1% with a pending request, ~0.5% refused;
* 0-3 progress updates per task (about 0.8 on average).

Everything is drawn from one seeded random generator: the same arguments give the same data.
Folded `search_text` columns are filled with `tracker.text.fold`, as the services do.
"""

from __future__ import annotations

import argparse
import csv
import random
import secrets
import sys
import time
from bisect import bisect
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench.common import DEFAULT_TODAY, REPO, ZONE, check_database_name, make_app

PASSWORD = "bench-mat-khau-123"
OFFICE_EMAIL = "chuyenvien@bench.gov.vn"
ADMIN_EMAIL = "admin@bench.gov.vn"
LEADER_EMAIL = "lanhdao@bench.gov.vn"

EXTRA_AGENCIES = [
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh", "BQLDA", "other", "Ban QLDA tỉnh"),
    ("Kho bạc Nhà nước khu vực", "KBNN", "other", "Kho bạc Nhà nước tỉnh"),
    ("Bảo hiểm xã hội tỉnh", "BHXH", "other", "BHXH tỉnh"),
    ("Ngân hàng Nhà nước chi nhánh khu vực", "NHNN", "other", "Ngân hàng Nhà nước tỉnh"),
    ("Thống kê tỉnh", "TK", "other", "Cục Thống kê tỉnh"),
    ("Liên đoàn Lao động tỉnh", "LĐLĐ", "other", "LĐLĐ tỉnh"),
    ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN", "other", "Hội LHPN tỉnh"),
    ("Hội Nông dân tỉnh", "HND", "other", "Hội ND tỉnh"),
    ("Hội Cựu chiến binh tỉnh", "HCCB", "other", "Hội CCB tỉnh"),
    ("Ban Quản lý Khu kinh tế tỉnh", "BQLKKT", "department", "BQL Khu kinh tế"),
    ("Quỹ Đầu tư phát triển tỉnh", "QĐTPT", "other", "Quỹ ĐTPT tỉnh"),
    ("Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh", "TTXT", "other", "Trung tâm XTĐT"),
    ("Ban Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP", "other", "Bộ đội Biên phòng tỉnh"),
    ("Viện Kiểm sát nhân dân tỉnh", "VKSND", "other", "VKSND tỉnh"),
    ("Tòa án nhân dân tỉnh", "TAND", "other", "TAND tỉnh"),
]
COMMUNE_FIRST = "Tân Bình Phú Hòa An Thịnh Hưng Long Thanh Đông Tây Nam Bắc Kim Lạc Mai Cao Yên Vĩnh Đức Quang Xuân Hồng".split()
COMMUNE_SECOND = "Sơn Thủy Lâm Hà Phong Châu Lương Tiến Thành Nghĩa Lộc Mỹ Hòa Đạt Quý Vinh Định Hải Trung Hiệp".split()

VERBS = [
    "Chủ trì, phối hợp rà soát",
    "Tham mưu UBND tỉnh ban hành",
    "Khẩn trương hoàn thiện",
    "Tổ chức triển khai thực hiện",
    "Đẩy nhanh tiến độ",
    "Kiểm tra, đánh giá kết quả",
    "Xây dựng kế hoạch",
    "Tổng hợp, báo cáo kết quả",
    "Hướng dẫn các địa phương",
    "Đề xuất giải pháp tháo gỡ vướng mắc",
    "Tăng cường công tác kiểm tra",
    "Hoàn thành việc giải ngân",
    "Chỉ đạo quyết liệt",
    "Rà soát, sửa đổi, bổ sung",
]
OBJECTS = [
    "các thủ tục hành chính",
    "kế hoạch đầu tư công trung hạn",
    "dự án đường nối cao tốc",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "hồ sơ bồi thường, giải phóng mặt bằng",
    "đề án chuyển đổi số",
    "công tác phòng, chống thiên tai",
    "việc sắp xếp, tinh gọn tổ chức bộ máy",
    "quy hoạch sử dụng đất",
    "công tác cải cách hành chính",
    "kế hoạch phát triển du lịch",
    "chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
    "việc thu ngân sách nhà nước",
    "chương trình xóa nhà tạm, nhà dột nát",
    "công tác bảo vệ môi trường",
    "phương án phòng cháy, chữa cháy",
    "hệ thống thông tin giải quyết thủ tục hành chính",
    "cơ sở dữ liệu đất đai",
    "công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
    "việc cấp giấy chứng nhận quyền sử dụng đất",
    "chương trình phát triển nhà ở xã hội",
    "kế hoạch tiêm chủng mở rộng",
    "công tác tuyển sinh các cấp học",
    "dự án khu công nghiệp",
    "chỉ số hài lòng của người dân (SIPAS)",
    "việc thực hiện Nghị quyết của HĐND tỉnh",
    "công tác an toàn thực phẩm",
    "danh mục dự án kêu gọi đầu tư",
    "tình hình sản xuất nông nghiệp vụ Đông Xuân",
    "công tác quản lý trật tự xây dựng",
]
TAILS = [
    "",
    "",
    " trên địa bàn tỉnh",
    " theo đúng quy định",
    " năm 2025",
    "; báo cáo UBND tỉnh kết quả thực hiện",
    " tại các xã, phường",
    ", bảo đảm chất lượng, hiệu quả",
    " theo chỉ đạo của Chủ tịch UBND tỉnh",
    " giai đoạn 2026-2030",
]
UPDATES = [
    "Đã ban hành văn bản hướng dẫn các đơn vị triển khai thực hiện.",
    "Đang tổng hợp số liệu từ các địa phương, dự kiến hoàn thành trong tháng.",
    "Đã tổ chức họp với các đơn vị liên quan để thống nhất phương án.",
    "Đã trình dự thảo xin ý kiến các sở, ngành.",
    "Gặp vướng mắc về kinh phí, đề nghị UBND tỉnh xem xét bố trí.",
    "Đã hoàn thành khoảng 60% khối lượng công việc.",
]
KINDS = [
    ("Thông báo kết luận", "TB-UBND", 0.45),
    ("Công văn", "UBND-KGVX", 0.25),
    ("Chỉ thị", "CT-UBND", 0.05),
    ("Kế hoạch", "KH-UBND", 0.15),
    ("Quyết định", "QĐ-UBND", 0.10),
]
ISSUERS = [
    "Chủ tịch UBND tỉnh",
    "Phó Chủ tịch Thường trực UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh Nguyễn Văn An",
    "Phó Chủ tịch UBND tỉnh Trần Thị Bình",
    "UBND tỉnh",
]
CADENCES = [("monthly", 0.3), ("quarterly", 0.4), ("semiannual", 0.15), ("annual", 0.15)]


def weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]):
    """A fast weighted choice (cumulative weights precomputed by the caller is overkill)."""
    return rng.choices(items, weights)[0]


@cache
def folded(text: str) -> str:
    """`tracker.text.fold`, memoised: contents repeat across a million tasks."""
    from tracker.text import fold

    return fold(text)


def utc_at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local moment on `day` as an aware UTC datetime (what UTCDateTime stores)."""
    return datetime.combine(day, dtime(hour, minute), ZONE).astimezone(UTC)


# -- sinks: PostgreSQL COPY or Core executemany -------------------------------------------------


class Sink:
    """Writes rows (tuples in `columns` order) to a table, filling the model's defaults."""

    def __init__(self, db) -> None:
        self.db = db
        self.tables = db.metadata.tables
        self.rows_written: dict[str, int] = {}

    def _complete(self, table: str, columns: Sequence[str]) -> tuple[list[str], tuple]:
        """Columns the generator does not set but that have a scalar or callable default
        (e.g. flags added by a later migration) get it, so new NOT NULL columns do not break
        the load."""
        extra_cols, extra_vals = [], []
        for col in self.tables[table].columns:
            if col.name in columns or col.default is None or col.primary_key:
                continue
            arg = col.default.arg
            value = arg(None) if callable(arg) else arg
            extra_cols.append(col.name)
            extra_vals.append(value)
        return [*columns, *extra_cols], tuple(extra_vals)

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        cols, extra = self._complete(table, columns)
        if extra:
            rows = [row + extra for row in rows]
        self._write(table, cols, rows)
        self.rows_written[table] = self.rows_written.get(table, 0) + len(rows)

    def _write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError


class CoreSink(Sink):
    """SQLite (or any database): Core `insert()` with executemany, one transaction per batch."""

    def __init__(self, db) -> None:
        super().__init__(db)
        self.conn = db.engine.connect()
        # a benchmark database can be rebuilt: skip fsync while loading
        self.conn.exec_driver_sql("PRAGMA synchronous = OFF")

    def _write(self, table, columns, rows):
        t = self.tables[table]
        self.conn.execute(t.insert(), [dict(zip(columns, row, strict=True)) for row in rows])

    def commit(self):
        self.conn.commit()

    def close(self):
        self.conn.commit()
        self.conn.close()


class CopySink(Sink):
    """PostgreSQL: COPY ... FROM STDIN through psycopg 3, one transaction per batch."""

    def __init__(self, db) -> None:
        super().__init__(db)
        self.raw = db.engine.raw_connection()
        self.pg = self.raw.driver_connection
        with self.pg.cursor() as cur:
            # the rows are generated consistent: skip the per-row foreign-key triggers (needs a
            # superuser; without one the load is only slower) and the WAL flush per batch
            cur.execute("SET synchronous_commit = off")
            try:
                cur.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the checks
                self.pg.rollback()
                cur.execute("SET synchronous_commit = off")
        self.pg.commit()

    def _write(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        with self.pg.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self):
        self.pg.commit()

    def close(self):
        self.pg.commit()
        self.raw.close()


# -- the province -------------------------------------------------------------------------------


class Province:
    """Agencies, users and the lead-agency weights, created before the tasks."""

    def __init__(self) -> None:
        self.agencies: list[dict[str, Any]] = []
        self.aliases: list[tuple] = []
        self.officer_of: dict[int, int] = {}
        self.users: list[tuple] = []

    def build(self, rng: random.Random, now: datetime, password_hash: str) -> None:
        path = REPO / "tracker" / "demo" / "agencies.csv"
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        active = [r for r in rows if not r["merged_into"] and r["kind"] != "commune"]
        merged = [r for r in rows if r["merged_into"]]
        demo_communes = [r for r in rows if r["kind"] == "commune"]
        specs: list[dict[str, Any]] = []
        for r in active:
            specs.append(
                dict(
                    name=r["name"],
                    short=r["short_name"],
                    kind=r["kind"],
                    aliases=[a for a in r["aliases"].split("|") if a],
                )
            )
        for name, short, kind, alias in EXTRA_AGENCIES:
            if len(specs) >= 40:
                break
            specs.append(dict(name=name, short=short, kind=kind, aliases=[alias]))
        assert len(specs) == 40, len(specs)
        names = {r["name"] for r in demo_communes}
        for r in demo_communes:
            specs.append(
                dict(name=r["name"], short=r["short_name"], kind="commune", aliases=[r["aliases"]])
            )
        pairs = [(a, b) for a in COMMUNE_FIRST for b in COMMUNE_SECOND if a != b]
        rng.shuffle(pairs)
        for first, second in pairs:
            if len(specs) >= 140:
                break
            kind_word = "phường" if rng.random() < 0.25 else "xã"
            name = f"UBND {kind_word} {first} {second}"
            if name in names:
                continue
            names.add(name)
            specs.append(
                dict(
                    name=name,
                    short=f"{kind_word[0].upper()}. {first} {second}",
                    kind="commune",
                    aliases=[f"Ủy ban nhân dân {kind_word} {first} {second}"],
                )
            )
        by_name = {}
        for index, spec in enumerate(specs, start=1):
            spec["id"] = index
            by_name[spec["name"]] = index
        next_id = len(specs) + 1
        for r in merged:  # the pre-2025 names, inactive, pointing to their successor
            specs.append(
                dict(
                    id=next_id,
                    name=r["name"],
                    short=r["short_name"],
                    kind=r["kind"],
                    aliases=[a for a in r["aliases"].split("|") if a],
                    merged_into=by_name[r["merged_into"]],
                    active=False,
                )
            )
            next_id += 1
        self.agencies = specs
        alias_id = 1
        for spec in specs:
            seen = set()
            for alias in spec["aliases"]:
                key = folded(alias)
                if key in seen or key == folded(spec["name"]):
                    continue
                seen.add(key)
                self.aliases.append((alias_id, spec["id"], alias, key))
                alias_id += 1
        # users: office admin, office staff, leader, one officer per active agency
        user_id = 1
        for email, full_name, role in (
            (ADMIN_EMAIL, "Quản trị Bench", "office_admin"),
            (OFFICE_EMAIL, "Chuyên viên Bench", "office_staff"),
            (LEADER_EMAIL, "Lãnh đạo Bench", "leader"),
        ):
            self.users.append(self._user(user_id, email, full_name, role, None, password_hash, now))
            user_id += 1
        for spec in self.active:
            email = f"donvi{spec['id']}@bench.gov.vn"
            self.users.append(
                self._user(
                    user_id,
                    email,
                    f"Cán bộ {spec['short']}",
                    "agency_officer",
                    spec["id"],
                    password_hash,
                    now,
                )
            )
            self.officer_of[spec["id"]] = user_id
            user_id += 1

    @staticmethod
    def _user(user_id, email, full_name, role, agency_id, password_hash, now) -> tuple:
        return (
            user_id,
            email,
            full_name,
            folded(full_name),
            password_hash,
            role,
            agency_id,
            True,
            now,
            0,
            secrets.token_urlsafe(32),  # unique: the sink would repeat one default for all
        )

    @property
    def active(self) -> list[dict[str, Any]]:
        return [a for a in self.agencies if a.get("active", True)]

    def write(self, sink: Sink, now: datetime) -> None:
        sink.write(
            "agency",
            [
                "id",
                "name",
                "name_folded",
                "short_name",
                "kind",
                "merged_into_id",
                "head_email",
                "active",
                "created_at",
                "updated_at",
            ],
            [
                (
                    a["id"],
                    a["name"],
                    folded(a["name"]),
                    a["short"],
                    a["kind"],
                    a.get("merged_into"),
                    f"lanhdao{a['id']}@bench.gov.vn" if a.get("active", True) else None,
                    a.get("active", True),
                    now,
                    now,
                )
                for a in self.agencies
            ],
        )
        sink.write("agency_alias", ["id", "agency_id", "name", "name_folded"], self.aliases)
        sink.write(
            "agency_contact",
            ["id", "agency_id", "email", "name", "receives_digest"],
            [(a["id"], a["id"], f"vanthu{a['id']}@bench.gov.vn", None, True) for a in self.active],
        )
        sink.write(
            "user_account",
            [
                "id",
                "email",
                "full_name",
                "full_name_folded",
                "password_hash",
                "role",
                "agency_id",
                "active",
                "created_at",
                "failed_logins",
                "session_token",
            ],
            self.users,
        )


# -- tasks ----------------------------------------------------------------------------------------


class Generator:
    """Streams directives and everything under them, one batch at a time."""

    def __init__(self, rng: random.Random, province: Province, today: date, months: int = 30):
        self.rng = rng
        self.p = province
        self.today = today
        self.first_day = today - timedelta(days=months * 30)
        active = province.active
        # lead agencies: departments/other units get ~75% of the work, skewed (rank^-0.9);
        # communes share the rest evenly
        units = [a for a in active if a["kind"] != "commune"]
        communes = [a for a in active if a["kind"] == "commune"]
        unit_w = [1 / (rank**0.9) for rank in range(1, len(units) + 1)]
        scale = 0.75 / sum(unit_w)
        self.lead_ids = [a["id"] for a in units] + [a["id"] for a in communes]
        weights = [w * scale for w in unit_w] + [0.25 / len(communes)] * len(communes)
        self.lead_cum = list(accumulate(weights))
        self.all_ids = [a["id"] for a in active]
        self.via_ids = [a["id"] for a in units[:6]]
        self.kind_cum = list(accumulate(k[2] for k in KINDS))
        self.cadence_cum = list(accumulate(c[1] for c in CADENCES))
        self.year_numbers: dict[tuple[int, str], int] = {}
        self.ids = {"directive": 0, "task": 0, "period": 0, "ext": 0, "update": 0}
        self.periods_cache = self._period_calendar()

    def _period_calendar(self) -> dict[str, list]:
        """Each cadence's periods over the whole span (computed once, shared by all tasks)."""
        from tracker.deadlines.periods import periods_between

        until = self.today + timedelta(days=400)
        return {cadence: periods_between(cadence, self.first_day, until) for cadence, _ in CADENCES}

    def next_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    def lead(self) -> int:
        r = self.rng.random() * self.lead_cum[-1]
        return self.lead_ids[min(bisect(self.lead_cum, r), len(self.lead_ids) - 1)]

    def content(self) -> str:
        rng = self.rng
        text = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}"
        return text[0].upper() + text[1:] + "."

    def batch(self, n_tasks: int) -> dict[str, list[tuple]]:
        """Directives (5-30 tasks each) until `n_tasks` tasks are produced."""
        out: dict[str, list[tuple]] = {
            k: []
            for k in (
                "directive",
                "task",
                "task_co_agency",
                "reporting_period",
                "extension_request",
                "progress_update",
            )
        }
        made = 0
        span = (self.today - self.first_day).days
        while made < n_tasks:
            size = min(self.rng.randint(5, 30), n_tasks - made)
            # more recent directives are a little more numerous (sqrt skew toward today)
            issued = self.first_day + timedelta(days=int(span * self.rng.random() ** 0.8))
            self._directive(out, issued, size)
            made += size
        return out

    def _directive(self, out, issued: date, size: int) -> None:
        rng = self.rng
        did = self.next_id("directive")
        r = rng.random() * self.kind_cum[-1]
        kind, code, _ = KINDS[min(bisect(self.kind_cum, r), len(KINDS) - 1)]
        key = (issued.year, code)
        self.year_numbers[key] = self.year_numbers.get(key, 0) + 1
        number = f"{self.year_numbers[key]}/{code}"
        issuer = rng.choice(ISSUERS)
        title = f"{kind} về {rng.choice(OBJECTS)}"
        created = utc_at(issued, 10)
        out["directive"].append(
            (
                did,
                number,
                issued.year,
                kind,
                issued,
                issuer,
                issued - timedelta(days=3) if kind == "Thông báo kết luận" else None,
                title,
                "",
                folded(f"{number} {kind} {title} {issuer}"),
                2,  # the office staff account
                created,
                created,
            )
        )
        for _ in range(size):
            self._task(out, did, issued)

    def _task(self, out, did: int, issued: date) -> None:
        rng = self.rng
        today = self.today
        tid = self.next_id("task")
        lead = self.lead()
        content = self.content()
        officer = self.p.officer_of.get(lead)
        via = via_due = via_done = None
        due = original = None
        cadence = "none"
        starts = ends = None
        done_on = cancelled_on = None
        kind_roll = rng.random()
        if kind_roll < 0.08:
            cadence = CADENCES[min(bisect(self.cadence_cum, rng.random()), len(CADENCES) - 1)][0]
            starts = issued
            if rng.random() < 0.6:
                ends = issued + timedelta(days=rng.randint(180, 720))
        elif kind_roll < 0.16:
            pass  # thường xuyên: no due date
        else:
            due = original = issued + timedelta(days=rng.randint(7, 150))
        extension = None
        if due is not None:
            roll = rng.random()
            if roll < 0.08:  # approved extension: due_on moved, original kept
                new_due = original + timedelta(days=rng.randint(15, 60))
                requested = max(issued, original - timedelta(days=rng.randint(3, 20)))
                decided = min(requested + timedelta(days=rng.randint(1, 7)), today)
                if requested <= today:
                    extension = ("approved", requested, decided, new_due)
                    due = new_due
            elif roll < 0.09:
                requested = max(issued, original - timedelta(days=5))
                if requested <= today:
                    extension = ("pending", requested, None, original + timedelta(days=30))
            elif roll < 0.095:
                requested = max(issued, original - timedelta(days=5))
                if requested <= today:
                    extension = (
                        "refused",
                        requested,
                        requested + timedelta(days=2),
                        original + timedelta(days=30),
                    )
            # completion, relative to the due date in force
            if due < today:
                roll = rng.random()
                if roll < 0.62:
                    done_on = issued + timedelta(days=rng.randint(1, max(1, (due - issued).days)))
                elif roll < 0.87:
                    done_on = min(due + timedelta(days=rng.randint(1, 90)), today)
                elif roll < 0.98:
                    pass  # open and overdue
                else:
                    cancelled_on = min(issued + timedelta(days=rng.randint(5, 60)), today)
            elif rng.random() < 0.2 and issued < today:
                done_on = issued + timedelta(days=rng.randint(1, max(1, (today - issued).days)))
        elif cadence == "none":  # ongoing tasks are closed now and then
            if rng.random() < 0.4:
                done_on = issued + timedelta(days=rng.randint(30, 400))
                if done_on > today:
                    done_on = None
        elif ends is not None and ends < today:
            done_on = ends
        if rng.random() < 0.15:
            via = rng.choice(self.via_ids)
            if via == lead:
                via = None
            elif due is not None:
                via_due = max(issued, due - timedelta(days=5))
                if done_on:
                    via_done = done_on
        created = utc_at(issued + timedelta(days=1), 8, 30)
        done_at = utc_at(done_on, 16) if done_on else None
        out["task"].append(
            (
                tid,
                did,
                content,
                "",
                folded(content),
                lead,
                via,
                via_due,
                via_done,
                due,
                original,
                cadence,
                starts,
                ends,
                done_on,
                done_at,
                f"{tid}/BC-{lead}" if done_on else None,
                done_on,
                officer if done_on else None,
                cancelled_on,
                "Không còn phù hợp với tình hình thực tế." if cancelled_on else None,
                False,
                2,
                created,
                done_at or created,
            )
        )
        n_co = rng.choices((0, 1, 2, 3), (0.35, 0.30, 0.20, 0.15))[0]
        if n_co:
            co = set(rng.sample(self.all_ids, n_co + 1))
            co.discard(lead)
            for agency_id in sorted(co)[:n_co]:
                out["task_co_agency"].append((tid, agency_id))
        if extension:
            state, requested, decided, wanted = extension
            out["extension_request"].append(
                (
                    self.next_id("ext"),
                    tid,
                    None,
                    officer,
                    utc_at(requested, 14),
                    original,
                    wanted,
                    "Cần thêm thời gian để lấy ý kiến các đơn vị liên quan.",
                    state,
                    2 if decided else None,
                    utc_at(decided, 15) if decided else None,
                    decided,
                    wanted if state == "approved" else None,
                )
            )
        if cadence != "none":
            self._periods(out, tid, cadence, starts, ends, done_on, officer)
        # progress updates: 0-3, between the task's creation and its end (or today)
        last = min(done_on or cancelled_on or today, today)
        span = (last - issued).days
        n_updates = rng.choices((0, 1, 2, 3), (0.45, 0.35, 0.15, 0.05))[0] if span > 2 else 0
        for _ in range(n_updates):
            day = issued + timedelta(days=rng.randint(1, span))
            out["progress_update"].append(
                (
                    self.next_id("update"),
                    tid,
                    None,
                    officer,
                    lead,
                    rng.choice(UPDATES),
                    utc_at(day, 11),
                )
            )

    def _periods(self, out, tid, cadence, starts, ends, done_on, officer) -> None:
        """The task's periods from its start up to a month ahead of today (as the scheduler's
        open_periods job keeps them); past ones mostly done, some late, some missed."""
        rng = self.rng
        horizon = self.today + timedelta(days=31)
        last = min(ends, horizon) if ends else horizon
        for period in self.periods_cache[cadence]:
            if period.due_on < starts or period.due_on > last:
                continue
            p_done = None
            if period.due_on < self.today:
                roll = rng.random()
                if roll < 0.7:
                    p_done = period.due_on - timedelta(days=rng.randint(0, 5))
                elif roll < 0.9:
                    p_done = min(period.due_on + timedelta(days=rng.randint(1, 30)), self.today)
            out["reporting_period"].append(
                (
                    self.next_id("period"),
                    tid,
                    period.key,
                    period.label,
                    period.starts_on,
                    period.ends_on,
                    period.due_on,
                    period.due_on,
                    p_done,
                    utc_at(p_done, 15) if p_done else None,
                    f"{tid}-{period.key}/BC" if p_done else None,
                    p_done,
                    officer if p_done else None,
                    utc_at(period.starts_on, 7),
                )
            )


COLUMNS = {
    "directive": ["id", "number", "year", "kind", "issued_on", "issuer", "meeting_on", "title", "full_text", "search_text", "created_by_id", "created_at", "updated_at"],
    "task": [
        "id", "directive_id", "content", "source_text", "search_text", "lead_agency_id", "via_agency_id",
        "via_due_on", "via_done_on", "due_on", "original_due_on", "cadence", "starts_on", "ends_on",
        "done_on", "done_at", "done_report_number", "done_report_date", "done_by_id", "cancelled_on",
        "cancel_reason", "reminders_paused", "created_by_id", "created_at", "updated_at",
    ],
    "task_co_agency": ["task_id", "agency_id"],
    "reporting_period": [
        "id", "task_id", "key", "label", "starts_on", "ends_on", "due_on", "original_due_on", "done_on",
        "done_at", "report_number", "report_date", "done_by_id", "created_at",
    ],
    "extension_request": [
        "id", "task_id", "period_id", "requested_by_id", "requested_at", "previous_due_on", "requested_due_on",
        "reason", "state", "decided_by_id", "decided_at", "decided_on", "approved_due_on",
    ],
    "progress_update": ["id", "task_id", "period_id", "author_id", "agency_id", "body", "created_at"],
}  # fmt: skip


# -- driver ---------------------------------------------------------------------------------------


def reset_database(url: str, db) -> None:
    """An empty database: PostgreSQL gets a fresh public schema; SQLite a deleted file."""
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.engine.dispose()
        path = db.engine.url.database
        if path and path != ":memory:":
            Path(path).unlink(missing_ok=True)


def finish(db, sink: Sink, meta: dict[str, Any]) -> None:
    """Sequences after explicit ids (PostgreSQL), planner statistics, the province's
    metadata in the settings table (the runner reads "today" and the counts from it)."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(db.metadata.tables["setting"].insert(), {"key": "bench.meta", "value": meta})
        if db.engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                pk = [c for c in table.primary_key.columns]
                if (
                    len(pk) == 1
                    and pk[0].autoincrement in (True, "auto")
                    and pk[0].type.python_type is int
                ):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                            f'COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'
                        )
                    )
    if db.engine.dialect.name == "postgresql":
        # VACUUM sets the visibility map (index-only scans) and ANALYZE the statistics
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def generate(
    url: str,
    n_tasks: int,
    *,
    seed: int = 7,
    today: date = DEFAULT_TODAY,
    batch: int = 50_000,
    quiet: bool = False,
) -> dict[str, Any]:
    """Wipe the database at `url`, migrate it and load a province of `n_tasks` tasks."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from tracker.extensions import db

    check_database_name(url)
    started = time.perf_counter()
    app = make_app(url, today)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    with app.app_context():
        reset_database(url, db)
        upgrade()
        db.engine.dispose()
        migrated = time.perf_counter()
        say(f"migrated in {migrated - started:.1f}s")
        rng = random.Random(seed)
        now = utc_at(today, 9)
        province = Province()
        province.build(rng, now, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        sink: Sink = CopySink(db) if db.engine.dialect.name == "postgresql" else CoreSink(db)
        province.write(sink, now)
        sink.commit()
        gen = Generator(rng, province, today)
        made = 0
        while made < n_tasks:
            size = min(batch, n_tasks - made)
            rows = gen.batch(size)
            for table in COLUMNS:  # parents first
                sink.write(table, COLUMNS[table], rows[table])
            sink.commit()
            made += size
            say(f"  {made:>9,} tasks  {time.perf_counter() - migrated:6.1f}s")
        sink.close()
        loaded = time.perf_counter()
        meta = {
            "tasks": n_tasks,
            "seed": seed,
            "today": today.isoformat(),
            "rows": sink.rows_written,
            "office_email": OFFICE_EMAIL,
            "leader_email": LEADER_EMAIL,
            "password": PASSWORD,
            "agency_officer_email": "donvi{id}@bench.gov.vn",
        }
        finish(db, sink, meta)
        done = time.perf_counter()
        meta["seconds"] = {
            "migrate": round(migrated - started, 1),
            "load": round(loaded - migrated, 1),
            "analyze": round(done - loaded, 1),
            "total": round(done - started, 1),
        }
        setting = db.metadata.tables["setting"]
        with db.engine.begin() as conn:  # the runner prints the generation time
            conn.execute(setting.update().where(setting.c.key == "bench.meta").values(value=meta))
        db.session.remove()
        db.engine.dispose()
    say(
        f"loaded in {loaded - migrated:.1f}s, analysed in {done - loaded:.1f}s: {sink.rows_written}"
    )
    return meta


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--batch", type=int, default=50_000, help="tasks per transaction")
    args = parser.parse_args(list(argv) if argv is not None else None)
    meta = generate(
        args.database_url, args.tasks, seed=args.seed, today=args.today, batch=args.batch
    )
    print(f"{args.tasks:,} tasks in {meta['seconds']['total']}s ({meta['seconds']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
