"""The exchange dataset for the district platform: only the community's figures leave
(an allow-list), a figure counted on fewer than five cases is suppressed, an unmeasured
KPI is said to be unmeasured, and the record validates against its contract."""

from __future__ import annotations

from datetime import UTC, datetime

from evaluation.domain.exchange import K, dataset
from evaluation.domain.indices.method import IndexFigure
from evaluation.domain.kpis import KPIS, KpiValue, Stat
from evaluation.domain.periods import parse_period
from sc_contracts.events.evaluation import EvaluationDatasetSharedV1

NOV = parse_period("2026-11")


def figure(index: str, value: float | None, coverage: float) -> IndexFigure:
    return IndexFigure(index, "DEMO-001", NOV, "2026.1", value, (), coverage, "0" * 64)


def test_small_counts_are_suppressed_and_nothing_else_leaves() -> None:
    none = KpiValue("x", None, Stat())
    kpis = {code: KpiValue(code, None, Stat()) for code in KPIS}
    kpis |= {
        "wo.on_time_rate": KpiValue("wo.on_time_rate", 0.9, Stat(9, 10, 10)),  # 10 cases
        "wo.rating_mean": KpiValue("wo.rating_mean", 5.0, Stat(20, 4, 4)),  # 4 ratings
        "wo.opened": KpiValue("wo.opened", 3, Stat(3, 0, 3)),  # 3 cases opened
        "alarm.raised": KpiValue("alarm.raised", 12, Stat(12, 0, 12)),
        "not.a.kpi": none,  # never leaves
    }
    at = datetime(2026, 12, 1, 1, tzinfo=UTC)
    record = dataset(
        "DEMO-001",
        NOV,
        "2026.1",
        [figure("gain", 71.5, 0.8), figure("security", None, 0.0)],
        kpis,
        {"security": 30, "happiness": K - 1},
        at,
    )
    assert isinstance(record, EvaluationDatasetSharedV1)
    assert (record.record_id, record.period, record.published_at) == (
        "DEMO-001:2026-11",
        "2026-11",
        at,
    )
    assert [(i.index, i.value, i.coverage) for i in record.indices] == [
        ("gain", 71.5, 0.8),
        ("security", None, 0.0),
    ]
    lines = {k.kpi: k for k in record.kpis}
    assert set(lines) == set(KPIS)
    assert (lines["wo.on_time_rate"].value, lines["wo.on_time_rate"].n) == (0.9, 10)
    assert lines["alarm.raised"].value == 12 and not lines["alarm.raised"].suppressed
    for small in ("wo.rating_mean", "wo.opened"):
        assert (lines[small].value, lines[small].n, lines[small].suppressed) == (None, None, True)
    unmeasured = lines["care.wandering"]
    assert (unmeasured.value, unmeasured.n, unmeasured.suppressed) == (None, None, False)
    assert record.responses == {"security": 30}  # four happiness answers do not leave
    sent = record.model_dump(mode="json")
    assert set(sent) == {
        "record_id",
        "community_id",
        "period",
        "method_version",
        "indices",
        "kpis",
        "responses",
        "published_at",
    }
    assert all(n is None or n >= K for n in (k["n"] for k in sent["kpis"]))
