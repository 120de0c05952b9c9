"""Drafting reminder letters: which agencies are overdue with what, and the letters' records.

The overdue obligations are those of `tracker.deadlines.obligations` (a one-off task's
deadline, each begun reporting period, a via agency's own deadline), answerable to the agency
(the lead; the via agency for its own deadline) and overdue at the end of the day — the same
rule and the same grouping as Tổng quan's "Nhiệm vụ quá hạn theo đơn vị chủ trì".
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, func, literal, select, union_all

from tracker.agencies.models import Agency
from tracker.deadlines import obligations as ob
from tracker.deadlines.status import is_overdue_sql
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.storage import path_of, store
from tracker.letters import document
from tracker.letters.models import KIND_REMIND, KIND_URGE, KINDS, ReminderLetter, ReminderLetterItem
from tracker.settings import get_setting, set_setting
from tracker.tasks.models import Task

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the header and signer the office typed last time (stored setting, one JSON object)
SETTING_DEFAULTS = "letters.defaults"
#: the most agencies one submission may address (a province has a few hundred agencies; a
#: letter listing all of them is a report, not a reminder)
MAX_AGENCIES = 200

SUBJECTS = {
    KIND_URGE: "V/v đôn đốc thực hiện nhiệm vụ được giao đã quá hạn",
    KIND_REMIND: "V/v nhắc nhở chậm thực hiện nhiệm vụ được giao",
}
REQUESTS = {
    KIND_URGE: (
        "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng cơ quan, đơn vị tập trung chỉ đạo, khẩn trương "
        "hoàn thành các nhiệm vụ nêu trên; trường hợp chưa hoàn thành, báo cáo rõ nguyên nhân, "
        "khó khăn, vướng mắc, trách nhiệm của tập thể, cá nhân liên quan và đề xuất giải pháp."
    ),
    KIND_REMIND: (
        "Chủ tịch UBND tỉnh nhắc nhở Thủ trưởng cơ quan, đơn vị chậm thực hiện các nhiệm vụ nêu "
        "trên; yêu cầu nghiêm túc rút kinh nghiệm, khẩn trương hoàn thành và báo cáo kết quả."
    ),
}


class LetterError(ValueError):
    """Input a letter cannot be drafted from, with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def place_of(province: str) -> str:
    """The địa danh of the letter: "tỉnh Hòa Bình" → "Hòa Bình"."""
    for prefix in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
        if province.startswith(prefix):
            return province[len(prefix) :]
    return province


def defaults() -> dict[str, str]:
    """The header and signer to propose: what the office typed last, else the province's."""
    province = current_app.config["TRACKER_PROVINCE"]
    proposed = {
        "parent_body": "",
        "issuing_body": f"ỦY BAN NHÂN DÂN {province.upper()}",
        "symbol": "UBND-TH",
        "place": place_of(province),
        "signer_authority": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "",
        "recipients_extra": "- Chủ tịch, các PCT UBND tỉnh;\n- CVP, các PCVP UBND tỉnh;\n- Lưu: VT, TH.",
    }
    stored = get_setting(SETTING_DEFAULTS, {})
    if isinstance(stored, dict):
        proposed.update({k: str(v) for k, v in stored.items() if k in proposed and v is not None})
    return proposed


# -- which agencies are overdue with what ---------------------------------------------------


def _overdue_parts(as_of: date, columns_of, where_of=lambda arm: ()) -> list:
    """One SELECT per kind of obligation, of those overdue at the end of ``as_of``."""
    return [
        arm.select(*columns_of(arm)).where(
            is_overdue_sql(as_of, **arm.status_kwargs()), *where_of(arm)
        )
        for arm in ob.arms(as_of)
    ]


def overdue_agencies(as_of: date) -> list[Any]:
    """Agencies with overdue obligations: ``id, name, count, oldest_due``, most first."""
    parts = [
        arm.select(
            arm.agency_id.label("agency_id"),
            func.count().label("count"),
            func.min(arm.due_on).label("oldest_due"),
        )
        .where(is_overdue_sql(as_of, **arm.status_kwargs()))
        .group_by(arm.agency_id)
        for arm in ob.arms(as_of)
    ]
    per_arm = union_all(*parts).subquery()
    return db.session.execute(
        select(
            Agency.id,
            Agency.name,
            func.sum(per_arm.c.count).label("count"),
            func.min(per_arm.c.oldest_due).label("oldest_due"),
        )
        .join(per_arm, per_arm.c.agency_id == Agency.id)
        .group_by(Agency.id, Agency.name)
        .order_by(func.sum(per_arm.c.count).desc(), Agency.name)
    ).all()


def obligation_text(kind: str, content: str, period_label: str | None) -> str:
    """The task as the letter names it, with the obligation when it is not the task's own
    deadline ("… (báo cáo quý III/2025)")."""
    if kind == ob.PERIOD and period_label:
        return f"{content} (báo cáo {period_label[:1].lower() + period_label[1:]})"
    if kind == ob.VIA:
        return f"{content} (báo cáo tổng hợp)"
    return content


def overdue_lines(agency_ids: list[int], as_of: date) -> dict[int, list[dict[str, Any]]]:
    """Each agency's overdue obligations, oldest first, in one statement."""
    if not agency_ids:
        return {}
    parts = _overdue_parts(
        as_of,
        lambda arm: (
            literal(arm.kind, String).label("kind"),
            Task.id.label("task_id"),
            Task.content.label("content"),
            arm.period_id.label("period_id"),
            arm.label.label("period_label"),
            arm.due_on.label("due_on"),
            arm.agency_id.label("agency_id"),
            Task.directive_id.label("directive_id"),
        ),
        where_of=lambda arm: (arm.agency_id.in_(agency_ids),),
    )
    union = union_all(*parts).subquery()
    rows = db.session.execute(
        select(union, Directive.number, Directive.issued_on)
        .join(Directive, Directive.id == union.c.directive_id)
        .order_by(union.c.agency_id, union.c.due_on, union.c.task_id, union.c.period_id)
    ).all()
    found: dict[int, list[dict[str, Any]]] = {a: [] for a in agency_ids}
    for row in rows:
        found[row.agency_id].append(
            {
                "kind": row.kind,
                "task_id": row.task_id,
                "period_id": row.period_id,
                "content": obligation_text(row.kind, row.content, row.period_label),
                "directive": f"{row.number} ngày {row.issued_on:%d/%m/%Y}",
                "due_on": row.due_on,
                "days_overdue": (as_of - row.due_on).days,
            }
        )
    return found


# -- drafting -------------------------------------------------------------------------------


@dataclass
class LetterInput:
    """What the office chose and typed on the form."""

    agency_ids: list[int]
    kind: str
    per_agency: bool
    new_due_on: date | None
    issuing_body: str
    symbol: str
    place: str
    signer_title: str
    parent_body: str = ""
    letter_date: date | None = None
    subject: str = ""
    request_text: str = ""
    signer_authority: str = ""
    signer_name: str = ""
    recipients_extra: str = ""


def _check(data: LetterInput, as_of: date) -> None:
    if data.kind not in KINDS:
        raise LetterError("kind", _("Loại công văn không hợp lệ."))
    if not data.agency_ids:
        raise LetterError("agencies", _("Chọn ít nhất một cơ quan, đơn vị có nhiệm vụ quá hạn."))
    if len(data.agency_ids) > MAX_AGENCIES:
        raise LetterError(
            "agencies", _("Mỗi lần chọn tối đa %(n)s cơ quan, đơn vị.", n=MAX_AGENCIES)
        )
    if data.new_due_on is None:
        raise LetterError("new_due_on", _("Vui lòng nhập thời hạn mới (dd/mm/yyyy)."))
    if data.new_due_on <= as_of:
        raise LetterError(
            "new_due_on",
            _("Thời hạn mới phải sau ngày %(day)s.", day=f"{as_of:%d/%m/%Y}"),
        )
    if data.letter_date is not None and data.letter_date < as_of:
        raise LetterError(
            "letter_date",
            _("Ngày ký không được trước ngày %(day)s.", day=f"{as_of:%d/%m/%Y}"),
        )
    for name, label in (
        ("issuing_body", _("Cơ quan ban hành")),
        ("symbol", _("Ký hiệu")),
        ("place", _("Địa danh")),
        ("signer_title", _("Chức vụ người ký")),
    ):
        if not getattr(data, name).strip():
            raise LetterError(name, _("Vui lòng nhập %(label)s.", label=label.lower()))


def _remember(data: LetterInput) -> None:
    """Keep the header and signer for the next letter (stored setting, audited)."""
    keep = {
        key: getattr(data, key)
        for key in (
            "parent_body",
            "issuing_body",
            "symbol",
            "place",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients_extra",
        )
    }
    if get_setting(SETTING_DEFAULTS) != keep:
        set_setting(SETTING_DEFAULTS, keep)


def _slug(name: str) -> str:
    from tracker.text import fold

    words = "".join(c if c.isalnum() else " " for c in fold(name)).split()
    return "-".join(words)[:60] or "co-quan"


def draft_letters(data: LetterInput, as_of: date, *, user_id: int | None) -> list[ReminderLetter]:
    """Draft the letters (one for every chosen agency, or one each), store their .docx and a
    record of every listed obligation linked to its task (the caller commits).

    Raises `LetterError` for bad input, or when a chosen agency has no overdue obligation
    left (finished since the page was opened): the office chooses again.
    """
    _check(data, as_of)
    agency_ids = list(dict.fromkeys(data.agency_ids))
    names = dict(
        db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all()
    )
    missing = [a for a in agency_ids if a not in names]
    if missing:
        raise LetterError("agencies", _("Có cơ quan, đơn vị không có trong danh mục."))
    lines = overdue_lines(agency_ids, as_of)
    empty = [names[a] for a in agency_ids if not lines.get(a)]
    if empty:
        raise LetterError(
            "agencies",
            _(
                "Không còn nhiệm vụ quá hạn của: %(names)s. Bỏ chọn và thử lại.",
                names=", ".join(empty),
            ),
        )
    agency_ids.sort(key=lambda a: names[a])
    groups = [[a] for a in agency_ids] if data.per_agency else [agency_ids]
    subject = data.subject.strip() or SUBJECTS[data.kind]
    request_text = data.request_text.strip() or REQUESTS[data.kind]
    extra = [line.strip() for line in data.recipients_extra.splitlines() if line.strip()]
    batch = secrets.token_hex(8)
    letters = []
    for group in groups:
        doc = document.Letter(
            parent_body=data.parent_body,
            issuing_body=data.issuing_body,
            symbol=data.symbol,
            place=data.place,
            letter_date=data.letter_date,
            subject=subject,
            as_of=as_of,
            addressees=[
                document.Addressee(
                    names[a],
                    [
                        document.Line(r["directive"], r["content"], r["due_on"], r["days_overdue"])
                        for r in lines[a]
                    ],
                )
                for a in group
            ],
            request_text=request_text,
            new_due_on=data.new_due_on,  # type: ignore[arg-type]  (checked above)
            signer_authority=data.signer_authority,
            signer_title=data.signer_title,
            signer_name=data.signer_name,
            recipients_extra=extra,
        )
        label = _slug(names[group[0]]) if len(group) == 1 else f"{len(group)}-co-quan"
        filename = f"cong-van-{'don-doc' if data.kind == KIND_URGE else 'nhac-nho'}-{label}-{as_of:%Y%m%d}.docx"
        attachment = store((document.render(doc), filename, DOCX))
        db.session.flush()
        letter = ReminderLetter(
            batch=batch,
            kind=data.kind,
            parent_body=data.parent_body.strip(),
            issuing_body=data.issuing_body.strip(),
            symbol=data.symbol.strip(),
            place=data.place.strip(),
            letter_date=data.letter_date,
            subject=subject,
            request_text=request_text,
            new_due_on=data.new_due_on,
            signer_authority=data.signer_authority.strip(),
            signer_title=data.signer_title.strip(),
            signer_name=data.signer_name.strip(),
            recipients_extra="\n".join(extra),
            as_of=as_of,
            attachment_id=attachment.id,
            created_by_id=user_id,
            items=[
                ReminderLetterItem(
                    agency_id=a,
                    task_id=r["task_id"],
                    period_id=r["period_id"],
                    kind=r["kind"],
                    directive=r["directive"][:255],
                    content=r["content"],
                    due_on=r["due_on"],
                    days_overdue=r["days_overdue"],
                )
                for a in group
                for r in lines[a]
            ],
        )
        db.session.add(letter)
        letters.append(letter)
    _remember(data)
    db.session.flush()
    return letters


# -- reading them back ----------------------------------------------------------------------


def letter_file(letter: ReminderLetter) -> tuple[bytes, str] | None:
    """The stored .docx of a letter and its file name (None if the file is gone)."""
    attachment = db.session.get(Attachment, letter.attachment_id) if letter.attachment_id else None
    if attachment is None or not path_of(attachment).exists():
        return None
    return path_of(attachment).read_bytes(), attachment.filename


def batch_letters(batch: str) -> list[ReminderLetter]:
    return list(
        db.session.scalars(
            select(ReminderLetter).where(ReminderLetter.batch == batch).order_by(ReminderLetter.id)
        )
    )


def batch_zip(letters: list[ReminderLetter]) -> bytes:
    """The letters of one submission in one .zip (one .docx per agency)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            found = letter_file(letter)
            if found is not None:
                archive.writestr(found[1], found[0])
    return out.getvalue()


def recent_letters(limit: int = 100) -> list[dict[str, Any]]:
    """The latest letters with the agencies each addresses and how many tasks it lists."""
    letters = list(
        db.session.scalars(select(ReminderLetter).order_by(ReminderLetter.id.desc()).limit(limit))
    )
    if not letters:
        return []
    ids = [letter.id for letter in letters]
    rows = db.session.execute(
        select(ReminderLetterItem.letter_id, Agency.name, func.count())
        .join(Agency, Agency.id == ReminderLetterItem.agency_id)
        .where(ReminderLetterItem.letter_id.in_(ids))
        .group_by(ReminderLetterItem.letter_id, Agency.name)
        .order_by(Agency.name)
    ).all()
    agencies: dict[int, list[str]] = {i: [] for i in ids}
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    for letter_id, name, n in rows:
        agencies[letter_id].append(name)
        counts[letter_id] += n
    return [
        {"letter": letter, "agencies": agencies[letter.id], "count": counts[letter.id]}
        for letter in letters
    ]


def letters_for_task(task_id: int) -> list[ReminderLetter]:
    """The letters that listed a task (its timeline shows them)."""
    return list(
        db.session.scalars(
            select(ReminderLetter)
            .where(
                select(ReminderLetterItem.id)
                .where(
                    ReminderLetterItem.letter_id == ReminderLetter.id,
                    ReminderLetterItem.task_id == task_id,
                )
                .exists()
            )
            .order_by(ReminderLetter.id)
        )
    )
