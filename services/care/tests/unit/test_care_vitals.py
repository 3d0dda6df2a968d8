"""Vitals: codes, units, conversion, plausibility, device reports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from care.domain.vitals import (
    SPECS,
    Source,
    VitalError,
    VitalKind,
    make_reading,
    readings_from_telemetry,
    recorded_quantity,
)

AT = datetime(2026, 12, 3, 0, 15, tzinfo=UTC)


def test_loinc_codes_are_the_issue_s():
    assert SPECS[VitalKind.BLOOD_PRESSURE].loinc == "85354-9"
    assert [c.loinc for c in SPECS[VitalKind.BLOOD_PRESSURE].components] == ["8480-6", "8462-4"]
    assert SPECS[VitalKind.HEART_RATE].loinc == "8867-4"
    assert SPECS[VitalKind.GLUCOSE].loinc == "15074-8"
    assert SPECS[VitalKind.SPO2].loinc == "59408-5"
    assert SPECS[VitalKind.TEMPERATURE].loinc == "8310-5"
    assert SPECS[VitalKind.WEIGHT].loinc == "29463-7"


def test_blood_pressure_reading_and_display():
    r = make_reading("p-1", "blood_pressure", {"systolic": 165, "diastolic": 95}, AT)
    assert r.values == {"systolic": 165.0, "diastolic": 95.0}
    assert r.display_value() == "165/95"
    assert r.recorded_unit is None


def test_units_are_converted_and_the_entered_unit_kept():
    g = make_reading("p-1", VitalKind.GLUCOSE, {"value": 126}, AT, unit="mg/dL")
    assert g.values["value"] == pytest.approx(6.99, abs=0.01)
    assert g.recorded_unit == "mg/dL"
    assert recorded_quantity(g) == ("2339-0", pytest.approx(126.0, abs=0.2), "mg/dL")
    t = make_reading("p-1", VitalKind.TEMPERATURE, {"value": 100.4}, AT, unit="[degF]")
    assert t.values["value"] == pytest.approx(38.0)
    assert recorded_quantity(t) == ("8310-5", pytest.approx(38.0), "Cel")
    w = make_reading("p-1", VitalKind.WEIGHT, {"value": 120}, AT, unit="斤")
    assert w.values["value"] == 60.0
    s = make_reading("p-1", VitalKind.SPO2, {"value": 0.97}, AT, unit="1")
    assert s.values["value"] == 97.0


@pytest.mark.parametrize(
    ("kind", "values", "unit", "code"),
    [
        ("blood_pressure", {"systolic": 900, "diastolic": 95}, None, "care.vital_implausible"),
        ("blood_pressure", {"systolic": 80, "diastolic": 95}, None, "care.vital_implausible"),
        ("blood_pressure", {"systolic": 120}, None, "care.vital_components"),
        ("heart_rate", {"value": True}, None, "care.vital_not_number"),
        ("heart_rate", {"value": float("nan")}, None, "care.vital_not_number"),
        ("heart_rate", {"value": 72}, "mmol/L", "care.vital_unit_unknown"),
        ("pulse_pressure", {"value": 40}, None, "care.vital_kind_unknown"),
        ("spo2", {"value": 101}, None, "care.vital_implausible"),
    ],
)
def test_wrong_readings_are_refused_with_a_stable_code_and_words(kind, values, unit, code):
    with pytest.raises(VitalError) as info:
        make_reading("p-1", kind, values, AT, unit=unit)
    assert info.value.code == code
    assert info.value.zh and info.value.en
    assert kind not in info.value.zh  # never an enum value in words people read


def test_a_naive_time_is_refused():
    with pytest.raises(VitalError) as info:
        make_reading("p-1", "heart_rate", {"value": 70}, datetime(2026, 12, 3, 8, 0))
    assert info.value.code == "care.vital_time_naive"


def test_device_report_gives_its_vitals_and_rejects_half_a_pressure():
    values = {
        "heartRate": 88,
        "systolicBP": 168,
        "diastolicBP": 97,
        "spo2": 96,
        "steps": 1200,
        "fallDetected": False,
        "latitude": 31.2,
    }
    readings, rejected = readings_from_telemetry("p-1", "d-9", values, AT)
    kinds = {r.kind: r for r in readings}
    assert set(kinds) == {VitalKind.HEART_RATE, VitalKind.BLOOD_PRESSURE, VitalKind.SPO2}
    assert kinds[VitalKind.BLOOD_PRESSURE].values == {"systolic": 168.0, "diastolic": 97.0}
    assert all(r.source is Source.DEVICE and r.device_id == "d-9" for r in readings)
    assert rejected == []

    readings, rejected = readings_from_telemetry("p-1", "d-9", {"systolicBP": 150}, AT)
    assert readings == []
    assert [r.error.code for r in rejected] == ["care.vital_components"]
