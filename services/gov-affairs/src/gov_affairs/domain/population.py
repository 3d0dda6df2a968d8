"""Population checks (6.5.2 a): who lives here unregistered, who left without deregistering.

From the gate passages (``access.passages.v1``) the service keeps one sighting per person
key, community and day (a face template id or an access card, never a passage that names a
registered person or a visitor's pass), so two rules stay cheap:

- **unregistered frequent** (入住未登记): a key seen on at least ``min_days`` different days
  within the last ``window_days`` while no registered person carries it;
- **absent resident** (离开未注销): a registered resident with no passage for
  ``absent_days`` (counting from moving in, after a grace period).

Each finding becomes a flag for the grid worker and the community police with its evidence
(which days, which doors), worked and closed like a case: a flag is never dropped; closing
says what was found, and one open flag per key collects new evidence instead of repeating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from gov_affairs.domain.text import Refusal

CHINA = ZoneInfo("Asia/Shanghai")
Kind = Literal["unregistered_frequent", "absent_resident"]


@dataclass(frozen=True)
class Passage:
    ts: datetime
    community_id: str
    door_id: str | None
    face_id: str | None = None
    card_no: str | None = None
    person_id: str | None = None
    pass_id: str | None = None


def subject_key(p: Passage) -> str | None:
    """The key of an unidentified passer, or None when the passage names a registered
    person or a visitor pass, or carries no person identifier (a plate, a keypad code)."""
    if p.person_id or p.pass_id:
        return None
    if p.face_id:
        return f"face:{p.face_id}"
    if p.card_no:
        return f"card:{p.card_no}"
    return None


@dataclass
class DaySighting:
    """All passages of one key in one community on one (Beijing) day."""

    community_id: str
    key: str
    day: date
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    doors: set[str] = field(default_factory=set)

    def add(self, p: Passage) -> None:
        self.count += 1
        self.first = min(self.first, p.ts) if self.first else p.ts
        self.last = max(self.last, p.ts) if self.last else p.ts
        if p.door_id:
            self.doors.add(p.door_id)


def fold(
    passages: Iterable[Passage], into: dict[tuple[str, str, date], DaySighting] | None = None
) -> dict[tuple[str, str, date], DaySighting]:
    out = into if into is not None else {}
    for p in passages:
        key = subject_key(p)
        if key is None:
            continue
        day = p.ts.astimezone(CHINA).date()
        s = out.setdefault((p.community_id, key, day), DaySighting(p.community_id, key, day))
        s.add(p)
    return out


@dataclass(frozen=True)
class Evidence:
    day: date
    count: int
    first: datetime
    last: datetime
    doors: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    kind: Kind
    community_id: str
    key: str  # face:/card: key, or person:<id>
    evidence: tuple[Evidence, ...]
    summary: str  # for the flag's title, Chinese and English


def frequent_unregistered(
    sightings: Iterable[DaySighting],
    today: date,
    *,
    window_days: int = 14,
    min_days: int = 5,
    registered_keys: frozenset[str] = frozenset(),
) -> list[Finding]:
    since = today - timedelta(days=window_days - 1)
    days: dict[tuple[str, str], list[DaySighting]] = defaultdict(list)
    for s in sightings:
        if since <= s.day <= today and s.key not in registered_keys:
            days[(s.community_id, s.key)].append(s)
    out = []
    for (community, key), seen in sorted(days.items()):
        if len(seen) < min_days:
            continue
        seen.sort(key=lambda s: s.day)
        evidence = tuple(
            Evidence(
                s.day,
                s.count,
                s.first or datetime.min,
                s.last or datetime.min,
                tuple(sorted(s.doors)),
            )
            for s in seen
        )
        summary = (
            f"近{window_days}天内有{len(seen)}天出入小区但未登记 / seen on {len(seen)} days"
            f" of the last {window_days} but not registered"
        )
        out.append(Finding("unregistered_frequent", community, key, evidence, summary))
    return out


@dataclass(frozen=True)
class Resident:
    person_id: str
    community_id: str
    moved_in_on: date


def absent_residents(
    residents: Iterable[Resident],
    last_seen: Mapping[str, date],
    today: date,
    *,
    absent_days: int = 60,
    grace_days: int = 30,
) -> list[Finding]:
    out = []
    for r in residents:
        if (today - r.moved_in_on).days < grace_days:
            continue
        since = last_seen.get(r.person_id) or r.moved_in_on
        quiet = (today - since).days
        if quiet >= absent_days:
            what = "最后一次出入" if r.person_id in last_seen else "登记入住后一直没有出入记录"
            summary = (
                f"已{quiet}天没有出入记录（{what} {since:%Y-%m-%d}）/ no passage for {quiet} days"
                f" (since {since:%Y-%m-%d})"
            )
            out.append(
                Finding("absent_resident", r.community_id, f"person:{r.person_id}", (), summary)
            )
    return out


# --- the flag, worked like a case --------------------------------------------------------

FlagStatus = Literal["open", "in_progress", "resolved", "closed"]
FLAG_STATUS_WORDS: dict[str, tuple[str, str]] = {  # a flag's state as a person says it
    "open": ("待处理", "open"),
    "in_progress": ("正在核查", "being looked into"),
    "resolved": ("已处置", "resolved"),
    "closed": ("已关闭", "closed"),
}
Resolution = Literal[
    "registered", "moved_out_recorded", "visitor", "staff_or_worker", "false_alarm", "other"
]


class FlagStep(BaseModel):
    at: datetime
    actor: str
    action: str
    note: str = ""


class Flag(BaseModel):
    kind: Kind
    community_id: str
    key: str
    summary: str
    status: FlagStatus = "open"
    evidence: list[dict[str, object]] = Field(default_factory=list)
    resolution: Resolution | None = None
    timeline: list[FlagStep] = Field(default_factory=list)


class FlagError(Refusal):
    """A refusal of a step on a flag; ``code`` is stable (``flag.<reason>``)."""


def open_flag(f: Finding, now: datetime) -> Flag:
    flag = Flag(kind=f.kind, community_id=f.community_id, key=f.key, summary=f.summary)
    flag.evidence = [_ev(e) for e in f.evidence]
    flag.timeline.append(FlagStep(at=now, actor="system", action="open", note=f.summary))
    return flag


def add_evidence(flag: Flag, f: Finding, now: datetime) -> Flag:
    """A new finding for a key with an open flag: its new days join the flag."""
    known = {e["day"] for e in flag.evidence}
    new = [_ev(e) for e in f.evidence if e.day.isoformat() not in known]
    if not new:
        return flag
    flag = flag.model_copy(deep=True)
    flag.evidence += new
    flag.summary = f.summary
    flag.timeline.append(FlagStep(at=now, actor="system", action="evidence", note=f"+{len(new)}"))
    return flag


def _ev(e: Evidence) -> dict[str, object]:
    return {
        "day": e.day.isoformat(),
        "count": e.count,
        "first": e.first.isoformat(),
        "last": e.last.isoformat(),
        "doors": list(e.doors),
    }


_FLAG_MOVES: dict[str, tuple[frozenset[str], FlagStatus]] = {
    "start": (frozenset({"open"}), "in_progress"),
    "note": (frozenset({"open", "in_progress", "resolved"}), "in_progress"),
    "resolve": (frozenset({"open", "in_progress"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved", "closed"}), "in_progress"),
}


def work(
    flag: Flag,
    action: str,
    actor: str,
    now: datetime,
    *,
    note: str = "",
    resolution: Resolution | None = None,
) -> Flag:
    """Take a step on the flag. Resolving says what was found and why; only closing after
    resolving ends it, and a closed flag can be reopened: nothing is dropped."""
    sources, target = _FLAG_MOVES[action]
    if flag.status not in sources:
        zh, en = FLAG_STATUS_WORDS[flag.status]
        raise FlagError(
            "flag.bad_state",
            f"This step is not possible on a flag that is {en}",
            zh=f"该线索{zh}，不能这样操作",
        )
    if action == "resolve" and (resolution is None or not note.strip()):
        raise FlagError(
            "flag.resolution_required",
            "Say what was found and how it was handled",
            zh="请说明核查情况和处置方式",
        )
    if action == "note" and not note.strip():
        raise FlagError("flag.note_required", "A note needs text", zh="备注不能为空")
    flag = flag.model_copy(deep=True)
    flag.status = (
        target if action != "note" else ("in_progress" if flag.status == "open" else flag.status)
    )
    if action == "resolve":
        flag.resolution = resolution
    if action == "reopen":
        flag.resolution = None
    flag.timeline.append(FlagStep(at=now, actor=actor, action=action, note=note))
    return flag
