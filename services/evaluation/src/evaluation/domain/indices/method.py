"""The index method: versioned weights, and one figure computed with its inputs.

An index (获得感, 安全感, 幸福感) for a community and period is a weighted sum of leaves:
the survey dimensions (each an ACSI-normalised 0–100 score) and the KPIs (each turned
into 0–100 by the method's rule). Weights are nominal in the method file; a leaf that is
missing (no data, below the minimum, or not available from the events yet) is left out
and its weight is shared by the leaves of its group, and a missing group's weight by the
other group. The figure keeps every leaf: its raw value, n, score, nominal and effective
weight, the points it adds, and the ids of the answers or events behind it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evaluation.domain.kpis.definitions import KPIS
from evaluation.domain.periods import Period
from evaluation.domain.scoring import DimensionScore
from evaluation.domain.text import Text


class KpiScoring(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["rate", "inverse_rate", "scale", "time"]
    low: float | None = None
    high: float | None = None
    target: float | None = None
    limit: float | None = None

    def score(self, value: float) -> float:
        match self.kind:
            case "rate":
                s = value * 100
            case "inverse_rate":
                s = (1 - value) * 100
            case "scale":
                assert self.low is not None and self.high is not None
                s = (value - self.low) / (self.high - self.low) * 100
            case _:
                assert self.target is not None and self.limit is not None
                s = (self.limit - value) / (self.limit - self.target) * 100
        return min(100.0, max(0.0, s))

    @model_validator(mode="after")
    def _params(self) -> KpiScoring:
        if self.kind == "scale" and not (
            self.low is not None and self.high is not None and self.high > self.low
        ):
            raise ValueError("scale needs low < high")
        if self.kind == "time" and not (
            self.target is not None and self.limit is not None and self.limit > self.target >= 0
        ):
            raise ValueError("time needs 0 ≤ target < limit")
        return self


class Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weight: float = Field(gt=0, le=1)


class SurveyPart(Group):
    questionnaire: str
    dimensions: dict[str, float] = Field(min_length=1)


class KpiPart(Group):
    items: dict[str, float] = Field(min_length=1)


class IndexSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Text
    survey: SurveyPart
    kpis: KpiPart

    @model_validator(mode="after")
    def _weights(self) -> IndexSpec:
        if abs(self.survey.weight + self.kpis.weight - 1) > 1e-9:
            raise ValueError("survey and KPI weights must add up to 1")
        if any(w <= 0 for w in [*self.survey.dimensions.values(), *self.kpis.items.values()]):
            raise ValueError("every weight must be positive")
        return self


class Method(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(pattern=r"^\d{4}\.\d+$")
    effective_from: date
    min_respondents: int = Field(ge=1)
    min_events: int = Field(ge=1)
    indices: dict[Literal["gain", "security", "happiness"], IndexSpec]
    kpi_scores: dict[str, KpiScoring]

    @model_validator(mode="after")
    def _known(self) -> Method:
        if set(self.indices) != {"gain", "security", "happiness"}:
            raise ValueError("the method must define all three indices")
        for spec in self.indices.values():
            for kpi in spec.kpis.items:
                if kpi not in KPIS or kpi not in self.kpi_scores:
                    raise ValueError(f"unknown KPI or no scoring rule: {kpi}")
        return self


Status = Literal["ok", "no_data", "insufficient", "unavailable"]


@dataclass(frozen=True)
class KpiInput:
    value: float | None
    n: int
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Leaf:
    kind: Literal["survey", "kpi"]
    code: str
    raw: float | None  # survey: the dimension's 0–100 score; KPI: its value
    n: int  # respondents or measured cases
    score: float | None  # 0–100
    weight: float  # nominal share of the whole index
    effective_weight: float  # after missing leaves were left out
    status: Status
    inputs: tuple[str, ...]  # response ids or event ids

    @property
    def points(self) -> float:
        return 0.0 if self.score is None else self.score * self.effective_weight


@dataclass(frozen=True)
class IndexFigure:
    index: str
    community_id: str
    period: Period
    method_version: str
    value: float | None
    leaves: tuple[Leaf, ...]
    coverage: float  # share of the nominal weight that had data
    inputs_digest: str  # sha256 of every input id, so a figure can be checked later

    def leaf(self, code: str) -> Leaf | None:
        return next((x for x in self.leaves if x.code == code), None)


# code, nominal weight in its group, status, raw value, score, n, input ids
_Row = tuple[str, float, Status, float | None, float | None, int, tuple[str, ...]]


def parse_method(raw: Mapping[str, Any]) -> Method:
    return Method.model_validate(raw)


def compute_index(
    method: Method,
    index: str,
    community_id: str,
    period: Period,
    dimensions: Mapping[str, DimensionScore],
    kpis: Mapping[str, KpiInput],
) -> IndexFigure:
    spec = method.indices[index]  # type: ignore[index]
    groups: list[tuple[Literal["survey", "kpi"], float, list[_Row]]] = []
    rows: list[_Row] = []
    for code, w in spec.survey.dimensions.items():
        d = dimensions.get(code)
        status: Status = (
            "no_data"
            if d is None
            else ("insufficient" if d.respondents < method.min_respondents else "ok")
        )
        rows.append(
            (
                code,
                w,
                status,
                d.score if d else None,
                d.score if d else None,
                d.respondents if d else 0,
                d.response_ids if d else (),
            )
        )
    groups.append(("survey", spec.survey.weight, rows))
    rows = []
    for code, w in spec.kpis.items.items():
        k = kpis.get(code)
        if not KPIS[code].available:
            status = "unavailable"
        elif k is None or k.value is None or k.n == 0:
            status = "no_data"
        else:
            status = "insufficient" if k.n < method.min_events else "ok"
        value = k.value if k else None
        score = method.kpi_scores[code].score(value) if value is not None else None
        rows.append((code, w, status, value, score, k.n if k else 0, k.event_ids if k else ()))
    groups.append(("kpi", spec.kpis.weight, rows))
    return _figure(method, index, community_id, period, groups)


def _figure(
    method: Method,
    index: str,
    community_id: str,
    period: Period,
    groups: list[tuple[Literal["survey", "kpi"], float, list[_Row]]],
) -> IndexFigure:
    live_groups = {g for g, _, rows in groups if any(r[2] == "ok" for r in rows)}
    live_total = sum(gw for g, gw, _ in groups if g in live_groups)
    leaves: list[Leaf] = []
    coverage, value = 0.0, None
    for g, gw, rows in groups:
        total = sum(w for _, w, *_ in rows)
        ok_total = sum(w for _, w, s, *_ in rows if s == "ok")
        for code, w, status, raw, score, n, inputs in rows:
            nominal = gw * w / total
            eff = 0.0
            if status == "ok":
                coverage += nominal
                eff = (gw / live_total) * w / ok_total
            leaves.append(Leaf(g, code, raw, n, score, nominal, eff, status, tuple(inputs)))
    if live_groups:
        value = sum(x.points for x in leaves)
    digest = hashlib.sha256(
        "\n".join(f"{x.code}:{i}" for x in leaves if x.status == "ok" for i in x.inputs).encode()
    ).hexdigest()
    return IndexFigure(
        index, community_id, period, method.version, value, tuple(leaves), coverage, digest
    )
