"""The exchange dataset for the district platform (6.8 item 5): a community's month of
indices and KPIs, desensitised (pure; the month-end sweep publishes it).

Only the community's figures leave: an allow-list (``sc_core.privacy.desensitise`` with
``unlisted="drop"``) keeps the fields named here and nothing else, and a figure counted
on fewer than ``K`` cases (a KPI's measured cases, a count KPI's count, a questionnaire's
responses) is suppressed, k-anonymity style, so no figure describes one or a few
residents. An unmeasured KPI is sent as such (no value, not suppressed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from evaluation.domain.indices import IndexFigure
from evaluation.domain.kpis import KPIS, KpiValue
from evaluation.domain.periods import Period
from sc_contracts.events.evaluation import EvaluationDatasetSharedV1
from sc_core.privacy import desensitise

K = 5  # the smallest count that may leave the platform

RULES = {
    "record_id": "keep",
    "community_id": "keep",
    "period": "keep",
    "method_version": "keep",
    "indices.index": "keep",
    "indices.value": "keep",
    "indices.coverage": "keep",
    "kpis.kpi": "keep",
    "kpis.unit": "keep",
    "kpis.value": "keep",
    "kpis.n": "keep",
    "kpis.suppressed": "keep",
    "responses": "keep",
    "published_at": "keep",
}


def kpi_line(code: str, v: KpiValue) -> dict[str, Any]:
    unit = KPIS[code].unit
    n = v.stat.n
    if n == 0 or v.value is None:
        return {"kpi": code, "unit": unit, "value": None, "n": None, "suppressed": False}
    small = n < K or (unit == "count" and v.value < K)
    if small:
        return {"kpi": code, "unit": unit, "value": None, "n": None, "suppressed": True}
    return {"kpi": code, "unit": unit, "value": v.value, "n": n, "suppressed": False}


def dataset(
    community_id: str,
    period: Period,
    method_version: str,
    figures: Iterable[IndexFigure],
    kpis: Mapping[str, KpiValue],
    responses: Mapping[str, int],
    at: datetime,
) -> EvaluationDatasetSharedV1:
    record = {
        "record_id": f"{community_id}:{period.key}",
        "community_id": community_id,
        "period": period.key,
        "method_version": method_version,
        "indices": [{"index": f.index, "value": f.value, "coverage": f.coverage} for f in figures],
        "kpis": [kpi_line(code, v) for code, v in kpis.items() if code in KPIS],
        "responses": {q: n for q, n in responses.items() if n >= K},
        "published_at": at,
    }
    return EvaluationDatasetSharedV1.model_validate(desensitise(record, RULES, unlisted="drop"))
