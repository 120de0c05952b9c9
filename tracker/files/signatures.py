"""Verify the digital signatures (chữ ký số) embedded in a PDF, offline, with pyHanko.

Plain functions with no Flask import: the service hands in the bytes, the trusted roots from the
database and the moment, and stores the :class:`SignatureCheck` it gets back, so pages never
verify again. Nothing is fetched from the network (no OCSP, no CRL, no AIA): a province's
server may not reach the CA, and an upload must not wait on it. Revocation is therefore
"soft-fail": checked when the PDF embeds the data, not held against the signer otherwise.
"""

import asyncio
import enum
import io
import logging
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import pem, x509

with warnings.catch_warnings():
    # pyHanko imports cryptography's DSA classes, deprecated since cryptography 46; tracker
    # never uses DSA, and the warning would fill every worker's log at start
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from pyhanko.pdf_utils.decode_limits import (
        DEFAULT_PURPOSE_LIMITS,
        DecodeLimits,
        DocumentDecodeBudget,
        StreamDecodeLimits,
    )
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import PdfSignatureStatus
    from pyhanko_certvalidator import ValidationContext

from tracker.files.limits import Limits

log = logging.getLogger(__name__)

#: a PDF from an agency is verified in well under a second; past this something is wrong with
#: the file, and the upload goes on with the problem recorded rather than hanging the request
TIMEOUT_SECONDS = 10.0
#: a report carries one or two signatures; more is not a report, and costs time to check
MAX_SIGNATURES = 10


class SignatureState(enum.StrEnum):
    """What the office needs to know about a signed PDF, worst problem first in `PRIORITY`."""

    VALID = "valid"
    UNSIGNED = "unsigned"
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    EXPIRED = "expired"
    INVALID = "invalid"


#: when several signatures disagree the attachment shows the most serious problem
PRIORITY = [
    SignatureState.MODIFIED,
    SignatureState.INVALID,
    SignatureState.EXPIRED,
    SignatureState.UNTRUSTED,
    SignatureState.UNSIGNED,
    SignatureState.VALID,
]


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome for one PDF: the first signer's identity and the document's overall state."""

    state: SignatureState
    signer: str | None = None
    organisation: str | None = None
    signed_at: datetime | None = None
    #: technical detail for the office (English, from pyHanko), never shown as the main message
    detail: str | None = None


class CertificateError(ValueError):
    """The uploaded file is not an X.509 certificate in PEM or DER form."""


def load_certificate(data: bytes) -> x509.Certificate:
    """Parse one certificate from PEM or DER bytes, raising CertificateError otherwise."""
    try:
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        cert = x509.Certificate.load(data)
        cert.native  # noqa: B018 - forces the lazy parse so a bad file fails here
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, etc.
        raise CertificateError(str(exc)) from exc
    return cert


def certificate_summary(cert: x509.Certificate) -> dict:
    """Subject, issuer, validity and SHA-256 fingerprint: what the trusted-roots page lists."""
    return {
        "subject": cert.subject.human_friendly,
        "issuer": cert.issuer.human_friendly,
        "not_before": cert.not_valid_before,
        "not_after": cert.not_valid_after,
        "fingerprint": cert.sha256.hex(),
    }


def decode_limits(limits: Limits | None = None) -> DecodeLimits:
    """What pyHanko may inflate while checking one PDF (tracker.files.limits, issue 14).

    Verifying reads the cross-reference and object streams, never the pages' drawings, so the
    caps are looser than the text reader's: one stream up to `pdf_max_inflated_bytes`, all of
    them up to four times that (or ten times the file). pyHanko's own defaults (256 MB a
    stream) would let one 300 KB upload take a worker's memory.
    """
    limits = limits or Limits()
    cap = limits.pdf_max_inflated_bytes
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=cap),
        per_purpose=dict(DEFAULT_PURPOSE_LIMITS),
        document_budget=DocumentDecodeBudget(base_allowance=4 * cap, max_ratio=10),
    )


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def verify_pdf(
    data: bytes,
    trusted_roots: list[bytes],
    *,
    now: datetime,
    timeout: float = TIMEOUT_SECONDS,
    limits: Limits | None = None,
) -> SignatureCheck:
    """Verify every signature of the PDF against the given roots (DER or PEM) at `now`.

    Never raises for a bad PDF: an unreadable file, a timeout or a file that inflates past
    `limits` (see `decode_limits`) is an INVALID result, since the caller is storing an
    upload and must not fail it because of the signature check.
    """
    roots = []
    for raw in trusted_roots:
        try:
            roots.append(load_certificate(raw))
        except CertificateError:
            log.warning("skipping a trusted root that does not parse")
    try:
        return _run_alone(
            lambda: asyncio.wait_for(_verify(data, roots, now, decode_limits(limits)), timeout)
        )
    except TimeoutError:
        return SignatureCheck(SignatureState.INVALID, detail="verification timed out")
    except Exception as exc:  # a malformed PDF can raise anything from the parser
        log.info("signature verification failed: %s", exc)
        return SignatureCheck(SignatureState.INVALID, detail=f"{type(exc).__name__}: {exc}"[:500])


def _run_alone(make_coroutine):
    """Run a coroutine to its end on an event loop of its own, in a thread of its own.

    pyHanko's validation is async. The caller may already be inside a running loop (a test
    driving Chromium through Playwright's sync API, an async server worker), where
    `asyncio.run()` refuses to nest and leaves an un-awaited coroutine behind. The coroutine is
    made inside the thread, so nothing is created that is not also run.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-signature") as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


async def _verify(
    data: bytes, roots: list[x509.Certificate], now: datetime, limits: DecodeLimits
) -> SignatureCheck:
    reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=limits)
    signatures = reader.embedded_signatures[:MAX_SIGNATURES]
    if not signatures:
        return SignatureCheck(SignatureState.UNSIGNED)
    checks = []
    for embedded in signatures:
        # a fresh context per signature: it caches validated paths, and roots must be exactly
        # the office's (trust_roots=[] means none, not the operating system's store)
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=now,
        )
        status = await async_validate_pdf_signature(embedded, signer_validation_context=context)
        checks.append(_check_of(status))
    first = checks[0]
    worst = min(checks, key=lambda c: PRIORITY.index(c.state))
    return SignatureCheck(
        worst.state,
        signer="; ".join(dict.fromkeys(c.signer for c in checks if c.signer)) or None,
        organisation=first.organisation,
        signed_at=first.signed_at,
        detail=worst.detail,
    )


def _check_of(status: PdfSignatureStatus) -> SignatureCheck:
    subject = status.signing_cert.subject.native
    signer = subject.get("common_name")
    organisation = subject.get("organization_name")
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    signed_at = status.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    identity = {
        "signer": signer,
        "organisation": organisation,
        "signed_at": signed_at.astimezone(UTC) if signed_at else None,
    }
    return SignatureCheck(_state_of(status), detail=_detail_of(status), **identity)


def _state_of(status: PdfSignatureStatus) -> SignatureState:
    if not status.intact:
        return SignatureState.MODIFIED
    if not status.valid:
        return SignatureState.INVALID
    # pyHanko's difference analysis: later revisions that only fill forms, add annotations or
    # long-term validation data are allowed; anything else changed what was signed
    if status.modification_level is not None and not status.docmdp_ok:
        return SignatureState.MODIFIED
    indic = status.trust_problem_indic
    if indic is None and status.trusted:
        return SignatureState.VALID
    if indic in (
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.NOT_YET_VALID,
        AdESFailure.NOT_YET_VALID,
    ):
        return SignatureState.EXPIRED
    if indic in (AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE):
        return SignatureState.INVALID
    return SignatureState.UNTRUSTED


def _detail_of(status: PdfSignatureStatus) -> str | None:
    parts = []
    if status.trust_problem_indic is not None:
        parts.append(status.trust_problem_indic.name)
    if status.coverage is not None:
        parts.append(status.coverage.name)
    if status.modification_level is not None:
        parts.append(status.modification_level.name)
    return ", ".join(parts) or None
