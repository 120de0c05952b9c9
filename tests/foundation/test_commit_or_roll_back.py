"""`tracker.web.commit_or_roll_back`: the views' one way to save all or nothing."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from tracker.agencies import services as agency_services
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.web import commit_or_roll_back


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    other = StringField()


class _FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _count() -> int:
    return db.session.execute(select(func.count(Agency.id))).scalar_one()


def _add_then(error: Exception | None):
    """A service that writes, then (maybe) refuses: the write must not survive a refusal."""

    def action() -> Agency:
        agency = agency_services.save_agency(None, name="Sở Thử nghiệm")
        if error is not None:
            raise error
        return agency

    return action


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/agencies/new", method="POST"):
        yield


def test_success_commits_flashes_and_redirects_with_the_result(request_ctx):
    response = commit_or_roll_back(
        _add_then(None),
        done=lambda agency: f"Đã lưu {agency.name}",
        to=lambda agency: f"/agencies/{agency.id}",
    )
    assert response.status_code == 302
    db.session.rollback()  # anything not committed would go now
    agency = db.session.execute(select(Agency)).scalar_one()
    assert response.location == f"/agencies/{agency.id}"
    assert get_flashed_messages(with_categories=True) == [("success", "Đã lưu Sở Thử nghiệm")]


def test_after_commit_runs_after_the_commit(request_ctx):
    seen = []

    def after(agency):
        db.session.rollback()  # a rollback here must not undo the saved agency
        seen.append(agency.name)

    commit_or_roll_back(_add_then(None), done=None, to="/agencies/", after_commit=after)
    assert seen == ["Sở Thử nghiệm"] and _count() == 1
    assert get_flashed_messages() == []


def test_a_message_that_comes_out_empty_is_not_flashed(request_ctx):
    commit_or_roll_back(_add_then(None), done=lambda agency: None, to="/agencies/")
    assert _count() == 1 and get_flashed_messages() == []


def test_an_error_naming_a_field_rolls_back_and_lands_on_that_field(request_ctx):
    form = _Form()
    form.validate()
    response = commit_or_roll_back(
        _add_then(_FieldError("other", "Sai rồi")), form=form, field="name", done="x", to="/"
    )
    assert response is None  # the view re-renders the form
    assert _count() == 0
    assert form.other.errors == ["Sai rồi"] and form.name.errors == []
    assert get_flashed_messages() == []


def test_an_error_without_a_field_lands_on_the_default_field(request_ctx):
    form = _Form()  # not validated: the field's errors are still a tuple
    response = commit_or_roll_back(
        _add_then(ValueError("Trùng tên")), form=form, field="name", done="x", to="/"
    )
    assert response is None and _count() == 0
    assert form.name.errors == ["Trùng tên"]


def test_an_error_for_no_field_of_the_form_is_raised_again(request_ctx):
    with pytest.raises(ValueError, match="Không rõ"):
        commit_or_roll_back(_add_then(ValueError("Không rõ")), form=_Form(), done="x", to="/")


def test_without_a_form_the_error_is_flashed_and_the_page_follows(request_ctx):
    response = commit_or_roll_back(
        _add_then(ValueError("Không được")), done="x", to="/ok", failed_to="/again"
    )
    assert response.location == "/again" and _count() == 0
    assert get_flashed_messages(with_categories=True) == [("danger", "Không được")]
    response = commit_or_roll_back(_add_then(ValueError("Không được")), done="x", to="/ok")
    assert response.location == "/ok"


def test_other_errors_are_not_caught(request_ctx):
    with pytest.raises(KeyError):
        commit_or_roll_back(_add_then(KeyError("bug")), done="x", to="/")
    with pytest.raises(ValueError):
        commit_or_roll_back(_add_then(ValueError("x")), errors=(), done="x", to="/")


def test_without_a_form_a_refusal_needs_an_address_known_beforehand(request_ctx):
    with pytest.raises(TypeError):
        commit_or_roll_back(_add_then(ValueError("x")), done="x", to=lambda agency: "/")
    assert _count() == 0
