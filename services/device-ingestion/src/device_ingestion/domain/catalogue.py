"""Device types as data: the packaged ``device_types.yaml`` (plus an optional file from
settings), parsed once into immutable specs that validate readings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

ValueType = Literal["number", "integer", "boolean", "string"]
EnergyKind = Literal["water", "electricity", "gas"]
PACKAGED = Path(__file__).with_name("device_types.yaml")


@dataclass(frozen=True)
class KeySpec:
    name: str
    type: ValueType
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    enum: tuple[str, ...] | None = None
    max_length: int | None = None
    fiware: str | None = None


@dataclass(frozen=True)
class DeviceType:
    name: str
    category: str
    description: str
    inactivity_timeout_s: int
    keys: Mapping[str, KeySpec]
    energy: EnergyKind | None = None
    counter: str | None = None
    commands: tuple[str, ...] | None = None
    # strict: a key the type does not declare is refused (reading.unknown_key); otherwise
    # it is kept as an unvalidated extra key (ThingsBoard keeps every key)
    strict: bool = False

    def declares(self, key: str) -> bool:
        return key in self.keys


@dataclass(frozen=True)
class Catalogue:
    types: Mapping[str, DeviceType] = field(default_factory=dict)

    def get(self, name: str) -> DeviceType | None:
        return self.types.get(name)

    def meter_types(self, kind: str) -> list[DeviceType]:
        return [t for t in self.types.values() if t.energy == kind and t.counter]


def _key(name: str, raw: Mapping[str, Any]) -> KeySpec:
    kind = raw.get("type")
    if kind not in ("number", "integer", "boolean", "string"):
        raise ValueError(f"key {name}: type must be number, integer, boolean or string")
    enum = raw.get("enum")
    return KeySpec(
        name=name,
        type=kind,
        unit=raw.get("unit"),
        min=raw.get("min"),
        max=raw.get("max"),
        enum=tuple(str(e) for e in enum) if enum else None,
        max_length=raw.get("max_length"),
        fiware=raw.get("fiware"),
    )


def parse_catalogue(*documents: Mapping[str, Any]) -> Catalogue:
    """Merge documents in order: a later type of the same name replaces an earlier one."""
    types: dict[str, DeviceType] = {}
    for doc in documents:
        common = {k: _key(k, v) for k, v in (doc.get("common") or {}).items()}
        commands = doc.get("commands") or {}
        for name, raw in (doc.get("types") or {}).items():
            keys = dict(common)
            keys.update({k: _key(k, v) for k, v in (raw.get("keys") or {}).items()})
            counter = raw.get("counter")
            if counter is not None and counter not in keys:
                raise ValueError(f"type {name}: counter {counter!r} is not one of its keys")
            methods = raw.get("commands", commands.get(name))
            types[name] = DeviceType(
                name=name,
                category=str(raw.get("category", "other")),
                description=str(raw.get("description", "")),
                inactivity_timeout_s=int(raw.get("inactivity_timeout_s", 3600)),
                keys=keys,
                energy=raw.get("energy"),
                counter=counter,
                commands=tuple(methods) if methods else None,
                strict=bool(raw.get("strict", False)),
            )
    return Catalogue(types=types)


def load_catalogue(extra: Path | None = None) -> Catalogue:
    docs = [yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))]
    if extra is not None:
        docs.append(yaml.safe_load(extra.read_text(encoding="utf-8")))
    return parse_catalogue(*docs)
