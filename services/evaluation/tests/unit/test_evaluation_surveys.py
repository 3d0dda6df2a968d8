"""Survey design rules, answer checking with skip logic, one answer per person/household."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from evaluation.domain.surveys import (
    AnswerProblem,
    AnswerUnit,
    NotEligible,
    Respondent,
    Survey,
    Targeting,
    check_response,
    is_targeted,
    reminders_due,
    response_key,
    response_rates,
    to_remind,
)
from evaluation_fixtures import at

T = {"zh": "题", "en": "Q"}
YES_NO = [
    {"code": "yes", "label": {"zh": "是", "en": "Yes"}},
    {"code": "no", "label": {"zh": "否", "en": "No"}},
]


def survey(**over: object) -> Survey:
    data: dict = {
        "code": "demo",
        "title": {"zh": "测试问卷", "en": "Test survey"},
        "targeting": {"community_ids": ["DEMO-001"], "building_ids": ["B1", "B2"]},
        "opens_at": at(1),
        "closes_at": at(30),
        "sections": [
            {
                "id": "s1",
                "title": T,
                "questions": [
                    {"id": "used", "kind": "single_choice", "text": T, "options": YES_NO},
                    {
                        "id": "speed",
                        "kind": "likert5",
                        "text": T,
                        "show_if": [{"question": "used", "op": "equals", "value": "yes"}],
                    },
                    {
                        "id": "which",
                        "kind": "multiple_choice",
                        "text": T,
                        "min_choices": 1,
                        "max_choices": 2,
                        "options": [*YES_NO, {"code": "x", "label": T}],
                    },
                    {"id": "nps", "kind": "nps", "text": T},
                    {
                        "id": "note",
                        "kind": "open_text",
                        "text": T,
                        "required": False,
                        "max_length": 10,
                    },
                ],
            },
            {
                "id": "s2",
                "title": T,
                "show_if": [{"question": "nps", "op": "lte", "value": 6}],
                "questions": [{"id": "why", "kind": "open_text", "text": T}],
            },
        ],
    }
    data.update(over)
    return Survey.model_validate(data)


def test_a_condition_may_not_look_ahead() -> None:
    bad = survey().model_dump()
    bad["sections"][0]["questions"][0]["show_if"] = [{"question": "nps", "op": "gte", "value": 9}]
    with pytest.raises(ValidationError, match="earlier question"):
        Survey.model_validate(bad)


@pytest.mark.parametrize(
    "change",
    [
        lambda q: q[0].update(options=[]),  # a choice with no options
        lambda q: q[1].update(measure={"index": "gain", "dimension": "x"}, kind="open_text"),
        lambda q: q[1].update(show_if=[{"question": "used", "op": "equals", "value": "maybe"}]),
    ],
)
def test_design_mistakes_are_refused(change) -> None:
    bad = survey().model_dump()
    change(bad["sections"][0]["questions"])
    with pytest.raises(ValidationError):
        Survey.model_validate(bad)


def test_skip_logic_shows_and_hides() -> None:
    s = survey()
    ok = check_response(s, {"used": "yes", "speed": 4, "which": ["yes", "x"], "nps": 9})
    assert ok.answers["speed"] == 4 and "why" in ok.hidden
    low = check_response(s, {"used": "no", "which": ["no"], "nps": 3, "why": "太慢"})
    assert "speed" in low.hidden and low.answers["why"] == "太慢"


@pytest.mark.parametrize(
    ("raw", "code", "question"),
    [
        (
            {"used": "no", "speed": 3, "which": ["no"], "nps": 9},
            "evaluation.answer_to_hidden_question",
            "speed",
        ),
        ({"used": "yes", "which": ["no"], "nps": 9}, "evaluation.answer_missing", "speed"),
        ({"used": "maybe", "which": ["no"], "nps": 9}, "evaluation.answer_invalid", "used"),
        (
            {"used": "no", "which": ["yes", "no", "x"], "nps": 9},
            "evaluation.answer_invalid",
            "which",
        ),
        ({"used": "no", "which": ["no"], "nps": 11}, "evaluation.answer_invalid", "nps"),
        ({"used": "no", "which": ["no"], "nps": True}, "evaluation.answer_invalid", "nps"),
        (
            {"used": "no", "which": ["no"], "nps": 9, "note": "x" * 11},
            "evaluation.answer_invalid",
            "note",
        ),
        (
            {"used": "no", "which": ["no"], "nps": 9, "extra": 1},
            "evaluation.unknown_question",
            "extra",
        ),
    ],
)
def test_bad_answers_are_refused_with_a_stable_code(raw, code, question) -> None:
    with pytest.raises(AnswerProblem) as err:
        check_response(survey(), raw)
    assert (err.value.code, err.value.question_id) == (code, question)
    assert err.value.zh and err.value.en


def test_one_answer_per_person_or_household() -> None:
    who = Respondent("p1", frozenset({"resident"}), "DEMO-001", "B1", "G1", "H-101")
    family = Respondent("p2", frozenset({"family"}), "DEMO-001", "B1", "G1", "H-101")
    assert response_key(survey(), who) != response_key(survey(), family)
    per_home = survey(unit=AnswerUnit.HOUSEHOLD)
    assert response_key(per_home, who) == response_key(per_home, family) == "household:H-101"
    with pytest.raises(NotEligible) as err:
        response_key(per_home, Respondent("p3", frozenset({"resident"}), "DEMO-001", "B1"))
    assert err.value.code == "evaluation.no_household"


def test_targeting_by_place_and_role() -> None:
    s = survey()
    assert is_targeted(s, Respondent("p", frozenset({"tenant"}), "DEMO-001", "B2"))
    assert not is_targeted(s, Respondent("p", frozenset({"tenant"}), "DEMO-001", "B3"))
    assert not is_targeted(s, Respondent("p", frozenset({"property_staff"}), "DEMO-001", "B1"))
    assert not is_targeted(s, Respondent("p", frozenset({"resident"}), "OTHER", "B1"))
    grid = survey(targeting=Targeting(community_ids=("DEMO-001",), grid_ids=("G2",)))
    assert not is_targeted(grid, Respondent("p", frozenset({"resident"}), "DEMO-001", "B1", "G1"))
    with pytest.raises(NotEligible):
        response_key(s, Respondent("p", frozenset({"visitor"}), "DEMO-001", "B1"))


def test_reminders_and_response_rates() -> None:
    s = survey()  # closes on the 30th; reminders 3 days and 1 day before
    assert reminders_due(s, at(20), []) == []
    assert reminders_due(s, at(27, 1), []) == [3]
    assert reminders_due(s, at(29, 12), [3]) == [1]
    assert reminders_due(s, at(29, 12), []) == [3, 1]  # a missed round still goes out
    assert reminders_due(s, at(30, 1), []) == []  # closed
    assert to_remind(["person:a", "person:b", "person:c"], ["person:b"]) == ["person:a", "person:c"]
    rates = {r.place_id: r for r in response_rates({"B1": 40, "B2": 10}, {"B1": 30, "B3": 2})}
    assert rates["B1"].rate == pytest.approx(0.75)
    assert rates["B2"].rate == 0 and rates["B3"].rate is None


def test_the_audience_is_one_target_per_response_key_and_rounds_collapse() -> None:
    from datetime import UTC, datetime, timedelta

    from evaluation.domain.surveys import Member, audience, reminders_due, round_to_send

    now = datetime(2026, 11, 20, tzinfo=UTC)
    survey = _audience_survey(now, unit="household", roles=("resident", "family"))
    members = [
        Member("a1", "resident", "H1", "C1", "B1"),
        Member("a2", "family", "H1", "C1", "B1"),
        Member("a3", "tenant", "H2", "C1", "B1"),  # a tenant is not asked
        Member("a4", "resident", "H3", "C2", "B9"),  # another community
    ]
    assert [(t.key, t.building_id, t.accounts) for t in audience(survey, members)] == [
        ("household:H1", "B1", ("a1", "a2"))
    ]
    person = _audience_survey(now, unit="person", roles=("resident", "family", "tenant"))
    assert [t.key for t in audience(person, members)] == ["person:a1", "person:a2", "person:a3"]
    # the service was down over rounds 5 and 3: one reminder now, as round 3
    late = person.closes_at - timedelta(days=2)
    due = reminders_due(person, late, [])
    assert due == [5, 3] and round_to_send(due) == 3
    assert round_to_send([]) is None


def _audience_survey(now: Any, unit: str, roles: tuple[str, ...]) -> Any:
    from datetime import timedelta

    from evaluation.domain.surveys import Survey

    return Survey.model_validate(
        {
            "code": "t",
            "title": {"zh": "测试", "en": "Test"},
            "unit": unit,
            "reminder_days_before_close": [5, 3, 1],
            "targeting": {"community_ids": ["C1"], "roles": list(roles)},
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=10),
            "sections": [
                {
                    "id": "s",
                    "title": {"zh": "一", "en": "One"},
                    "questions": [
                        {"id": "q", "kind": "likert5", "text": {"zh": "好", "en": "Good"}}
                    ],
                }
            ],
        }
    )
