"""Settings the office edits in the web UI (reminder policy, period rules)."""

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class Setting(db.Model):
    __tablename__ = "setting"
    __audited__ = True

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
