"""FHIR R5 Questionnaire and QuestionnaireResponse of a definition and an answered form,
and the total score as an Observation. Option scores travel in the standard ``itemWeight``
extension."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from care.adapters.fhir import LOINC, fhir_id, ref
from care.domain.questionnaire import Definition, Result

CANONICAL = "urn:smart-community:questionnaire"
OPTION_SYSTEM = "urn:smart-community:questionnaire-option"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"


def canonical(defn: Definition) -> str:
    return f"{CANONICAL}:{defn.code}"


def questionnaire(defn: Definition) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id("Questionnaire", f"{defn.code}|{defn.version}"),
        "url": canonical(defn),
        "version": defn.version,
        "name": defn.code.upper(),
        "title": f"{defn.title.zh} / {defn.title.en}",
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{defn.description.zh}\n\n{defn.description.en}",
        "item": [
            {
                "linkId": i.link_id,
                "text": i.text.zh,
                "type": "coding",
                "required": i.required,
                "answerConstraint": "optionsOnly",
                "answerOption": [
                    {
                        "valueCoding": {
                            "system": f"{OPTION_SYSTEM}:{defn.code}",
                            "code": o.code,
                            "display": o.text.zh,
                            "extension": [{"url": ITEM_WEIGHT, "valueDecimal": o.score}],
                        }
                    }
                    for o in i.options
                ],
            }
            for i in defn.items
        ],
    }
    if defn.loinc:
        out["code"] = [{"system": LOINC, "code": defn.loinc, "display": defn.title.en}]
    return out


def questionnaire_response(
    defn: Definition,
    person_id: str,
    answers: Mapping[str, str],
    authored: datetime,
    response_id: str,
) -> dict[str, Any]:
    items = []
    for i in defn.items:
        code = answers.get(i.link_id)
        option = i.option(code) if code is not None else None
        if option is None:
            continue
        items.append(
            {
                "linkId": i.link_id,
                "text": i.text.zh,
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{OPTION_SYSTEM}:{defn.code}",
                            "code": option.code,
                            "display": option.text.zh,
                        }
                    }
                ],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id("QuestionnaireResponse", response_id),
        "questionnaire": f"{canonical(defn)}|{defn.version}",
        "status": "completed",
        "subject": ref("Patient", person_id),
        "authored": authored.isoformat(),
        "item": items,
    }


def score_observation(
    defn: Definition, person_id: str, result: Result, authored: datetime, response_id: str
) -> dict[str, Any]:
    code: dict[str, Any] = {"text": f"{defn.title.zh}总分 / {defn.title.en} total score"}
    if defn.loinc_total:
        code["coding"] = [{"system": LOINC, "code": defn.loinc_total}]
    return {
        "resourceType": "Observation",
        "id": fhir_id("Observation", f"score/{response_id}"),
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": code,
        "subject": ref("Patient", person_id),
        "effectiveDateTime": authored.isoformat(),
        "valueInteger": result.total,
        "interpretation": [{"text": f"{result.band.label.zh} / {result.band.label.en}"}],
        "derivedFrom": [ref("QuestionnaireResponse", response_id)],
    }
