"""Questionnaires (量表) defined as data, answered, scored, banded and trended (pure).

A definition (JSON, see ``questionnaires/*.json``: the Barthel index and PHQ-9 ship with
the service) has items with coded options, each option a score; a scoring rule (the sum,
within ``min``..``max``); bands that cover that range without gaps or overlaps, each with
a label and a meaning in plain words (zh-CN and en) and a level; and flags: an item whose
answer alone needs attention (PHQ-9 question 9). A definition is checked whole when
loaded, so a bad one never reaches a person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SHIPPED = Path(__file__).parent / "questionnaires"


class Level(StrEnum):
    NORMAL = "normal"
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"
    CRITICAL = "critical"


class Text(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(min_length=1)
    score: int
    text: Text


class Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    link_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    text: Text
    required: bool = True
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique(self) -> Item:
        if len({o.code for o in self.options}) != len(self.options):
            raise ValueError(f"item {self.link_id}: option codes must be unique")
        return self

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


class Scoring(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    method: Literal["sum"] = "sum"
    min: int
    max: int


class Band(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    min: int
    max: int
    code: str
    label: Text
    meaning: Text
    level: Level


class Flag(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    item: str
    min_score: int
    code: str
    label: Text
    level: Level


class Definition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    version: str
    title: Text
    description: Text
    higher_is_better: bool
    items: tuple[Item, ...] = Field(min_length=1)
    scoring: Scoring
    bands: tuple[Band, ...] = Field(min_length=1)
    flags: tuple[Flag, ...] = ()
    loinc: str | None = None  # the instrument's panel code, when it has one
    loinc_total: str | None = None  # the total score's code

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        ids = [i.link_id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item link ids must be unique")
        lo = sum(min(o.score for o in i.options) for i in self.items)
        hi = sum(max(o.score for o in i.options) for i in self.items)
        if (lo, hi) != (self.scoring.min, self.scoring.max):
            raise ValueError(f"the items score {lo}..{hi}, the scoring says {self.scoring.min}..")
        expected = self.scoring.min
        for b in sorted(self.bands, key=lambda b: b.min):
            if b.min != expected or b.max < b.min:
                raise ValueError(f"bands must cover {lo}..{hi} without gaps or overlaps")
            expected = b.max + 1
        if expected != self.scoring.max + 1:
            raise ValueError(f"bands must cover {lo}..{hi} without gaps or overlaps")
        for f in self.flags:
            if f.item not in ids:
                raise ValueError(f"flag {f.code} names an unknown item {f.item}")
        return self

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    def band_for(self, total: int) -> Band:
        return next(b for b in self.bands if b.min <= total <= b.max)


def load(source: str | Path | Mapping[str, object]) -> Definition:
    """A definition from a JSON file, a shipped code (``barthel``, ``phq9``) or a dict."""
    if isinstance(source, Mapping):
        return Definition.model_validate(source)
    path = Path(source)
    if not path.suffix:
        path = SHIPPED / f"{source}.json"
    return Definition.model_validate(json.loads(path.read_text(encoding="utf-8")))


def shipped() -> list[Definition]:
    return [load(p) for p in sorted(SHIPPED.glob("*.json"))]


class AnswerError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Result:
    total: int
    band: Band
    flags: tuple[Flag, ...]
    item_scores: Mapping[str, int]

    @property
    def level(self) -> Level:
        order = list(Level)
        return max([self.band.level, *(f.level for f in self.flags)], key=order.index)


def score(defn: Definition, answers: Mapping[str, str]) -> Result:
    """Score a complete response; raise :class:`AnswerError` for a wrong one."""
    unknown = sorted(set(answers) - {i.link_id for i in defn.items})
    if unknown:
        raise AnswerError(
            "care.answer_unknown_item",
            "回答中有量表里没有的题目。",
            "The answers name a question the form does not have.",
        )
    scores: dict[str, int] = {}
    for item in defn.items:
        code = answers.get(item.link_id)
        if code is None:
            if item.required:
                raise AnswerError(
                    "care.answer_missing",
                    f"请回答：{item.text.zh}",
                    f"Please answer: {item.text.en}",
                )
            continue
        option = item.option(str(code))
        if option is None:
            raise AnswerError(
                "care.answer_invalid_option",
                f"“{item.text.zh}”的回答不在选项中。",
                f'The answer to "{item.text.en}" is not one of its options.',
            )
        scores[item.link_id] = option.score
    total = sum(scores.values())
    flags = tuple(f for f in defn.flags if scores.get(f.item, -1) >= f.min_score)
    return Result(total, defn.band_for(total), flags, scores)


class TrendDirection(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    STEADY = "steady"


@dataclass(frozen=True)
class Trend:
    direction: TrendDirection
    change: int  # last total minus the one before
    points: tuple[tuple[datetime, int], ...]

    def words(self, defn: Definition) -> tuple[str, str]:
        if len(self.points) < 2:
            return "首次评估", "first assessment"
        d = {
            TrendDirection.BETTER: ("较上次好转", "better than last time"),
            TrendDirection.WORSE: ("较上次加重", "worse than last time"),
            TrendDirection.STEADY: ("与上次持平", "the same as last time"),
        }[self.direction]
        sign = f"{self.change:+d}"
        return f"{d[0]}（{sign}分）", f"{d[1]} ({sign} points)"


def trend(defn: Definition, history: Sequence[tuple[datetime, int]]) -> Trend:
    """The direction from the previous total to the last, in the scale's own sense."""
    points = tuple(sorted(history))
    if len(points) < 2:
        return Trend(TrendDirection.STEADY, 0, points)
    change = points[-1][1] - points[-2][1]
    if change == 0:
        return Trend(TrendDirection.STEADY, 0, points)
    better = (change > 0) == defn.higher_is_better
    return Trend(TrendDirection.BETTER if better else TrendDirection.WORSE, change, points)
