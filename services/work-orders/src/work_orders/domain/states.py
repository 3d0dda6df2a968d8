"""The one work-order state machine, as a table: for each action, the statuses it may
start from, the status it leads to, and who may take it.

``reporter`` means the resident side of the case (resident, tenant or family of the
case's household, or the account that reported it); ``staff`` means property_staff,
property_manager, grid_worker or community_admin holding a grant over the case's place
(platform_admin everywhere). Actions that keep the status (reply, comment, rate) are
steps on the timeline all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Actor = Literal["reporter", "staff"]

SUBMITTED = "submitted"
ACCEPTED = "accepted"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
CLOSED = "closed"
REJECTED = "rejected"
REOPENED = "reopened"
CANCELLED = "cancelled"

STATUSES = (
    SUBMITTED,
    ACCEPTED,
    ASSIGNED,
    IN_PROGRESS,
    RESOLVED,
    CLOSED,
    REJECTED,
    REOPENED,
    CANCELLED,
)
FINAL = frozenset({CLOSED, REJECTED, CANCELLED})
# Not yet resolved: the resolution deadline runs.
OPEN = frozenset({SUBMITTED, ACCEPTED, ASSIGNED, IN_PROGRESS, REOPENED})
# Waiting for someone to accept: the response deadline runs.
AWAITING_RESPONSE = frozenset({SUBMITTED, REOPENED})

RESIDENT_ROLES = frozenset({"resident", "tenant", "family"})
STAFF_ROLES = frozenset(
    {"property_staff", "property_manager", "grid_worker", "community_admin", "platform_admin"}
)
MANAGER_ROLES = frozenset({"property_manager", "community_admin", "platform_admin"})
PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays
    actors: frozenset[Actor]


def _step(action: str, sources: set[str], target: str | None, *actors: Actor) -> Step:
    return Step(action, frozenset(sources), target, frozenset(actors))


_ACTIVE = {ACCEPTED, ASSIGNED, IN_PROGRESS, REOPENED}
STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        _step("accept", {SUBMITTED, REOPENED}, ACCEPTED, "staff"),
        _step("reject", {SUBMITTED, REOPENED}, REJECTED, "staff"),
        _step("assign", {ACCEPTED, ASSIGNED, REOPENED}, ASSIGNED, "staff"),
        _step("start", {ASSIGNED}, IN_PROGRESS, "staff"),
        _step("reply", {SUBMITTED, *_ACTIVE}, None, "staff"),
        _step("resolve", {ACCEPTED, ASSIGNED, IN_PROGRESS}, RESOLVED, "staff"),
        _step("close", {RESOLVED}, CLOSED, "reporter", "staff"),
        _step("reopen", {RESOLVED, CLOSED}, REOPENED, "reporter"),
        _step("cancel", {SUBMITTED}, CANCELLED, "reporter"),
        _step("rate", {RESOLVED, CLOSED}, None, "reporter"),
        _step("comment", {SUBMITTED, *_ACTIVE, RESOLVED}, None, "reporter", "staff"),
    )
}
ACTIONS = tuple(STEPS)
# What the assignee may do without a staff grant over the place (outside providers).
ASSIGNEE_ACTIONS = frozenset({"start", "reply", "resolve", "comment"})


class InvalidTransition(Exception):
    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"'{action}' is not possible while the case is {status}")
        self.action = action
        self.status = status


class NotAllowed(Exception):
    def __init__(self, action: str, actor: Actor | None) -> None:
        who = actor or "you"
        super().__init__(f"'{action}' may not be taken by {who} on this case")
        self.action = action


def next_status(action: str, status: str, actor: Actor | None) -> str:
    """The status after ``action`` from ``status`` by ``actor``; raises when not allowed."""
    step = STEPS[action]
    if actor is None or actor not in step.actors:
        raise NotAllowed(action, actor)
    if status not in step.sources:
        raise InvalidTransition(action, status)
    return step.target or status


def priority_for_severity(severity: str) -> str:
    """Alarm severity to case priority (cross-service agreement 2)."""
    return {"critical": "urgent", "major": "high"}.get(severity, "normal")
