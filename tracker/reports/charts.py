"""Chart geometry for inline SVG: computed here, drawn by the template, no JavaScript library.

Government intranets block outside links and the CSP forbids inline scripts and style
attributes, so charts are plain ``<svg>`` elements with presentation attributes (``fill``,
``x``, ``width``), which the CSP allows.
"""

from __future__ import annotations

from typing import Any

ROW = 26
LABEL_W = 280
PLOT_W = 420


def agency_bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars of the on-time rate per agency, with the Wilson interval as a whisker."""
    bars = []
    for i, r in enumerate(rows):
        y = 24 + i * ROW
        rate = r["on_time_rate"]
        bar: dict[str, Any] = {
            "label": r["agency"],
            "y": y,
            "text_y": y + 15,
            "width": 0 if rate is None else round(PLOT_W * rate / 100, 1),
            "rate": rate,
            "n": r["settled"],
            "colour": "#b91c1c" if rate is not None and rate < 50 else "#15803d",
            "small": r.get("small", False),
        }
        if r["wilson_low"] is not None:
            bar["low_x"] = round(LABEL_W + PLOT_W * r["wilson_low"] / 100, 1)
            bar["high_x"] = round(LABEL_W + PLOT_W * r["wilson_high"] / 100, 1)
        bars.append(bar)
    ticks = [{"x": LABEL_W + PLOT_W * p // 100, "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
    return {
        "width": LABEL_W + PLOT_W + 70,
        "height": 34 + len(rows) * ROW,
        "label_w": LABEL_W,
        "plot_w": PLOT_W,
        "bars": bars,
        "ticks": ticks,
        "axis_y": 30 + len(rows) * ROW,
    }


def trend_bars(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Paired vertical bars (completion, on time) per quarter."""
    height, top, bottom, slot = 220, 20, 40, 110
    plot_h = height - top - bottom
    groups = []
    for i, p in enumerate(points):
        x = 50 + i * slot
        pair = []
        for offset, key, colour in (
            (0, "completion_rate", "#1d4ed8"),
            (36, "on_time_rate", "#15803d"),
        ):
            value = p[key]
            h = 0 if value is None else round(plot_h * value / 100, 1)
            pair.append(
                {
                    "x": x + offset,
                    "y": round(top + plot_h - h, 1),
                    "h": h,
                    "value": value,
                    "colour": colour,
                }
            )
        groups.append({"label": p["label"], "x": x + 34, "n": p["settled"], "bars": pair})
    return {
        "width": 60 + max(1, len(points)) * slot,
        "height": height,
        "base_y": top + plot_h,
        "top": top,
        "groups": groups,
        "grid": [
            {"y": round(top + plot_h - plot_h * p / 100, 1), "label": f"{p}%"} for p in (0, 50, 100)
        ],
    }
