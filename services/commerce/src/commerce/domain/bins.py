"""Waste bins beside recycling points (6.4 c): a fill level (0..1, device-ingestion's
``waste_bin`` ``fillingLevel``) in words. A full bin's collection task is alarm's rule on
the same telemetry (6.3 e); here residents see which bin still has room. Pure."""

from __future__ import annotations

FULL = 0.9
NEARLY_FULL = 0.7

WASTE_TYPES: dict[str, tuple[str, str]] = {
    "recyclable": ("可回收物", "Recyclables"),
    "hazardous": ("有害垃圾", "Hazardous waste"),
    "kitchen": ("厨余垃圾", "Kitchen waste"),
    "other": ("其他垃圾", "Other waste"),
}


def fill_text(level: float | None) -> tuple[str, str]:
    """``("85%，较满", "85%, nearly full")``; no reading yet: ``("暂无读数", "No reading yet")``."""
    if level is None:
        return "暂无读数", "No reading yet"
    pct = round(max(0.0, min(1.0, level)) * 100)
    if level >= FULL:
        return f"{pct}%，已满待清运", f"{pct}%, full, awaiting collection"
    if level >= NEARLY_FULL:
        return f"{pct}%，较满", f"{pct}%, nearly full"
    return f"{pct}%，有空余", f"{pct}%, room left"
