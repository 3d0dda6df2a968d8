"""The shipped questionnaires, the scoring rules and the index method as data."""

from __future__ import annotations

import random

import pytest

from evaluation.data import load_method_data, load_questionnaire, method_versions
from evaluation.domain.indices import parse_method
from evaluation.domain.scoring import acsi, cronbach_alpha, nps, score_dimensions
from evaluation.domain.surveys import Targeting, check_response, scored_value
from evaluation_fixtures import at


def test_each_item_maps_to_its_index_and_dimension() -> None:
    security, gain, happiness = (load_questionnaire(c) for c in ("security", "gain", "happiness"))
    assert {d: len(security.items_of(d)) for d in security.dimensions} == {
        "community": 6,
        "interpersonal": 8,
        "control": 8,
    }
    # the 16 SQ items are worded as insecurity: all reverse-scored; the community ones not
    assert all(
        q.measure.reverse for d in ("interpersonal", "control") for q in security.items_of(d)
    )
    assert not any(q.measure.reverse for q in security.items_of("community"))
    assert sorted(q.source for q in security.measured() if q.source.startswith("SQ")) == sorted(
        f"SQ item {n}" for n in range(1, 17)
    )
    assert {d: len(gain.items_of(d)) for d in gain.dimensions} == {"cognitive": 6, "affective": 6}
    assert {d: len(happiness.items_of(d)) for d in happiness.dimensions} == {
        "positive_affect": 5,
        "negative_affect": 5,
        "positive_experience": 7,
        "negative_experience": 7,
    }
    negative = happiness.items_of("negative_affect") + happiness.items_of("negative_experience")
    assert all(q.measure.reverse for q in negative)
    for q in (security, gain, happiness):
        assert all(src.citation for src in q.sources.values())


def test_every_method_names_real_dimensions() -> None:
    assert "2026.1" in method_versions()
    for version in method_versions():
        method = parse_method(load_method_data(version))
        for code, spec in method.indices.items():
            questionnaire = load_questionnaire(spec.survey.questionnaire)
            assert questionnaire.code == code
            assert set(spec.survey.dimensions) == set(questionnaire.dimensions)


def test_reverse_scoring() -> None:
    sq = load_questionnaire("security").items_of("control")[0]
    assert [scored_value(sq, x) for x in (1, 3, 5)] == [5, 3, 1]
    m05 = load_questionnaire("happiness").items_of("negative_affect")[0]
    assert [scored_value(m05, x) for x in ("yes", "unsure", "no")] == [0, 1, 2]


def test_acsi_is_the_issue_formula() -> None:
    # Σ(x̄ᵢ − 1)·wᵢ/(5 − 1)·100 with means 4.2, 3.0 and weights 0.75, 0.25
    assert acsi([(4.2, 0.75, 1, 5), (3.0, 0.25, 1, 5)]) == pytest.approx(
        ((4.2 - 1) * 0.75 + (3.0 - 1) * 0.25) / 4 * 100
    )
    assert acsi([(10, 1, 0, 10)]) == 100
    with pytest.raises(ValueError, match="at least one item"):
        acsi([])


def test_munsh_survey_part_is_the_munsh_total() -> None:
    """With weights 5:5:7:7 the survey part of 幸福感 is the MUNSH total (0–48) × 100 / 48."""
    q = load_questionnaire("happiness")
    method = parse_method(load_method_data("2026.1"))
    weights = method.indices["happiness"].survey.dimensions
    survey = q.survey(Targeting(community_ids=("DEMO-001",)), at(1), at(30))
    rng = random.Random(6)
    for _ in range(20):
        raw = {}
        for item in q.measured():
            raw[item.id] = rng.choice([o.code for o in item.options])
        answers = check_response(survey, raw).answers
        pa = sum(
            2 if answers[i.id] == "yes" else 1 if answers[i.id] == "unsure" else 0
            for i in q.items_of("positive_affect")
        )
        na = sum(
            2 if answers[i.id] == "yes" else 1 if answers[i.id] == "unsure" else 0
            for i in q.items_of("negative_affect")
        )
        pe = sum(
            {"yes": 2, "here": 2, "unsure": 1}.get(str(answers[i.id]), 0)
            for i in q.items_of("positive_experience")
        )
        ne = sum(
            2 if answers[i.id] == "yes" else 1 if answers[i.id] == "unsure" else 0
            for i in q.items_of("negative_experience")
        )
        total = pa - na + pe - ne + 24
        dims = score_dimensions(q.sections, {"r": answers})
        part = sum(weights[d] * dims[("happiness", d)].score for d in weights) / sum(
            weights.values()
        )
        assert part == pytest.approx(total * 100 / 48)


def test_reliability_and_nps() -> None:
    # two items moving together perfectly: α = 1; a constant column: undefined
    assert cronbach_alpha([[1, 1], [3, 3], [5, 5]]) == pytest.approx(1.0)
    assert cronbach_alpha([[2, 2], [2, 2]]) is None
    assert cronbach_alpha([[1, 2]]) is None
    # k/(k−1)·(1 − Σvar/var(total)) for a small hand example
    rows = [[1, 2, 3], [2, 2, 4], [3, 4, 5], [4, 4, 4]]
    assert cronbach_alpha(rows) == pytest.approx(
        1.5 * (1 - (1.25 + 1.0 + 0.5) / 6.75)
    )  # totals 6, 8, 12, 12
    assert nps([10, 9, 8, 7, 6, 0]) == pytest.approx((2 - 2) / 6 * 100)
    assert nps([]) is None
