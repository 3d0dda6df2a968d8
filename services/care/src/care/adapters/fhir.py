"""FHIR R5 resources of a care record, and the per-person Bundle export.

Each part of a record maps to one R5 resource as a plain dict; :func:`export_bundle` puts
a person's into a ``collection`` Bundle and validates it with ``fhir.resources`` (R5
models: types, required elements, formats, unknown fields) before anything leaves. Ids are
UUIDv5 of the record's own ids, so the same record exports the same Bundle; entries refer
to each other by ``urn:uuid:`` full URLs.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from fhir.resources.bundle import Bundle

from care.domain.consent import CATEGORY_NAMES, RELATION_NAMES, Grant
from care.domain.records import (
    Allergy,
    Condition,
    DoctorContract,
    HealthRecord,
    Medication,
    Person,
    VisitKind,
    VisitNote,
)
from care.domain.thresholds import Threshold, assess
from care.domain.vitals import LOINC, SPECS, UCUM, VitalKind, VitalReading, recorded_quantity

NAMESPACE = uuid.UUID("6f1b7c1e-4a55-5d8e-9f6e-3c2a1b0d9e8f")
PERSON_SYSTEM = "urn:smart-community:person"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"


def fhir_id(kind: str, local_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{local_id}"))


def ref(kind: str, local_id: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": f"urn:uuid:{fhir_id(kind, local_id)}"}
    if display:
        out["display"] = display
    return out


def _dt(value: datetime) -> str:
    return value.isoformat()


def _d(value: date) -> str:
    return value.isoformat()


def _cc(text: str, system: str | None = None, code: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text}
    if system and code:
        out["coding"] = [{"system": system, "code": code, "display": text}]
    return out


def _narrative(text: str) -> dict[str, str]:
    body = html.escape(text).replace("\n", "<br/>")
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def patient(p: Person) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": fhir_id("Patient", p.person_id),
        "identifier": [{"system": PERSON_SYSTEM, "value": p.person_id}],
        "name": [{"text": p.name}],
        "gender": p.gender.value,
        "birthDate": _d(p.birth_date),
    }
    if p.address:
        out["address"] = [{"text": p.address}]
    if p.phone:
        out["telecom"] = [{"system": "phone", "value": p.phone, "use": "mobile"}]
    return out


def condition(person_id: str, c: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Condition",
        "id": fhir_id("Condition", c.id),
        "clinicalStatus": _cc(c.status.value, CONDITION_CLINICAL, c.status.value),
        "code": _cc(c.text, ICD10 if c.icd10 else None, c.icd10),
        "subject": ref("Patient", person_id),
    }
    if c.onset:
        out["onsetDateTime"] = _d(c.onset)
    if c.recorded_at:
        out["recordedDate"] = _dt(c.recorded_at)
    if c.note:
        out["note"] = [{"text": c.note}]
    return out


def allergy(person_id: str, a: Allergy) -> dict[str, Any]:
    status = "active" if a.status.value == "active" else "inactive"
    out: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "id": fhir_id("AllergyIntolerance", a.id),
        "clinicalStatus": _cc(status, ALLERGY_CLINICAL, status),
        "category": [a.category],
        "criticality": a.criticality.value,
        "code": _cc(a.substance),
        "patient": ref("Patient", person_id),
    }
    if a.reaction:
        out["reaction"] = [{"manifestation": [{"concept": _cc(a.reaction)}]}]
    return out


def medication(person_id: str, m: Medication) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": fhir_id("MedicationStatement", m.id),
        "status": "recorded",
        "medication": {"concept": _cc(m.name)},
        "subject": ref("Patient", person_id),
    }
    if m.start or m.end:
        out["effectivePeriod"] = {
            k: _d(v) for k, v in (("start", m.start), ("end", m.end)) if v is not None
        }
    if m.dosage:
        out["dosage"] = [{"text": m.dosage}]
    return out


def care_team(person_id: str, c: DoctorContract) -> dict[str, Any]:
    return {
        "resourceType": "CareTeam",
        "id": fhir_id("CareTeam", c.id),
        "status": "active" if c.status.value == "active" else "inactive",
        "name": c.team_name,
        "subject": ref("Patient", person_id),
        "period": {"start": _d(c.start), "end": _d(c.end)},
        "participant": [{"role": _cc(m.role), "member": {"display": m.name}} for m in c.members],
    }


def care_plan(person_id: str, c: DoctorContract) -> dict[str, Any]:
    services = "、".join(c.services)
    out: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": fhir_id("CarePlan", c.id),
        "status": c.status.value,
        "intent": "plan",
        "title": f"家庭医生签约服务（{c.team_name}）",
        "category": [_cc("家庭医生签约服务 / family doctor contract")],
        "subject": ref("Patient", person_id),
        "period": {"start": _d(c.start), "end": _d(c.end)},
        "careTeam": [ref("CareTeam", c.id, c.team_name)],
        "description": f"签约服务：{services}",
    }
    if c.signed_at:
        out["created"] = _dt(c.signed_at)
    return out


def encounter(person_id: str, v: VisitNote) -> dict[str, Any]:
    cls = {VisitKind.CLINIC: "AMB", VisitKind.HOME: "HH", VisitKind.PHONE: "VR"}[v.kind]
    period = {"start": _dt(v.at)} | ({"end": _dt(v.end)} if v.end else {})
    return {
        "resourceType": "Encounter",
        "id": fhir_id("Encounter", v.id),
        "status": "completed",
        "class": [_cc(cls, ACT_CODE, cls)],
        "subject": ref("Patient", person_id),
        "actualPeriod": period,
        "participant": [{"actor": {"display": v.author_name}}],
        "text": _narrative(v.text),
    }


def observation(
    r: VitalReading, threshold: Threshold | None = None, local_id: str | None = None
) -> dict[str, Any]:
    """An Observation in the vital-signs profile's shape; ``threshold`` adds the person's
    reference range and the H/L interpretation."""
    spec = SPECS[r.kind]
    oid = local_id or f"{r.person_id}/{r.kind}/{r.at.isoformat()}"
    out: dict[str, Any] = {
        "resourceType": "Observation",
        "id": fhir_id("Observation", oid),
        "status": "final",
        "category": [_cc(spec.category, OBS_CATEGORY, spec.category)],
        "subject": ref("Patient", r.person_id),
        "effectiveDateTime": _dt(r.at),
    }
    if r.device_id:
        out["device"] = {"display": f"device {r.device_id}"}
    if r.kind is VitalKind.BLOOD_PRESSURE:
        out["code"] = _cc(spec.display, LOINC, spec.loinc)
        out["component"] = [
            {
                "code": _cc(c.name_en, LOINC, c.loinc),
                "valueQuantity": _qty(r.values[c.key], spec.unit, spec.unit_display),
                **_range_of(threshold, c.key, spec.unit, spec.unit_display),
            }
            for c in spec.components
        ]
    else:
        code, value, unit = recorded_quantity(r)
        display = spec.display if code == spec.loinc else "Glucose [Mass/volume] in Blood"
        out["code"] = _cc(display, LOINC, code)
        out["valueQuantity"] = _qty(value, unit, unit)
        if unit == spec.unit:
            out |= _range_of(threshold, "value", spec.unit, spec.unit_display)
    if threshold is not None:
        a = assess(r, threshold)
        flag = {"high": ("H", "High"), "low": ("L", "Low")}.get(a.direction or "", ("N", "Normal"))
        out["interpretation"] = [
            {"coding": [{"system": INTERPRETATION, "code": flag[0], "display": flag[1]}]}
        ]
    return out


def _qty(value: float, code: str, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _range_of(t: Threshold | None, key: str, code: str, unit: str) -> dict[str, Any]:
    rng = t.ranges.get(key) if t else None
    if rng is None:
        return {}
    body = {
        end: _qty(v, code, unit)
        for end, v in (("low", rng.low), ("high", rng.high))
        if v is not None
    }
    return {"referenceRange": [body]}


def consent(person: Person, g: Grant, names: dict[str, str]) -> dict[str, Any]:
    """A grant as an R5 Consent: permit, the grantee as actor, the categories as the
    provision's codes, the period as the provision's and the consent's."""
    rel_zh, rel_en = RELATION_NAMES[g.relation]
    period = {"start": _dt(g.valid_from)} | ({"end": _dt(g.valid_until)} if g.valid_until else {})
    active = g.revoked_at is None
    grantor = (
        ref("Patient", person.person_id, person.name)
        if g.granted_as == "self"
        else {"display": f"{names.get(g.granted_by, '')}（监护人 / guardian）"}
    )
    return {
        "resourceType": "Consent",
        "id": fhir_id("Consent", g.id),
        "status": "active" if active else "inactive",
        "category": [_cc("Patient Consent", LOINC, "59284-0")],
        "subject": ref("Patient", person.person_id, person.name),
        "date": _d(g.valid_from.date()),
        "period": period,
        "grantor": [grantor],
        "grantee": [{"display": f"{names.get(g.grantee, rel_zh)}（{rel_zh} / {rel_en}）"}],
        "decision": "permit",
        "regulatoryBasis": [_cc("《个人信息保护法》第二十八、二十九条 / PIPL art. 28-29")],
        "provision": [
            {
                "period": period,
                "actor": [
                    {"role": _cc(rel_en), "reference": {"display": names.get(g.grantee, rel_zh)}}
                ],
                "action": [_cc("access", CONSENT_ACTION, "access")],
                "code": [
                    _cc(f"{CATEGORY_NAMES[c][0]} / {CATEGORY_NAMES[c][1]}")
                    for c in sorted(g.categories)
                ],
            }
        ],
    }


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def record_resources(record: HealthRecord) -> Iterable[dict[str, Any]]:
    pid = record.person.person_id
    thresholds = {t.kind: t for t in record.thresholds}
    yield patient(record.person)
    yield from (condition(pid, c) for c in record.conditions)
    yield from (allergy(pid, a) for a in record.allergies)
    yield from (medication(pid, m) for m in record.medications)
    for c in record.contracts:
        yield care_team(pid, c)
        yield care_plan(pid, c)
    yield from (encounter(pid, v) for v in record.visits)
    yield from (observation(r, thresholds.get(r.kind)) for r in record.vitals)
    yield from (consent(record.person, g, record.names) for g in record.grants)


def export_bundle(
    record: HealthRecord, at: datetime, extra: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The person's record as a FHIR R5 ``collection`` Bundle, validated; raises
    ``pydantic.ValidationError`` when a resource is not valid R5 (a defect, never data)."""
    entries = [_entry(r) for r in record_resources(record)] + [_entry(r) for r in extra]
    bundle = {
        "resourceType": "Bundle",
        "id": fhir_id("Bundle", f"{record.person.person_id}/{at.isoformat()}"),
        "type": "collection",
        "timestamp": _dt(at),
        "entry": entries,
    }
    Bundle.model_validate(bundle)
    return bundle
