"""Factories: objects with sensible defaults, saved through the services like real input."""

from dataclasses import dataclass, field
from datetime import date
from itertools import count

from tracker.agencies.models import Agency, AgencyContact
from tracker.auth import services as auth_services
from tracker.auth.models import Role, User
from tracker.directives.models import Directive
from tracker.directives.services import DirectiveInput, create_directive
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.tasks.services import TaskInput, create_task

PASSWORD = "mat-khau-thu-123"
_numbers = count(1)


def make_agency(name: str, *, kind: str = "department", emails=(), head_email=None, **kw) -> Agency:
    agency = Agency(name=name, kind=kind, head_email=head_email, **kw)
    agency.contacts = [AgencyContact(email=e) for e in emails]
    db.session.add(agency)
    db.session.flush()
    return agency


def make_user(
    email: str, role: Role, agency: Agency | None = None, name: str | None = None
) -> User:
    return auth_services.create_user(
        email=email,
        full_name=name or email.split("@")[0],
        role=role,
        password=PASSWORD,
        agency_id=agency.id if agency else None,
    )


def make_directive(
    number: str | None = None, issued_on: date = date(2025, 5, 17), **kw
) -> Directive:
    return create_directive(
        DirectiveInput(
            number=number or f"{next(_numbers)}/TB-VPUBND",
            kind=kw.pop("kind", "Thông báo kết luận"),
            issued_on=issued_on,
            title=kw.pop("title", "Kết luận của Chủ tịch UBND tỉnh"),
            issuer=kw.pop("issuer", "Chủ tịch UBND tỉnh"),
            **kw,
        )
    )


def make_task(
    directive: Directive, lead: Agency, *, content: str = "Báo cáo kết quả", **kw
) -> Task:
    co = kw.pop("co", [])
    via = kw.pop("via", None)
    return create_task(
        directive,
        TaskInput(
            content=content,
            lead_agency_id=lead.id,
            co_agency_ids=[a.id for a in co],
            via_agency_id=via.id if via else None,
            **kw,
        ),
    )


@dataclass
class Province:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    directive: Directive | None = None
    tasks: dict[str, Task] = field(default_factory=dict)

    def ids(self) -> "Ids":
        return Ids(
            agencies={k: a.id for k, a in self.agencies.items()},
            users={k: u.email for k, u in self.users.items()},
            directive=self.directive.id,
            tasks={k: t.id for k, t in self.tasks.items()},
        )


@dataclass
class Ids:
    agencies: dict[str, int]
    users: dict[str, str]
    directive: int
    tasks: dict[str, int]


def small_province() -> Province:
    """Four agencies, a user of each role, one directive with tasks in every situation."""
    p = Province()
    p.agencies["stc"] = make_agency(
        "Sở Tài chính",
        emails=["sotaichinh@tinh.gov.vn", "vanthu.stc@tinh.gov.vn"],
        head_email="giamdoc.stc@tinh.gov.vn",
    )
    p.agencies["syt"] = make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"])
    p.agencies["snv"] = make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"])
    p.agencies["skhcn"] = make_agency("Sở Khoa học và Công nghệ", emails=["skhcn@tinh.gov.vn"])
    p.users["admin"] = make_user("admin@tinh.gov.vn", Role.OFFICE_ADMIN, name="Quản Trị")
    p.users["staff"] = make_user("staff@tinh.gov.vn", Role.OFFICE_STAFF, name="Chuyên Viên")
    p.users["officer"] = make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, p.agencies["stc"])
    p.users["other"] = make_user("syt@tinh.gov.vn", Role.AGENCY_OFFICER, p.agencies["syt"])
    p.users["leader"] = make_user("lanhdao@tinh.gov.vn", Role.LEADER, name="Lãnh Đạo")
    p.directive = make_directive("5016/TB-VPUBND")
    d, a = p.directive, p.agencies
    p.tasks["stc_lead"] = make_task(
        d, a["stc"], content="Sở Tài chính tổng hợp kiến nghị thanh tra", due_on=date(2025, 8, 15)
    )
    p.tasks["stc_co"] = make_task(
        d, a["snv"], content="Sở Nội vụ kiểm tra phân cấp", co=[a["stc"]], due_on=date(2025, 11, 15)
    )
    p.tasks["syt_only"] = make_task(
        d, a["syt"], content="Sở Y tế cải thiện chỉ số PAPI", due_on=date(2025, 8, 10)
    )
    p.tasks["stc_ongoing"] = make_task(d, a["stc"], content="Quản lý ngân sách thường xuyên")
    return p
