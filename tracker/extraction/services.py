"""Glue between the pure extraction engine and the app: the registry from the database,
and turning a reviewed proposal into a saved directive (one transaction)."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.directives.services import DirectiveError, DirectiveInput, create_directive
from tracker.extensions import db
from tracker.extraction.registry import AgencyRecord, Registry
from tracker.extraction.targets import propose_targets
from tracker.extraction.upload import attach_pending, pending_file
from tracker.inbox import services as inbox_services
from tracker.inbox.models import IncomingDocument
from tracker.targets.services import attach_proposed


def registry_from_db() -> Registry:
    """The agency registry (names, aliases, former agencies) as the engine's gazetteer."""
    agencies = db.session.execute(
        select(Agency).options(selectinload(Agency.aliases), selectinload(Agency.merged_into))
    ).scalars()
    return Registry(
        AgencyRecord(
            id=a.id,
            name=a.name,
            short_name=a.short_name or "",
            kind=a.kind,
            aliases=[alias.name for alias in a.aliases],
            merged_into=a.merged_into.name if a.merged_into else None,
        )
        for a in agencies
    )


def agencies_of_kind(kind: str) -> list[Agency]:
    """Active agencies of one kind, for fanning a collective subject out."""
    return list(
        db.session.execute(
            select(Agency).where(Agency.kind == kind, Agency.active.is_(True)).order_by(Agency.name)
        ).scalars()
    )


@dataclass
class ProposedTask:
    """One row of the review screen."""

    content: str = ""
    source_text: str = ""
    lead_agency_id: int | None = None
    lead_name: str = ""
    collective_kind: str | None = None
    co_agency_ids: list[int] = field(default_factory=list)
    via_agency_id: int | None = None
    via_due_on: date | None = None
    due_on: date | None = None
    cadence: str = "none"
    period_due_day: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the words of the text behind each field ("agency", "due", "cadence", "via")
    sources: dict[str, str] = field(default_factory=dict)


def _iso(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _collective_phrase(task: dict) -> str:
    """The group as the text names it ("Các Sở, Ban, ngành"), kept in the engine's notes."""
    for note in task.get("notes") or []:
        if note.startswith("Giao chung:"):
            return note.removeprefix("Giao chung:").strip()
    return _("Nhiều cơ quan, đơn vị")


def proposed_tasks(result: dict, registry: Registry) -> list[ProposedTask]:
    """Turn the engine's JSON into review rows, resolving names to agency ids."""
    rows = []
    for task in result.get("tasks", []):
        lead_id = task.get("agency_id")
        via_id = None
        if task.get("via"):
            via = registry.match(task["via"])
            via_id = via.record.id if via.record else None
        co_ids = []
        for name in task.get("co_agencies") or []:
            match = registry.match(name)
            if match.record and match.record.id:
                co_ids.append(match.record.id)
        rows.append(
            ProposedTask(
                content=task.get("text", ""),
                source_text=task.get("text", ""),
                lead_agency_id=lead_id,
                lead_name=_collective_phrase(task)
                if task.get("collective")
                else task.get("agency") or "",
                collective_kind=task.get("collective_kind") if task.get("collective") else None,
                co_agency_ids=co_ids,
                via_agency_id=via_id,
                via_due_on=_iso(task.get("via_due")),
                due_on=_iso(task.get("due")),
                cadence=task.get("cadence") or "none",
                period_due_day=task.get("period_due_day"),
                warnings=list(task.get("warnings") or []),
                notes=list(task.get("notes") or []),
                sources=dict(task.get("sources") or {}),
            )
        )
    return rows


def save_reviewed(
    data: DirectiveInput,
    *,
    upload_token: str | None,
    user_id: int,
    incoming: IncomingDocument | None = None,
) -> Directive:
    """Save the reviewed directive with its tasks, and the file it was read from (kept aside
    since the upload, under `upload_token`) as its attachment; an incoming document it was
    opened from (Văn bản đến) is marked processed with it, in the same transaction. The caller
    commits."""
    directive = create_directive(data, created_by_id=user_id)
    for task in directive.tasks:  # the targets the extraction read ("ít nhất 05 giải pháp")
        attach_proposed(task, propose_targets(task.source_text))
    upload = pending_file(upload_token)
    if upload:
        attach_pending(upload, directive.id, user_id)
    if incoming is not None:
        try:
            inbox_services.mark_processed(incoming, directive, user_id)
        except inbox_services.IncomingError as error:  # processed meanwhile, or its file gone
            raise DirectiveError("number", str(error)) from error
    return directive
