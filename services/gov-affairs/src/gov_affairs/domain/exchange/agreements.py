"""Exchange agreements as data (5.2, 6.7.1 b; ADR 0036): what a recipient (a district
platform, the street office, a utility) may receive, checked before it is stored.

An agreement names datasets and, for each, the figures it may carry; the highest
sensitivity grade allowed; the aggregation level; how often; the communities covered;
and its validity. What it asks for is checked here, in words a person reads:

* an unknown figure of a dataset, a figure above the agreement's grade, a dataset without
  a single count: a field error naming the field;
* an aggregation finer than the grade allows (per person needs ``sensitive``, per
  household ``personal``): a field error on ``aggregation``;
* a grade above what the platform lets leave at all (``EXCHANGE_MAX_GRADE``, ``internal``
  unless configured) or an aggregation no dataset is built at yet (per person, per
  household): refused with its own code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sc_core.privacy.grades import Grade


class Dataset(StrEnum):
    POPULATION = "population"
    HOUSES = "houses"
    CASES = "cases"
    ALARMS = "alarms"


class Aggregation(StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"
    BUILDING = "building"
    COMMUNITY = "community"


class Frequency(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"


class RecipientKind(StrEnum):
    DISTRICT_PLATFORM = "district_platform"
    STREET_OFFICE = "street_office"
    UTILITY = "utility"


class GradeName(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"

    @property
    def grade(self) -> Grade:
        return Grade[self.name]


GRADE_WORDS = {
    Grade.PUBLIC: ("公开", "public"),
    Grade.INTERNAL: ("内部", "internal"),
    Grade.PERSONAL: ("个人信息", "personal"),
    Grade.SENSITIVE: ("敏感个人信息", "sensitive"),
}
AGGREGATION_WORDS = {
    Aggregation.PERSON: ("按人", "per person"),
    Aggregation.HOUSEHOLD: ("按户", "per household"),
    Aggregation.BUILDING: ("按楼栋", "per building"),
    Aggregation.COMMUNITY: ("按社区", "per community"),
}
# the grade a level of detail is: the finer, the closer to a person
AGGREGATION_GRADE = {
    Aggregation.PERSON: Grade.SENSITIVE,
    Aggregation.HOUSEHOLD: Grade.PERSONAL,
    Aggregation.BUILDING: Grade.INTERNAL,
    Aggregation.COMMUNITY: Grade.INTERNAL,
}
BUILT_LEVELS = frozenset({Aggregation.BUILDING, Aggregation.COMMUNITY})


@dataclass(frozen=True)
class Figure:
    """One field of a dataset an agreement may list."""

    name: str
    zh: str
    en: str
    grade: Grade = Grade.INTERNAL
    count: bool = True  # a count (suppressed under five), else a dimension (a code)


@dataclass(frozen=True)
class DatasetSpec:
    zh: str
    en: str
    figures: tuple[Figure, ...]

    def figure(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)


DATASETS: dict[Dataset, DatasetSpec] = {
    Dataset.POPULATION: DatasetSpec(
        "实有人口",
        "population",
        (
            Figure("households", "户数", "households"),
            Figure("residents", "人数", "residents"),
            Figure("owners", "业主自住人数", "owners"),
            Figure("family", "家属人数", "family members"),
            Figure("tenants", "租户人数", "tenants"),
            # residents by GB/T 2261.1 sex code (sc_core.sex_codes)
            Figure("sex_1", "男性人数（性别代码 1）", "male residents (sex code 1)"),
            Figure("sex_2", "女性人数（性别代码 2）", "female residents (sex code 2)"),
            Figure("sex_9", "未说明性别人数（性别代码 9）", "residents of sex not stated (code 9)"),
            Figure("sex_0", "未知性别人数（性别代码 0）", "residents of unknown sex (code 0)"),
        ),
    ),
    Dataset.HOUSES: DatasetSpec(
        "实有房屋",
        "houses",
        (
            Figure("rooms", "房屋数", "rooms"),
            Figure("occupied", "有人居住", "occupied"),
            Figure("vacant", "空置", "vacant"),
            Figure("owner_occupied", "自住", "owner-occupied"),
            Figure("rented", "出租", "rented"),
        ),
    ),
    Dataset.CASES: DatasetSpec(
        "事件工单",
        "cases",
        (
            Figure("case_type", "工单类型", "case type", count=False),
            Figure("status", "工单状态", "state", count=False),
            Figure("count", "数量", "count"),
        ),
    ),
    Dataset.ALARMS: DatasetSpec(
        "告警",
        "alarms",
        (
            Figure("alarm_type", "告警类型", "alarm type", count=False),
            Figure("severity", "级别", "severity", count=False),
            Figure("count", "数量", "count"),
        ),
    ),
}


@dataclass(frozen=True)
class FieldIssue:
    """What is wrong with one field of the request, in both languages."""

    field: str
    zh: str
    en: str
    type: str = "value_error"


@dataclass(frozen=True)
class Refused:
    """The agreement as a whole is refused (status 422), with its code."""

    code: str
    zh: str
    en: str


def _names(spec: DatasetSpec) -> tuple[str, str]:
    return "、".join(f.name for f in spec.figures), ", ".join(f.name for f in spec.figures)


def check(
    datasets: Sequence[tuple[str, Sequence[str]]],
    grade: Grade,
    aggregation: Aggregation,
    ceiling: Grade,
) -> tuple[list[FieldIssue], Refused | None]:
    """The field errors of an agreement's request and the refusal of the whole, if any.
    ``datasets`` are (dataset, figures) as asked; dataset names are the enum's already."""
    issues: list[FieldIssue] = []
    need = AGGREGATION_GRADE[aggregation]
    a_zh, a_en = AGGREGATION_WORDS[aggregation]
    if need > grade:
        n_zh, n_en = GRADE_WORDS[need]
        g_zh, g_en = GRADE_WORDS[grade]
        issues.append(
            FieldIssue(
                "aggregation",
                f"{a_zh}交换须达到“{n_zh}”级别，本协议最高只允许“{g_zh}”",
                f"Exchanging {a_en} needs the grade {n_en}; this agreement allows at most {g_en}",
            )
        )
    seen: set[str] = set()
    for i, (name, figures) in enumerate(datasets):
        spec = DATASETS[Dataset(name)]
        if name in seen:
            issues.append(
                FieldIssue(
                    f"datasets.{i}.dataset", "同一数据集只能列一次", "A dataset is listed once"
                )
            )
        seen.add(name)
        names_zh, names_en = _names(spec)
        counts = 0
        for j, figure_name in enumerate(figures):
            figure = spec.figure(figure_name)
            at = f"datasets.{i}.fields.{j}"
            if figure is None:
                issues.append(
                    FieldIssue(
                        at,
                        f"{spec.zh}没有字段“{figure_name}”，可选：{names_zh}",
                        f"{spec.en} has no field '{figure_name}'; choose from {names_en}",
                    )
                )
                continue
            counts += figure.count
            if figure.grade > grade:
                f_zh, f_en = GRADE_WORDS[figure.grade]
                issues.append(
                    FieldIssue(
                        at,
                        f"{figure.zh}属于“{f_zh}”级别，高于本协议允许的级别",
                        f"{figure.en} is graded {f_en}, above what this agreement allows",
                    )
                )
        if len(set(figures)) != len(figures):
            issues.append(
                FieldIssue(f"datasets.{i}.fields", "字段不能重复", "A field is listed once")
            )
        if counts == 0:
            issues.append(
                FieldIssue(
                    f"datasets.{i}.fields",
                    f"{spec.zh}至少要包含一个计数字段",
                    f"{spec.en} needs at least one count",
                )
            )
    if issues:
        return issues, None
    if grade > ceiling:
        g_zh, g_en = GRADE_WORDS[grade]
        c_zh, c_en = GRADE_WORDS[ceiling]
        return [], Refused(
            "exchange.grade_not_allowed",
            f"平台对外交换最高只允许“{c_zh}”级别的数据，不能约定“{g_zh}”",
            f"The platform lets data of at most the grade {c_en} leave, not {g_en}",
        )
    if aggregation not in BUILT_LEVELS:
        return [], Refused(
            "exchange.aggregation_not_offered",
            f"暂不提供{a_zh}的交换数据，请选择按楼栋或按社区",
            f"No dataset is exchanged {a_en} yet; choose per building or per community",
        )
    return [], None
