"""Must show: every string a contract carries states its maximum length (issue 18 item 3).

A schema-valid event must never be dead-lettered by a column narrower than the contract:
the contract states the limit its consumers' stores enforce (``max_length``), and each
service's longest-event test (``sc_contracts.longest``, ``feed_longest``) sends values at
that limit through every consumer. This test walks every registered model, the models
nested in it included, and fails on a ``str`` field with neither ``max_length`` nor a
``pattern`` (a pattern fixes the length: dates, codes).

``NOT_YET`` lists the fields that were unbounded when the test came (2026-12-04); each
needs its consumers' columns read before its limit is stated. The list only shrinks: an
entry that is bounded fails the test until it is removed, and a new unbounded field is
never added to it. ``UNBOUNDED`` is for a field that truly has no limit (none today).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from sc_contracts import registry

UNBOUNDED: frozenset[str] = frozenset()

_NOT_YET = """
    AnomalyDetectedV1.anomaly_id
    AnomalyDetectedV1.building_id
    AnomalyDetectedV1.community_id
    AnomalyDetectedV1.household_id
    AnomalyDetectedV1.person_id
    AnomalyDetectedV1.utility
    AnomalyDetectedV1.visit_id
    ApplicationChangedV1.action
    ApplicationChangedV1.actor_id
    ApplicationChangedV1.applicant_id
    ApplicationChangedV1.application_id
    ApplicationChangedV1.building_id
    ApplicationChangedV1.community_id
    ApplicationChangedV1.grid_id
    ApplicationChangedV1.item_code
    ApplicationChangedV1.number
    ApplicationChangedV1.step
    AuditRecordedV1.actor_id
    AuditRecordedV1.community_id
    AuditRecordedV1.request_id
    AuditRecordedV1.resource_id
    AuditRecordedV1.resource_type
    AuditRecordedV1.service
    AuditRecordedV1.source_ip
    AuditRecordedV1.trace_id
    CareFactSharedV1.age_band
    CareFactSharedV1.community_id
    CareFactSharedV1.detail
    CareFactSharedV1.ref
    CertificateIssuedV1.application_id
    CertificateIssuedV1.certificate_id
    CertificateIssuedV1.community_id
    CertificateIssuedV1.holder_id
    CertificateIssuedV1.item_code
    CertificateIssuedV1.number
    ChildCheckedV1.child_id
    ChildCheckedV1.class_id
    ChildCheckedV1.community_id
    ChildCheckedV1.guardian_id
    ChildCheckedV1.nursery_id
    DeviceCommandCompletedV1.error
    DeviceCommandRequestedV1.correlation_id
    ListingChangedV1.building_id
    ListingChangedV1.changed_by
    ListingChangedV1.community_id
    ListingChangedV1.household_id
    ListingChangedV1.listing_id
    ListingChangedV1.room_id
    MerchantChangedV1.category
    MerchantChangedV1.changed_by
    MerchantChangedV1.community_id
    MerchantChangedV1.merchant_id
    MerchantChangedV1.name
    NotificationDeliveredV1.error
    ParkingPassageDecidedV1.community_id
    ParkingPassageDecidedV1.gate_id
    ParkingPassageDecidedV1.lot_id
    ParkingPassageDecidedV1.passage_id
    ParkingPassageDecidedV1.plate
    ParkingPassageDecidedV1.reason
    ParkingPassageDecidedV1.session_id
    ParkingPassageDecidedV1.watch_reason
    ParkingSessionClosedV1.community_id
    ParkingSessionClosedV1.kind
    ParkingSessionClosedV1.lot_id
    ParkingSessionClosedV1.plate
    ParkingSessionClosedV1.session_id
    PassageRecordedV1.card_no
    PassageRecordedV1.community_id
    PassageRecordedV1.device_id
    PassageRecordedV1.door_id
    PassageRecordedV1.face_id
    PassageRecordedV1.pass_id
    PassageRecordedV1.passage_id
    PassageRecordedV1.person_id
    PassageRecordedV1.plate
    PaymentOrderClosedV1.community_id
    PaymentOrderClosedV1.order_id
    PaymentOrderClosedV1.out_trade_no
    PaymentOrderClosedV1.purpose
    PaymentOrderClosedV1.target_id
    PaymentOrderPaidV1.channel
    PaymentOrderPaidV1.community_id
    PaymentOrderPaidV1.household_id
    PaymentOrderPaidV1.order_id
    PaymentOrderPaidV1.out_trade_no
    PaymentOrderPaidV1.payer_account
    PaymentOrderPaidV1.provider
    PaymentOrderPaidV1.purpose
    PaymentOrderPaidV1.target_id
    PaymentOrderPaidV1.trade_no
    PaymentReconciledV1.merchant_id
    PaymentReconciledV1.provider
    PaymentReconciledV1.reconciliation_id
    PaymentRefundedV1.community_id
    PaymentRefundedV1.order_id
    PaymentRefundedV1.out_refund_no
    PaymentRefundedV1.purpose
    PaymentRefundedV1.refund_id
    PaymentRefundedV1.target_id
    RecyclingDropOffRecordedV1.category
    RecyclingDropOffRecordedV1.community_id
    RecyclingDropOffRecordedV1.drop_off_id
    RecyclingDropOffRecordedV1.household_id
    RecyclingDropOffRecordedV1.recorded_by
    RecyclingDropOffRecordedV1.service_point_id
    ServiceBookingRequestedV1.booking_id
    ServiceBookingRequestedV1.building_id
    ServiceBookingRequestedV1.community_id
    ServiceBookingRequestedV1.household_id
    ServiceBookingRequestedV1.merchant_id
    ServiceBookingRequestedV1.point_name
    ServiceBookingRequestedV1.requested_by
    ServiceBookingRequestedV1.service
    ServiceBookingRequestedV1.service_point_id
    ThresholdBreachedV1.community_id
    ThresholdBreachedV1.episode_id
    ThresholdBreachedV1.person_id
    ThresholdBreachedV1.range_text
    ThresholdBreachedV1.unit
    VisitDoneV1.anomaly_id
    VisitDoneV1.assignee
    VisitDoneV1.community_id
    VisitDoneV1.person_id
    VisitDoneV1.purpose
    VisitDoneV1.visit_id
    VitalsRecordedV1.community_id
    VitalsRecordedV1.device_id
    VitalsRecordedV1.loinc
    VitalsRecordedV1.person_id
    VitalsRecordedV1.reading_id
    VitalsRecordedV1.unit
    WanderingDetectedV1.community_id
    WanderingDetectedV1.person_id
    WanderingDetectedV1.zone_id
"""
NOT_YET: frozenset[str] = frozenset(_NOT_YET.split())


def _is_str(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_str(arg) for arg in typing.get_args(annotation))
    return annotation is str


def _nested(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in typing.get_args(annotation):
        found.extend(_nested(arg))
    return found


def _bounded(info: FieldInfo) -> bool:
    return any(
        getattr(meta, "max_length", None) is not None or getattr(meta, "pattern", None)
        for meta in info.metadata
    )


def unbounded_fields(roots: list[type[BaseModel]] | None = None) -> set[str]:
    """``Model.field`` of every str field without a stated length in ``roots`` (every
    registered model by default), nested models included."""
    out: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            for inner in _nested(info.annotation):
                walk(inner)
            if _is_str(info.annotation) and not _bounded(info):
                out.add(f"{model.__name__}.{name}")

    for model in roots if roots is not None else [s.model for s in registry().values()]:
        walk(model)
    return out


def test_every_contract_string_states_its_length() -> None:
    found = unbounded_fields()
    new = found - NOT_YET - UNBOUNDED
    assert not new, f"state a max_length (the consumers' column width) for: {sorted(new)}"
    bounded_now = NOT_YET - found
    assert not bounded_now, f"bounded now, remove from NOT_YET: {sorted(bounded_now)}"


def test_the_walk_finds_an_unbounded_string() -> None:
    """The walk can fail: a model with an unbounded field, nested, is found."""

    class Inner(BaseModel):
        free: str

    class Outer(BaseModel):
        inner: Inner | None = None

    class Bounded(BaseModel):
        code: str = Field(pattern=r"^[a-z]+$")
        name: str = Field(max_length=10)

    assert unbounded_fields([Outer, Bounded]) == {"Inner.free"}
