"""Questionnaires (量表): the doctor sends PHQ-9, the elder answers with question 9 at 2:
scored with the band in words, the doctor flagged once; the daughter, whose consent does
not cover assessments, reads nothing (404) and the refusal is audited; the response
exports as FHIR and sits in the elder's Bundle."""

from __future__ import annotations

from typing import Any

from care_helpers import Harness, read_events
from fhir.resources.bundle import Bundle

from sc_contracts.events import AssessmentScoredV1, AuditRecordedV1, NotificationRequestedV1


async def _elder(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    for grantee, relation, categories in (
        (f"u-daughter-{pid}", "family", ["profile", "vitals"]),
        ("u-doc", "doctor", ["profile", "assessments"]),
    ):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/grants",
            json={"grantee": grantee, "relation": relation, "categories": categories},
            headers=h.user(f"u-{pid}"),
        )
        assert r.status_code == 201, r.text


def _notices(events: list[Any], request_id: str) -> list[Any]:
    kind = NotificationRequestedV1.event_type
    return [e for e in events if e.type == kind and e.data["request_id"] == request_id]


async def test_phq9_scored_in_words_flags_the_doctor_once_and_family_reads_nothing(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"m-{community}"
    await _elder(h, community, pid)
    elder, daughter, doctor = h.user(f"u-{pid}"), h.user(f"u-daughter-{pid}"), h.doctor(community)

    r = await h.client.get("/api/v1/care/questionnaires", headers=elder)
    assert r.status_code == 200
    assert {s["code"] for s in r.json()} == {"barthel", "phq9"}
    r = await h.client.get("/api/v1/care/questionnaires/phq9", headers=elder)
    assert len(r.json()["items"]) == 9 and r.json()["items"][8]["link_id"] == "q9"

    r = await h.client.post(
        f"/api/v1/care/people/{pid}/assessments", json={"questionnaire": "phq9"}, headers=daughter
    )
    assert r.status_code == 403, r.text
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/assessments",
        json={"questionnaire": "phq9", "sender_name": "张医生"}, headers=doctor,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert r.json()["status"] == "sent" and r.json()["result"] is None

    r = await h.client.get("/api/v1/care/assessments", params={"status": "sent"}, headers=elder)
    assert [a["id"] for a in r.json()["items"]] == [aid]

    answers = {f"q{n}": "1" for n in range(1, 9)} | {"q9": "2"}
    r = await h.client.post(
        f"/api/v1/care/assessments/{aid}/answers", json={"answers": answers}, headers=daughter
    )
    assert r.status_code == 404 and r.json()["code"] == "care.assessment_not_found"
    r = await h.client.post(
        f"/api/v1/care/assessments/{aid}/answers",
        json={"answers": {k: v for k, v in answers.items() if k != "q3"}}, headers=elder,
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "care.answer_missing"
    assert r.json()["messages"]["zh-CN"] == "请回答：入睡困难、睡不安稳或睡眠过多"

    r = await h.client.post(
        f"/api/v1/care/assessments/{aid}/answers", json={"answers": answers}, headers=elder
    )
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["total"] == 10 and result["level"] == "critical"
    assert result["band"]["label_zh"] == "中度抑郁"
    assert result["band"]["meaning_zh"] == "有中度抑郁症状，建议由医生进一步评估。"
    assert result["band"]["label_en"] and result["band"]["meaning_en"]
    assert [f["code"] for f in result["flags"]] == ["self_harm"]
    r = await h.client.post(
        f"/api/v1/care/assessments/{aid}/answers", json={"answers": answers}, headers=elder
    )
    assert r.status_code == 409 and r.json()["code"] == "care.assessment_answered"

    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: bool(_notices(ev, f"care:assessment:{aid}")), settle=2.0,
    )  # fmt: skip
    (flag,) = _notices(found, f"care:assessment:{aid}")
    assert flag.data["template"] == "care.assessment.flag"
    assert flag.data["recipients"]["user_ids"] == ["u-doc"]
    assert flag.data["severity"] == "critical"
    assert flag.data["variables"]["flag_zh"].startswith("第9题提示有自伤念头")
    (sent,) = _notices(found, f"care:assessment:{aid}:sent")
    assert sent.data["recipients"]["user_ids"] == [f"u-{pid}"]
    assert sent.data["variables"]["sender"] == "张医生"

    r = await h.client.get(f"/api/v1/care/people/{pid}/assessments", headers=daughter)
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    r = await h.client.get(f"/api/v1/care/assessments/{aid}", headers=daughter)
    assert r.status_code == 404 and r.json()["code"] == "care.assessment_not_found"
    audits = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AuditRecordedV1.topic),
        lambda ev: sum(
            1 for e in ev
            if e.data["actor_id"] == f"u-daughter-{pid}" and e.data["outcome"] == "denied"
        ) >= 3,
    )  # fmt: skip
    refused = {
        e.data["action"]
        for e in audits
        if e.data["actor_id"] == f"u-daughter-{pid}" and e.data["outcome"] == "denied"
    }
    assert {"care.assessment.answer", "care.assessment.list", "care.assessment.read"} <= refused

    r = await h.client.get(f"/api/v1/care/people/{pid}/assessments", headers=doctor)
    assert r.status_code == 200 and r.json()["items"][0]["result"]["total"] == 10
    r = await h.client.get(
        f"/api/v1/care/people/{pid}/assessments/trend", params={"questionnaire": "phq9"},
        headers=doctor,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["words_zh"] == "首次评估" and [p["total"] for p in r.json()["points"]] == [10]

    r = await h.client.get(f"/api/v1/care/assessments/{aid}/fhir", headers=elder)
    assert r.status_code == 200, r.text
    bundle = Bundle.model_validate(r.json())
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds == ["QuestionnaireResponse", "Observation"]
    assert r.json()["entry"][1]["resource"]["valueInteger"] == 10

    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=elder)
    assert r.status_code == 200, r.text
    whole = Bundle.model_validate(r.json())
    kinds = [e.resource.get_resource_type() for e in whole.entry]
    assert kinds[0] == "Patient" and "QuestionnaireResponse" in kinds
    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=daughter)
    kinds = [e["resource"]["resourceType"] for e in r.json()["entry"]]
    assert r.status_code == 200 and "QuestionnaireResponse" not in kinds

    scored = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AssessmentScoredV1.topic),
        lambda ev: any(e.data["assessment_id"] == aid for e in ev),
    )  # fmt: skip
    (event,) = [e.data for e in scored if e.data["assessment_id"] == aid]
    assert set(event) == {
        "assessment_id", "person_id", "community_id", "questionnaire", "sent_by", "answered_at"
    }  # fmt: skip
