"""Signed PDFs: verify at upload and keep the verdict; manage the roots the office trusts.

The verification itself is `tracker.files.signatures` (no Flask); this service feeds it the
bytes, the roots from the database and the clock, and writes the result in the caller's
transaction (the caller commits, as for `storage.store`).
"""

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.extensions import db
from tracker.files.limits import current_limits
from tracker.files.models import Attachment
from tracker.files.signature_models import AttachmentSignature, TrustedRoot
from tracker.files.signatures import (
    CertificateError,
    SignatureCheck,
    certificate_summary,
    is_pdf,
    load_certificate,
    verify_pdf,
)
from tracker.timeutil import utcnow

#: a CA certificate is a few kilobytes; anything much bigger is not one
MAX_CERTIFICATE_BYTES = 64 * 1024


class TrustedRootError(ValueError):
    """A user-facing reason (in Vietnamese) why a certificate was refused."""


def trusted_root_ders() -> list[bytes]:
    return list(db.session.execute(select(TrustedRoot.der).order_by(TrustedRoot.id)).scalars())


def record_signature(attachment: Attachment, data: bytes) -> AttachmentSignature | None:
    """Verify a PDF's signatures now and store the verdict on the attachment (not for others)."""
    if not is_pdf(data):
        return None
    check: SignatureCheck = verify_pdf(
        data, trusted_root_ders(), now=utcnow(), limits=current_limits()
    )
    row = attachment.signature
    if row is None:
        row = AttachmentSignature(attachment=attachment, status=check.state.value)
        db.session.add(row)
    row.status = check.state.value
    row.signer = check.signer[:500] if check.signer else None
    row.organisation = check.organisation[:500] if check.organisation else None
    row.signed_at = check.signed_at
    row.problem = check.detail
    row.checked_at = utcnow()
    return row


def reverify(attachment: Attachment) -> AttachmentSignature | None:
    """Check a stored PDF again (after the office added a root); None if it is not a PDF."""
    from tracker.files.storage import path_of

    path = path_of(attachment)
    if not path.exists():
        return None
    return record_signature(attachment, path.read_bytes())


def add_trusted_root(data: bytes, *, user_id: int | None) -> TrustedRoot:
    """Parse a CA certificate (PEM or DER) and trust it; refuse junk, non-CAs and duplicates."""
    if not data:
        raise TrustedRootError(_("Chọn tệp chứng thư số (PEM hoặc DER)."))
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise TrustedRootError(_("Tệp quá lớn để là một chứng thư số."))
    try:
        cert = load_certificate(data)
        summary = certificate_summary(cert)
    except (CertificateError, ValueError):
        raise TrustedRootError(
            _("Tệp không phải chứng thư số X.509 (định dạng PEM hoặc DER).")
        ) from None
    if not cert.ca:
        raise TrustedRootError(
            _(
                "Chứng thư “%(subject)s” không phải chứng thư của tổ chức cung cấp dịch vụ chứng thực (CA).",
                subject=summary["subject"],
            )
        )
    existing = db.session.execute(
        select(TrustedRoot).where(TrustedRoot.fingerprint == summary["fingerprint"])
    ).scalar_one_or_none()
    if existing is not None:
        raise TrustedRootError(
            _("Chứng thư “%(subject)s” đã có trong danh sách tin cậy.", subject=summary["subject"])
        )
    root = TrustedRoot(
        subject=summary["subject"][:1000],
        issuer=summary["issuer"][:1000],
        fingerprint=summary["fingerprint"],
        not_before=summary["not_before"],
        not_after=summary["not_after"],
        der=cert.dump(),
        added_by_id=user_id,
    )
    db.session.add(root)
    return root


def delete_trusted_root(root: TrustedRoot) -> None:
    """Stop trusting a root. Verdicts already stored stay as they were until re-verified."""
    db.session.delete(root)
