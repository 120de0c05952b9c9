"""Fixtures for the deadline rules (pure functions: no app, no database)."""

import pytest

from tracker.deadlines.calendar import WorkingCalendar, default_calendar


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    """The national calendar (package holidays + announced days), shared across tests."""
    return default_calendar()
