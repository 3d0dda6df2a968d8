"""One exchange record: the dataset's rows counted from the facts gov-affairs keeps,
suppressed under five, desensitised to the agreement with an allow-list, hashed (pure).

The facts hold ids and codes only (no name, ID number, phone, face id or position ever
reaches them); the rows hold counts per building or community. Then, as evaluation's
dataset does, ``sc_core.privacy.desensitise`` with ``unlisted="drop"`` keeps the fields
named here and in the agreement and nothing else, so a figure the agreement does not list,
or a field someone adds to a row later, does not leave.

``content_hash`` is what the record of the exchange keeps and what a recipient checks:
SHA-256 of the record's JSON with sorted keys, no spaces, UTF-8 (the message value decoded
and dumped that way gives the same bytes).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gov_affairs.domain.exchange.agreements import DATASETS, Aggregation, Dataset
from gov_affairs.domain.exchange.periods import Period
from sc_contracts.events import (
    AlarmsSharedV1,
    CasesSharedV1,
    EventData,
    HousesSharedV1,
    PopulationSharedV1,
)
from sc_core.privacy import desensitise

K = 5  # the smallest count that may leave the platform
SEX_CODES = ("1", "2", "9", "0")  # GB/T 2261.1
SEX_FIGURES = tuple(f"sex_{code}" for code in SEX_CODES)  # residents by sex code

MODELS: dict[Dataset, type[EventData]] = {
    Dataset.POPULATION: PopulationSharedV1,
    Dataset.HOUSES: HousesSharedV1,
    Dataset.CASES: CasesSharedV1,
    Dataset.ALARMS: AlarmsSharedV1,
}
# the count a row is suppressed by when it is under K
PRIMARY = {
    Dataset.POPULATION: "residents",
    Dataset.HOUSES: "rooms",
    Dataset.CASES: "count",
    Dataset.ALARMS: "count",
}
HEADER = (
    "record_id",
    "recipient",
    "agreement_id",
    "dataset",
    "period",
    "aggregation",
    "grade",
    "fields",
    "suppressed",
    "built_at",
)


@dataclass(frozen=True)
class Household:
    household_id: str
    community_id: str
    building_id: str
    room_id: str
    active: bool


@dataclass(frozen=True)
class Resident:
    household_id: str
    relation: str  # owner, family, tenant
    sex_code: str = "0"  # GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 not stated


@dataclass(frozen=True)
class Counted:
    """A case or an alarm: its community, its day and its two codes."""

    community_id: str
    day: date
    kind: str  # case type, alarm type
    state: str  # case status, alarm severity


@dataclass(frozen=True)
class Terms:
    """What the agreement says about one dataset's records."""

    agreement_id: str
    recipient: str
    dataset: Dataset
    fields: tuple[str, ...]
    aggregation: Aggregation
    grade: str


def _place(h: Household, aggregation: Aggregation) -> tuple[str, str | None]:
    if aggregation == Aggregation.BUILDING:
        return h.community_id, h.building_id
    return h.community_id, None


def population(
    households: Iterable[Household], residents: Iterable[Resident], aggregation: Aggregation
) -> list[dict[str, Any]]:
    homes = {h.household_id: h for h in households if h.active}
    rows: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    for h in homes.values():
        rows[_place(h, aggregation)]["households"] += 1
    for r in residents:
        home = homes.get(r.household_id)
        if home is None:
            continue
        figures = rows[_place(home, aggregation)]
        figures["residents"] += 1
        figures[{"owner": "owners", "family": "family", "tenant": "tenants"}[r.relation]] += 1
        figures[f"sex_{r.sex_code if r.sex_code in SEX_CODES else '0'}"] += 1
    names = ("households", "residents", "owners", "family", "tenants", *SEX_FIGURES)
    return [
        {"community_id": c, "building_id": b, **{n: counts[n] for n in names}}
        for (c, b), counts in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def houses(
    households: Iterable[Household], residents: Iterable[Resident], aggregation: Aggregation
) -> list[dict[str, Any]]:
    known = list(households)
    living: dict[str, set[str]] = defaultdict(set)  # household -> relations living there
    for r in residents:
        living[r.household_id].add(r.relation)
    rooms: dict[str, tuple[tuple[str, str | None], set[str], bool]] = {}
    for h in known:
        place, relations, occupied = rooms.get(h.room_id, (_place(h, aggregation), set(), False))
        if h.active:
            relations |= living[h.household_id]
            occupied = True
        rooms[h.room_id] = (place, relations, occupied)
    rows: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    for place, relations, occupied in rooms.values():
        figures = rows[place]
        figures["rooms"] += 1
        figures["occupied" if occupied else "vacant"] += 1
        figures["owner_occupied"] += "owner" in relations
        figures["rented"] += "tenant" in relations
    names = ("rooms", "occupied", "vacant", "owner_occupied", "rented")
    return [
        {"community_id": c, "building_id": b, **{n: counts[n] for n in names}}
        for (c, b), counts in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def counts(
    facts: Iterable[Counted], dataset: Dataset, fields: Sequence[str]
) -> list[dict[str, Any]]:
    """Cases or alarms per community and day, by the codes the agreement lists."""
    kind, state = (
        ("case_type", "status") if dataset == Dataset.CASES else ("alarm_type", "severity")
    )
    groups: Counter[tuple[str, str, str | None, str | None]] = Counter()
    for f in facts:
        groups[
            (
                f.community_id,
                f.day.isoformat(),
                f.kind if kind in fields else None,
                f.state if state in fields else None,
            )
        ] += 1
    return [
        {"community_id": c, "day": d, kind: k, state: s, "count": n}
        for (c, d, k, s), n in sorted(groups.items(), key=lambda kv: tuple(x or "" for x in kv[0]))
    ]


def suppress(row: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    """A count from one to four becomes null; a row whose main count is under five keeps
    none of its counts and says ``suppressed``."""
    spec = DATASETS[dataset]
    names = [f.name for f in spec.figures if f.count]
    small = row.get(PRIMARY[dataset], 0) < K
    out = dict(row)
    for name in names:
        value = out.get(name)
        if small or (value is not None and 0 < value < K):
            out[name] = None
    out["suppressed"] = small
    return out


def rules(terms: Terms) -> dict[str, str]:
    """The allow-list: the header, the row's place and what the agreement lists."""
    allowed = {name: "keep" for name in HEADER}
    allowed["rows.community_id"] = "keep"
    allowed["rows.division_code"] = "keep"  # the community's GB/T 2260 code: a place
    allowed["rows.suppressed"] = "keep"
    if terms.dataset in (Dataset.CASES, Dataset.ALARMS):
        allowed["rows.day"] = "keep"
    elif terms.aggregation == Aggregation.BUILDING:
        allowed["rows.building_id"] = "keep"
    for name in terms.fields:
        allowed[f"rows.{name}"] = "keep"
    return allowed


def record(
    terms: Terms,
    period: Period,
    rows: list[dict[str, Any]],
    at: datetime,
    divisions: Mapping[str, str] | None = None,
) -> EventData:
    """The record as it leaves: each row with its community's GB/T 2260 division code
    (``divisions``, where known), suppressed, then only what the allow-list keeps."""
    codes = divisions or {}
    kept = [
        suppress({**row, "division_code": codes.get(row["community_id"])}, terms.dataset)
        for row in rows
    ]
    raw = {
        "record_id": f"{terms.agreement_id}:{terms.dataset.value}:{period.key}",
        "recipient": terms.recipient,
        "agreement_id": terms.agreement_id,
        "dataset": terms.dataset.value,
        "period": period.key,
        "aggregation": (
            Aggregation.COMMUNITY.value
            if terms.dataset in (Dataset.CASES, Dataset.ALARMS)
            else terms.aggregation.value
        ),
        "grade": terms.grade,
        "fields": list(terms.fields),
        "suppressed": sum(1 for row in kept if row["suppressed"]),
        "built_at": at,
        "rows": kept,
    }
    return MODELS[terms.dataset].model_validate(desensitise(raw, rules(terms), unlisted="drop"))


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the record's canonical JSON."""
    return hashlib.sha256(canonical(content)).hexdigest()


def rows_of(content: dict[str, Any]) -> int:
    return len(content.get("rows", []))
