"""Fixtures: the world of tests/world.py."""

from tests.world import world  # noqa: F401
