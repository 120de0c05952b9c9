"""Downloading attachments, with the same visibility rules as the things they belong to
(the rules are in downloads.py, shared with the API)."""

from flask import Blueprint
from flask_login import login_required

from tracker.files.downloads import send_attachment

bp = Blueprint("files", __name__, url_prefix="/files")


@bp.route("/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    return send_attachment(attachment_id)
