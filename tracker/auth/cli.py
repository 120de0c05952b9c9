"""`flask --app wsgi users create ...`"""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.agencies.models import Agency
from tracker.auth import services
from tracker.auth.forms import password_message
from tracker.auth.models import Role
from tracker.auth.passwords import password_problem
from tracker.extensions import db
from tracker.text import fold

users_cli = AppGroup("users", help="Tài khoản người dùng.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Họ và tên")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", default=None, help="Tên cơ quan, đơn vị (cho cán bộ đơn vị)")
@click.password_option()
def create(email: str, full_name: str, role: str, agency: str | None, password: str) -> None:
    """Create a user account."""
    agency_id = None
    if agency:
        found = db.session.execute(
            select(Agency).where(Agency.name_folded == fold(agency))
        ).scalar_one_or_none()
        if found is None:
            raise click.ClickException(f"Không tìm thấy cơ quan, đơn vị “{agency}”.")
        agency_id = found.id
    if role == Role.AGENCY_OFFICER and agency_id is None:
        raise click.ClickException("Cán bộ cơ quan, đơn vị cần --agency.")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(password_message(problem))
    try:
        user = services.create_user(
            email=email, full_name=full_name, role=role, password=password, agency_id=agency_id
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.email} ({user.role_label}).")
