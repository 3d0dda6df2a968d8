"""FHIR R5: each record part maps to its resource; the per-person Bundle validates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.observation import Observation
from pydantic import ValidationError

from care.adapters.fhir import export_bundle, fhir_id, observation
from care.domain.consent import Category, Relation, Subject, new_grant
from care.domain.records import (
    Allergy,
    Condition,
    Criticality,
    DoctorContract,
    Gender,
    HealthRecord,
    Medication,
    Person,
    TeamMember,
    VisitKind,
    VisitNote,
)
from care.domain.thresholds import default_thresholds
from care.domain.vitals import VitalKind, make_reading

AT = datetime(2026, 12, 3, 0, 15, tzinfo=UTC)
START = date(2015, 3, 2)
PERSON = Person("p-1", "王秀英", date(1948, 5, 1), Gender.FEMALE, "幸福里社区 1号楼 1单元 101室")


TEAM = (TeamMember("u-doc", "张医生", "全科医生"), TeamMember("u-nurse", "李护士", "护士"))


def record() -> HealthRecord:
    subject = Subject("p-1", PERSON.birth_date, user_id="u-wang")
    grant = new_grant(
        subject,
        grant_id="g-1",
        actor="u-wang",
        grantee="u-daughter",
        relation=Relation.FAMILY,
        categories=[Category.VITALS, Category.PROFILE],
        at=AT,
        valid_until=AT + timedelta(days=365),
        notify=True,
    )
    return HealthRecord(
        person=PERSON,
        conditions=(
            Condition("c-1", "原发性高血压", "I10", onset=date(2015, 3, 1), note="服药控制"),
        ),
        allergies=(Allergy("a-1", "青霉素", Criticality.HIGH, "皮疹"),),
        medications=(Medication("m-1", "苯磺酸氨氯地平片", "每日一次，每次5mg", START),),
        contracts=(
            DoctorContract(
                "k-1",
                "幸福里社区卫生服务站 张医生团队",
                TEAM,
                date(2026, 1, 1),
                date(2026, 12, 31),
                ("健康评估", "慢病随访", "上门服务"),
            ),
        ),
        visits=(VisitNote("v-1", AT, VisitKind.HOME, "张医生", "血压偏高，嘱按时服药。<复诊>"),),
        vitals=(
            make_reading("p-1", "blood_pressure", {"systolic": 165, "diastolic": 95}, AT),
            make_reading("p-1", "heart_rate", {"value": 78}, AT, device_id="d-1"),
            make_reading("p-1", "glucose", {"value": 126}, AT, unit="mg/dL"),
            make_reading("p-1", "spo2", {"value": 97}, AT),
            make_reading("p-1", "temperature", {"value": 36.6}, AT),
            make_reading("p-1", "weight", {"value": 58.5}, AT),
        ),
        thresholds=tuple(default_thresholds(78).values()),
        grants=(grant,),
        names={"u-wang": "王秀英", "u-daughter": "李娜"},
    )


def test_the_bundle_validates_with_fhir_resources_and_holds_every_part():
    bundle = export_bundle(record(), AT)
    parsed = Bundle.model_validate_json(json.dumps(bundle))  # the JSON a client receives
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds == [
        "Patient", "Condition", "AllergyIntolerance", "MedicationStatement", "CareTeam",
        "CarePlan", "Encounter", "Observation", "Observation", "Observation", "Observation",
        "Observation", "Observation", "Consent",
    ]  # fmt: skip
    assert parsed.type == "collection"
    # every reference points to an entry of the bundle
    urls = {e.fullUrl for e in parsed.entry}
    refs = {m for m in json.dumps(bundle).split('"') if m.startswith("urn:uuid:")}
    assert refs <= urls


def test_the_same_record_exports_the_same_ids():
    a, b = export_bundle(record(), AT), export_bundle(record(), AT)
    assert [e["fullUrl"] for e in a["entry"]] == [e["fullUrl"] for e in b["entry"]]
    assert a["entry"][0]["resource"]["id"] == fhir_id("Patient", "p-1")


def test_blood_pressure_is_a_panel_with_two_components_and_the_persons_range():
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    r = make_reading("p-1", "blood_pressure", {"systolic": 165, "diastolic": 95}, AT)
    obs = Observation.model_validate(observation(r, t))
    assert obs.code.coding[0].code == "85354-9"
    assert [(c.code.coding[0].code, float(c.valueQuantity.value)) for c in obs.component] == [
        ("8480-6", 165.0),
        ("8462-4", 95.0),
    ]
    assert obs.component[0].valueQuantity.code == "mm[Hg]"
    assert float(obs.component[0].referenceRange[0].high.value) == 150
    assert obs.interpretation[0].coding[0].code == "H"
    assert obs.category[0].coding[0].code == "vital-signs"


def test_glucose_entered_in_mg_dl_keeps_its_code_and_unit():
    r = make_reading("p-1", "glucose", {"value": 126}, AT, unit="mg/dL")
    obs = observation(r)
    assert obs["code"]["coding"][0]["code"] == "2339-0"
    assert obs["valueQuantity"]["code"] == "mg/dL"
    mmol = observation(make_reading("p-1", "glucose", {"value": 7.0}, AT))
    assert mmol["code"]["coding"][0]["code"] == "15074-8"
    assert mmol["category"][0]["coding"][0]["code"] == "laboratory"


def test_the_consent_says_who_may_see_what_until_when():
    bundle = export_bundle(record(), AT)
    c = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent")
    assert c["decision"] == "permit" and c["status"] == "active"
    assert c["grantee"][0]["display"] == "李娜（家属 / family member）"
    assert c["provision"][0]["period"]["end"].startswith("2027-12-03")
    assert [x["text"] for x in c["provision"][0]["code"]] == [
        "基本信息 / basic information",
        "体征数据 / vital signs",
    ]


def test_visit_text_is_escaped_into_the_narrative():
    bundle = export_bundle(record(), AT)
    enc = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    )
    assert "&lt;复诊&gt;" in enc["text"]["div"]
    assert enc["class"][0]["coding"][0]["code"] == "HH"


def test_an_invalid_resource_is_caught_before_it_leaves():
    bad = {"resourceType": "Observation", "id": "x", "status": "final"}  # no code
    with pytest.raises(ValidationError):
        export_bundle(record(), AT, extra=[bad])
