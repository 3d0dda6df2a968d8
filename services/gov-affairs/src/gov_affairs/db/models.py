"""Tables of gov-affairs (phase A draft of the first slices: hall, approvals, certificates,
welfare, notices, population flags). Personal data is encrypted (``EncryptedString``) with a
blind index where it must be found; the domain's pydantic objects (an approval run, a
service item) are stored as JSON beside the columns the service queries.

The place directory (households, building grids, grants) is ``sc_core.places``'.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
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
metadata = Base.metadata
# households and grids for scope; grants to find who signs for a role over a place
PLACES = place_tables(metadata, grants=True, names=True)  # texts name the applicant's flat
Place = String(64)
Account = String(64)
Money = Numeric(12, 2)


# --- the service hall ---------------------------------------------------------------------


class ServiceItemRow(Base):
    """One version of a service (事项) of a community; an edit adds a version, and an
    application keeps the version it was made under."""

    __tablename__ = "service_items"
    __table_args__ = (UniqueConstraint("community_id", "code", "version"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    item: Mapped[dict[str, Any]] = mapped_column(JSONB)  # ServiceItem.model_dump(mode="json")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_community_status", "community_id", "status"),
        Index("ix_applications_applicant", "applicant_id", "submitted_at"),
        Index("ix_applications_subject", "subject_idx"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # GA-2026-000123
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_items.id"))
    item_code: Mapped[str] = mapped_column(String(60))
    item_version: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    unit_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    applicant_id: Mapped[str] = mapped_column(Account)
    # the form's answers (ID numbers, phones, accounts): encrypted JSON, found by the
    # subject's ID number through its blind index
    data: Mapped[str] = mapped_column(EncryptedString(context="application.data"))
    subject_idx: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    instant: Mapped[bool] = mapped_column(Boolean, default=False)
    materials: Mapped[dict[str, list[str]]] = mapped_column(JSONB, default=dict)
    requests: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    run: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # engine.Approval
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ApprovalTaskRow(Base):
    """One task of an approval run, kept in step with the run's JSON in the same
    transaction: "what waits for me" and the overdue sweep are indexed queries."""

    __tablename__ = "approval_tasks"
    __table_args__ = (
        UniqueConstraint("application_id", "task_id"),
        Index("ix_approval_tasks_assignee", "assignee_id", "status"),
        Index("ix_approval_tasks_due", "due_at", postgresql_where=text("status = 'pending'")),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"))
    task_id: Mapped[str] = mapped_column(String(80))  # "<step>.<round>.<n>"
    step: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[str] = mapped_column(Account)
    status: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[str] = mapped_column(Place)
    due_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()


class ApplicationFileRow(Base):
    """A file uploaded for a material (an ID card, a household register: sensitive), kept
    here encrypted (base64 inside the AES-GCM token; a few MB at most)."""

    __tablename__ = "application_files"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[str] = mapped_column(Account, index=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    material: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(EncryptedString(context="application_file.content"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateRow(Base):
    __tablename__ = "certificates"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id"), unique=True
    )
    community_id: Mapped[str] = mapped_column(Place)
    holder_id: Mapped[str] = mapped_column(Account, index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # what the public check shows, and nothing more, in plain columns
    title_zh: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(200))
    holder_masked: Mapped[str] = mapped_column(String(40))
    issuer_zh: Mapped[str] = mapped_column(String(120))
    issuer_en: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    # the whole printed content (the holder's name) for re-rendering the PDF: encrypted
    content: Mapped[str] = mapped_column(EncryptedString(context="certificate.content"))


# --- welfare ------------------------------------------------------------------------------


class ProgrammeRow(Base):
    __tablename__ = "welfare_programmes"
    __table_args__ = (UniqueConstraint("community_id", "code", "version"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    programme: Mapped[dict[str, Any]] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WelfarePersonRow(Base):
    """A person in the welfare register: everything about them is sensitive."""

    __tablename__ = "welfare_people"
    __table_args__ = (UniqueConstraint("community_id", "id_number_idx"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    name: Mapped[str] = mapped_column(EncryptedString(context="welfare.name"))
    id_number: Mapped[str] = mapped_column(EncryptedString(context="welfare.id_number"))
    id_number_idx: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="welfare.phone"))
    # disability certificate number, category and grade (health data): encrypted JSON
    disability: Mapped[str | None] = mapped_column(EncryptedString(context="welfare.disability"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BeneficiaryRow(Base):
    __tablename__ = "beneficiaries"
    __table_args__ = (
        Index(
            "uq_beneficiaries_open",
            "person_id",
            "programme",
            unique=True,
            postgresql_where=text("status <> 'ended'"),
        ),
        Index("ix_beneficiaries_grid", "grid_id", "programme", "status"),
        Index("ix_beneficiaries_community", "community_id", "programme", "status"),
        Index("ix_beneficiaries_review", "next_review_on"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("welfare_people.id"))
    programme: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("applications.id"))
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    status: Mapped[str] = mapped_column(String(16))
    since: Mapped[date] = mapped_column(Date)
    monthly_amount: Mapped[Decimal | None] = mapped_column(Money)
    next_review_on: Mapped[date | None] = mapped_column(Date)


class ReviewRow(Base):
    __tablename__ = "welfare_reviews"
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    beneficiary_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(Account)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    monthly_amount: Mapped[Decimal | None] = mapped_column(Money)


class PaymentRow(Base):
    """A month's payment; the unique key is what makes "never twice" hold under retries."""

    __tablename__ = "welfare_payments"
    __table_args__ = (UniqueConstraint("beneficiary_id", "month"),)
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    beneficiary_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("beneficiaries.id"))
    month: Mapped[str] = mapped_column(String(7))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))


class DisabilityRecordRow(Base):
    """A registered disability certificate (残疾人证): the number, category and grade live
    encrypted in the person's ``welfare_people.disability``; here only the place, validity
    and who changed it last."""

    __tablename__ = "disability_records"
    __table_args__ = (
        UniqueConstraint("person_id"),
        Index("ix_disability_records_place", "community_id", "grid_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("welfare_people.id"))
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    valid_until: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    registered_by: Mapped[str] = mapped_column(Account)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(Account)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssistiveDeviceRow(Base):
    """An assistive device (辅助器具) applied for by a registered holder: approved or
    refused, then issued for good or lent and returned."""

    __tablename__ = "assistive_devices"
    __table_args__ = (
        Index("ix_assistive_devices_place", "community_id", "status"),
        Index("ix_assistive_devices_applicant", "applicant_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disability_records.id"), index=True)
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    applicant_id: Mapped[str] = mapped_column(Account)
    device_type: Mapped[str] = mapped_column(String(24))
    # why it is needed may describe the person's condition (health data): encrypted
    reason: Mapped[str] = mapped_column(EncryptedString(context="welfare.device_reason"))
    status: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str | None] = mapped_column(String(8))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(Account)
    issued_on: Mapped[date | None] = mapped_column(Date)
    replace_by: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- notices ------------------------------------------------------------------------------

NEWEST = "COALESCE(published_at, created_at) DESC"


class NoticeRow(Base):
    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_community_status", "community_id", "status", "published_at"),
        # the staff's list, newest first: the pinned ones apart, then the rest (migration 0028)
        Index("ix_notices_community_newest", "community_id", text(NEWEST), "id"),
        Index(
            "ix_notices_community_pinned",
            "community_id",
            text(NEWEST),
            "id",
            postgresql_where=text("pinned"),
        ),
        # a staff role's board: the notices for that role (migration 0029, with statistics
        # on jsonb_array_length(roles) for the resident side's)
        Index("ix_notices_roles", "roles", postgresql_using="gin"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(String(200))
    body_en: Mapped[str | None] = mapped_column(Text)
    roles: Mapped[list[str]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str] = mapped_column(Account)
    approved_by: Mapped[str | None] = mapped_column(Account)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned_until: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    attachments: Mapped[list[str]] = mapped_column(JSONB, default=list)
    rejection: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(24), server_default="general")
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NoticePlaceRow(Base):
    """The places a notice is for: a resident's places match them in one indexed query."""

    __tablename__ = "notice_places"
    __table_args__ = (Index("ix_notice_places_place", "place_type", "place_id"),)
    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    place_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    place_id: Mapped[str] = mapped_column(Place, primary_key=True)


class NoticeReadRow(Base):
    __tablename__ = "notice_reads"
    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(Account, primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- population checks --------------------------------------------------------------------


class SightingRow(Base):
    """One unidentified passer's passages in one community on one Beijing day; the key (a
    face template id or card number) is kept as a blind index and encrypted."""

    __tablename__ = "sightings"
    community_id: Mapped[str] = mapped_column(Place, primary_key=True)
    key_idx: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(EncryptedString(context="sighting.key"))
    count: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    doors: Mapped[list[str]] = mapped_column(JSONB, default=list)


class FlagRow(Base):
    __tablename__ = "population_flags"
    __table_args__ = (
        Index(
            "uq_population_flags_open",
            "community_id",
            "kind",
            "key_idx",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
        ),
        Index("ix_population_flags_status", "community_id", "status"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    kind: Mapped[str] = mapped_column(String(32))
    key_idx: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(32))
    # an absent resident's flag: who and where (ids only, from identity's events)
    person_id: Mapped[str | None] = mapped_column(Account)
    household_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str | None] = mapped_column(Place)
    assignee: Mapped[str | None] = mapped_column(Account)  # who works it now
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# the votes tables live in their own module, on this metadata
from gov_affairs.db import activity_reminders as _activity_reminders  # noqa: E402, F401
from gov_affairs.db import alterations as _alterations  # noqa: E402, F401
from gov_affairs.db import city_tasks as _city_tasks  # noqa: E402, F401
from gov_affairs.db import exchange as _exchange  # noqa: E402, F401
from gov_affairs.db import hotline as _hotline  # noqa: E402, F401
from gov_affairs.db import legal as _legal  # noqa: E402, F401
from gov_affairs.db import organisations as _organisations  # noqa: E402, F401
from gov_affairs.db import party as _party  # noqa: E402, F401
from gov_affairs.db import population as _population  # noqa: E402, F401
from gov_affairs.db import training as _training  # noqa: E402, F401
from gov_affairs.db import volunteers as _volunteers  # noqa: E402, F401
from gov_affairs.db import votes as _votes  # noqa: E402, F401
