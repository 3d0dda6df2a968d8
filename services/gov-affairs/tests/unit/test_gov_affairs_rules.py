"""Rules as data: three-valued evaluation and the reasons a person reads."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from gov_affairs.domain.rules import evaluate, facts_used, parse_rule

AGE_80 = {
    "fact": "applicant.age",
    "op": "gte",
    "value": 80,
    "label": {"zh": "年满80周岁", "en": "aged 80 or over"},
}
LOCAL = {
    "fact": "applicant.hukou_local",
    "op": "eq",
    "value": True,
    "label": {"zh": "本地户籍", "en": "registered locally"},
}


def test_all_of_passes_fails_and_is_unknown() -> None:
    rule = parse_rule({"all": [AGE_80, LOCAL]})
    assert evaluate(rule, {"applicant": {"age": 85, "hukou_local": True}}).passed is True
    failed = evaluate(rule, {"applicant": {"age": 79, "hukou_local": True}})
    assert failed.passed is False
    assert [r.zh for r in failed.reasons] == ["年满80周岁"]
    unknown = evaluate(rule, {"applicant": {"age": 85}})
    assert unknown.passed is None
    assert unknown.missing_facts == {"applicant.hukou_local"}
    assert unknown.reasons[0].zh == "缺少信息：本地户籍"
    # a false part decides an all-of even when another part is unknown
    assert evaluate(rule, {"applicant": {"age": 60}}).passed is False


def test_any_of_and_not() -> None:
    rule = parse_rule(
        {"any": [AGE_80, {"not": {"fact": "applicant.disability_grade", "op": "gt", "value": 2}}]}
    )
    assert evaluate(rule, {"applicant": {"age": 90}}).passed is True
    assert evaluate(rule, {"applicant": {"age": 70, "disability_grade": 1}}).passed is True
    verdict = evaluate(rule, {"applicant": {"age": 70, "disability_grade": 3}})
    assert verdict.passed is False
    assert verdict.reasons[1].en.startswith("must not:")
    assert evaluate(rule, {"applicant": {"age": 70}}).passed is None


@pytest.mark.parametrize(
    ("op", "value", "fact", "expected"),
    [
        ("between", [80, 89], 85, True),
        ("between", [80, 89], 90, False),
        ("in", ["a", "b"], "b", True),
        ("not_in", ["a", "b"], "b", False),
        ("contains", "id_card", ["id_card", "photo"], True),
        ("contains_all", ["id_card", "hukou"], ["id_card"], False),
        ("missing_any", ["id_card", "hukou"], ["id_card"], True),
        ("lt", "2026-01-01", date(2025, 12, 31), True),
        ("gte", 1, True, False),  # a yes/no fact never compares with a number
        ("gt", 3, "four", False),  # nor a word with a number
        ("exists", None, 0, True),
        ("ne", 0, 0, False),
    ],
)
def test_operators(op: str, value: object, fact: object, expected: bool) -> None:
    rule = parse_rule({"fact": "x", "op": op, "value": value})
    assert evaluate(rule, {"x": fact}).passed is expected


def test_malformed_rules_are_refused() -> None:
    for bad in (
        {"fact": "x", "op": "between", "value": 3},
        {"fact": "x", "op": "in", "value": "a"},
        {"fact": "Bad Path", "op": "eq", "value": 1},
        {"fact": "x", "op": "matches", "value": ".*"},
        {"all": []},
        {"all": [AGE_80], "extra": 1},
        {"fact": "x", "op": "eq"},
    ):
        with pytest.raises(ValidationError):
            parse_rule(bad)


def test_facts_used_lists_every_path() -> None:
    rule = parse_rule({"all": [AGE_80, {"any": [LOCAL, {"not": {"fact": "m", "op": "exists"}}]}]})
    assert facts_used(rule) == {"applicant.age", "applicant.hukou_local", "m"}
