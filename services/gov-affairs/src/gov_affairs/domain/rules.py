"""Rules as data: eligibility, instant approval (即办) and step conditions.

A rule is JSON an administrator edits and the console shows, never code::

    {"all": [
        {"fact": "applicant.age", "op": "gte", "value": 80,
         "label": {"zh": "年满80周岁", "en": "aged 80 or over"}},
        {"fact": "applicant.hukou_local", "op": "eq", "value": true},
        {"not": {"fact": "materials", "op": "missing_any", "value": ["id_card"]}}
    ]}

Evaluation is three-valued: a condition on a fact the application does not carry is
*unknown*, not false, so an instant rule never refuses anyone for a blank field: an unknown
verdict sends the application to a person. The verdict names every condition that failed
and every fact that was missing, with its label, so the applicant reads why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gov_affairs.domain.text import Text

Op = Literal[
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "in",
    "not_in",
    "exists",
    "contains",
    "contains_all",
    "missing_any",
]
FACT_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
_MISSING = object()


class Condition(BaseModel):
    """One comparison of a fact (a dotted path into the application's facts) with a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str = Field(pattern=FACT_PATTERN, max_length=120)
    op: Op
    value: Any = None
    label: Text | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        if self.op == "between" and not (isinstance(self.value, list) and len(self.value) == 2):
            raise ValueError("'between' takes [low, high]")
        if self.op in {"in", "not_in", "contains_all", "missing_any"} and not isinstance(
            self.value, list
        ):
            raise ValueError(f"'{self.op}' takes a list")
        if self.op not in {"exists"} and self.value is None:
            raise ValueError(f"'{self.op}' needs a value")
        return self


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Rule] = Field(min_length=1, max_length=50)
    label: Text | None = None


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Rule] = Field(min_length=1, max_length=50)
    label: Text | None = None


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Rule = Field(alias="not")
    label: Text | None = None


Rule = Condition | AllOf | AnyOf | Not
AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


@dataclass
class Verdict:
    """``passed`` is True, False or None (unknown: a fact was missing).

    ``failed`` says, for a person, each condition that was not met; ``missing`` each one
    that could not be checked, and ``missing_facts`` the fact paths behind them.
    """

    passed: bool | None
    failed: list[Text] = field(default_factory=list)
    missing: list[Text] = field(default_factory=list)
    missing_facts: set[str] = field(default_factory=set)

    @property
    def reasons(self) -> list[Text]:
        """What a person reads: each failed condition, then each missing fact."""
        return self.failed + [
            Text(zh=f"缺少信息：{m.zh}", en=f"information missing: {m.en}") for m in self.missing
        ]


def label_of(c: Condition) -> Text:
    return c.label or Text(zh=f"{c.fact} 不满足条件", en=f"{c.fact} does not meet the condition")


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or the sentinel when any part is absent or None."""
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, Mapping) or node.get(part) is None:
            return _MISSING
        node = node[part]
    return node


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    """Dates compare with ISO strings; bools never compare with numbers."""
    if isinstance(a, date | datetime) and isinstance(b, str):
        b = type(a).fromisoformat(b)
    if isinstance(a, bool) != isinstance(b, bool):
        raise TypeError("a yes/no fact compared with a number")
    return a, b


def _compare(op: Op, actual: Any, expected: Any) -> bool:
    if op == "exists":
        return True
    if op in {"in", "not_in"}:
        found = actual in expected
        return found if op == "in" else not found
    if op in {"contains", "contains_all", "missing_any"}:
        have = set(actual) if isinstance(actual, list | set | tuple | frozenset) else None
        if have is None:
            raise TypeError("not a list")
        if op == "contains":
            return expected in have
        if op == "contains_all":
            return set(expected) <= have
        return not set(expected) <= have
    if op == "between":
        x, low = _comparable(actual, expected[0])
        _, high = _comparable(actual, expected[1])
        return bool(low <= x <= high)
    a, b = _comparable(actual, expected)
    return {
        "eq": lambda: a == b,
        "ne": lambda: a != b,
        "gt": lambda: a > b,
        "gte": lambda: a >= b,
        "lt": lambda: a < b,
        "lte": lambda: a <= b,
    }[op]()


def evaluate(rule: Rule, facts: Mapping[str, Any]) -> Verdict:
    """Evaluate ``rule`` on ``facts`` (three-valued, Kleene logic)."""
    if isinstance(rule, Condition):
        actual = lookup(facts, rule.fact)
        if actual is _MISSING:
            return Verdict(None, missing=[label_of(rule)], missing_facts={rule.fact})
        try:
            ok = _compare(rule.op, actual, rule.value)
        except (TypeError, ValueError):
            ok = False  # a fact of the wrong kind never satisfies a condition
        return Verdict(True) if ok else Verdict(False, failed=[label_of(rule)])
    if isinstance(rule, Not):
        inner = evaluate(rule.not_, facts)
        if inner.passed is None:
            return inner
        if inner.passed:
            return Verdict(False, failed=[rule.label or _negated(rule.not_)])
        return Verdict(True)
    parts = [evaluate(r, facts) for r in (rule.all if isinstance(rule, AllOf) else rule.any)]
    failed = [t for p in parts for t in p.failed]
    missing = [t for p in parts for t in p.missing]
    facts_missing = set().union(*(p.missing_facts for p in parts))
    if isinstance(rule, AllOf):
        if any(p.passed is False for p in parts):
            return Verdict(False, failed, missing, facts_missing)
        if all(p.passed for p in parts):
            return Verdict(True)
        return Verdict(None, failed, missing, facts_missing)
    if any(p.passed for p in parts):
        return Verdict(True)
    if all(p.passed is False for p in parts):
        return Verdict(False, [rule.label] if rule.label else failed, missing, facts_missing)
    return Verdict(None, failed, missing, facts_missing)


def _negated(inner: Rule) -> Text:
    base = inner.label if inner.label else None
    if base is None and isinstance(inner, Condition):
        base = label_of(inner)
    if base is None:
        return Text(zh="条件不满足", en="a condition is not met")
    return Text(zh=f"不应：{base.zh}", en=f"must not: {base.en}")


def parse_rule(data: Any) -> Rule:
    """Validate JSON into a rule (raises pydantic's ValidationError on a malformed one)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Rule).validate_python(data)


def facts_used(rule: Rule) -> set[str]:
    """Every fact path a rule reads (the console lists what an application must carry)."""
    if isinstance(rule, Condition):
        return {rule.fact}
    if isinstance(rule, Not):
        return facts_used(rule.not_)
    return set().union(
        *(facts_used(r) for r in (rule.all if isinstance(rule, AllOf) else rule.any))
    )
