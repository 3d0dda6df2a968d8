"""What one viewer sees of a care record: the parts their consent covers, the rest
withheld in words (pure). The caller audits the read with the decision's basis."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from care.domain.consent import Category, Decision

# the record's sections and the consent category each needs
SECTIONS: Mapping[str, Category] = {
    "profile": Category.PROFILE,
    "contracts": Category.PROFILE,
    "conditions": Category.CLINICAL,
    "allergies": Category.CLINICAL,
    "medications": Category.CLINICAL,
    "vitals": Category.VITALS,
    "thresholds": Category.VITALS,
    "episodes": Category.VITALS,
    "assessments": Category.ASSESSMENTS,
    "visits": Category.VISITS,
    "appointments": Category.VISITS,
    "safe_zones": Category.WHEREABOUTS,
    "wandering": Category.WHEREABOUTS,
    "home_usage": Category.HOME_USAGE,
    "anomalies": Category.HOME_USAGE,
    "falls": Category.VITALS,
}

WITHHELD = {
    "withheld": True,
    "reason_zh": "本人未授权您查看此项",
    "reason_en": "Not shared with you",
}


def view(sections: Mapping[str, Any], decision: Decision) -> dict[str, Any]:
    """``sections`` by name; each one the viewer's categories do not cover is replaced by
    the withheld marker. Unknown section names are withheld too (fail closed)."""
    out: dict[str, Any] = {}
    for name, value in sections.items():
        needed = SECTIONS.get(name)
        allowed = decision.allowed and needed is not None and needed in decision.categories
        out[name] = value if allowed else dict(WITHHELD)
    return out
