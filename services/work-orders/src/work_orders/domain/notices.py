"""Who hears about a step of a case, with which template (cross-service agreement 4). Pure:
the use cases turn a :class:`Notice` into a NotificationRequestedV1."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sc_contracts.events import NotificationSeverity, RoleInScope

# template per action: who hears about it is decided in notice_for
TEMPLATES = {
    "created": "workorder.created",
    "accept": "workorder.accepted",
    "assign": "workorder.assigned",
    "reply": "workorder.replied",
    "resolve": "workorder.resolved",
    "close": "workorder.closed",
    "reject": "workorder.rejected",
    "reopen": "workorder.reopened",
}


class Addressed(Protocol):
    community_id: str
    reporter_id: str | None
    assignee_id: str | None
    household_id: str | None


@dataclass(frozen=True)
class Notice:
    template: str
    user_ids: list[str] = field(default_factory=list)
    roles: list[RoleInScope] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    severity: NotificationSeverity = NotificationSeverity.INFO
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def anyone(self) -> bool:
        return bool([u for u in self.user_ids if u] or self.roles or self.households)


def staff_of(wo: Addressed, role: str = "property_staff") -> list[RoleInScope]:
    return [RoleInScope(role=role, scope_type="community", scope_id=wo.community_id)]


def notice_for(action: str, wo: Addressed) -> Notice | None:
    """The notice of ``action`` just taken on ``wo``; None when nobody is told."""
    template = TEMPLATES.get(action)
    if template is None:
        return None
    reporter = [wo.reporter_id] if wo.reporter_id else []
    if action == "created":
        return Notice(template, roles=staff_of(wo))
    if action == "assign":
        return Notice(template, user_ids=[*reporter, wo.assignee_id or ""])
    if action == "reopen":
        return Notice(
            template,
            user_ids=[wo.assignee_id or ""],
            roles=[] if wo.assignee_id else staff_of(wo),
            severity=NotificationSeverity.WARNING,
        )
    # the resident side (the reporter and their household); closing tells the assignee
    closer = [wo.assignee_id or ""] if action == "close" else []
    return Notice(
        template,
        user_ids=[*reporter, *closer],
        households=[wo.household_id] if wo.household_id else [],
    )
