"""Shared fixtures: the app on a real database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner, and a user of each role.

The schema comes from the migrations (not `create_all`), once per test session; each test
then starts from empty tables.
"""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from tests import factories
from tracker import create_app
from tracker.extensions import db

PASSWORD = factories.PASSWORD
#: the tests' "now": a Monday morning in Hà Nội, so that "today" is 18/08/2025
FROZEN_NOW = datetime(2025, 8, 18, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return TestingConfig.SQLALCHEMY_DATABASE_URI
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _reset_schema(url: str) -> None:
    """Empty the database completely (PostgreSQL: a fresh public schema)."""
    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def make_config(url: str, tmp_path, **overrides):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = str(tmp_path / "uploads")
        TRACKER_NOW = FROZEN_NOW
        #: the tests written before acceptance (issue 16) expect an agency's completion to be
        #: done at once; tests/acceptance turn acceptance on
        ACCEPTANCE_REQUIRED_DEFAULT = False

    for key, value in overrides.items():
        setattr(Config, key, value)
    return Config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate an empty database to head once per session and return its URL."""
    url = _database_url(tmp_path_factory)
    app = create_app(make_config(url, tmp_path_factory.mktemp("boot")))
    with app.app_context():
        _reset_schema(url)
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path))
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def data(app):
    """A small province: agencies, a user of each role, one directive with tasks."""
    with app.app_context():
        world = factories.small_province()
        db.session.commit()
        ids = world.ids()
    return ids


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post(
            "/login", data={"email": email, "password": password}, follow_redirects=False
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def login_as(client, email: str):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
