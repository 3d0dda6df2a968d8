"""A fall on the record as a FHIR R5 Observation (SNOMED CT 1912002 |Fall|), its status
following the alarm: preliminary, final, or cancelled when judged a false alarm."""

from __future__ import annotations

from typing import Any

from care.adapters.fhir import OBS_CATEGORY, fhir_id, ref
from care.domain.falls import Fall

SNOMED = "http://snomed.info/sct"


def fall_observation(f: Fall) -> dict[str, Any]:
    zh, en = f.words
    out: dict[str, Any] = {
        "resourceType": "Observation",
        "id": fhir_id("Observation", f"fall/{f.alarm_id}"),
        "status": f.fhir_status,
        "category": [
            {"coding": [{"system": OBS_CATEGORY, "code": "activity", "display": "Activity"}]}
        ],
        "code": {
            "coding": [{"system": SNOMED, "code": "1912002", "display": "Fall"}],
            "text": "跌倒 / Fall",
        },
        "subject": ref("Patient", f.person_id),
        "effectivePeriod": {"start": f.first_at.isoformat(), "end": f.last_at.isoformat()},
        "valueString": f"{zh} / {en}",
        "note": [{"text": f"alarm {f.alarm_id}, reported {f.count} time(s)"}],
    }
    if f.device_id:
        out["device"] = {"display": f"device {f.device_id}"}
    return out
