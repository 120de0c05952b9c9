"""Helpers for the API tests: personal tokens made through the service, bearer headers."""

import pytest

from tests.world import world  # noqa: F401
from tracker.api import services
from tracker.auth.models import User
from tracker.extensions import db


def make_token(app, email: str, **kwargs) -> str:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        _row, secret = services.create_token(user, **kwargs)
        db.session.commit()
        db.session.remove()
    return secret


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


@pytest.fixture
def tokens(app, world):  # noqa: F811
    """A token for each role of the world (see tests/world.py)."""
    from tests.world import EMAILS

    return {role: make_token(app, email) for role, email in EMAILS.items()}
