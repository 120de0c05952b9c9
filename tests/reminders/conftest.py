"""A real SMTP server (aiosmtpd on 127.0.0.1, a free port) and an app that delivers to it."""

import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import _empty_tables, make_config
from tracker import create_app
from tracker.extensions import db

ZONE = "Asia/Ho_Chi_Minh"


@dataclass
class Received:
    """One message the SMTP server accepted."""

    rcpt_tos: list[str]
    message: EmailMessage
    #: the simulated day it arrived on (set by `SmtpServer.drain`)
    day: date | None = None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def key(self) -> str:
        return str(self.message["X-Tracker-Outbox"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        msg = message_from_bytes(envelope.content, policy=email_policy.default)
        with self.server.lock:
            self.server.inbox.append(Received(list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    inbox: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def drain(self, day: date | None = None) -> list[Received]:
        """Take what arrived since the last call, tagged with `day`."""
        with self.lock:
            items, self.inbox[:] = list(self.inbox), []
        for item in items:
            item.day = day
        return items


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


def mail_app_for(database_url, tmp_path, smtp: SmtpServer, **overrides):
    return create_app(
        make_config(
            database_url,
            tmp_path,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp.port,
            MAIL_SUPPRESS_SEND=False,
            TRACKER_OFFICE_EMAIL="vanphong@tinh.gov.vn",
            **overrides,
        )
    )


@pytest.fixture
def mail_app(database_url, tmp_path, smtp):
    """The app configured to deliver to the test SMTP server; tables emptied."""
    app = mail_app_for(database_url, tmp_path, smtp)
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def at(day: date, hour: int = 7, minute: int = 30) -> datetime:
    """A local moment of `day` (the scheduler's daily run is at 07:30)."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE))
