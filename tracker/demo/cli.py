"""`flask --app wsgi demo load`: a realistic demo province, loadable twice without duplicates."""

from datetime import date, datetime, timedelta
from pathlib import Path

import click
from flask import g
from flask.cli import AppGroup

from tracker.acceptance.services import report_done
from tracker.agencies import services as agency_services
from tracker.agencies.importer import read_table, validate_rows
from tracker.auth import services as auth_services
from tracker.auth.models import Role
from tracker.deadlines.models import ReportingPeriod
from tracker.deadlines.services import (
    HORIZON_DAYS,
    approve_extension,
    open_periods,
    request_extension,
    submit_period,
    working_calendar,
)
from tracker.directives.models import Directive, DirectiveKind
from tracker.directives.services import DirectiveInput, create_directive, find_duplicate
from tracker.extensions import db
from tracker.links import remember_served_url
from tracker.tasks.models import Task
from tracker.tasks.services import TaskInput, complete_task
from tracker.timeutil import today, zone

demo_cli = AppGroup("demo", help="Dữ liệu mẫu.")

AGENCIES_CSV = Path(__file__).with_name("agencies.csv")
NOTICE = Path(__file__).with_name("5016-TB-VPUBND-2025.txt")

USERS = [
    ("admin@tinh.gov.vn", "Nguyễn Văn Quản", Role.OFFICE_ADMIN, None, "quantri-demo"),
    ("chuyenvien@tinh.gov.vn", "Trần Thị Theo Dõi", Role.OFFICE_STAFF, None, "chuyenvien-demo"),
    ("stc@tinh.gov.vn", "Lê Văn Tài", Role.AGENCY_OFFICER, "Sở Tài chính", "sotaichinh-demo"),
    (
        "skhcn@tinh.gov.vn",
        "Phạm Thị Khoa",
        Role.AGENCY_OFFICER,
        "Sở Khoa học và Công nghệ",
        "sokhcn-demo",
    ),
    ("snv@tinh.gov.vn", "Hoàng Văn Nội", Role.AGENCY_OFFICER, "Sở Nội vụ", "sonoivu-demo"),
    ("lanhdao@tinh.gov.vn", "Đinh Công Lãnh", Role.LEADER, None, "lanhdao-demo"),
]

PAPI_AGENCIES = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Y tế",
    "Sở Khoa học và Công nghệ",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Thanh tra tỉnh",
    "Công an tỉnh",
]


def _tasks() -> list[dict]:
    """The tasks of 5016/TB-VPUBND, entered by hand as the office would."""
    tasks = [
        dict(
            lead="Văn phòng Ủy ban nhân dân tỉnh",
            content="Hằng tháng rà soát tình hình thực hiện nhiệm vụ Chính phủ, Thủ tướng Chính "
            "phủ, UBND tỉnh, Chủ tịch UBND tỉnh giao tại Hội nghị thường kỳ của UBND tỉnh, "
            "đôn đốc triển khai thực hiện.",
            cadence="monthly",
            starts_on=date(2025, 6, 1),
            ends_on=date(2026, 12, 31),
        ),
        dict(
            lead="Sở Tài chính",
            content="Theo dõi, đôn đốc các cơ quan, đơn vị xử lý dứt điểm kiến nghị trong Kết "
            "luận của các Đoàn thanh tra, kiểm tra, kiểm toán của trung ương về tài chính, ngân "
            "sách từ năm 2022 đến nay; tổng hợp, báo cáo kết quả thực hiện với Chủ tịch UBND tỉnh.",
            due=date(2025, 8, 15),
        ),
        dict(
            lead="Sở Tài chính",
            content="Rà soát lại các chỉ tiêu kinh tế - xã hội năm 2025, dự báo những chỉ tiêu "
            "khó đạt để báo cáo UBND tỉnh; đề xuất các giải pháp phù hợp nhằm hoàn thành 100% "
            "các chỉ tiêu trong năm 2025.",
            due=date(2025, 6, 30),
            done=(date(2025, 6, 27), "2150/BC-STC"),
        ),
        dict(
            lead="Sở Khoa học và Công nghệ",
            content="Tham mưu các giải pháp để khắc phục những tiêu chí bị trừ điểm năm 2024 về "
            "xây dựng chính quyền điện tử, chính quyền số; báo cáo kết quả thực hiện với Chủ "
            "tịch UBND tỉnh.",
            due=date(2025, 11, 30),
            done=(date(2025, 12, 4), "1789/BC-SKHCN"),
        ),
        dict(
            lead="Sở Khoa học và Công nghệ",
            content="Bảo đảm trong năm 2025 có ít nhất 05 giải pháp, sáng kiến cấp tỉnh có tính "
            "đột phá nhằm nâng cao hiệu quả triển khai nhiệm vụ CCHC của tỉnh.",
            due=date(2025, 11, 30),
        ),
        dict(
            lead="Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh",
            content="Đôn đốc các cơ sở Đoàn thực hiện phong trào hỗ trợ người dân thực hiện TTHC "
            "qua dịch vụ công trực tuyến; tổng hợp, báo cáo Chủ tịch UBND tỉnh.",
            due=date(2025, 11, 30),
            via="Sở Nội vụ",
        ),
        dict(
            lead="Sở Nội vụ",
            content="Theo dõi, tổng hợp kết quả thực hiện các tiêu chí đánh giá trong Bộ Chỉ số "
            "CCHC của các Sở, Ban, ngành; định kỳ hàng quý báo cáo Chủ tịch UBND tỉnh.",
            cadence="quarterly",
            starts_on=date(2025, 6, 1),
            ends_on=date(2026, 12, 31),
        ),
        dict(
            lead="Sở Tư pháp",
            content="Tham mưu công tác xây dựng, kiểm tra, rà soát văn bản QPPL; công bố danh "
            "mục văn bản hết hiệu lực, ngưng hiệu lực năm 2025.",
            due=None,
        ),
    ]
    for lead in ("Sở Tài chính", "Sở Nội vụ", "Sở Nông nghiệp và Môi trường"):
        tasks.append(
            dict(
                lead=lead,
                content="Xây dựng Kế hoạch và tổ chức kiểm tra các nhiệm vụ đã phân cấp quản lý "
                "cho chính quyền cơ sở.",
                due=date(2025, 11, 15),
            )
        )
        tasks.append(
            dict(
                lead=lead,
                content="Báo cáo kết quả kiểm tra phân cấp với Chủ tịch UBND tỉnh, nêu rõ số vấn "
                "đề đã kiến nghị xử lý, đã xử lý xong, chưa xử lý và lý do.",
                due=date(2025, 11, 30),
                via="Sở Nội vụ",
                via_due=date(2025, 12, 10),
            )
        )
    for lead in PAPI_AGENCIES:
        tasks.append(
            dict(
                lead=lead,
                content="Đề xuất các nhiệm vụ, giải pháp cải thiện Chỉ số PAPI ở nội dung, nội "
                "dung thành phần được giao chủ trì; gửi Sở Nội vụ tổng hợp.",
                due=date(2024, 5, 30),  # as the notice says: before its own issue date
                via="Sở Nội vụ",
                confirm=True,
            )
        )
        tasks.append(
            dict(
                lead=lead,
                content="Định kỳ quý I, 6 tháng, 9 tháng, cả năm tổng hợp, báo cáo kết quả thực "
                "hiện cải thiện Chỉ số PAPI với Chủ tịch UBND tỉnh (cùng Báo cáo CCHC).",
                cadence="quarterly-cumulative",
                via="Sở Nội vụ",
                starts_on=date(2025, 6, 1),
                ends_on=date(2025, 12, 31),
            )
        )
    return tasks


@demo_cli.command("load")
@click.option(
    "--served-url",
    default=None,
    help="Địa chỉ sẽ phục vụ ứng dụng (vd. http://127.0.0.1:8080), cho đường dẫn trong thư.",
)
def load(served_url: str | None) -> None:
    """Load the demo province: agencies, one user per role, directive 5016/TB-VPUBND, the
    directives of the last months dated from today, and one reminder sweep."""
    g.audit_user_id = None
    if served_url:
        remember_served_url(served_url)
    rows = read_table(AGENCIES_CSV.name, AGENCIES_CSV.read_bytes())
    good, errors = validate_rows(rows, agency_services.known_names())
    if errors:
        raise click.ClickException(f"demo agencies.csv has errors: {errors}")
    agency_services.import_rows(good)
    db.session.flush()

    click.echo("Tài khoản mẫu (thư điện tử / mật khẩu):")
    for email, name, role, agency_name, password in USERS:
        if auth_services.find_user(email) is None:
            agency = agency_services.find_by_name(agency_name) if agency_name else None
            auth_services.create_user(
                email=email,
                full_name=name,
                role=role,
                password=password,
                agency_id=agency.id if agency else None,
            )
        click.echo(f"  {Role(role).label:<34} {email:<26} {password}")

    if find_duplicate("5016/TB-VPUBND", 2025) is None:
        inputs = []
        done = []
        for spec in _tasks():
            lead = agency_services.find_by_name(spec["lead"])
            via = agency_services.find_by_name(spec["via"]) if spec.get("via") else None
            inputs.append(
                TaskInput(
                    content=spec["content"],
                    lead_agency_id=lead.id,
                    via_agency_id=via.id if via else None,
                    via_due_on=spec.get("via_due"),
                    due_on=spec.get("due"),
                    cadence=spec.get("cadence", "none"),
                    starts_on=spec.get("starts_on"),
                    ends_on=spec.get("ends_on"),
                    confirm_early_due=spec.get("confirm", False),
                )
            )
            done.append(spec.get("done"))
        text = NOTICE.read_text(encoding="utf-8") if NOTICE.exists() else ""
        directive = create_directive(
            DirectiveInput(
                number="5016/TB-VPUBND",
                kind=DirectiveKind.CONCLUSION.value,
                issued_on=date(2025, 5, 17),
                issuer="Chủ tịch Ủy ban nhân dân tỉnh",
                meeting_on=date(2025, 5, 12),
                title="Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp Ban Chỉ đạo về "
                "phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06 "
                "của tỉnh",
                full_text=text,
                tasks=inputs,
            )
        )
        for task, completion in zip(directive.tasks, done, strict=True):
            if completion:
                _mark_done(task, *completion)
        db.session.flush()
        open_periods(today() + timedelta(days=HORIZON_DAYS))
        _deadline_history(directive.tasks)
        click.echo(f"Đã tạo văn bản 5016/TB-VPUBND với {len(directive.tasks)} nhiệm vụ.")
    else:
        click.echo("Văn bản 5016/TB-VPUBND đã có, không tạo lại.")
    created = open_periods(today() + timedelta(days=HORIZON_DAYS))
    if created:
        click.echo(f"Đã tạo thêm {created} kỳ báo cáo.")
    db.session.commit()
    _load_recent(today())
    _sweep(today())


#: the numbers of the directives dated from the day of loading (checked whatever their year)
RECENT_CONCLUSION = "86/TB-UBND"
RECENT_DIRECTIVE = "09/CT-UBND"


def _recent_tasks(t: date) -> list[dict]:
    """The tasks of a conclusion issued five months before ``t``: every state of a live
    office on the day of loading (``t`` is that day)."""
    monthly_due = next(
        d for d in (t + timedelta(days=n) for n in range(2, 40)) if d.day <= 28
    )  # a period of the monthly report falls due within the week
    return [
        dict(
            lead="Sở Tài chính",
            content="Tham mưu UBND tỉnh phân bổ chi tiết nguồn vốn đầu tư công trung hạn "
            "giai đoạn 2026-2030 cho các dự án trọng điểm; báo cáo Chủ tịch UBND tỉnh.",
            due=t - timedelta(days=100),
            done=(t - timedelta(days=103), "318/BC-STC"),
        ),
        dict(
            lead="Sở Xây dựng",
            co=["Sở Tài chính", "Sở Nông nghiệp và Môi trường"],
            content="Rà soát, đề xuất tháo gỡ vướng mắc về giải phóng mặt bằng các dự án giao "
            "thông trọng điểm trên địa bàn tỉnh.",
            due=t - timedelta(days=90),
            done=(t - timedelta(days=78), "1402/BC-SXD"),
        ),
        dict(
            lead="Sở Y tế",
            content="Xây dựng Kế hoạch nâng cao năng lực khám, chữa bệnh tuyến xã sau sắp xếp "
            "đơn vị hành chính; trình UBND tỉnh ban hành.",
            due=t - timedelta(days=95),
        ),
        dict(
            lead="Sở Giáo dục và Đào tạo",
            content="Báo cáo kết quả rà soát, sắp xếp mạng lưới trường, lớp học sau sáp nhập "
            "các xã, phường; đề xuất phương án đối với các điểm trường lẻ.",
            due=t - timedelta(days=4),
        ),
        dict(
            lead="Sở Công Thương",
            co=["Công an tỉnh", "Thuế tỉnh"],
            content="Chủ trì kiểm tra, xử lý hoạt động kinh doanh hàng giả, hàng kém chất lượng "
            "trên nền tảng thương mại điện tử; báo cáo kết quả đợt cao điểm.",
            due=t + timedelta(days=3),
        ),
        dict(
            lead="Sở Nông nghiệp và Môi trường",
            content="Hoàn thành cập nhật cơ sở dữ liệu đất đai các xã, phường; kết nối với Cổng "
            "dịch vụ công của tỉnh.",
            due=t + timedelta(days=5),
            via="Sở Khoa học và Công nghệ",
        ),
        dict(
            lead="Sở Nội vụ",
            content="Trình UBND tỉnh Đề án vị trí việc làm của các cơ quan chuyên môn sau sắp "
            "xếp tổ chức bộ máy.",
            due=t + timedelta(days=40),
        ),
        dict(
            lead="Sở Khoa học và Công nghệ",
            content="Triển khai nền tảng số dùng chung quản lý văn bản và hồ sơ công việc liên "
            "thông bốn cấp; báo cáo Chủ tịch UBND tỉnh kết quả vận hành thử.",
            due=t - timedelta(days=10),
            extension=(
                t + timedelta(days=30),
                "Nhà thầu đang hiệu chỉnh kết nối liên thông với Trục liên thông văn bản quốc gia.",
            ),
        ),
        dict(
            lead="Sở Tài chính",
            content="Hằng tháng báo cáo tình hình giải ngân vốn đầu tư công, nêu rõ dự án giải "
            "ngân chậm và nguyên nhân.",
            cadence="monthly",
            due_day=str(monthly_due.day),
            starts_on=t - timedelta(days=150),
            ends_on=date(t.year + 1, 12, 31),
        ),
        dict(
            lead="Sở Nội vụ",
            content="Định kỳ hằng quý báo cáo kết quả sắp xếp, kiện toàn đội ngũ cán bộ, công "
            "chức cấp xã.",
            cadence="quarterly",
            starts_on=t - timedelta(days=150),
            ends_on=date(t.year + 1, 12, 31),
        ),
    ]


def _agency_id(name: str) -> int:
    agency = agency_services.find_by_name(name)
    if agency is None:
        raise click.ClickException(f"demo agency missing: {name}")
    return agency.id


def _exists(number: str) -> bool:
    """A demo directive already loaded, whatever the year it was dated on."""
    return (
        db.session.execute(db.select(Directive.id).where(Directive.number == number)).first()
        is not None
    )


def _load_recent(t: date) -> None:
    """Two directives dated from the day of loading, written through the services as the
    office and the agencies would have: completions on time and late, tasks due this week,
    overdue by days and by months, recurring reports with past periods submitted and one due
    soon, and an extension request waiting for the office."""
    if _exists(RECENT_CONCLUSION):
        click.echo(f"Văn bản {RECENT_CONCLUSION} đã có, không tạo lại.")
        return
    office = auth_services.find_user("chuyenvien@tinh.gov.vn")
    specs = _recent_tasks(t)
    conclusion = create_directive(
        DirectiveInput(
            number=RECENT_CONCLUSION,
            kind=DirectiveKind.CONCLUSION.value,
            issued_on=t - timedelta(days=150),
            meeting_on=t - timedelta(days=154),
            issuer="Chủ tịch Ủy ban nhân dân tỉnh",
            title="Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại phiên họp thường kỳ về tình "
            "hình kinh tế - xã hội, đầu tư công và sắp xếp đơn vị hành chính",
            tasks=[
                TaskInput(
                    content=spec["content"],
                    lead_agency_id=_agency_id(spec["lead"]),
                    co_agency_ids=[_agency_id(n) for n in spec.get("co", [])],
                    via_agency_id=_agency_id(spec["via"]) if spec.get("via") else None,
                    due_on=spec.get("due"),
                    cadence=spec.get("cadence", "none"),
                    period_due_day=spec.get("due_day"),
                    starts_on=spec.get("starts_on"),
                    ends_on=spec.get("ends_on"),
                )
                for spec in specs
            ],
        ),
        created_by_id=office.id if office else None,
    )
    db.session.flush()
    open_periods(t + timedelta(days=HORIZON_DAYS))
    for task, spec in zip(conclusion.tasks, specs, strict=True):
        if spec.get("done"):
            done_on, number = spec["done"]
            complete_task(
                task,
                done_on=done_on,
                report_number=number,
                report_date=done_on,
                note=None,
                user_id=None,
            )
        if spec.get("extension"):
            wanted, reason = spec["extension"]
            officer = auth_services.find_user("skhcn@tinh.gov.vn")
            request_extension(
                task,
                requested_due_on=wanted,
                reason=reason,
                user_id=officer.id if officer else None,
            )
    for task in conclusion.tasks:
        past = sorted((p for p in task.periods if p.due_on < t), key=lambda p: p.due_on)
        for index, period in enumerate(past[-3:]):
            late = index == 1  # one of the last three periods was reported late
            done_on = period.due_on + timedelta(days=4 if late else -1)
            if done_on <= t:
                submit_period(
                    period,
                    report_number=f"{200 + period.id}/BC-{task.lead_agency.short_name or 'DV'}",
                    report_date=done_on,
                    done_on=done_on,
                    note=None,
                    user_id=None,
                )
    recent = create_directive(
        DirectiveInput(
            number=RECENT_DIRECTIVE,
            kind=DirectiveKind.DIRECTIVE.value,
            issued_on=t - timedelta(days=20),
            issuer="Chủ tịch Ủy ban nhân dân tỉnh",
            title="Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính trong thực hiện nhiệm vụ "
            "được giao",
            tasks=[
                TaskInput(
                    content="Thường xuyên kiểm tra, đôn đốc việc thực hiện nhiệm vụ được giao "
                    "trên Hệ thống theo dõi nhiệm vụ; công khai kết quả hằng tháng.",
                    lead_agency_id=_agency_id("Văn phòng Ủy ban nhân dân tỉnh"),
                ),
                TaskInput(
                    content="Kiểm tra công vụ đột xuất việc chấp hành giờ giấc, thái độ phục vụ "
                    "tại Trung tâm Phục vụ hành chính công tỉnh.",
                    lead_agency_id=_agency_id("Sở Nội vụ"),
                    co_agency_ids=[_agency_id("Thanh tra tỉnh")],
                    due_on=t + timedelta(days=25),
                ),
            ],
        ),
        created_by_id=office.id if office else None,
    )
    # Sở Nội vụ reported its inspection done: it waits in "Chờ xác nhận" for the office (issue 16)
    inspector = auth_services.find_user("snv@tinh.gov.vn")
    inspection = next(task for task in recent.tasks if task.due_on is not None)
    report_done(
        inspection,
        done_on=t - timedelta(days=1),
        report_number="1875/BC-SNV",
        report_date=t - timedelta(days=1),
        note="Đã kiểm tra đột xuất 3 lượt; biên bản kèm theo.",
        user=inspector,
        require=True,
    )
    db.session.commit()
    click.echo(f"Đã tạo văn bản {RECENT_CONCLUSION} và {RECENT_DIRECTIVE} (tính theo hôm nay).")


def _sweep(t: date) -> None:
    """One reminder sweep, as the scheduler runs each working morning, so that Hộp thư đi
    shows the emails of the day (a weekend load sweeps the last working day). The sweep's
    unique keys make a second load queue nothing new."""
    from tracker.reminders.services import run_sweep

    day = working_calendar().previous_working_day(t)
    result = run_sweep(day)
    click.echo(f"Nhắc việc ngày {day:%d/%m/%Y}: {result.digests_queued} thư vào Hộp thư đi.")


def _deadline_history(tasks: list[Task]) -> None:
    """Make the deadline states vary: some past periods submitted (on time and late), an
    approved extension, a pending one, and a via agency that already delivered."""
    monthly = next(t for t in tasks if t.cadence == "monthly")
    quarterly = next(t for t in tasks if t.cadence == "quarterly")
    periods = sorted(monthly.periods, key=lambda p: p.due_on)
    # Tháng 6: on time, tháng 7: three days late; the others stay as they are
    for period, delay, number in ((periods[0], -2, "412/BC-VP"), (periods[1], 3, "498/BC-VP")):
        _submit(period, period.due_on + timedelta(days=delay), number)
    first_quarter = min(quarterly.periods, key=lambda p: p.due_on)
    _submit(first_quarter, first_quarter.due_on - timedelta(days=1), "1120/BC-SNV")

    officer = auth_services.find_user("skhcn@tinh.gov.vn")
    office = auth_services.find_user("chuyenvien@tinh.gov.vn")
    solutions = next(t for t in tasks if "05 giải pháp" in t.content)
    decided_on = min(date(2025, 11, 25), today())  # before the original deadline, if possible
    # recorded history: the dates were in the future on the day they were asked and decided
    request = request_extension(
        solutions,
        requested_due_on=date(2025, 12, 31),
        reason="Chờ Hội đồng sáng kiến cấp tỉnh họp xét công nhận trong tháng 12/2025.",
        user_id=officer.id,
        on=decided_on,
    )
    approve_extension(request, approved_due_on=date(2025, 12, 20), user_id=office.id, on=decided_on)
    request.decided_on = decided_on
    request.decided_at = datetime(
        decided_on.year, decided_on.month, decided_on.day, 10, 0, tzinfo=zone()
    )
    request_extension(
        solutions,
        requested_due_on=date(2026, 1, 15),
        reason="Một sáng kiến cần thêm thời gian áp dụng thử trước khi đề nghị công nhận.",
        user_id=officer.id,
        on=decided_on,
    )
    if today() >= date(2025, 12, 8):  # the demo clock may be pinned earlier
        consolidated = next(
            t for t in tasks if t.via_due_on and t.lead_agency.name == "Sở Tài chính"
        )
        consolidated.via_done_on = date(2025, 12, 8)


def _submit(period: ReportingPeriod, done_on: date, number: str) -> None:
    period.done_on = done_on
    period.done_at = datetime(done_on.year, done_on.month, done_on.day, 15, 0, tzinfo=zone())
    period.report_number = number
    period.report_date = done_on


def _mark_done(task: Task, done_on: date, number: str) -> None:
    task.done_on = done_on
    task.done_at = datetime(done_on.year, done_on.month, done_on.day, 16, 0, tzinfo=zone())
    task.done_report_number = number
    task.done_report_date = done_on
