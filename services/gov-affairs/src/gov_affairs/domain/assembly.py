"""Owners' assembly votes (业主大会表决) under the Civil Code, art. 278.

Art. 278: matters the owners decide together need the participation of owners holding at
least two-thirds of the exclusive area *and* at least two-thirds of the owners by number.
Raising, and changing the use of, the maintenance fund, rebuilding, and changing the use of
common parts (items 6 to 8) then need the consent of at least three-quarters of the
participating area and of the participating owners; every other matter more than half of
each. ("以上" includes the figure itself, "过半数" does not: art. 1259.)

Counting (Supreme People's Court interpretation on building ownership, arts. 8 and 9): the
area is each room's exclusive area in the register; owners are counted by exclusive part,
one part one owner, except that one buyer of several parts counts once, and the developer's
unsold or undelivered parts count once together. Here "one buyer" is the same set of owners
on the deed: rooms whose owners are exactly the same people form one voting unit.

One ballot per voting unit, from whichever channel comes first (the app, or a paper ballot
entered by staff); the other is refused, never counted twice. The thresholds are data, so a
community's rules of procedure (议事规则) that ask for more can say so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gov_affairs.domain.text import Text

Choice = Literal["agree", "disagree", "abstain"]
Channel = Literal["app", "paper"]
Matter = Literal["ordinary", "special"]
DEVELOPER = "developer"


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    numerator: int = Field(ge=1)
    denominator: int = Field(ge=1)
    inclusive: bool  # True: "以上" (at least); False: "过半数" / "超过" (more than)

    def met(self, part: Fraction, whole: Fraction) -> bool:
        if whole == 0:
            return False
        ratio = part / whole
        bar = Fraction(self.numerator, self.denominator)
        return ratio >= bar if self.inclusive else ratio > bar

    def text(self) -> Text:
        frac = f"{self.numerator}/{self.denominator}"
        zh_names = {(2, 3): "三分之二", (3, 4): "四分之三", (1, 2): "二分之一"}
        zh = zh_names.get((self.numerator, self.denominator), frac)
        if self.inclusive:
            return Text(zh=f"{zh}以上", en=f"at least {frac}")
        return Text(
            zh="过半数" if (self.numerator, self.denominator) == (1, 2) else f"超过{zh}",
            en=f"more than {frac}",
        )


TWO_THIRDS = Threshold(numerator=2, denominator=3, inclusive=True)
THREE_QUARTERS = Threshold(numerator=3, denominator=4, inclusive=True)
MORE_THAN_HALF = Threshold(numerator=1, denominator=2, inclusive=False)


class Rules(BaseModel):
    """Thresholds of one vote; approval is measured against the *participating* owners."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    participation_area: Threshold = TWO_THIRDS
    participation_heads: Threshold = TWO_THIRDS
    approval_area: Threshold = MORE_THAN_HALF
    approval_heads: Threshold = MORE_THAN_HALF


def rules_for(matter: Matter) -> Rules:
    """Art. 278's defaults: special matters (items 6-8) need three-quarters to approve."""
    if matter == "special":
        return Rules(approval_area=THREE_QUARTERS, approval_heads=THREE_QUARTERS)
    return Rules()


# --- the electorate ----------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    room_id: str
    label: str  # 1号楼1单元101室
    area_m2: Decimal
    owners: frozenset[str]  # person ids on the deed
    developer_held: bool = False


@dataclass(frozen=True)
class Unit:
    """One owner by art. 278's count: one room, several rooms of one buyer, or all the
    developer's unsold rooms."""

    id: str
    rooms: tuple[Room, ...]
    owners: frozenset[str]

    @property
    def area(self) -> Decimal:
        return sum((r.area_m2 for r in self.rooms), Decimal(0))


@dataclass(frozen=True)
class Electorate:
    units: dict[str, Unit]
    by_room: dict[str, str]
    total_area: Decimal
    total_heads: int

    def unit_of_owner(self, person_id: str, room_id: str | None = None) -> Unit | None:
        """The unit an owner votes for (the given room's, or their only one)."""
        if room_id is not None:
            unit = self.units.get(self.by_room.get(room_id, ""))
            return unit if unit and person_id in unit.owners else None
        mine = [u for u in self.units.values() if person_id in u.owners]
        return mine[0] if len(mine) == 1 else None


class VoteError(Exception):
    """A refusal with a stable code and the sentence a person reads, zh-CN and en."""

    def __init__(self, code: str, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.zh = zh or message


def electorate(rooms: Iterable[Room]) -> Electorate:
    """Voting units from the room register (rooms without an owner or an area are not part
    of the count: the register must be completed first, and the caller lists them)."""
    groups: dict[str, list[Room]] = defaultdict(list)
    for r in rooms:
        if r.area_m2 <= 0:
            raise VoteError(
                "vote.room_without_area",
                f"{r.label} has no exclusive area in the register",
                f"{r.label}在房屋登记中没有专有面积",
            )
        if r.developer_held:
            groups[DEVELOPER].append(r)
        elif r.owners:
            groups["owners:" + ",".join(sorted(r.owners))].append(r)
        else:
            raise VoteError(
                "vote.room_without_owner",
                f"{r.label} has no owner in the register",
                f"{r.label}在房屋登记中没有业主",
            )
    units = {}
    by_room = {}
    for key, group in groups.items():
        group.sort(key=lambda r: r.room_id)
        unit_id = DEVELOPER if key == DEVELOPER else group[0].room_id
        # the developer votes (on paper, entered by staff) as the owner "developer"
        owners = (
            frozenset({DEVELOPER})
            if key == DEVELOPER
            else frozenset().union(*(r.owners for r in group))
        )
        units[unit_id] = Unit(unit_id, tuple(group), owners)
        for r in group:
            by_room[r.room_id] = unit_id
    total = sum((u.area for u in units.values()), Decimal(0))
    return Electorate(units, by_room, total, len(units))


# --- ballots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ballot:
    unit_id: str
    choice: Choice
    channel: Channel
    voter: str  # the owner's person id
    entered_by: str  # the owner's account (app) or the staff member who entered the paper
    at: datetime
    paper_serial: str | None = None


def cast(
    electorate: Electorate,
    ballots: dict[str, Ballot],
    *,
    voter: str,
    choice: Choice,
    channel: Channel,
    entered_by: str,
    at: datetime,
    opens_at: datetime,
    closes_at: datetime,
    room_id: str | None = None,
    paper_serial: str | None = None,
) -> Ballot:
    """Record one ballot of an owner on the register (a paper ballot names the owner)."""
    unit = electorate.unit_of_owner(voter, room_id)
    if unit is None:
        raise VoteError(
            "vote.not_an_owner",
            "Only an owner on the register votes, once for their rooms",
            "只有房屋登记中的业主可以表决，每套房屋一票",
        )
    return cast_for_unit(
        ballots,
        unit,
        voter=voter,
        choice=choice,
        channel=channel,
        entered_by=entered_by,
        at=at,
        opens_at=opens_at,
        closes_at=closes_at,
        paper_serial=paper_serial,
    )


def cast_for_unit(
    ballots: dict[str, Ballot],
    unit: Unit,
    *,
    voter: str,
    choice: Choice,
    channel: Channel,
    entered_by: str,
    at: datetime,
    opens_at: datetime,
    closes_at: datetime,
    paper_serial: str | None = None,
) -> Ballot:
    """Record one ballot for ``unit``; refuses a second one, whatever the channel."""
    if not opens_at <= at < closes_at:
        raise VoteError(
            "vote.closed",
            "Ballots are taken only while the vote is open",
            "表决未开始或已结束，不能投票",
        )
    if channel == "paper" and not paper_serial:
        raise VoteError(
            "vote.paper_serial_required",
            "A paper ballot is entered with its serial number",
            "录入纸质票须填写票号",
        )
    earlier = ballots.get(unit.id)
    if earlier is not None:
        raise already_cast(earlier.channel)
    ballot = Ballot(unit.id, choice, channel, voter, entered_by, at, paper_serial)
    ballots[unit.id] = ballot
    return ballot


def already_cast(channel: str) -> VoteError:
    zh, en = ("线上", "in the app") if channel == "app" else ("纸质票", "on a paper ballot")
    return VoteError(
        "vote.already_cast",
        f"This owner has already voted {en}; a second ballot is not counted",
        f"该业主已经以{zh}方式表决，不能重复投票",
    )


# --- the tally ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: Text
    part: str  # what was counted, e.g. "6,480.50 m²" or "41"
    whole: str
    ratio: Fraction
    threshold: Text
    met: bool


@dataclass(frozen=True)
class Tally:
    checks: tuple[Check, ...]  # participation by area, by heads, approval by area, by heads
    passed: bool
    reasons: tuple[Text, ...]  # one per missed threshold
    agree: tuple[Decimal, int]
    disagree: tuple[Decimal, int]
    abstain: tuple[Decimal, int]
    by_channel: dict[str, int]


def _pct(f: Fraction) -> str:
    return f"{float(f) * 100:.2f}%"


def tally(electorate: Electorate, ballots: Iterable[Ballot], rules: Rules) -> Tally:
    area: dict[str, Decimal] = defaultdict(Decimal)
    heads: dict[str, int] = defaultdict(int)
    channels: dict[str, int] = defaultdict(int)
    for b in ballots:
        unit = electorate.units[b.unit_id]
        area[b.choice] += unit.area
        heads[b.choice] += 1
        channels[b.channel] += 1
    part_area = area["agree"] + area["disagree"] + area["abstain"]
    part_heads = heads["agree"] + heads["disagree"] + heads["abstain"]
    total_area, total_heads = electorate.total_area, electorate.total_heads

    def check(
        zh: str, en: str, part: Decimal | int, whole: Decimal | int, t: Threshold, unit: str
    ) -> Check:
        p, w = Fraction(part), Fraction(whole)
        ratio = p / w if w else Fraction(0)
        fmt = (lambda v: f"{v:,.2f} m²") if unit == "m2" else (lambda v: f"{v}")
        return Check(Text(zh=zh, en=en), fmt(part), fmt(whole), ratio, t.text(), t.met(p, w))

    checks = (
        check(
            "参与表决的专有面积",
            "participating exclusive area",
            part_area,
            total_area,
            rules.participation_area,
            "m2",
        ),
        check(
            "参与表决的业主人数",
            "participating owners",
            part_heads,
            total_heads,
            rules.participation_heads,
            "n",
        ),
        check(
            "同意的专有面积（占参与表决面积）",
            "area agreeing (of the participating area)",
            area["agree"],
            part_area,
            rules.approval_area,
            "m2",
        ),
        check(
            "同意的业主人数（占参与表决人数）",
            "owners agreeing (of the participating owners)",
            heads["agree"],
            part_heads,
            rules.approval_heads,
            "n",
        ),
    )
    reasons = tuple(
        Text(
            zh=f"{c.name.zh}为{c.part}/{c.whole}（{_pct(c.ratio)}），未达到{c.threshold.zh}",
            en=f"{c.name.en} was {c.part} of {c.whole} ({_pct(c.ratio)}),"
            f" short of {c.threshold.en}",
        )
        for c in checks
        if not c.met
    )
    return Tally(
        checks=checks,
        passed=not reasons,
        reasons=reasons,
        agree=(area["agree"], heads["agree"]),
        disagree=(area["disagree"], heads["disagree"]),
        abstain=(area["abstain"], heads["abstain"]),
        by_channel=dict(channels),
    )


def verdict(t: Tally) -> Text:
    """The sentence the notice of the result opens with."""
    if t.passed:
        return Text(
            zh="表决通过：参与和同意均达到法定比例。",
            en="Passed: participation and approval both reached the required shares.",
        )
    return Text(
        zh="表决未通过：" + "；".join(r.zh for r in t.reasons) + "。",
        en="Not passed: " + "; ".join(r.en for r in t.reasons) + ".",
    )
