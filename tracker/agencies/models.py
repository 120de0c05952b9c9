"""Agencies (cơ quan, đơn vị): sở, ban, ngành, UBND cấp xã and others."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker.dbtypes import UTCDateTime
from tracker.extensions import db
from tracker.text import fold
from tracker.timeutil import utcnow


class AgencyKind(enum.StrEnum):
    DEPARTMENT = "department"  #: sở, ban, ngành
    COMMUNE = "commune"  #: UBND cấp xã (xã, phường, đặc khu)
    OTHER = "other"  #: đơn vị khác

    @property
    def label(self) -> str:
        return {
            "department": "Sở, ban, ngành",
            "commune": "UBND cấp xã",
            "other": "Đơn vị khác",
        }[self.value]


class Agency(db.Model):
    __tablename__ = "agency"
    __audited__ = True
    #: aliases and reminder mailboxes only exist inside their agency: their changes are
    #: recorded on the agency's audit row (see tracker.audit)
    __audit_collections__ = frozenset({"aliases", "contacts"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    #: folded name for accent-insensitive search ("so tai chinh")
    name_folded: Mapped[str] = mapped_column(String(255), index=True)
    short_name: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default=AgencyKind.DEPARTMENT.value)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    #: the agency that took over this one's work (the 2025 reorganisation)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    head_email: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped["Agency | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    merged_into: Mapped["Agency | None"] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )
    aliases: Mapped[list["AgencyAlias"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyAlias.name"
    )
    contacts: Mapped[list["AgencyContact"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyContact.email"
    )

    @validates("name")
    def _fold_name(self, key: str, value: str) -> str:
        self.name_folded = fold(value)
        return value

    @property
    def kind_label(self) -> str:
        return AgencyKind(self.kind).label

    @property
    def reminder_emails(self) -> list[str]:
        """Every focal point and shared mailbox that receives the daily digest."""
        return [c.email for c in self.contacts if c.receives_digest]

    def __str__(self) -> str:
        return self.name


class AgencyAlias(db.Model):
    """Another spelling of an agency's name ("Sở KH&CN"), used by search and extraction."""

    __tablename__ = "agency_alias"
    __table_args__ = (UniqueConstraint("agency_id", "name_folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255), index=True)

    agency: Mapped[Agency] = relationship(back_populates="aliases")

    @validates("name")
    def _fold_name(self, key: str, value: str) -> str:
        self.name_folded = fold(value)
        return value

    def __str__(self) -> str:
        return self.name


class AgencyContact(db.Model):
    """A focal point or shared mailbox of an agency: an agency is an account, not a person."""

    __tablename__ = "agency_contact"
    __table_args__ = (UniqueConstraint("agency_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    receives_digest: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.email


Index("ix_agency_active_kind", Agency.active, Agency.kind)
