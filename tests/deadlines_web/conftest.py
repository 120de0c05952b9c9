"""Fixtures for the deadline pages and services: a recurring task of the small province."""

from datetime import date

import pytest

from tests import factories
from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db


@pytest.fixture
def monthly(app, data):
    """A monthly report by Sở Tài chính from 01/6/2025 (co-agency: Sở Nội vụ); creating it
    opens its periods up to today + 60 days (today is 18/8/2025)."""
    with app.app_context():
        task = factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["stc"]),
            content="Báo cáo tình hình thu ngân sách hằng tháng",
            co=[db.session.get(Agency, data.agencies["snv"])],
            cadence="monthly",
            starts_on=date(2025, 6, 1),
            ends_on=date(2026, 12, 31),
        )
        db.session.commit()
        return task.id


def form_value(html: str, name: str) -> str | None:
    """The value attribute of the input called `name` in a page (to check typed input kept)."""
    import re

    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else None
