"""Public health (6.1.1 d): the health-incident register, detections from edge AI cameras
and thermometers, home isolation watched by door contacts, statistics per period (pure).

- An incident (a case of infectious disease, food poisoning, another community health
  event) is registered against a place, moves open → controlled → closed, and keeps an
  append-only list of the measures taken.
- A detection is a device's report of a person without a mask (``noMask``) or with a
  fever (``bodyTemperature`` ≥ 37.3 ℃, from an edge AI camera or a thermometer gate),
  recorded against the device's place and time. The alarm service's rules raise the alarm
  from the same reading; here they are counted.
- A home isolation names a household's door contacts and a period; a door opening during
  it tells the responsible grid worker and doctor, at most once per ``quiet`` interval.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

FEVER_C = 37.3
SHANGHAI = ZoneInfo("Asia/Shanghai")


class HealthError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


class IncidentKind(StrEnum):
    INFECTIOUS = "infectious"
    FOOD_POISONING = "food_poisoning"
    OTHER = "other"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CONTROLLED = "controlled"
    CLOSED = "closed"


@dataclass(frozen=True)
class Measure:
    at: datetime
    by: str
    text: str


@dataclass(frozen=True)
class Incident:
    id: str
    kind: IncidentKind
    title: str  # 流感聚集性病例 / 诺如病毒感染
    community_id: str
    building_id: str | None
    reported_at: datetime
    cases: int = 1
    status: IncidentStatus = IncidentStatus.OPEN
    measures: tuple[Measure, ...] = ()
    closed_at: datetime | None = None


def add_measure(incident: Incident, at: datetime, by: str, text: str) -> Incident:
    if incident.status is IncidentStatus.CLOSED:
        raise HealthError(
            "care.incident_closed", "事件已结案，不能再添加措施。", "The incident is closed."
        )
    if not text.strip():
        raise HealthError("care.measure_empty", "请填写采取的措施。", "Describe the measure taken.")
    return replace(incident, measures=(*incident.measures, Measure(at, by, text.strip())))


_INCIDENT_NEXT = {
    IncidentStatus.OPEN: {IncidentStatus.CONTROLLED, IncidentStatus.CLOSED},
    IncidentStatus.CONTROLLED: {IncidentStatus.CLOSED, IncidentStatus.OPEN},
}


def set_status(incident: Incident, to: IncidentStatus, at: datetime) -> Incident:
    if to not in _INCIDENT_NEXT.get(incident.status, set()):
        raise HealthError(
            "care.incident_transition", "事件当前状态不能进行此操作。",
            "The incident cannot move that way from where it is.",
        )  # fmt: skip
    if to is IncidentStatus.CLOSED and not incident.measures:
        raise HealthError(
            "care.incident_no_measures", "结案前请记录采取的措施。",
            "Record the measures taken before closing.",
        )  # fmt: skip
    return replace(incident, status=to, closed_at=at if to is IncidentStatus.CLOSED else None)


class DetectionKind(StrEnum):
    NO_MASK = "no_mask"
    FEVER = "fever"


@dataclass(frozen=True)
class Detection:
    kind: DetectionKind
    device_id: str
    community_id: str
    building_id: str | None
    at: datetime
    value: float | None = None


def detections(
    device_id: str,
    community_id: str,
    building_id: str | None,
    values: Mapping[str, object],
    at: datetime,
) -> list[Detection]:
    """What a device report says about public health (nothing for other keys)."""
    out = []
    if values.get("noMask") is True:
        out.append(Detection(DetectionKind.NO_MASK, device_id, community_id, building_id, at))
    t = values.get("bodyTemperature")
    if isinstance(t, int | float) and not isinstance(t, bool) and t >= FEVER_C:
        out.append(
            Detection(DetectionKind.FEVER, device_id, community_id, building_id, at, float(t))
        )
    return out


@dataclass(frozen=True)
class Isolation:
    id: str
    person_id: str
    household_id: str
    door_devices: frozenset[str]
    start: datetime
    end: datetime
    grid_worker: str
    doctor: str | None = None
    last_told_at: datetime | None = None
    quiet: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise HealthError(
                "care.isolation_period", "居家隔离结束时间须晚于开始时间。",
                "An isolation must end after it starts.",
            )  # fmt: skip
        if not self.door_devices:
            raise HealthError(
                "care.isolation_no_door", "请绑定门磁设备。", "Bind at least one door contact."
            )


def door_event(
    iso: Isolation, device_id: str, opened: bool, at: datetime
) -> tuple[Isolation, bool]:
    """(new state, whether to tell the grid worker and doctor)."""
    if device_id not in iso.door_devices or not opened or not iso.start <= at < iso.end:
        return iso, False
    if iso.last_told_at is not None and at - iso.last_told_at < iso.quiet:
        return iso, False
    return replace(iso, last_told_at=at), True


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def bucket(at: datetime, period: Period, tz: ZoneInfo = SHANGHAI) -> date:
    d = at.astimezone(tz).date()
    if period is Period.WEEK:
        return d - timedelta(days=d.weekday())
    if period is Period.MONTH:
        return d.replace(day=1)
    return d


def statistics(
    incidents: Iterable[Incident],
    found: Iterable[Detection],
    period: Period,
    tz: ZoneInfo = SHANGHAI,
) -> dict[date, dict[str, int]]:
    """Counts per period start: incidents by kind (and their cases), detections by kind."""
    out: dict[date, Counter[str]] = {}
    for i in incidents:
        c = out.setdefault(bucket(i.reported_at, period, tz), Counter())
        c[f"incident_{i.kind}"] += 1
        c["cases"] += i.cases
    for d in found:
        out.setdefault(bucket(d.at, period, tz), Counter())[f"detection_{d.kind}"] += 1
    return {k: dict(v) for k, v in sorted(out.items())}
