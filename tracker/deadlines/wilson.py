"""The Wilson score interval for a proportion, used by the reports.

Agencies are compared by their on-time completion rate, and a small agency with 3 of 3 tasks on
time should not outrank one with 95 of 100 on a raw percentage. The Wilson interval (Wilson 1927)
stays inside [0, 1], behaves well for small ``n`` and for rates of 0 or 1, where the normal
("Wald") interval collapses to a point; reports can rank by its lower bound and show the range.
Plain ``math`` — no numpy or scipy.
"""

from __future__ import annotations

import math

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval ``(low, high)`` for ``successes`` out of ``n`` trials.

    ``z`` is the standard normal quantile (1.96 ≈ 95 %). With ``n == 0`` the result is
    ``(0.0, 1.0)``: no observations say nothing about the rate, so every rate is possible. (A
    ``(0.0, 0.0)`` would read as "certainly 0 %" and rank an agency with no due tasks last in the
    emulation table; reports should show "—" for n = 0 rather than the interval.)
    Raises ``ValueError`` unless ``0 <= successes <= n`` and ``z >= 0``.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if z < 0 or math.isnan(z):
        raise ValueError(f"z must be non-negative, got {z}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high
