"""A certificate authority and signed PDFs made in the tests, with cryptography and pyHanko.

Nothing here touches the network or the app: the tests build a root CA, a signer certificate
(current or expired) and small PDFs signed with pyHanko, then hand the bytes to the code under test.
"""

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

#: certificates are made valid around this day (the tests' frozen "today" is 18/08/2025)
AROUND = datetime(2025, 8, 1, tzinfo=UTC)


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Signer:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    authority: Authority


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_root(cn: str = "CA thử nghiệm tỉnh", org: str = "UBND tỉnh") -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(cn, org)
    start = AROUND - timedelta(days=3650)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650 * 3))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def make_signer(
    authority: Authority,
    cn: str = "Nguyễn Văn An",
    org: str = "Sở Tài chính",
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Signer:
    key = ec.generate_private_key(ec.SECP256R1())
    not_before = not_before or AROUND - timedelta(days=365)
    not_after = not_after or AROUND + timedelta(days=3650)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )
    return Signer(key, cert, authority)


def plain_pdf(text: str = "Bao cao hoan thanh nhiem vu") -> bytes:
    """A one-page PDF written with pyHanko's writer."""
    writer = PdfFileWriter()
    stream = generic.StreamObject(
        stream_data=f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    )
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 300, 200)]
            ),
            generic.pdf_name("/Contents"): writer.add_object(stream),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/F1"): writer.add_object(font)}
                    )
                }
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(pdf: bytes, signer: Signer, *, field: str = "Signature1") -> bytes:
    """Sign with pyHanko's PdfSigner and SimpleSigner, as an agency's signing tool would."""
    asn1_cert = asn1_x509.Certificate.load(signer.cert.public_bytes(serialization.Encoding.DER))
    asn1_ca = asn1_x509.Certificate.load(signer.authority.der)
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    simple = signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([asn1_ca]),
    )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field),
        signer=simple,
    )
    out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False))
    return out.getvalue()


def modify_after_signing(signed: bytes, text: str = "Noi dung da bi sua") -> bytes:
    """Append an incremental update that replaces the page's content: what was signed changed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(
        stream_data=f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    )
    page[generic.pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tamper_bytes(signed: bytes) -> bytes:
    """Change a byte inside the signed range without a new revision: the hash no longer matches."""
    marker = b"Bao cao"
    at = signed.index(marker)
    return signed[:at] + b"Bao cai" + signed[at + len(marker) :]
