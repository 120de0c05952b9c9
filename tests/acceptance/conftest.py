"""Acceptance is on here (the office's default); the older tests run with it off."""

import pytest


@pytest.fixture
def app(app):
    app.config["ACCEPTANCE_REQUIRED_DEFAULT"] = True
    return app
