"""Questionnaires: shipped Barthel and PHQ-9, scoring, bands, flags, trend, FHIR shapes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from fhir.resources.observation import Observation
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from care.adapters.fhir import export_bundle
from care.adapters.fhir_questionnaire import (
    questionnaire,
    questionnaire_response,
    score_observation,
)
from care.domain.questionnaire import (
    AnswerError,
    Level,
    TrendDirection,
    load,
    score,
    shipped,
    trend,
)
from care.domain.records import HealthRecord, Person

AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def all_at(defn, pick):
    return {i.link_id: pick(i).code for i in defn.items}


def test_both_shipped_scales_load_and_are_consistent():
    codes = {d.code: d for d in shipped()}
    assert set(codes) == {"barthel", "phq9"}
    assert (codes["barthel"].scoring.min, codes["barthel"].scoring.max) == (0, 100)
    assert (codes["phq9"].scoring.min, codes["phq9"].scoring.max) == (0, 27)
    assert len(codes["barthel"].items) == 10 and len(codes["phq9"].items) == 9


@pytest.mark.parametrize(
    ("total_pick", "band", "level"),
    [
        (lambda i: max(i.options, key=lambda o: o.score), "independent", Level.NORMAL),
        (lambda i: min(i.options, key=lambda o: o.score), "severe", Level.URGENT),
    ],
)
def test_barthel_extremes(total_pick, band, level):
    b = load("barthel")
    r = score(b, all_at(b, total_pick))
    assert r.band.code == band and r.level is level


def test_barthel_a_typical_frail_elder():
    b = load("barthel")
    answers = {
        "feeding": "10", "bathing": "0", "grooming": "5", "dressing": "5", "bowels": "10",
        "bladder": "5", "toilet": "5", "transfer": "10", "mobility": "10", "stairs": "0",
    }  # fmt: skip
    r = score(b, answers)
    assert r.total == 60
    assert r.band.label.zh == "中度依赖"
    assert r.band.meaning.zh.startswith("多项日常生活需要帮助")


def test_phq9_bands_and_the_self_harm_flag():
    p = load("phq9")
    answers = {f"q{n}": "1" for n in range(1, 10)}  # 9 points
    r = score(p, answers)
    assert (r.total, r.band.code, r.flags[0].code, r.level) == (
        9,
        "mild",
        "self_harm",
        Level.CRITICAL,
    )
    answers["q9"] = "0"
    answers["q1"] = "3"
    answers["q2"] = "3"
    r = score(p, answers)
    assert (r.total, r.band.code, r.flags, r.level) == (12, "moderate", (), Level.WARNING)


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({f"q{n}": "0" for n in range(1, 9)}, "care.answer_missing"),
        ({**{f"q{n}": "0" for n in range(1, 10)}, "q9": "7"}, "care.answer_invalid_option"),
        ({**{f"q{n}": "0" for n in range(1, 10)}, "q10": "0"}, "care.answer_unknown_item"),
    ],
)
def test_wrong_answers_are_refused_in_words(answers, code):
    with pytest.raises(AnswerError) as info:
        score(load("phq9"), answers)
    assert info.value.code == code and info.value.zh


def test_a_bad_definition_is_refused_whole():
    raw = json.loads(load("phq9").model_dump_json())
    gap = copy.deepcopy(raw)
    gap["bands"][1]["min"] = 6  # 5 belongs to no band
    with pytest.raises(ValidationError, match="gaps"):
        load(gap)
    wrong_max = copy.deepcopy(raw)
    wrong_max["scoring"]["max"] = 30
    with pytest.raises(ValidationError, match=r"score 0\.\.27"):
        load(wrong_max)
    dup = copy.deepcopy(raw)
    dup["items"][1]["link_id"] = "q1"
    with pytest.raises(ValidationError, match="unique"):
        load(dup)
    flag = copy.deepcopy(raw)
    flag["flags"][0]["item"] = "q99"
    with pytest.raises(ValidationError, match="unknown item"):
        load(flag)


def test_trend_follows_the_scale_s_sense():
    b, p = load("barthel"), load("phq9")
    t0 = AT - timedelta(days=90)
    assert trend(b, [(t0, 60), (AT, 70)]).direction is TrendDirection.BETTER
    assert trend(p, [(t0, 6), (AT, 12)]).direction is TrendDirection.WORSE
    assert trend(p, [(AT, 12), (t0, 6)]).change == 6  # order of the history does not matter
    assert trend(p, [(AT, 6)]).words(p) == ("首次评估", "first assessment")
    assert trend(b, [(t0, 60), (AT, 55)]).words(b) == (
        "较上次加重（-5分）",
        "worse than last time (-5 points)",
    )


def test_fhir_shapes_validate_and_carry_the_scores():
    p = load("phq9")
    q = Questionnaire.model_validate(questionnaire(p))
    assert q.item[0].answerOption[0].valueCoding.extension[0].valueDecimal == 0
    assert q.code[0].code == "44249-1"
    answers = {f"q{n}": "2" for n in range(1, 10)}
    qr = QuestionnaireResponse.model_validate(questionnaire_response(p, "p-1", answers, AT, "r-1"))
    assert len(qr.item) == 9 and qr.item[8].answer[0].valueCoding.code == "2"
    result = score(p, answers)
    obs = Observation.model_validate(score_observation(p, "p-1", result, AT, "r-1"))
    assert obs.valueInteger == 18 and obs.code.coding[0].code == "44261-6"
    # and the three go into the person's Bundle, which still validates
    rec = HealthRecord(Person("p-1", "王秀英", date(1948, 5, 1)))
    extra = [
        questionnaire(p),
        questionnaire_response(p, "p-1", answers, AT, "r-1"),
        score_observation(p, "p-1", result, AT, "r-1"),
    ]
    bundle = export_bundle(rec, AT, extra=extra)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "Patient", "Questionnaire", "QuestionnaireResponse", "Observation",
    ]  # fmt: skip
