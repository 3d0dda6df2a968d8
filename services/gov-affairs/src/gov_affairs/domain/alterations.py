"""Alteration requests (6.5.2 d, 装修/改建): apply, approve, work, inspect, archive.

::

    submitted ─(approval flow: property, then the community for structural work)─▶ approved
    approved ─start─▶ in_works ─inspect(pass)─▶ inspected ─archive─▶ archived
                        ▲   └─inspect(fail)─▶ rectifying ─┘ (re-inspected)
    submitted ─(a signer rejects)─▶ rejected;  before works ─withdraw─▶ withdrawn

What the Measures for Residential Interior Decoration (住宅室内装饰装修管理办法, art. 5)
forbid is refused at once with the reason: changing load-bearing structure without the
original design unit's plan, turning a room without waterproofing into a wet room, removing
gas or heating mains... A room with a request that is neither archived, rejected nor
withdrawn has an *open alteration*, which the room register shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from gov_affairs.domain.approvals.engine import Approval
from gov_affairs.domain.approvals.flow import FlowDef
from gov_affairs.domain.text import Refusal, Text

Kind = Literal["decoration", "alteration", "extension"]  # 装修, 改建, 扩建
KINDS: dict[str, Text] = {
    "decoration": Text(zh="装修", en="decoration"),
    "alteration": Text(zh="改建", en="alteration"),
    "extension": Text(zh="扩建", en="extension"),
}
Status = Literal[
    "submitted",
    "approved",
    "rejected",
    "withdrawn",
    "in_works",
    "rectifying",
    "inspected",
    "archived",
]
OPEN = frozenset({"submitted", "approved", "in_works", "rectifying", "inspected"})
STATUS_WORDS: dict[str, tuple[str, str]] = {  # an alteration's state as a person says it
    "submitted": ("正在审核", "awaiting approval"),
    "approved": ("已批准", "approved"),
    "rejected": ("未获批准", "refused"),
    "withdrawn": ("已撤回", "withdrawn"),
    "in_works": ("正在施工", "under way"),
    "rectifying": ("正在整改", "being put right"),
    "inspected": ("已验收", "inspected"),
    "archived": ("已归档", "archived"),
}
Scope = Literal[
    "walls_non_structural",
    "floors",
    "plumbing",
    "electrical",
    "kitchen_bath",
    "windows",
    "balcony_enclosure",
    "load_bearing",
    "wet_room_relocation",
    "gas_heating_mains",
    "facade",
]

FORBIDDEN: dict[str, Text] = {
    "load_bearing": Text(
        zh="不得擅自拆改承重墙、梁、柱等主体和承重结构（第五条）",
        en="no changes to load-bearing structure without the design unit's plan (art. 5)",
    ),
    "wet_room_relocation": Text(
        zh="不得将没有防水要求的房间或阳台改为卫生间、厨房（第五条）",
        en="no kitchen or bathroom in a room without waterproofing (art. 5)",
    ),
    "gas_heating_mains": Text(
        zh="不得拆改燃气、供暖等主管道及设施（第五条）",
        en="no changes to gas or heating mains (art. 5)",
    ),
}
# scopes that need the community (and its housing department) after the property
STRUCTURAL = frozenset({"balcony_enclosure", "facade", "windows"})

FLOW = FlowDef.model_validate(
    {
        "steps": [
            {
                "key": "property",
                "name": {"zh": "物业审核", "en": "Property check"},
                "signers": [{"role": "property_manager"}],
                "due": {"working_days": 3, "remind_before_hours": 24},
            },
            {
                "key": "community",
                "name": {"zh": "社区审批", "en": "Community approval"},
                "signers": [{"role": "community_admin"}],
                "due": {"working_days": 5, "remind_before_hours": 24},
                "condition": {
                    "any": [
                        {
                            "fact": "alteration.kind",
                            "op": "in",
                            "value": ["alteration", "extension"],
                        },
                        {"fact": "alteration.structural", "op": "eq", "value": True},
                    ]
                },
            },
        ]
    }
)


class Inspection(BaseModel):
    at: datetime
    by: str
    passed: bool
    findings: str
    photos: list[str] = Field(default_factory=list)


class Alteration(BaseModel):
    room_id: str
    community_id: str
    applicant: str
    kind: Kind
    scopes: list[Scope] = Field(min_length=1)
    contractor: str | None = Field(default=None, max_length=100)
    planned_start: date
    planned_end: date
    status: Status = "submitted"
    inspections: list[Inspection] = Field(default_factory=list)
    archived_at: datetime | None = None


class AlterationError(Refusal):
    """A refusal of an alteration step; ``code`` is stable (``alteration.<reason>``) and
    ``reasons`` name what the law forbids."""

    def __init__(
        self, code: str, message: str, *, zh: str, reasons: list[Text] | None = None
    ) -> None:
        super().__init__(code, message, zh=zh)
        self.reasons = reasons or []


def check_request(a: Alteration) -> dict[str, object]:
    """Refuse what the law forbids; return the facts the approval flow reads."""
    bad = [FORBIDDEN[s] for s in a.scopes if s in FORBIDDEN]
    if bad:
        raise AlterationError(
            "alteration.forbidden",
            "The work asked for is not allowed",
            reasons=bad,
            zh="申请的施工内容不允许",
        )
    if a.planned_end < a.planned_start:
        raise AlterationError(
            "alteration.bad_dates", "The work ends before it starts", zh="完工日期早于开工日期"
        )
    return {"alteration": {"kind": a.kind, "structural": bool(set(a.scopes) & STRUCTURAL)}}


_MOVES: dict[str, tuple[frozenset[str], Status]] = {
    "approved": (frozenset({"submitted"}), "approved"),
    "rejected": (frozenset({"submitted"}), "rejected"),
    "withdraw": (frozenset({"submitted", "approved"}), "withdrawn"),
    "start": (frozenset({"approved"}), "in_works"),
    "archive": (frozenset({"inspected"}), "archived"),
}


def move(a: Alteration, action: str, now: datetime) -> Alteration:
    sources, target = _MOVES[action]
    if a.status not in sources:
        raise AlterationError(
            "alteration.bad_state",
            f"This step is not possible while the works are {STATUS_WORDS[a.status][1]}",
            zh=f"该装修申请{STATUS_WORDS[a.status][0]}，不能这样操作",
        )
    a = a.model_copy(deep=True)
    a.status = target
    if target == "archived":
        a.archived_at = now
    return a


def inspect(
    a: Alteration,
    by: str,
    now: datetime,
    *,
    passed: bool,
    findings: str,
    photos: list[str] | None = None,
) -> Alteration:
    """Record the completion inspection (竣工检查); a failed one asks for rectification."""
    if a.status not in {"in_works", "rectifying"}:
        raise AlterationError(
            "alteration.bad_state", "Inspection follows the works", zh="开工后才能进行竣工检查"
        )
    if not findings.strip():
        raise AlterationError(
            "alteration.findings_required",
            "An inspection records what was seen",
            zh="验收须记录检查情况",
        )
    a = a.model_copy(deep=True)
    a.inspections.append(
        Inspection(at=now, by=by, passed=passed, findings=findings, photos=photos or [])
    )
    a.status = "inspected" if passed else "rectifying"
    return a


def is_open(a: Alteration) -> bool:
    return a.status in OPEN


# the applicant and the property are reminded this many days before the works' planned end
WORKS_NOTICE_DAYS = 3


def sweep_at(run: Approval) -> datetime | None:
    """When the reminder sweep next has something to do for a running approval: remind
    before the active step's due time, then escalate at it; nothing after that."""
    active = run.active()
    due = run.flow.step(active.key).due if active else None
    if active is None or active.due_at is None or due is None or active.escalated_at:
        return None
    if active.reminded_at is None:
        return active.due_at - timedelta(hours=due.remind_before_hours)
    return active.due_at
