"""What a password must be: long enough, and not one of the passwords everybody tries first.

Length beats complexity rules (NIST SP 800-63B §5.1.1.2): at least MIN_LENGTH characters, and
refused when it is in the bundled list of common passwords (`common_passwords.txt`, shipped in
the package), is one character repeated, or is the account's own email. `12345678` used to be
accepted. No Flask here: the forms, the CLI and the services share it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

MIN_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, normalised like the candidates."""
    text = files("tracker.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        _normalise(line) for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def _normalise(password: str) -> str:
    return re.sub(r"[\s._-]+", "", password.strip().lower())


TOO_SHORT = "too_short"
TOO_COMMON = "too_common"


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return why `password` is too weak (TOO_SHORT, TOO_COMMON), or None when it is fine."""
    if len(password or "") < MIN_LENGTH:
        return TOO_SHORT
    normal = _normalise(password)
    local = _normalise((email or "").split("@")[0])
    if (
        normal in common_passwords()
        or len(set(normal)) <= 2
        or (local and normal in (local, _normalise(email or "")))
    ):
        return TOO_COMMON
    return None
