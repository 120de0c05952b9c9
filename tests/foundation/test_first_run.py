"""What a first run on a fresh clone needs without any setting: its folders, and email links
that follow the address the app is served at."""

from pathlib import Path

from tests.conftest import make_config
from tracker import create_app
from tracker.links import SERVED_URL_SETTING, base_url, remember_served_url
from tracker.reminders.emails import absolute_url
from tracker.settings import get_setting


def test_create_app_makes_the_instance_and_upload_folders(tmp_path):
    """instance/ is git-ignored: SQLite cannot open a file in a missing folder."""
    instance = tmp_path / "clone" / "instance"
    config = make_config(f"sqlite:///{instance / 'tracker.sqlite'}", tmp_path)
    config.UPLOAD_DIR = str(instance / "uploads")
    app = create_app(config)
    assert instance.is_dir() and Path(app.config["UPLOAD_DIR"]).is_dir()
    with app.app_context():
        from tracker.extensions import db

        db.session.execute(db.text("SELECT 1"))  # the database file can be opened


def test_links_follow_the_served_address_without_tracker_base_url(app):
    app.config["TRACKER_BASE_URL"] = ""
    with app.test_request_context("/", base_url="http://10.0.0.5:8080"):
        assert base_url() == "http://10.0.0.5:8080"
        assert absolute_url("tasks.show", task_id=3) == "http://10.0.0.5:8080/tasks/3"
    with app.app_context():  # the scheduler: no request
        assert base_url() == "http://127.0.0.1:5000"
        remember_served_url("http://tracker.local:8080/login?x=1")
        assert get_setting(SERVED_URL_SETTING) == "http://tracker.local:8080"
        assert absolute_url("tasks.index").startswith("http://tracker.local:8080/")
    app.config["TRACKER_BASE_URL"] = "https://nhiemvu.tinh.gov.vn/"
    with app.test_request_context("/", base_url="http://10.0.0.5:8080"):
        assert base_url() == "https://nhiemvu.tinh.gov.vn"
