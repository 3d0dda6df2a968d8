"""The one work-order state machine, as a table: for each action, the statuses it may
start from, the status it leads to, and who may take it.

The statuses are the contract's :class:`~sc_contracts.events.WorkOrderStatus` (what
``WorkOrderChangedV1`` carries), so the service and its events cannot drift apart.
``reporter`` means the resident side of the case (resident, tenant or family of the
case's household, or the account that reported it); ``staff`` means property_staff,
property_manager, grid_worker or community_admin holding a grant over the case's place
(platform_admin everywhere). Actions that keep the status (reply, comment, rate) are
steps on the timeline all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sc_contracts.events import WorkOrderPriority, WorkOrderStatus

Actor = Literal["reporter", "staff"]
S = WorkOrderStatus

SUBMITTED = S.SUBMITTED
ACCEPTED = S.ACCEPTED
ASSIGNED = S.ASSIGNED
IN_PROGRESS = S.IN_PROGRESS
RESOLVED = S.RESOLVED
CLOSED = S.CLOSED
REJECTED = S.REJECTED
REOPENED = S.REOPENED
CANCELLED = S.CANCELLED

STATUSES = tuple(S)
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
PRIORITIES = tuple(WorkOrderPriority)


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[WorkOrderStatus]
    target: WorkOrderStatus | None  # None: the status stays
    actors: frozenset[Actor]


def _step(
    action: str, sources: set[WorkOrderStatus], target: WorkOrderStatus | None, *actors: Actor
) -> Step:
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


def next_status(action: str, status: str, actor: Actor | None) -> WorkOrderStatus:
    """The status after ``action`` from ``status`` by ``actor``; raises when not allowed."""
    step = STEPS[action]
    current = WorkOrderStatus(status)
    if actor is None or actor not in step.actors:
        raise NotAllowed(action, actor)
    if current not in step.sources:
        raise InvalidTransition(action, current)
    return step.target or current


def priority_for_severity(severity: str) -> WorkOrderPriority:
    """Alarm severity to case priority (cross-service agreement 2)."""
    found = {"critical": WorkOrderPriority.URGENT, "major": WorkOrderPriority.HIGH}
    return found.get(severity, WorkOrderPriority.NORMAL)
