"""Care: vitals, breaches of a person's ranges, lone-elder anomalies, wandering, visits,
childcare check-in/out; and their desensitised variant for readers outside the platform.

The ``care.vitals.v1``, ``care.alerts.v1``, ``care.visits.v1`` and ``care.childcare.v1``
topics are for the platform's own services: they carry person ids and values, never names,
phones or positions. ``care.exchange.v1`` is what city and district platforms read: a
keyed pseudonym instead of the person, a ten-year age band, the community, the hour and
what happened, never a value.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class VitalKind(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    HEART_RATE = "heart_rate"
    GLUCOSE = "glucose"
    SPO2 = "spo2"
    TEMPERATURE = "temperature"
    WEIGHT = "weight"


class VitalSource(StrEnum):
    MANUAL = "manual"
    DEVICE = "device"


class VitalsRecordedV1(EventData):
    """A vital-sign reading was recorded for a person (by hand or from a device)."""

    reading_id: str = Field(max_length=64, min_length=1, description="Id of the reading.")
    person_id: str = Field(max_length=64, min_length=1, description="The person (message key).")
    community_id: str = Field(
        max_length=64, min_length=1, description="Community of the person's record."
    )
    kind: VitalKind = Field(description="What was measured.")
    loinc: str = Field(
        max_length=16, min_length=1, description="LOINC code of the observation (panel for BP)."
    )
    values: dict[str, float] = Field(
        description="Values by component (systolic/diastolic, else value), canonical unit."
    )
    unit: str = Field(
        max_length=16, min_length=1, description="UCUM unit of the values, e.g. mm[Hg]."
    )
    measured_at: AwareDatetime = Field(description="When it was measured.")
    source: VitalSource = Field(description="manual or device.")
    device_id: str | None = Field(
        max_length=64, default=None, description="Device that measured it, if any."
    )
    in_range: bool | None = Field(
        default=None, description="Inside the person's range; None when the kind has none."
    )


class Direction(StrEnum):
    LOW = "low"
    HIGH = "high"


class ThresholdBreachedV1(EventData):
    """A reading outside the person's range opened a breach episode (told once)."""

    episode_id: str = Field(max_length=64, min_length=1, description="Id of the episode.")
    person_id: str = Field(max_length=64, min_length=1, description="The person (message key).")
    community_id: str = Field(
        max_length=64, min_length=1, description="Community of the person's record."
    )
    kind: VitalKind = Field(description="What was measured.")
    values: dict[str, float] = Field(description="The values that opened the episode.")
    unit: str = Field(max_length=16, min_length=1, description="UCUM unit of the values.")
    range_text: str = Field(
        max_length=64,
        min_length=1,
        description="The range, e.g. 90-150/60-90 (as the range is written to people).",
    )
    direction: Direction = Field(description="low or high.")
    measured_at: AwareDatetime = Field(description="When the reading was measured.")
    source: VitalSource = Field(description="manual or device.")
    notified_user_ids: list[str] = Field(
        default_factory=list, description="Accounts told, per the person's consent."
    )


class AnomalyRule(StrEnum):
    METER_SILENT = "meter_silent"
    NO_WATER = "no_water"
    UNUSUAL_DAY = "unusual_day"


class AnomalyDetectedV1(EventData):
    """A lone-elder rule fired on a household's water or electricity use; a check-on visit
    was opened for the grid worker."""

    anomaly_id: str = Field(max_length=200, min_length=1, description="household:rule:utility:day.")
    person_id: str = Field(
        max_length=64, min_length=1, description="The person watched (message key)."
    )
    household_id: str = Field(max_length=64, min_length=1, description="Their household.")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    building_id: str | None = Field(max_length=64, default=None, description="Building, if known.")
    rule: AnomalyRule = Field(description="Which rule fired.")
    utility: str = Field(max_length=16, min_length=1, description="water or electricity.")
    day: str = Field(pattern=DATE_PATTERN, description="Local day it concerns, YYYY-MM-DD.")
    detected_at: AwareDatetime = Field(description="When it was detected.")
    hours: float | None = Field(default=None, description="Silent or idle hours.")
    total: float | None = Field(default=None, description="The day's use (unusual_day).")
    usual: float | None = Field(default=None, description="The usual day's use.")
    visit_id: str | None = Field(
        max_length=64, default=None, description="The check-on visit opened."
    )


class WanderingMove(StrEnum):
    LEFT = "left"
    RETURNED = "returned"


class WanderingDetectedV1(EventData):
    """A person's wearable left (or came back into) their safe zone."""

    person_id: str = Field(max_length=64, min_length=1, description="The person (message key).")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    zone_id: str = Field(max_length=64, min_length=1, description="The safe zone.")
    move: WanderingMove = Field(description="left or returned.")
    at: AwareDatetime = Field(description="Time of the position that decided it.")
    distance_m: float = Field(description="Signed distance to the zone's edge (outside > 0).")


class VisitOutcome(StrEnum):
    WELL = "well"
    FALSE_ALARM = "false_alarm"
    NEEDS_HELP = "needs_help"
    UNREACHABLE = "unreachable"


class VisitDoneV1(EventData):
    """A home, follow-up or check-on visit was recorded."""

    visit_id: str = Field(max_length=64, min_length=1, description="Id of the visit (message key).")
    person_id: str = Field(max_length=64, min_length=1, description="The person visited.")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    purpose: str = Field(max_length=16, min_length=1, description="routine, follow_up or check_on.")
    outcome: VisitOutcome = Field(description="What the visit found.")
    assignee: str = Field(max_length=128, min_length=1, description="Account who visited.")
    done_at: AwareDatetime = Field(description="When it was recorded.")
    anomaly_id: str | None = Field(
        max_length=200, default=None, description="The anomaly it checked, if any."
    )


class AppointmentChange(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"  # by the person (or who booked for them)
    STOPPED = "stopped"  # the doctor stopped the slot


class AppointmentChangedV1(EventData):
    """An appointment (挂号) was booked or cancelled, or its slot stopped by the doctor."""

    booking_id: str = Field(max_length=64, min_length=1, description="Id of the booking.")
    person_id: str = Field(max_length=64, min_length=1, description="The person (message key).")
    community_id: str = Field(max_length=64, min_length=1, description="Community of the slot.")
    slot_id: str = Field(max_length=64, min_length=1, description="The slot booked.")
    doctor_id: str = Field(max_length=128, min_length=1, description="Account of the doctor.")
    change: AppointmentChange = Field(description="booked, cancelled or stopped.")
    start: AwareDatetime = Field(description="When the slot starts.")
    at: AwareDatetime = Field(description="When the change happened.")


class AssessmentScoredV1(EventData):
    """A questionnaire (量表) sent to a person was answered and scored; the answers and
    the score stay in care (health data)."""

    assessment_id: str = Field(max_length=64, min_length=1, description="Id of the assessment.")
    person_id: str = Field(max_length=64, min_length=1, description="The person (message key).")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    questionnaire: str = Field(
        pattern=r"^[a-z0-9_]{1,40}$", description="The scale's code, e.g. phq9, barthel."
    )
    sent_by: str = Field(max_length=128, min_length=1, description="Account who sent it.")
    answered_at: AwareDatetime = Field(description="When it was answered.")


class CheckDirection(StrEnum):
    IN = "in"
    OUT = "out"


class ChildCheckedV1(EventData):
    """A child was checked into or out of a nursery by a guardian."""

    child_id: str = Field(max_length=64, min_length=1, description="The child (message key).")
    nursery_id: str = Field(max_length=64, min_length=1, description="Nursery.")
    class_id: str = Field(max_length=64, min_length=1, description="Class.")
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    direction: CheckDirection = Field(description="in or out.")
    guardian_id: str = Field(
        max_length=128, min_length=1, description="Guardian account at the door."
    )
    at: AwareDatetime = Field(description="When.")


class CareFact(StrEnum):
    VITALS_RECORDED = "vitals_recorded"
    THRESHOLD_BREACHED = "threshold_breached"
    ANOMALY_DETECTED = "anomaly_detected"
    WANDERING_DETECTED = "wandering_detected"
    VISIT_DONE = "visit_done"
    CHILD_CHECKED_IN = "child_checked_in"
    CHILD_CHECKED_OUT = "child_checked_out"


class CareFactSharedV1(EventData):
    """The desensitised variant of every care event, for readers outside the platform."""

    ref: str = Field(
        max_length=64, min_length=1, description="Keyed pseudonym of the person (message key)."
    )
    age_band: str = Field(
        max_length=16, min_length=1, description="Ten-year age band, e.g. 70-79, 90+."
    )
    community_id: str = Field(max_length=64, min_length=1, description="Community.")
    fact: CareFact = Field(description="What happened.")
    detail: str | None = Field(
        max_length=64,
        default=None,
        description="Its code: blood_pressure_high, no_water, check_on ...",
    )
    hour: AwareDatetime = Field(description="The hour it happened (minutes dropped).")
