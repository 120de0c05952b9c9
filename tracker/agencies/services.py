"""Writes to the agency registry: create, edit, deactivate, import."""

from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.agencies.importer import AgencyRow
from tracker.agencies.models import Agency, AgencyAlias, AgencyContact
from tracker.extensions import db
from tracker.files.limits import current_limits
from tracker.text import fold


class AgencyError(ValueError):
    """A user-facing reason (in Vietnamese) why an agency change was refused."""


def find_by_name(name: str) -> Agency | None:
    """Find an agency by its name or one of its aliases, ignoring case and diacritics."""
    folded = fold(name)
    agency = db.session.execute(
        select(Agency).where(Agency.name_folded == folded)
    ).scalar_one_or_none()
    if agency is None:
        agency = db.session.execute(
            select(Agency).join(AgencyAlias).where(AgencyAlias.name_folded == folded).limit(1)
        ).scalar_one_or_none()
    return agency


def set_aliases(agency: Agency, names: Iterable[str]) -> None:
    wanted = {}
    for name in names:
        name = " ".join(name.split())
        if name and fold(name) != agency.name_folded:
            wanted.setdefault(fold(name), name)
    agency.aliases = [a for a in agency.aliases if a.name_folded in wanted]
    have = {a.name_folded for a in agency.aliases}
    agency.aliases.extend(AgencyAlias(name=n) for f, n in wanted.items() if f not in have)


def set_contacts(agency: Agency, emails: Iterable[str]) -> None:
    wanted = {}
    for email in emails:
        email = email.strip().lower()
        if email:
            wanted.setdefault(email, email)
    agency.contacts = [c for c in agency.contacts if c.email in wanted]
    have = {c.email for c in agency.contacts}
    agency.contacts.extend(AgencyContact(email=e) for e in wanted if e not in have)


def save_agency(
    agency: Agency | None,
    *,
    name: str,
    short_name: str | None = None,
    kind: str = "department",
    parent_id: int | None = None,
    merged_into_id: int | None = None,
    head_email: str | None = None,
    active: bool = True,
    aliases: Iterable[str] = (),
    emails: Iterable[str] = (),
) -> Agency:
    """Create (agency=None) or update an agency; the caller commits."""
    name = " ".join(name.split())
    clash = db.session.execute(
        select(Agency).where(Agency.name_folded == fold(name))
    ).scalar_one_or_none()
    if clash is not None and clash is not agency:
        raise AgencyError(_("Đã có cơ quan, đơn vị tên “%(name)s”.", name=clash.name))
    if agency is None:
        agency = Agency(name=name)
        db.session.add(agency)
    if merged_into_id is not None and agency.id is not None and merged_into_id == agency.id:
        raise AgencyError(_("Một cơ quan không thể sáp nhập vào chính nó."))
    if agency.id is not None and merged_into_id not in (None, agency.merged_into_id):
        _refuse_merge_with_open_tasks(agency)
    agency.name = name
    agency.short_name = short_name or None
    agency.kind = kind
    agency.parent_id = parent_id
    agency.merged_into_id = merged_into_id
    agency.head_email = (head_email or "").strip().lower() or None
    agency.active = active and merged_into_id is None
    set_aliases(agency, aliases)
    set_contacts(agency, emails)
    db.session.flush()
    return agency


def toggle_active(agency: Agency) -> bool:
    """Stop (or resume) an agency's activity; it stays in the registry and its history.
    Returns whether it is active now; the caller commits."""
    agency.active = not agency.active
    return agency.active


def _refuse_merge_with_open_tasks(agency: Agency) -> None:
    """Setting `merged_into` by hand would leave the agency's open tasks behind it (nobody
    would see or be reminded of them): that is what the merge, with its preview, is for."""
    from tracker.agencies.reorganisation import count_open_tasks

    count = count_open_tasks(agency)
    if count:
        raise AgencyError(
            _(
                "“%(name)s” còn %(count)s nhiệm vụ đang thực hiện. Dùng chức năng “Hợp nhất” "
                "để xem trước và chuyển chúng sang cơ quan tiếp nhận.",
                name=agency.name,
                count=count,
            )
        )


def import_rows(
    rows: list[AgencyRow],
    *,
    batch_rows: int | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Create or update the agencies of checked rows; return (created, updated). Commits.

    Rows are written in batches of `import_batch_rows`, each its own transaction, so that on
    SQLite the other users' writes wait for one batch, never for the whole file (issue 14);
    `on_batch(done, total)` runs after each commit. Then `merged_into` is applied in a last
    transaction, so it may name an agency that comes later in the file. Everything that could
    refuse the file is checked before the first write: a row that would merge an agency which
    still has open tasks raises `AgencyError` with nothing written (the merge, with its
    preview, moves them).

    If the process dies mid-way, the committed batches stay and the rest is not written;
    importing the same file again is safe: a row updates the agency of its name, so it
    writes the same values again and creates nothing twice.
    """
    created = updated = 0
    by_name: dict[str, Agency] = {}
    # the registry in one statement, then one flush per batch: a SELECT per row autoflushed
    # every pending agency again, and 10,000 rows took over two minutes in one transaction
    existing = {a.name_folded: a for a in _load_agencies()}
    _check_merges(rows, existing)
    size = max(1, batch_rows or current_limits().import_batch_rows)
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        if start:  # the last commit expired them: reload this batch's agencies in one go
            existing.update((a.name_folded, a) for a in _load_agencies(batch))
        with db.session.no_autoflush:
            for row in batch:
                agency = existing.get(fold(row.name))
                if agency is None:
                    agency = Agency(name=row.name)
                    db.session.add(agency)
                    existing[fold(row.name)] = agency
                    created += 1
                else:
                    updated += 1
                agency.short_name = row.short_name or agency.short_name
                agency.kind = row.kind
                if row.head_email:
                    agency.head_email = row.head_email.lower()
                set_aliases(agency, [*(a.name for a in agency.aliases), *row.aliases])
                set_contacts(agency, [*(c.email for c in agency.contacts), *row.emails])
                by_name[fold(row.name)] = agency
        db.session.commit()
        if on_batch is not None:
            on_batch(min(start + size, len(rows)), len(rows))
    for row in rows:
        if row.merged_into:
            successor = by_name.get(fold(row.merged_into)) or find_by_name(row.merged_into)
            agency = by_name[fold(row.name)]
            agency.merged_into_id = successor.id
            agency.active = False
    db.session.commit()
    return created, updated


def _load_agencies(rows: list[AgencyRow] | None = None) -> list[Agency]:
    """The agencies (those named by `rows`, or all) with their aliases and mailboxes."""
    stmt = select(Agency).options(selectinload(Agency.aliases), selectinload(Agency.contacts))
    if rows is not None:
        stmt = stmt.where(Agency.name_folded.in_({fold(r.name) for r in rows}))
    return list(db.session.execute(stmt.execution_options(populate_existing=True)).scalars())


def _check_merges(rows: list[AgencyRow], existing: dict[str, Agency]) -> None:
    """Refuse, before anything is written, a row that merges a saved agency with open tasks."""
    for row in rows:
        agency = existing.get(fold(row.name))
        if not row.merged_into or agency is None:
            continue  # an agency new in the file has no tasks yet
        successor = existing.get(fold(row.merged_into)) or find_by_name(row.merged_into)
        if successor is None or agency.merged_into_id != successor.id:
            _refuse_merge_with_open_tasks(agency)


def known_names() -> set[str]:
    return set(db.session.execute(select(Agency.name_folded)).scalars())
