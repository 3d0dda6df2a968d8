"""Doctor-set ranges, what a viewer sees of a record, desensitised facts for outsiders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from care.domain.consent import Basis, Category, Decision, Relation, Subject, decide, new_grant
from care.domain.exchange import age_band, alert_summary, pseudonym
from care.domain.thresholds import Range, ThresholdError, ThresholdOrigin, doctor_threshold
from care.domain.views import WITHHELD, view

NOW = datetime(2026, 12, 3, 8, 17, 23, tzinfo=UTC)


def test_a_doctor_sets_a_range_for_one_person():
    t = doctor_threshold("blood_pressure", {"systolic": (90, 135), "diastolic": (60, 85)}, "u-doc")
    assert t.origin is ThresholdOrigin.DOCTOR and t.set_by == "u-doc"
    assert t.ranges["systolic"] == Range(90, 135)
    spo2 = doctor_threshold("spo2", {"value": (92, None)}, "u-doc")
    assert spo2.describe() == "≥92"


@pytest.mark.parametrize(
    ("kind", "ranges", "code"),
    [
        ("blood_pressure", {"systolic": (90, 135)}, "care.threshold_components"),
        ("heart_rate", {"value": (None, None)}, "care.threshold_empty"),
        ("heart_rate", {"value": (40, 400)}, "care.threshold_implausible"),
        ("heart_rate", {"value": (100, 60)}, "care.threshold_order"),
        ("mood", {"value": (1, 2)}, "care.vital_kind_unknown"),
    ],
)
def test_wrong_ranges_are_refused(kind, ranges, code):
    with pytest.raises(ThresholdError) as info:
        doctor_threshold(kind, ranges, "u-doc")
    assert info.value.code == code and info.value.zh


def test_a_viewer_sees_only_what_the_grant_covers():
    elder = Subject("p-1", date(1948, 5, 1), user_id="u-elder")
    g = new_grant(
        elder, grant_id="g", actor="u-elder", grantee="u-daughter", relation=Relation.FAMILY,
        categories=[Category.VITALS, Category.PROFILE], at=NOW,
    )  # fmt: skip
    sections = {"profile": {"name": "王秀英"}, "vitals": [1], "conditions": ["高血压"], "x": 1}
    seen = view(sections, decide(elder, [g], "u-daughter", Category.VITALS, NOW))
    assert seen["profile"] == {"name": "王秀英"} and seen["vitals"] == [1]
    assert seen["conditions"] == WITHHELD and seen["x"] == WITHHELD
    assert seen["conditions"]["reason_zh"] == "本人未授权您查看此项"
    nobody = view(sections, Decision(False, Basis.NONE))
    assert all(v == WITHHELD for v in nobody.values())
    own = view(sections, decide(elder, [], "u-elder", Category.CLINICAL, NOW))
    assert own["conditions"] == ["高血压"]


def test_outsiders_get_a_pseudonym_an_age_band_the_hour_and_the_community():
    s = alert_summary(
        person_id="p-1", birth_date=date(1948, 5, 1), community_id="DEMO-001",
        alert="vitals_breach", detail="blood_pressure_high", at=NOW, key=b"k" * 32,
    )  # fmt: skip
    assert s == {
        "ref": pseudonym("p-1", b"k" * 32),
        "age_band": "70-79",
        "community_id": "DEMO-001",
        "alert": "vitals_breach",
        "detail": "blood_pressure_high",
        "hour": "2026-12-03T08:00:00+00:00",
    }
    assert "p-1" not in s.values() and len(s["ref"]) == 20
    assert pseudonym("p-1", b"k" * 32) != pseudonym("p-1", b"j" * 32)
    assert age_band(date(1930, 1, 1), NOW.date()) == "90+"
    assert age_band(date(1946, 12, 4), NOW.date()) == "70-79"  # 80 tomorrow
