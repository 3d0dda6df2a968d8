"""Every table of care's database, on one ``metadata`` (Alembic's target): its own, the
platform's outbox and inbox, and the place directory (:mod:`sc_core.places`).

Health data is sensitive personal information: names, birth dates, addresses, values,
ranges, visit notes are ``EncryptedString`` (AES-GCM, rotatable keys); what stays clear
is what scope checks and ordering need (ids, kinds, times, statuses)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, DateTime, Double, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sc_core.db.tables import new_metadata, platform_tables
from sc_core.places import place_tables
from sc_core.privacy import EncryptedString


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


platform_tables(Base.metadata)
PLACES = place_tables(Base.metadata, names=True, points=True)  # names: issue 18; points: CAP
metadata = Base.metadata
Id = String(64)
Account = String(128)


class CarePerson(Base):
    """A person with a care record (健康档案): an elder, a child, anyone the health station
    keeps a record for. ``id`` is identity's person id when they have one."""

    __tablename__ = "care_persons"
    __table_args__ = (
        # "whose guardian am I" (guardians @> [account]): a GIN index, not a scan (ADR 0061)
        Index(
            "ix_care_persons_guardians",
            "guardians",
            postgresql_using="gin",
            postgresql_ops={"guardians": "jsonb_path_ops"},
        ),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    building_id: Mapped[str | None] = mapped_column(Id)
    room_id: Mapped[str | None] = mapped_column(Id)
    household_id: Mapped[str | None] = mapped_column(Id, index=True)
    user_id: Mapped[str | None] = mapped_column(Account, index=True)
    name: Mapped[str] = mapped_column(EncryptedString(context="care_person.name"))
    birth_date: Mapped[str] = mapped_column(EncryptedString(context="care_person.birth_date"))
    gender: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(EncryptedString(context="care_person.address"))
    guardians: Mapped[list[str]] = mapped_column(JSONB, default=list)
    has_capacity: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentGrant(Base):
    """A person's (or guardian's) consent for a grantee to read parts of the record."""

    __tablename__ = "care_grants"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    grantee: Mapped[str] = mapped_column(Account, index=True)
    relation: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JSONB)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by: Mapped[str] = mapped_column(Account)
    granted_as: Mapped[str] = mapped_column(String(16))
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeviceBinding(Base):
    """A wearable or home monitor worn or used by one person."""

    __tablename__ = "care_device_bindings"
    device_id: Mapped[str] = mapped_column(Id, primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    bound_by: Mapped[str] = mapped_column(Account)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)


class VitalRow(Base):
    __tablename__ = "care_vitals"
    __table_args__ = (Index("ix_care_vitals_person_time", "person_id", "measured_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id)
    community_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(24))
    values: Mapped[str] = mapped_column(EncryptedString(context="care_vital.values"))
    recorded_unit: Mapped[str | None] = mapped_column(String(16))
    measured_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(8))
    device_id: Mapped[str | None] = mapped_column(Id)
    recorded_by: Mapped[str | None] = mapped_column(Account)
    # a device's reading of a kind at an instant is stored once (redelivery, retries)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThresholdRow(Base):
    """A doctor's range for one person and kind (defaults by age are not stored)."""

    __tablename__ = "care_thresholds"
    person_id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    ranges: Mapped[str] = mapped_column(EncryptedString(context="care_threshold.ranges"))
    set_by: Mapped[str] = mapped_column(Account)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class EpisodeRow(Base):
    """A breach episode; at most one open per person and kind (the partial unique index)."""

    __tablename__ = "care_episodes"
    __table_args__ = (
        Index(
            "ux_care_episodes_open",
            "person_id",
            "kind",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    direction: Mapped[str] = mapped_column(String(8))
    opened_at: Mapped[datetime]
    last_breach_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    first_values: Mapped[str] = mapped_column(EncryptedString(context="care_episode.first"))
    worst_values: Mapped[str] = mapped_column(EncryptedString(context="care_episode.worst"))
    readings: Mapped[int] = mapped_column(Integer, default=1)
    range_text: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    closed_at: Mapped[datetime | None]


class WatchRow(Base):
    """A person living alone watched through their home's water and electricity use."""

    __tablename__ = "care_watch"
    person_id: Mapped[str] = mapped_column(Id, primary_key=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    building_id: Mapped[str | None] = mapped_column(Id)
    room_id: Mapped[str] = mapped_column(Id, index=True)
    household_id: Mapped[str | None] = mapped_column(Id)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeterSampleRow(Base):
    """A meter's cumulative counter in a watched home (kept ``meter_sample_retention_days``)."""

    __tablename__ = "care_meter_samples"
    room_id: Mapped[str] = mapped_column(Id, primary_key=True)
    utility: Mapped[str] = mapped_column(String(16), primary_key=True)
    ts: Mapped[datetime] = mapped_column(primary_key=True)
    counter: Mapped[float] = mapped_column(Double)
    device_id: Mapped[str] = mapped_column(Id)


class AnomalyRow(Base):
    __tablename__ = "care_anomalies"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    community_id: Mapped[str] = mapped_column(Id)
    building_id: Mapped[str | None] = mapped_column(Id)
    household_id: Mapped[str | None] = mapped_column(Id)
    rule: Mapped[str] = mapped_column(String(16))
    utility: Mapped[str] = mapped_column(String(16))
    day: Mapped[str] = mapped_column(String(10))
    detected_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    visit_id: Mapped[uuid.UUID | None]


class VisitRow(Base):
    """A home, follow-up or check-on visit. A check-on visit is for the grid workers of
    ``grid_id`` until one of them records it (``assignee`` then)."""

    __tablename__ = "care_visits"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    building_id: Mapped[str | None] = mapped_column(Id)
    grid_id: Mapped[str | None] = mapped_column(Id, index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(Account, index=True)
    assignee_name: Mapped[str | None] = mapped_column(String(64))  # as the person knows them
    due: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    reason: Mapped[str | None] = mapped_column(EncryptedString(context="care_visit.reason"))
    rule: Mapped[str | None] = mapped_column(String(16))
    anomaly_key: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    record: Mapped[str | None] = mapped_column(EncryptedString(context="care_visit.record"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SafeZoneRow(Base):
    """A person's safe zone (where their wearable may be without anyone being told) and
    where the last position left them. The zone's geometry is whereabouts: encrypted."""

    __tablename__ = "care_safe_zones"
    person_id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    geometry: Mapped[str] = mapped_column(EncryptedString(context="care_safe_zone.geometry"))
    exit_margin_m: Mapped[float] = mapped_column(Double, default=50.0)
    return_margin_m: Mapped[float] = mapped_column(Double, default=20.0)
    outside: Mapped[bool | None] = mapped_column(Boolean)
    last_at: Mapped[datetime | None]
    since: Mapped[datetime | None]
    distance_m: Mapped[float | None] = mapped_column(Double)
    excursion_id: Mapped[str | None] = mapped_column(String(64))
    set_by: Mapped[str] = mapped_column(Account)


class SlotRow(Base):
    """An appointment slot (号源) a doctor published at the community health station."""

    __tablename__ = "care_slots"
    __table_args__ = (Index("ix_care_slots_community_start", "community_id", "start"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id)
    doctor_id: Mapped[str] = mapped_column(Account, index=True)
    doctor_name: Mapped[str] = mapped_column(String(64))
    station: Mapped[str] = mapped_column(String(64))
    room: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime]
    end: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BookingRow(Base):
    """A person's booking of a slot. At most one active booking per person, doctor and
    local day (the partial unique index holds it under concurrent requests too);
    ``reminded`` lists the reminders sent (hours before the start)."""

    __tablename__ = "care_bookings"
    __table_args__ = (
        Index(
            "ux_care_bookings_person_doctor_day",
            "person_id",
            "doctor_id",
            "day",
            unique=True,
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_care_bookings_status_start", "status", "start"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slot_id: Mapped[uuid.UUID] = mapped_column(index=True)
    community_id: Mapped[str] = mapped_column(Id)
    doctor_id: Mapped[str] = mapped_column(Account, index=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    booked_by: Mapped[str] = mapped_column(Account)
    start: Mapped[datetime]
    day: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default="booked")
    reminded: Mapped[list[int]] = mapped_column(JSONB, default=list)
    cancelled_by: Mapped[str | None] = mapped_column(Account)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentRow(Base):
    """A questionnaire (量表) a doctor sent to a person, and once answered its answers and
    result (score, band, flags): health data, encrypted; what stays clear is what lists
    and scope need (ids, the scale, the times, the status)."""

    __tablename__ = "care_assessments"
    __table_args__ = (
        Index("ix_care_assessments_person_scale", "person_id", "questionnaire", "sent_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id)
    community_id: Mapped[str] = mapped_column(Id)
    questionnaire: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16))
    sent_by: Mapped[str] = mapped_column(Account, index=True)
    sender_name: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="sent")
    answers: Mapped[str | None] = mapped_column(EncryptedString(context="care_assessment.answers"))
    result: Mapped[str | None] = mapped_column(EncryptedString(context="care_assessment.result"))
    answered_by: Mapped[str | None] = mapped_column(Account)
    answered_at: Mapped[datetime | None]


class MedicationRow(Base):
    """A medicine on a person's current medication list (set whole by their doctor)."""

    __tablename__ = "care_medications"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(EncryptedString(context="care_medication.name"))
    dosage: Mapped[str | None] = mapped_column(EncryptedString(context="care_medication.dosage"))
    set_by: Mapped[str] = mapped_column(Account)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class MedicineRequestRow(Base):
    """A medicine home-delivery request (送药上门), handled by the health station's staff."""

    __tablename__ = "care_medicine_requests"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    medicines: Mapped[str] = mapped_column(EncryptedString(context="care_medicine.medicines"))
    address: Mapped[str] = mapped_column(EncryptedString(context="care_medicine.address"))
    note: Mapped[str | None] = mapped_column(EncryptedString(context="care_medicine.note"))
    requested_by: Mapped[str] = mapped_column(Account)
    status: Mapped[str] = mapped_column(String(24), default="requested")
    handled_by: Mapped[str | None] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class NurseryRow(Base):
    """A community nursery (托育园) with its opening hours in the community's time zone."""

    __tablename__ = "care_nurseries"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(64))
    opens: Mapped[str] = mapped_column(String(5))  # "07:30"
    closes: Mapped[str] = mapped_column(String(5))  # "17:30"
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NurseryClassRow(Base):
    """A class of a nursery (小一班) with its capacity and cameras."""

    __tablename__ = "care_nursery_classes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    nursery_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    camera_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChildRow(Base):
    """A child (a care person under 7) enrolled in a class, with the guardians who may
    drop off, pick up and authorise (``guardians``: user_id, relation, can_pick_up,
    can_authorise)."""

    __tablename__ = "care_children"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, unique=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    nursery_id: Mapped[uuid.UUID] = mapped_column(index=True)
    class_id: Mapped[uuid.UUID] = mapped_column(index=True)
    guardians: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    guardian_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    enrolled_by: Mapped[str] = mapped_column(Account)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChildDayRow(Base):
    """A child's day at the nursery: check-in, check-out, a fever at the door, the one
    not-picked-up alert."""

    __tablename__ = "care_child_days"
    child_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    nursery_id: Mapped[uuid.UUID] = mapped_column(index=True)
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[str | None] = mapped_column(Account)
    temperature: Mapped[float | None] = mapped_column(Double)
    checked_out_at: Mapped[datetime | None]
    checked_out_by: Mapped[str | None] = mapped_column(Account)
    fever_told: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue_told: Mapped[bool] = mapped_column(Boolean, default=False)
    refused_at: Mapped[datetime | None]


class CheckinCodeRow(Base):
    """A used one-time check-in QR code (its ``jti``): the same code twice is refused."""

    __tablename__ = "care_checkin_codes"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    child_id: Mapped[uuid.UUID]
    used_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChildNoteRow(Base):
    """A note on a child's day by the nursery's staff (meal, nap, mood, activity,
    incident); an incident tells the guardians."""

    __tablename__ = "care_child_notes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    child_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(EncryptedString(context="care_child_note.text"))
    author: Mapped[str] = mapped_column(Account)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class VideoGrantRow(Base):
    """A guardian's time-boxed grant to watch one camera of the child's class."""

    __tablename__ = "care_video_grants"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    child_id: Mapped[uuid.UUID] = mapped_column(index=True)
    community_id: Mapped[str] = mapped_column(Id)
    camera_id: Mapped[str] = mapped_column(String(64))
    grantee: Mapped[str] = mapped_column(Account, index=True)
    granted_by: Mapped[str] = mapped_column(Account)
    start: Mapped[datetime]
    end: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AidPointRow(Base):
    """An AED or first-aid point (AED 与急救点) on the community's map."""

    __tablename__ = "care_aid_points"
    __table_args__ = (Index("ix_care_aid_points_lat_lng", "lat", "lng"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float] = mapped_column(Double)
    lng: Mapped[float] = mapped_column(Double)
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    opens: Mapped[str | None] = mapped_column(String(5))
    closes: Mapped[str | None] = mapped_column(String(5))
    updated_by: Mapped[str] = mapped_column(Account)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FallRow(Base):
    """A fall the alarm service raised for a person's wearable (or for the person), on
    their record: one row per alarm, its steps (seen again, acknowledged, cleared and
    judged) kept current. Read through consent on vitals."""

    __tablename__ = "care_falls"
    alarm_id: Mapped[str] = mapped_column(Id, primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    community_id: Mapped[str] = mapped_column(Id)
    device_id: Mapped[str | None] = mapped_column(Id)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))  # active | acknowledged | cleared
    false_alarm: Mapped[bool | None] = mapped_column(Boolean)
    cleared_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthIncidentRow(Base):
    """A community health incident (公共卫生事件: infectious disease cases, food poisoning,
    other health events): sensitive, its title and detail encrypted; the measures taken are
    an append-only list (:class:`HealthMeasureRow`)."""

    __tablename__ = "care_health_incidents"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    building_id: Mapped[str | None] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(EncryptedString(context="care_health_incident.title"))
    detail: Mapped[str | None] = mapped_column(
        EncryptedString(context="care_health_incident.detail")
    )
    cases: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime]
    reported_by: Mapped[str] = mapped_column(Account)
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthMeasureRow(Base):
    __tablename__ = "care_health_measures"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    incident_id: Mapped[uuid.UUID] = mapped_column(index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(Account)
    text: Mapped[str] = mapped_column(EncryptedString(context="care_health_measure.text"))


class HealthDetectionRow(Base):
    """A no-mask or fever detection of an edge AI camera or thermometer gate, against the
    device's place and time (no person: the device does not say who)."""

    __tablename__ = "care_health_detections"
    __table_args__ = (
        Index("uq_care_health_detections_once", "device_id", "kind", "at", unique=True),
        Index("ix_care_health_detections_community_at", "community_id", "at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str] = mapped_column(Id)
    device_type: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[str] = mapped_column(Id)
    building_id: Mapped[str | None] = mapped_column(Id)
    at: Mapped[datetime]
    value: Mapped[float | None] = mapped_column(Double)


class IsolationRow(Base):
    """A home isolation (居家隔离) watched by the home's door contacts: a door opened during
    the period tells the responsible grid worker and doctor once per opening."""

    __tablename__ = "care_isolations"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    building_id: Mapped[str | None] = mapped_column(Id)
    household_id: Mapped[str | None] = mapped_column(Id)
    door_devices: Mapped[list[str]] = mapped_column(JSONB)
    start: Mapped[datetime]
    end: Mapped[datetime]
    grid_worker: Mapped[str] = mapped_column(Account)
    doctor: Mapped[str | None] = mapped_column(Account)
    open_doors: Mapped[list[str]] = mapped_column(JSONB, default=list)
    openings: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# the elderly services' tables (issue 32 item 6) live beside, on the same metadata
from care.db import elderly_models as _elderly_models  # noqa: E402, F401
from care.db import venue_models as _venue_models  # noqa: E402, F401  (same metadata)
from care.db import warning_models as _warning_models  # noqa: E402, F401  (same metadata)
