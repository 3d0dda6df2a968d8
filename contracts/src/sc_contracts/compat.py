"""Schema compatibility: a new version may only add optional fields.

- :func:`check_avro_compatible` resolves data both ways with fastavro: the new schema
  must read data written with the old one (consumers upgrade first) and the old schema
  must read data written with the new one (producers upgrade first).
- :func:`check_jsonschema_compatible` compares two JSON Schemas structurally: no property
  removed, no property newly required or no longer required, no type, enum, format,
  pattern or other validation keyword changed.

Each returns a list of readable problems; an empty list means compatible.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

import fastavro

# ---------------------------------------------------------------------------- Avro

_AVRO_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def check_avro_compatible(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Problems resolving ``old`` against ``new`` in both directions (empty = compatible)."""
    problems: list[str] = []
    try:
        parsed_old = fastavro.parse_schema(dict(old), named_schemas={})
        parsed_new = fastavro.parse_schema(dict(new), named_schemas={})
    except Exception as exc:  # fastavro raises several types for a bad schema
        return [f"invalid Avro schema: {exc}"]
    directions = (
        (old, parsed_old, parsed_new, "new schema cannot read data written with the old one"),
        (new, parsed_new, parsed_old, "old schema cannot read data written with the new one"),
    )
    for writer_raw, writer, reader, label in directions:
        seen: set[str] = set()
        try:
            samples = avro_samples(writer_raw)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            return [f"invalid Avro schema: cannot build a sample record ({exc!r})"]
        for sample in samples:
            buffer = io.BytesIO()
            fastavro.schemaless_writer(buffer, writer, sample)
            buffer.seek(0)
            try:
                fastavro.schemaless_reader(buffer, writer, reader)
            except Exception as exc:  # SchemaResolutionError and friends
                message = f"{label}: {exc}"
                if message not in seen:
                    seen.add(message)
                    problems.append(message)
    return problems


def avro_samples(schema: Any) -> list[Any]:
    """Records that together use every enum symbol, union branch and optional value.

    Sample 0 takes every union's first branch (``null`` for optional fields) and empty
    arrays and maps; sample ``i >= 1`` takes the ``i``-th non-null branch and symbol
    (cycling) and one-element arrays and maps.
    """
    names: dict[str, Any] = {}
    _collect_named(schema, None, names)
    widest = 1
    for node in _walk(schema):
        if isinstance(node, dict) and node.get("type") == "enum":
            widest = max(widest, len(node["symbols"]))
        elif isinstance(node, list):
            widest = max(widest, len([b for b in node if b != "null"]))
    return [_sample(schema, i, names, None, 0) for i in range(widest + 1)]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for key in ("type", "items", "values"):
            if key in node and not isinstance(node[key], str):
                yield from _walk(node[key])
        for field in node.get("fields", []):
            yield from _walk(field["type"])


def _fullname(node: Mapping[str, Any], namespace: str | None) -> tuple[str, str | None]:
    name = str(node["name"])
    if "." in name:
        return name, name.rsplit(".", 1)[0]
    ns = node.get("namespace", namespace)
    return (f"{ns}.{name}" if ns else name), ns


def _collect_named(node: Any, namespace: str | None, names: dict[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_named(item, namespace, names)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in ("record", "error", "enum", "fixed"):
            full, namespace = _fullname(node, namespace)
            names[full] = (node, namespace)
            names.setdefault(full.rsplit(".", 1)[-1], (node, namespace))
        if kind in ("record", "error"):
            for field in node.get("fields", []):
                _collect_named(field["type"], namespace, names)
        elif kind == "array":
            _collect_named(node["items"], namespace, names)
        elif kind == "map":
            _collect_named(node["values"], namespace, names)
        elif isinstance(kind, dict | list):
            _collect_named(kind, namespace, names)


def _sample(node: Any, i: int, names: dict[str, Any], namespace: str | None, depth: int) -> Any:
    if depth > 20:
        raise ValueError("schema nests too deeply to sample")
    if isinstance(node, str):
        if node in _AVRO_PRIMITIVES:
            return _primitive(node, i)
        key = node if node in names or not namespace else f"{namespace}.{node}"
        named, named_ns = names.get(key) or names[node]
        return _sample(named, i, names, named_ns, depth + 1)
    if isinstance(node, list):
        if i == 0:
            return _sample(node[0], i, names, namespace, depth + 1)
        non_null = [b for b in node if b != "null"] or node
        return _sample(non_null[(i - 1) % len(non_null)], i, names, namespace, depth + 1)
    kind = node["type"]
    if isinstance(kind, dict | list):
        return _sample(kind, i, names, namespace, depth + 1)
    if "logicalType" in node:
        return _logical(node, i)
    if kind in ("record", "error"):
        _, ns = _fullname(node, namespace)
        return {f["name"]: _sample(f["type"], i, names, ns, depth + 1) for f in node["fields"]}
    if kind == "enum":
        return node["symbols"][max(i - 1, 0) % len(node["symbols"])]
    if kind == "array":
        return [] if i == 0 else [_sample(node["items"], i, names, namespace, depth + 1)]
    if kind == "map":
        return {} if i == 0 else {"k": _sample(node["values"], i, names, namespace, depth + 1)}
    if kind == "fixed":
        return bytes(node["size"])
    return _primitive(kind, i)


def _primitive(kind: str, i: int) -> Any:
    values: dict[str, Any] = {
        "null": None,
        "boolean": i % 2 == 1,
        "int": i,
        "long": i,
        "float": i + 0.5,
        "double": i + 0.5,
        "bytes": bytes([i % 256]),
        "string": f"s{i}",
    }
    return values[kind]


def _logical(node: Mapping[str, Any], i: int) -> Any:
    logical = node["logicalType"]
    if logical == "uuid":
        return str(UUID(int=i + 1))
    if logical == "decimal":
        return Decimal(i).scaleb(-int(node.get("scale", 0)))
    base = node["type"]
    return _primitive(base, i) if base in _AVRO_PRIMITIVES else bytes(node.get("size", 0))


# ----------------------------------------------------------------------- JSON Schema

_ANNOTATIONS = {
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "$schema",
    "$id",
    "definitions",
    "$defs",
    "readOnly",
    "writeOnly",
    "deprecated",
}
_STRUCTURE = {
    "type",
    "enum",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "$ref",
}


def check_jsonschema_compatible(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Problems that make ``new`` incompatible with ``old`` (empty = compatible)."""
    return _JsonCompare(old, new).compare(old, new, "$")


class _JsonCompare:
    def __init__(self, old_root: Mapping[str, Any], new_root: Mapping[str, Any]) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.active: set[tuple[str, str]] = set()

    def compare(self, old: Any, new: Any, path: str) -> list[str]:
        old = _resolve(self.old_root, old)
        new = _resolve(self.new_root, new)
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return [] if old == new else [f"{path}: schema changed from {old!r} to {new!r}"]
        token = (json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True))
        if token in self.active:  # recursive schema: already being compared
            return []
        self.active.add(token)
        try:
            return self._compare(old, new, path)
        finally:
            self.active.discard(token)

    def _compare(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> list[str]:
        old_branches = self._branches(self.old_root, old)
        new_branches = self._branches(self.new_root, new)
        if len(old_branches) > 1 or len(new_branches) > 1:
            return self._compare_branches(old_branches, new_branches, path)
        problems: list[str] = []
        old_type, new_type = _types(old), _types(new)
        if old_type != new_type:
            return [f"{path}: type changed from {_show(old_type)} to {_show(new_type)}"]
        problems += _compare_enum(old, new, path)
        problems += _compare_keywords(old, new, path)
        problems += self._compare_object(old, new, path)
        if "items" in old or "items" in new:
            problems += self.compare(old.get("items", {}), new.get("items", {}), f"{path}[]")
        return problems

    def _branches(self, root: Mapping[str, Any], node: Mapping[str, Any]) -> list[Any]:
        for key in ("anyOf", "oneOf"):
            if key in node:
                return [_resolve(root, b) for b in node[key]]
        return [node]

    def _compare_branches(self, old: list[Any], new: list[Any], path: str) -> list[str]:
        old_by = {_branch_key(b): b for b in old}
        new_by = {_branch_key(b): b for b in new}
        problems = [
            f"{path}: type narrowed, no longer accepts {key}"
            for key in sorted(old_by.keys() - new_by.keys())
        ]
        problems += [
            f"{path}: type widened, now also accepts {key} (old consumers reject it)"
            for key in sorted(new_by.keys() - old_by.keys())
        ]
        for key in sorted(old_by.keys() & new_by.keys()):
            problems += self.compare(old_by[key], new_by[key], path)
        return problems

    def _compare_object(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str
    ) -> list[str]:
        problems: list[str] = []
        old_props: Mapping[str, Any] = old.get("properties", {})
        new_props: Mapping[str, Any] = new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name in sorted(old_props.keys() - new_props.keys()):
            problems.append(f"{path}.{name}: property removed")
        for name in sorted(new_required - old_required):
            if name in old_props:
                problems.append(f"{path}.{name}: property became required")
            else:
                problems.append(f"{path}.{name}: new required property")
        for name in sorted((old_required - new_required) & new_props.keys()):
            problems.append(f"{path}.{name}: property no longer required (old consumers need it)")
        for name in sorted(old_props.keys() & new_props.keys()):
            problems += self.compare(old_props[name], new_props[name], f"{path}.{name}")
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            problems += self.compare(old_extra, new_extra, f"{path}.*")
        elif old_extra != new_extra:
            problems.append(
                f"{path}: additionalProperties changed from {old_extra!r} to {new_extra!r}"
            )
        return problems


def _resolve(root: Mapping[str, Any], node: Any) -> Any:
    hops = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, not {ref}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
        node = {**target, **siblings}
        hops += 1
        if hops > 50:
            raise ValueError(f"reference loop at {ref}")
    return node


def _types(node: Mapping[str, Any]) -> frozenset[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    return frozenset([kind] if isinstance(kind, str) else kind)


def _show(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _branch_key(node: Any) -> str:
    if not isinstance(node, Mapping):
        return repr(node)
    types = _types(node)
    if types is None and "enum" in node:
        return "enum"
    return _show(types)


def _compare_enum(old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> list[str]:
    if "enum" not in old and "enum" not in new:
        return []
    if "enum" not in new:
        return [f"{path}: enum removed (any value now accepted; old consumers reject them)"]
    if "enum" not in old:
        return [f"{path}: enum added (values old producers send may be rejected)"]
    old_values, new_values = list(old["enum"]), list(new["enum"])
    removed = [v for v in old_values if v not in new_values]
    added = [v for v in new_values if v not in old_values]
    problems = []
    if removed:
        problems.append(f"{path}: enum narrowed, removed {removed}")
    if added:
        problems.append(f"{path}: enum widened, added {added} (old consumers reject them)")
    return problems


def _compare_keywords(old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> list[str]:
    problems = []
    for key in sorted((old.keys() | new.keys()) - _ANNOTATIONS - _STRUCTURE):
        if key.startswith("x-"):
            continue
        if old.get(key) != new.get(key):
            problems.append(f"{path}: {key} changed from {old.get(key)!r} to {new.get(key)!r}")
    return problems


def check_schema_texts(path: str, old_text: str, new_text: str) -> list[str]:
    """Compare two versions of one generated schema file, by its extension."""
    try:
        old, new = json.loads(old_text), json.loads(new_text)
    except json.JSONDecodeError as exc:
        return [f"unreadable schema: {exc}"]
    if path.endswith(".avsc"):
        return check_avro_compatible(old, new)
    if path.endswith(".json"):
        return check_jsonschema_compatible(old, new)
    raise ValueError(f"not a schema file: {path}")
