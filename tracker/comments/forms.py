"""The post form under a task's conversation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class CommentForm(FlaskForm):
    #: validated by the service (one place for empty, length and NUL)
    body = TextAreaField(_l("Nội dung"))
