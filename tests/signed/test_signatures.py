"""tracker.files.signatures on its own: PDFs signed in the test by a CA made in the test."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.signed import pki
from tracker.files.signatures import (
    CertificateError,
    SignatureState,
    certificate_summary,
    load_certificate,
    verify_pdf,
)

NOW = datetime(2025, 8, 18, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca():
    return pki.make_root()


@pytest.fixture(scope="module")
def signed(ca):
    return pki.sign(pki.plain_pdf(), pki.make_signer(ca))


def test_a_valid_signature_names_the_signer_and_the_time(ca, signed):
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    check = verify_pdf(signed, [ca.der], now=NOW)
    assert check.state is SignatureState.VALID
    assert check.signer == "Nguyễn Văn An"
    assert check.organisation == "Sở Tài chính"
    # pyHanko writes the signing machine's clock into the signature
    assert check.signed_at is not None and check.signed_at.tzinfo is not None
    assert before <= check.signed_at <= datetime.now(UTC) + timedelta(seconds=1)


def test_a_pem_root_works_as_well_as_der(ca, signed):
    assert verify_pdf(signed, [ca.pem], now=NOW).state is SignatureState.VALID


def test_content_changed_in_an_incremental_update_after_signing(ca, signed):
    check = verify_pdf(pki.modify_after_signing(signed), [ca.der], now=NOW)
    assert check.state is SignatureState.MODIFIED
    assert check.signer == "Nguyễn Văn An"


def test_bytes_changed_inside_the_signed_range(ca, signed):
    assert verify_pdf(pki.tamper_bytes(signed), [ca.der], now=NOW).state is SignatureState.MODIFIED


def test_a_root_the_office_does_not_trust(signed):
    other = pki.make_root("CA khác", "Công ty khác")
    check = verify_pdf(signed, [other.der], now=NOW)
    assert check.state is SignatureState.UNTRUSTED
    assert check.signer == "Nguyễn Văn An"


def test_no_roots_at_all_trusts_nothing_not_the_system_store(signed):
    assert verify_pdf(signed, [], now=NOW).state is SignatureState.UNTRUSTED


def test_an_expired_certificate(ca):
    expired = pki.make_signer(
        ca,
        not_before=pki.AROUND - timedelta(days=400),
        not_after=pki.AROUND - timedelta(days=1),
    )
    check = verify_pdf(pki.sign(pki.plain_pdf(), expired), [ca.der], now=NOW)
    assert check.state is SignatureState.EXPIRED


def test_an_unsigned_pdf(ca):
    check = verify_pdf(pki.plain_pdf(), [ca.der], now=NOW)
    assert check.state is SignatureState.UNSIGNED and check.signer is None


def test_a_broken_pdf_is_a_result_not_an_exception(ca):
    check = verify_pdf(b"%PDF-1.4 not really", [ca.der], now=NOW)
    assert check.state is SignatureState.INVALID and check.detail


def test_verification_is_bounded_in_time(ca, signed):
    check = verify_pdf(signed, [ca.der], now=NOW, timeout=0)
    assert check.state is SignatureState.INVALID and "timed out" in check.detail


def test_the_worst_of_two_signatures_wins(ca, signed):
    stranger = pki.make_signer(pki.make_root("CA lạ", "Lạ"), cn="Trần Thị Bình")
    twice = pki.sign(signed, stranger, field="Signature2")
    check = verify_pdf(twice, [ca.der], now=NOW)
    assert check.state is SignatureState.UNTRUSTED
    assert check.signer == "Nguyễn Văn An; Trần Thị Bình"


def test_certificates_load_from_pem_and_der_and_junk_is_refused(ca):
    assert load_certificate(ca.pem).dump() == load_certificate(ca.der).dump()
    summary = certificate_summary(load_certificate(ca.der))
    assert "CA thử nghiệm tỉnh" in summary["subject"] and len(summary["fingerprint"]) == 64
    with pytest.raises(CertificateError):
        load_certificate(b"not a certificate")
