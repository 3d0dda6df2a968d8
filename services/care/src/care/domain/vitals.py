"""Vital signs (生命体征): kinds, LOINC codes, UCUM units, conversion and validation (pure).

One reading is one kind measured at one instant: blood pressure has two components
(systolic, diastolic), every other kind one (``value``). Values are kept in the canonical
unit of their kind (mm[Hg], /min, mmol/L, %, Cel, kg); a value entered in another unit
(glucose in mg/dL, temperature in °F, weight in lb or 斤) is converted on the way in and
the unit it was recorded in is kept, so the export can say what was measured.

Codes (LOINC, as the FHIR vital-signs profiles use them):

==============  ==========================  ===========  ======
kind            code                        component    unit
==============  ==========================  ===========  ======
blood_pressure  85354-9 (panel)             8480-6 sys.  mm[Hg]
                                            8462-4 dia.
heart_rate      8867-4                                   /min
glucose         15074-8 (mmol/L)                         mmol/L
                2339-0 (mg/dL, as entered)
spo2            59408-5                                  %
temperature     8310-5                                   Cel
weight          29463-7                                  kg
==============  ==========================  ===========  ======
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
GLUCOSE_MG_PER_MMOL = 18.016  # mg/dL per mmol/L of glucose (molar mass 180.16 g/mol)


class VitalKind(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    HEART_RATE = "heart_rate"
    GLUCOSE = "glucose"
    SPO2 = "spo2"
    TEMPERATURE = "temperature"
    WEIGHT = "weight"


class Source(StrEnum):
    """How a reading reached the platform."""

    MANUAL = "manual"  # typed in by the person, family, caregiver or doctor
    DEVICE = "device"  # a wearable or monitor through device-ingestion


@dataclass(frozen=True)
class Component:
    key: str
    loinc: str
    name_zh: str
    name_en: str
    low: float  # plausibility bounds in the canonical unit: outside is a wrong value,
    high: float  # not an illness (a systolic pressure of 900 is a typing error)


@dataclass(frozen=True)
class KindSpec:
    kind: VitalKind
    loinc: str
    display: str
    name_zh: str
    name_en: str
    unit: str  # canonical UCUM code
    unit_display: str
    decimals: int
    components: tuple[Component, ...]
    category: str = "vital-signs"  # FHIR observation-category

    @property
    def unit_display_en(self) -> str:
        """The unit as an English reader writes it (次/分 is bpm)."""
        return _UNIT_EN.get(self.unit_display, self.unit_display)


_UNIT_EN = {"次/分": "bpm"}


def _one(key: str, loinc: str, zh: str, en: str, low: float, high: float) -> tuple[Component]:
    return (Component(key, loinc, zh, en, low, high),)


SPECS: Mapping[VitalKind, KindSpec] = {
    VitalKind.BLOOD_PRESSURE: KindSpec(
        VitalKind.BLOOD_PRESSURE, "85354-9", "Blood pressure panel with all children optional",
        "血压", "blood pressure", "mm[Hg]", "mmHg", 0,
        (
            Component("systolic", "8480-6", "收缩压", "systolic", 40, 300),
            Component("diastolic", "8462-4", "舒张压", "diastolic", 20, 200),
        ),
    ),
    VitalKind.HEART_RATE: KindSpec(
        VitalKind.HEART_RATE, "8867-4", "Heart rate", "心率", "heart rate", "/min", "次/分", 0,
        _one("value", "8867-4", "心率", "heart rate", 20, 250),
    ),
    VitalKind.GLUCOSE: KindSpec(
        VitalKind.GLUCOSE, "15074-8", "Glucose [Moles/volume] in Blood", "血糖", "blood glucose",
        "mmol/L", "mmol/L", 1,
        _one("value", "15074-8", "血糖", "blood glucose", 0.5, 40),
        category="laboratory",
    ),
    VitalKind.SPO2: KindSpec(
        VitalKind.SPO2, "59408-5",
        "Oxygen saturation in Arterial blood by Pulse oximetry", "血氧饱和度",
        "blood oxygen", "%", "%", 0, _one("value", "59408-5", "血氧", "SpO2", 50, 100),
    ),
    VitalKind.TEMPERATURE: KindSpec(
        VitalKind.TEMPERATURE, "8310-5", "Body temperature", "体温", "body temperature", "Cel",
        "℃", 1, _one("value", "8310-5", "体温", "temperature", 30, 45),
    ),
    VitalKind.WEIGHT: KindSpec(
        VitalKind.WEIGHT, "29463-7", "Body weight", "体重", "weight", "kg", "kg", 1,
        _one("value", "29463-7", "体重", "weight", 0.5, 400),
    ),
}  # fmt: skip

GLUCOSE_MASS_LOINC = "2339-0"  # Glucose [Mass/volume] in Blood, for readings entered in mg/dL

# Units a reading may be entered in, per kind: factor and offset to the canonical unit.
_CONVERSIONS: Mapping[VitalKind, Mapping[str, tuple[float, float]]] = {
    VitalKind.BLOOD_PRESSURE: {"mm[Hg]": (1, 0), "mmHg": (1, 0), "kPa": (7.50062, 0)},
    VitalKind.HEART_RATE: {"/min": (1, 0), "bpm": (1, 0), "次/分": (1, 0)},
    VitalKind.GLUCOSE: {"mmol/L": (1, 0), "mg/dL": (1 / GLUCOSE_MG_PER_MMOL, 0)},
    VitalKind.SPO2: {"%": (1, 0), "1": (100, 0)},  # "1": a fraction 0..1
    VitalKind.TEMPERATURE: {"Cel": (1, 0), "℃": (1, 0), "[degF]": (5 / 9, -32 * 5 / 9)},
    VitalKind.WEIGHT: {"kg": (1, 0), "[lb_av]": (0.45359237, 0), "斤": (0.5, 0)},
}


class VitalError(ValueError):
    """A reading that cannot be right; ``code`` is stable, the messages are for people."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class VitalReading:
    """One reading in canonical units. ``values`` by component key."""

    person_id: str
    kind: VitalKind
    values: Mapping[str, float]
    at: datetime
    source: Source = Source.MANUAL
    recorded_unit: str | None = None  # the unit it was entered in, when not canonical
    device_id: str | None = None
    recorded_by: str | None = None  # user id for manual readings
    note: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> KindSpec:
        return SPECS[self.kind]

    def display_value(self) -> str:
        """``165/95`` for blood pressure, ``36.8`` otherwise (canonical unit)."""
        return format_values(self.kind, self.values)


def format_values(kind: VitalKind, values: Mapping[str, float]) -> str:
    spec = SPECS[kind]
    return "/".join(_fmt(values[c.key], spec.decimals) for c in spec.components if c.key in values)


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def make_reading(
    person_id: str,
    kind: VitalKind | str,
    values: Mapping[str, float],
    at: datetime,
    *,
    unit: str | None = None,
    source: Source = Source.MANUAL,
    device_id: str | None = None,
    recorded_by: str | None = None,
    note: str | None = None,
) -> VitalReading:
    """Validate and convert a reading to canonical units; raise :class:`VitalError`."""
    try:
        kind = VitalKind(kind)
    except ValueError:
        raise VitalError(
            "care.vital_kind_unknown",
            "不支持的体征类型。",
            "This kind of vital sign is not supported.",
        ) from None
    if at.tzinfo is None:
        raise VitalError(
            "care.vital_time_naive", "测量时间须带时区。", "The time needs a time zone."
        )
    spec = SPECS[kind]
    canonical = unit in (None, spec.unit)
    if not canonical and unit not in _CONVERSIONS[kind]:
        raise VitalError(
            "care.vital_unit_unknown",
            f"{spec.name_zh}不能以该单位录入。",
            f"{spec.name_en.capitalize()} cannot be entered in that unit.",
        )
    factor, offset = (1.0, 0.0) if canonical else _CONVERSIONS[kind][unit or spec.unit]
    keys = {c.key for c in spec.components}
    if set(values) != keys:
        raise VitalError(
            "care.vital_components",
            f"{spec.name_zh}须填写：" + "、".join(c.name_zh for c in spec.components) + "。",
            f"{spec.name_en.capitalize()} needs: "
            + ", ".join(c.name_en for c in spec.components)
            + ".",
        )
    out: dict[str, float] = {}
    for c in spec.components:
        raw = values[c.key]
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
            raise VitalError(
                "care.vital_not_number", "体征数值须为数字。", "Values must be numbers."
            )
        value = round(float(raw) * factor + offset, 2)
        if not c.low <= value <= c.high:
            raise VitalError(
                "care.vital_implausible",
                f"{c.name_zh} {_fmt(value, spec.decimals)} {spec.unit_display} "
                "超出可能范围，请核对。",
                f"A {c.name_en} of {_fmt(value, spec.decimals)} {spec.unit_display_en} is not "
                "possible; please check it.",
            )
        out[c.key] = value
    if kind is VitalKind.BLOOD_PRESSURE and out["systolic"] <= out["diastolic"]:
        raise VitalError(
            "care.vital_implausible",
            "收缩压应高于舒张压，请核对。",
            "Systolic pressure must be above diastolic; please check it.",
        )
    return VitalReading(
        person_id=person_id,
        kind=kind,
        values=out,
        at=at,
        source=source,
        recorded_unit=None if canonical else unit,
        device_id=device_id,
        recorded_by=recorded_by,
        note=note,
    )


# Telemetry keys (device-ingestion's catalogue) → kind, component, unit.
TELEMETRY_KEYS: Mapping[str, tuple[VitalKind, str, str]] = {
    "systolicBP": (VitalKind.BLOOD_PRESSURE, "systolic", "mm[Hg]"),
    "diastolicBP": (VitalKind.BLOOD_PRESSURE, "diastolic", "mm[Hg]"),
    "heartRate": (VitalKind.HEART_RATE, "value", "/min"),
    "bloodGlucose": (VitalKind.GLUCOSE, "value", "mmol/L"),
    "spo2": (VitalKind.SPO2, "value", "%"),
    "bodyTemperature": (VitalKind.TEMPERATURE, "value", "Cel"),
    "bodyWeight": (VitalKind.WEIGHT, "value", "kg"),
}


@dataclass(frozen=True)
class Rejected:
    kind: VitalKind
    error: VitalError


def readings_from_telemetry(
    person_id: str, device_id: str, values: Mapping[str, object], at: datetime
) -> tuple[list[VitalReading], list[Rejected]]:
    """The vitals in one device report, and those it got wrong (kept apart, not raised).

    A blood pressure needs both components in the same report; half of one is rejected.
    Keys that are not vitals (steps, positions, falls) are ignored here.
    """
    grouped: dict[VitalKind, dict[str, float]] = {}
    units: dict[VitalKind, str] = {}
    for key, raw in values.items():
        spec = TELEMETRY_KEYS.get(key)
        if spec is None or isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        kind, component, unit = spec
        grouped.setdefault(kind, {})[component] = float(raw)
        units[kind] = unit
    readings: list[VitalReading] = []
    rejected: list[Rejected] = []
    for kind, parts in grouped.items():
        try:
            readings.append(
                make_reading(
                    person_id, kind, parts, at,
                    unit=units[kind], source=Source.DEVICE, device_id=device_id,
                )
            )  # fmt: skip
        except VitalError as exc:
            rejected.append(Rejected(kind, exc))
    return readings, rejected


def recorded_quantity(reading: VitalReading) -> tuple[str, float, str]:
    """(LOINC code, value, UCUM unit) the export states for a one-component reading.

    Glucose entered in mg/dL is exported as such with LOINC 2339-0; everything else in its
    canonical unit with its own code.
    """
    spec = reading.spec
    value = reading.values["value"]
    if reading.kind is VitalKind.GLUCOSE and reading.recorded_unit == "mg/dL":
        return GLUCOSE_MASS_LOINC, round(value * GLUCOSE_MG_PER_MMOL, 1), "mg/dL"
    return spec.loinc, value, spec.unit
