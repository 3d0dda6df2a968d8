"""Index figures: missing parts, drill-down that adds up, trends, comparison."""

from __future__ import annotations

import pytest

from evaluation.data import load_method_data
from evaluation.domain.indices import (
    KpiInput,
    compare,
    compute_index,
    explain_change,
    parse_method,
    trend,
)
from evaluation.domain.periods import parse_period
from evaluation.domain.scoring import DimensionScore

METHOD = parse_method(load_method_data("2026.1"))
OCT, NOV = parse_period("2026-10"), parse_period("2026-11")


def dim(code: str, score: float, n: int = 30) -> DimensionScore:
    return DimensionScore("gain", code, (), tuple(f"r{i}" for i in range(n)), score, None)


def kpis(rating: float, on_time: float, n: int = 20) -> dict[str, KpiInput]:
    return {
        "wo.rating_mean": KpiInput(rating, n, ("e1",)),
        "wo.on_time_rate": KpiInput(on_time, n),
        "wo.first_response_s": KpiInput(1800, n),
        "wo.reopen_rate": KpiInput(0.0, n),
    }


def test_full_figure_is_the_weighted_sum_of_its_leaves() -> None:
    fig = compute_index(
        METHOD,
        "gain",
        "C1",
        NOV,
        {"cognitive": dim("cognitive", 70), "affective": dim("affective", 60)},
        kpis(4.0, 0.9),
    )
    survey = 0.5 * 70 + 0.5 * 60
    kpi = 0.4 * 75 + 0.3 * 90 + 0.15 * 100 + 0.15 * 100
    assert fig.value == pytest.approx(0.6 * survey + 0.4 * kpi)
    assert fig.coverage == pytest.approx(1.0)
    assert sum(x.effective_weight for x in fig.leaves) == pytest.approx(1.0)


def test_too_few_respondents_leaves_the_survey_out() -> None:
    fig = compute_index(
        METHOD,
        "gain",
        "C1",
        NOV,
        {"cognitive": dim("cognitive", 70, n=5), "affective": dim("affective", 60, n=5)},
        kpis(4.0, 0.9),
    )
    assert fig.leaf("cognitive").status == "insufficient"
    assert fig.value == pytest.approx(0.4 * 75 + 0.3 * 90 + 0.15 * 100 + 0.15 * 100)
    assert fig.coverage == pytest.approx(0.4)
    empty = compute_index(METHOD, "gain", "C1", NOV, {}, {})
    assert empty.value is None and empty.coverage == 0


def test_drill_down_adds_up_to_the_change() -> None:
    dims = {"cognitive": dim("cognitive", 70), "affective": dim("affective", 60)}
    before = compute_index(METHOD, "gain", "C1", OCT, dims, kpis(4.0, 0.9))
    after = compute_index(METHOD, "gain", "C1", NOV, dims, kpis(3.0, 0.9))
    moves = explain_change(before, after)
    assert sum(m.points for m in moves) == pytest.approx(after.value - before.value)
    assert moves[0].code == "wo.rating_mean"  # the rating fell from 4 to 3: −0.4·25·0.4 = −4
    assert moves[0].points == pytest.approx(-4.0)
    # a KPI with no data last month moves the index by its weight too, and it still adds up
    partial = {k: v for k, v in kpis(4.0, 0.9).items() if k != "wo.on_time_rate"}
    before = compute_index(METHOD, "gain", "C1", OCT, dims, partial)
    moves = explain_change(before, after)
    assert sum(m.points for m in moves) == pytest.approx(after.value - before.value)


def test_trend_and_comparison() -> None:
    dims = {"cognitive": dim("cognitive", 70), "affective": dim("affective", 60)}
    figs = [
        compute_index(METHOD, "gain", "C1", p, dims, kpis(r, 0.9))
        for p, r in ((NOV, 4.0), (OCT, 3.0))
    ]
    points = trend(figs)
    assert [p.period_key for p in points] == ["2026-10", "2026-11"]
    assert points[1].change == pytest.approx(0.4 * 0.4 * 25)
    district = [
        compute_index(METHOD, "gain", c, NOV, dims, kpis(r, 0.9))
        for c, r in (("C1", 4.0), ("C2", 5.0), ("C3", 4.0))
    ]
    district.append(compute_index(METHOD, "gain", "C4", NOV, {}, {}))  # nothing measured
    standings = compare(district)
    assert [(s.community_id, s.rank) for s in standings] == [("C2", 1), ("C1", 2), ("C3", 2)]
    assert sum(s.versus_mean for s in standings) == pytest.approx(0)
    with pytest.raises(ValueError, match="only figures of one index"):
        compare([district[0], figs[1]])  # October beside November
