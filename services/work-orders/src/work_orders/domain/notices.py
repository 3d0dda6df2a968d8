"""Who hears about a step of a case, with which template (cross-service agreement 4). Pure:
the use cases turn a :class:`Notice` into a NotificationRequestedV1."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

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


class Told(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def case_type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def details(self) -> dict[str, Any]: ...


def notice_variables(wo: Told, notice: Notice) -> dict[str, str]:
    """The template variables of ``notice`` about ``wo``: codes notification says in words
    (case type, status), the case's title with its English one beside where the service
    wrote it (``title_en`` in its details: a case it opened itself), the notice's extras."""
    variables = {
        "number": wo.number,
        "title": wo.title,
        "case_type": wo.case_type,
        "status": str(wo.status),
    }
    title_en = (wo.details or {}).get("title_en")
    if title_en:
        variables["title_en"] = str(title_en)
    return {**variables, **notice.extra}


LOCAL = ZoneInfo("Asia/Shanghai")
_DEADLINE = {"response": ("响应", "answered"), "resolution": ("处理完成", "resolved")}


def sla_breach_step(deadline: str, due: datetime) -> tuple[str, str]:
    """The timeline's words when a deadline passed and the case went up to the property
    manager, zh-CN and en, with the deadline in local time."""
    at = due.astimezone(LOCAL)
    zh_done, en_done = _DEADLINE.get(deadline, ("处理", "handled"))
    zh = f"未在 {at.month}月{at.day}日 {at:%H:%M} 前{zh_done}，已升级至物业经理。"
    en = f"Not {en_done} by {at:%Y-%m-%d %H:%M} (Beijing time); escalated to the property manager."
    return zh, en


def sla_reminder(wo: Told, deadline: str, due: datetime) -> Notice:
    """The words of a deadline coming (``response`` or ``resolution``), zh-CN and en, to be
    sent to the assignee (the use case names the recipients)."""
    at = due.astimezone(LOCAL)
    zh_done, en_done = _DEADLINE.get(deadline, ("处理", "handled"))
    title_en = str((wo.details or {}).get("title_en") or wo.title)
    return Notice(
        "generic.message",
        severity=NotificationSeverity.WARNING,
        extra={
            "title": f"工单即将超时：{wo.number} {wo.title}",
            "body": f"工单 {wo.number}（{wo.title}）须在 {at.month}月{at.day}日 "
            f"{at:%H:%M} 前{zh_done}，请抓紧处理。",
            "title_en": f"Work order due soon: {wo.number} {title_en}",
            "body_en": f"Work order {wo.number} ({title_en}) must be {en_done} by "
            f"{at:%Y-%m-%d %H:%M} (Beijing time).",
        },
    )
