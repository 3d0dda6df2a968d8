"""ThingsBoard telemetry payloads, parsed and validated reading by reading.

A payload is one of (ThingsBoard device API)::

    {"temperature": 21.5, "co2": 410}                       # measured now
    {"ts": 1451649600512, "values": {"temperature": 21.5}}  # measured at ts (epoch ms)
    [ {...}, {"ts": ..., "values": {...}} ]                   # several of either

Every key/value is one reading. A bad reading is rejected on its own with a stable code
and a reason; the good readings of the same payload are kept. A key the device type does
not declare is kept as an unvalidated extra key (any number, boolean or string), unless
the type is ``strict``: then it is rejected ``reading.unknown_key``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from device_ingestion.domain.catalogue import DeviceType, KeySpec

Scalar = bool | int | float | str

MALFORMED = "reading.malformed"
BAD_TIMESTAMP = "reading.bad_timestamp"
UNKNOWN_KEY = "reading.unknown_key"
WRONG_TYPE = "reading.wrong_type"
OUT_OF_RANGE = "reading.out_of_range"
UNKNOWN_DEVICE = "device.unknown"
TOO_MANY = "reading.too_many"
REJECTION_CODES = (
    MALFORMED,
    BAD_TIMESTAMP,
    UNKNOWN_KEY,
    WRONG_TYPE,
    OUT_OF_RANGE,
    UNKNOWN_DEVICE,
    TOO_MANY,
)


@dataclass(frozen=True)
class Rejection:
    code: str
    detail: str
    index: int | None = None  # position of the report in the payload array
    key: str | None = None
    device: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "detail": self.detail}
        for name in ("device", "index", "key"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True)
class Report:
    """Good readings of one device measured at one instant."""

    ts: datetime
    values: dict[str, Scalar]


@dataclass
class Outcome:
    reports: list[Report] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(len(r.values) for r in self.reports)

    def extend(self, other: Outcome) -> None:
        self.reports.extend(other.reports)
        self.rejections.extend(other.rejections)


@dataclass(frozen=True)
class TimeWindow:
    """Timestamps accepted relative to the receiving instant."""

    now: datetime
    max_future: timedelta = timedelta(minutes=5)
    max_age: timedelta = timedelta(days=732)

    def check(self, ts_ms: Any) -> datetime | str:
        if isinstance(ts_ms, bool) or not isinstance(ts_ms, int | float):
            return f"ts must be epoch milliseconds (an integer), not {ts_ms!r}"
        if isinstance(ts_ms, float) and not math.isfinite(ts_ms):
            return "ts must be a finite number"
        try:
            ts = datetime.fromtimestamp(ts_ms / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return f"ts {ts_ms!r} is not a representable instant"
        if ts > self.now + self.max_future:
            return f"ts {ts.isoformat()} is more than {self.max_future} in the future"
        if ts < self.now - self.max_age:
            return f"ts {ts.isoformat()} is older than {self.max_age.days} days"
        return ts


def numeric_string(value: Any) -> Any:
    """A number sent as a string ("0.3", " 21 "), as ThingsBoard takes it; else unchanged."""
    if not isinstance(value, str) or len(value) > 64:
        return value
    text = value.strip()
    number: int | float
    try:
        number = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return value
    if isinstance(number, float) and not math.isfinite(number):
        return value  # "nan", "inf": not a reading
    return number


def check_value(spec: KeySpec, value: Any) -> tuple[Scalar | None, Rejection | None]:
    """The value as stored, or why it is rejected."""
    name = spec.name
    if spec.type in ("number", "integer"):
        value = numeric_string(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, Rejection(WRONG_TYPE, f"{name} must be a {spec.type}, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            return None, Rejection(WRONG_TYPE, f"{name} must be finite, got {value!r}")
        if spec.type == "integer":
            if isinstance(value, float) and not value.is_integer():
                return None, Rejection(WRONG_TYPE, f"{name} must be an integer, got {value!r}")
            value = int(value)
        if spec.min is not None and value < spec.min:
            unit = f" {spec.unit}" if spec.unit else ""
            return None, Rejection(OUT_OF_RANGE, f"{name}={value} is below {spec.min}{unit}")
        if spec.max is not None and value > spec.max:
            unit = f" {spec.unit}" if spec.unit else ""
            return None, Rejection(OUT_OF_RANGE, f"{name}={value} is above {spec.max}{unit}")
        return value, None
    if spec.type == "boolean":
        if not isinstance(value, bool):
            return None, Rejection(WRONG_TYPE, f"{name} must be a boolean, got {value!r}")
        return value, None
    if not isinstance(value, str):
        return None, Rejection(WRONG_TYPE, f"{name} must be a string, got {value!r}")
    if "\x00" in value:  # PostgreSQL text cannot hold it
        return None, Rejection(WRONG_TYPE, f"{name} must not contain a NUL character")
    if spec.enum is not None and value not in spec.enum:
        allowed = ", ".join(spec.enum)
        return None, Rejection(OUT_OF_RANGE, f"{name}={value!r} is not one of {allowed}")
    if spec.max_length is not None and len(value) > spec.max_length:
        return None, Rejection(OUT_OF_RANGE, f"{name} is longer than {spec.max_length}")
    return value, None


MAX_KEY_LENGTH = 64  # the stored key's width
MAX_EXTRA_STRING = 1024


def check_extra(key: str, value: Any) -> tuple[Scalar | None, Rejection | None]:
    """A key the device type does not declare (not strict): kept unvalidated when it is a
    scalar (a number sent as a string is a number, as ThingsBoard takes it)."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        detail = f"a key has 1 to {MAX_KEY_LENGTH} characters, none of them control characters"
        return None, Rejection(MALFORMED, detail)
    value = numeric_string(value)
    if value is None or isinstance(value, dict | list):
        detail = f"{key} (not declared by the device type) must be a number, boolean or string"
        return None, Rejection(WRONG_TYPE, detail)
    if isinstance(value, float) and not math.isfinite(value):
        return None, Rejection(WRONG_TYPE, f"{key} must be finite, got {value!r}")
    if isinstance(value, str) and len(value) > MAX_EXTRA_STRING:
        return None, Rejection(OUT_OF_RANGE, f"{key} is longer than {MAX_EXTRA_STRING}")
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL text cannot hold it
        return None, Rejection(WRONG_TYPE, f"{key} must not contain a NUL character")
    return value, None


def _report(
    device_type: DeviceType,
    ts: datetime,
    values: Mapping[str, Any],
    index: int | None,
    device: str | None,
    out: Outcome,
) -> None:
    good: dict[str, Scalar] = {}
    for key, raw in values.items():
        spec = device_type.keys.get(key)
        if spec is None and device_type.strict:
            detail = f"{key!r} is not a key of device type {device_type.name} (a strict type)"
            out.rejections.append(Rejection(UNKNOWN_KEY, detail, index, key, device))
            continue
        if spec is None:  # kept, unvalidated
            value, rejection = check_extra(key, raw)
        else:
            value, rejection = check_value(spec, raw)
        if rejection is not None:
            out.rejections.append(Rejection(rejection.code, rejection.detail, index, key, device))
        else:
            assert value is not None
            good[key] = value
    if good:
        out.reports.append(Report(ts, good))


def parse_telemetry(
    payload: Any,
    device_type: DeviceType,
    window: TimeWindow,
    *,
    device: str | None = None,
    max_readings: int = 20_000,
) -> Outcome:
    """Split a ThingsBoard telemetry payload into good reports and rejected readings."""
    out = Outcome()
    items = payload if isinstance(payload, list) else [payload]
    indexed = isinstance(payload, list)
    count = 0
    for i, item in enumerate(items):
        index = i if indexed else None
        if not isinstance(item, dict):
            detail = "each telemetry entry must be a JSON object"
            out.rejections.append(Rejection(MALFORMED, detail, index, None, device))
            continue
        if "ts" in item or "values" in item:
            values = item.get("values")
            if not isinstance(values, dict) or (len(item) != 2 and set(item) - {"ts", "values"}):
                detail = 'a timestamped entry is {"ts": <epoch ms>, "values": {...}}'
                out.rejections.append(Rejection(MALFORMED, detail, index, None, device))
                continue
            ts = window.check(item.get("ts"))
            if isinstance(ts, str):
                for key in values:
                    out.rejections.append(Rejection(BAD_TIMESTAMP, ts, index, key, device))
                continue
        else:
            values, ts = item, window.now
        count += len(values)
        if count > max_readings:
            detail = f"more than {max_readings} readings in one payload"
            out.rejections.append(Rejection(TOO_MANY, detail, index, None, device))
            break
        _report(device_type, ts, values, index, device, out)
    return out
