"""Fixtures: the world of tests/world.py (it holds one pending incoming document)."""

from tests.world import world  # noqa: F401
