"""Tasks sent down by a district or city platform (issue 25 item 2): their states in words
for the sender (pure)."""

from __future__ import annotations

from sc_contracts.vocabulary import label

DATASET = "task_outcome"  # the exchange records of the outcomes
REFUSED = "refused"  # a task sent down over Kafka that was not taken (ADR 0044)
KIND_WORDS = {
    "inspection": ("检查", "inspection"),
    "population_check": ("人口核查", "population check"),
    "warning": ("预警", "warning"),
}
_OWN = {
    "requested": ("已转派", "passed on"),
    "published": ("已发布公告", "notice published"),
    REFUSED: ("已拒收", "refused"),
}
# a refusal whose problem has no Chinese words of its own (none of CityTasks' refusals)
_REFUSED_WHY = ("平台未接收此任务", "The platform did not take this task")


def state_words(state: str) -> tuple[str, str]:
    """A task's state in one community, (zh-CN, en): a case's status in the platform's
    words, or the task's own steps (passed on, notice published)."""
    if state in _OWN:
        return _OWN[state]
    return label("work_order_status", state, "zh-CN"), label("work_order_status", state, "en")


def refusal_words(zh: str | None, en: str) -> tuple[str, str]:
    """Why a task was refused, (zh-CN, en): the refusal's own words when it has them in
    both languages, else the platform's general words (never half-translated)."""
    return (zh, en) if zh else _REFUSED_WHY
