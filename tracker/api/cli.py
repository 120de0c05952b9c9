"""`flask --app wsgi users token create|list|revoke`"""

from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.api import services
from tracker.api.models import ApiToken
from tracker.auth.models import User
from tracker.extensions import db

token_cli = AppGroup("token", help="Khóa API cá nhân (Authorization: Bearer).")


def _user(email: str) -> User:
    user = db.session.execute(
        select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"Không tìm thấy tài khoản {email}.")
    return user


@token_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Tên gợi nhớ của khóa")
@click.option("--expires", default=None, help="Ngày hết hạn YYYY-MM-DD")
def create(email: str, name: str, expires: str | None) -> None:
    """Create a token and print it once (only its hash is stored)."""
    try:
        expires_on = date.fromisoformat(expires) if expires else None
    except ValueError:
        raise click.ClickException("Ngày hết hạn phải có dạng YYYY-MM-DD.") from None
    try:
        _row, secret = services.create_token(_user(email), name=name, expires_on=expires_on)
    except services.TokenError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(secret)


@token_cli.command("list")
@click.option("--email", required=True)
def list_tokens(email: str) -> None:
    """The user's tokens: id, prefix, name, expiry, last use, revoked."""
    for row in services.user_tokens(_user(email).id):
        state = "đã thu hồi" if row.is_revoked else "hiệu lực"
        last = row.last_used_at.isoformat() if row.last_used_at else "-"
        expires = row.expires_on.isoformat() if row.expires_on else "-"
        click.echo(f"{row.id}\t{row.prefix}…\t{row.name or '-'}\t{expires}\t{last}\t{state}")


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id (see `list`)."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"Không tìm thấy khóa #{token_id}.")
    services.revoke_token(row)
    db.session.commit()
    click.echo(f"Đã thu hồi khóa #{token_id} ({row.prefix}…).")
