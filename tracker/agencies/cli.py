"""`flask --app wsgi agencies import FILE | merge OLD NEW | rename OLD NEW_NAME | calendar-url NAME`"""

from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.agencies import reorganisation, services
from tracker.agencies.importer import ImportFormatError, read_table, validate_rows
from tracker.agencies.reorganisation import UserChoice
from tracker.agencies.services import AgencyError
from tracker.extensions import db
from tracker.timeutil import today

agencies_cli = AppGroup("agencies", help="Danh mục cơ quan, đơn vị.")


def _fail(error: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(error)) from None


@agencies_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--only-valid",
    is_flag=True,
    help="Nhập các dòng hợp lệ dù có dòng lỗi (mặc định: có lỗi thì không nhập gì).",
)
def import_command(file: Path, only_valid: bool) -> None:
    """Import agencies from a CSV or XLSX file with a header row."""
    try:
        rows = read_table(file.name, file.read_bytes())
    except ImportFormatError as error:
        raise click.ClickException(str(error)) from None
    good, errors = validate_rows(rows, services.known_names())
    for error in errors:
        click.echo(f"Dòng {error.line}: {error.message}", err=True)
    if errors and not only_valid:
        raise click.ClickException(
            f"{len(errors)} dòng lỗi; không nhập gì. Sửa tệp hoặc dùng --only-valid."
        )
    try:
        created, updated = services.import_rows(good)
    except AgencyError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Đã nhập {created} cơ quan, đơn vị mới, cập nhật {updated}.")


@agencies_cli.command("merge")
@click.argument("old")
@click.argument("new")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Ngày hợp nhất (YYYY-MM-DD), mặc định hôm nay.",
)
@click.option(
    "--users",
    type=click.Choice([c.value for c in UserChoice]),
    default=UserChoice.MOVE.value,
    show_default=True,
    help="Tài khoản của cơ quan cũ: move = chuyển sang cơ quan mới, deactivate = ngừng hoạt động.",
)
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không thay đổi gì.")
def merge_command(old: str, new: str, on, users: str, dry_run: bool) -> None:
    """Merge OLD into NEW (names or aliases): open tasks move, OLD becomes an alias of NEW."""
    day = on.date() if on else today()
    try:
        old_agency, new_agency = reorganisation.resolve(old), reorganisation.resolve(new)
        plan = reorganisation.plan_merge(old_agency, new_agency, on=day)
    except AgencyError as error:
        _fail(error)
    roles = {"lead": "chủ trì", "co": "phối hợp", "via": "tổng hợp"}
    for moving in plan.tasks:
        task = moving.task
        due = task.due_on.strftime("%d/%m/%Y") if task.due_on else "không thời hạn"
        what = ", ".join(roles[r] for r in moving.roles)
        click.echo(f"#{task.id} [{what}] {task.directive.number} — {due} — {task.content[:80]}")
    click.echo(
        f"{len(plan.tasks)} nhiệm vụ chuyển từ {plan.old.name} sang {plan.new.name} "
        f"(ngày {day:%d/%m/%Y}); {plan.kept} nhiệm vụ đã kết thúc giữ tên cơ quan cũ; "
        f"{len(plan.users)} tài khoản."
    )
    if dry_run:
        click.echo("Chạy thử: không thay đổi gì.")
        return
    try:
        reorganisation.merge_agencies(
            old_agency, new_agency, on=day, users=users, expected_task_ids=plan.task_ids
        )
    except AgencyError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Đã hợp nhất {plan.old.name} vào {plan.new.name}.")


@agencies_cli.command("rename")
@click.argument("old")
@click.argument("new_name")
def rename_command(old: str, new_name: str) -> None:
    """Rename an agency (OLD by name or alias); the old name stays as an alias."""
    try:
        agency = reorganisation.resolve(old)
        old_name = agency.name
        reorganisation.rename_agency(agency, new_name)
    except AgencyError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Đã đổi tên {old_name} thành {agency.name}; tên cũ là tên gọi khác.")


@agencies_cli.command("calendar-url")
@click.argument("name")
@click.option(
    "--new",
    "new",
    is_flag=True,
    help="Cấp địa chỉ mới (luôn như vậy: chỉ mã băm được lưu, địa chỉ cũ bị thu hồi).",
)
def calendar_url_command(name: str, new: bool) -> None:
    """Print the agency's secret calendar (iCalendar) address.

    Only the address's hash is stored, so an existing address cannot be shown again: every
    call issues a new address and revokes the previous one (--new says so explicitly).
    """
    from tracker.feeds.services import feed_url, issue_token

    try:
        agency = reorganisation.resolve(name)
    except AgencyError as error:
        _fail(error)
    url = feed_url(issue_token(agency))
    db.session.commit()
    click.echo(url)
