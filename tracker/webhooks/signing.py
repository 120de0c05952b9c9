"""HMAC-SHA256 signatures of a delivery (plain functions, no Flask: the receiver's side too).

The signed text is `timestamp + "." + body`, so a captured delivery cannot be replayed later
with a new timestamp; the receiver checks the signature and that the timestamp is recent.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Tracker-Timestamp"
SIGNATURE_HEADER = "X-Tracker-Signature"
EVENT_HEADER = "X-Tracker-Event"
DELIVERY_HEADER = "X-Tracker-Delivery"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Tracker-Signature value: "sha256=<hex>"."""
    digest = hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """True when `signature` is the one `sign` gives (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")
