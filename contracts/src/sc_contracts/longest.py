"""The longest valid data of an event type: every limit the contract states, reached.

A contract states the limits its consumers' stores enforce (``max_length`` of ids and
texts, ``le`` of numbers). :func:`longest` takes the type's realistic example
(:data:`sc_contracts.examples.EXAMPLES`) and pushes every stated limit to its edge:
strings to their maximum length (the example's value, then CJK characters, which are
three bytes each in UTF-8, so byte-counting limits are reached too), numbers to their
maximum. Fields with a pattern keep the example's value. A consumer fed this must take it:
no schema-valid event may be dead-lettered by a column narrower than the contract.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import annotated_types
from pydantic.fields import FieldInfo

from sc_contracts.examples import EXAMPLES
from sc_contracts.registry import get_event_spec

FILL = "幸福里社区"


def longest(event_type: str, **overrides: Any) -> dict[str, Any]:
    """The example data of ``event_type`` with every stated limit reached; ``overrides``
    replace fields afterwards (a device id the consumer knows, say)."""
    model = get_event_spec(event_type).model
    data = dict(EXAMPLES[event_type])
    for name, info in model.model_fields.items():
        value = _at_limit(name, info, data.get(name))
        if value is not None:
            data[name] = value
    data.update(overrides)
    return model.model_validate(data).model_dump(mode="json")


def _at_limit(name: str, info: FieldInfo, current: Any) -> Any:
    max_len = _meta(info, annotated_types.MaxLen, "max_length")
    if _meta(info, object, "pattern") is not None:
        return None
    if max_len is not None and _accepts(info.annotation, str):
        start = current if isinstance(current, str) else name
        return (start + FILL * max_len)[:max_len]
    top = _meta(info, annotated_types.Le, "le")
    if top is not None and _accepts(info.annotation, int | float):
        return top
    return None


def _meta(info: FieldInfo, kind: Any, attr: str) -> Any:
    for meta in info.metadata:
        if (kind is object or isinstance(meta, kind)) and getattr(meta, attr, None) is not None:
            return getattr(meta, attr)
    return None


def _accepts(annotation: Any, kind: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_accepts(arg, kind) for arg in typing.get_args(annotation))
    kinds = typing.get_args(kind) or (kind,)
    return isinstance(annotation, type) and issubclass(annotation, kinds)
