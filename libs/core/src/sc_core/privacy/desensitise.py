"""Desensitising records before they leave the platform (city / district platforms).

A rule set maps a field (dotted paths reach into nested dicts and lists of dicts) to an
action::

    CITY_PERSON_RULES = {
        "name": "name",              # mask as a name
        "id_number": "id_number",    # mask as an ID number
        "mobile": "drop",            # remove the key
        "face_id": "drop",
        "household.address": "address",
        "age": "keep",
    }
    payload = desensitise(person, CITY_PERSON_RULES, unlisted="drop")

Actions: ``"keep"``, ``"drop"``, any masking kind of :func:`~sc_core.privacy.mask_value`
(``id_number``, ``mobile``, ``name``, ``address``, ``email``, ``plate``, ``face_id``,
``text``, ``redact``), a ``Sensitive`` marker, or a callable ``value -> value``.
``unlisted`` decides fields without a rule: ``"keep"`` (default) or ``"drop"`` for an
allow-list, which is the safer choice for a new feed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias

from sc_core.privacy.masking import mask_value
from sc_core.privacy.sensitive import Sensitive

Action: TypeAlias = str | Sensitive | Callable[[Any], Any]
Rules: TypeAlias = Mapping[str, Action]

KEEP = "keep"
DROP = "drop"
_DROPPED = object()


def _apply(action: Action, value: Any) -> Any:
    if isinstance(action, Sensitive):
        return action.mask(value)
    if callable(action):
        return action(value)
    if action == KEEP:
        return value
    if action == DROP:
        return _DROPPED
    return mask_value(action, value)


def _split(rules: Rules) -> tuple[dict[str, Action], dict[str, dict[str, Action]]]:
    here: dict[str, Action] = {}
    below: dict[str, dict[str, Action]] = {}
    for path, action in rules.items():
        head, dot, rest = path.partition(".")
        if dot:
            below.setdefault(head, {})[rest] = action
        else:
            here[head] = action
    return here, below


def desensitise(
    record: Mapping[str, Any],
    rules: Rules,
    *,
    unlisted: Literal["keep", "drop"] = "keep",
) -> dict[str, Any]:
    """A new dict with each field kept, masked or dropped according to ``rules``."""
    here, below = _split(rules)
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in here:
            result = _apply(here[key], value)
            if result is not _DROPPED:
                out[key] = result
        elif key in below:
            out[key] = _descend(value, below[key], unlisted)
        elif unlisted == KEEP:
            out[key] = value
    return out


def _descend(value: Any, rules: Rules, unlisted: Literal["keep", "drop"]) -> Any:
    if isinstance(value, Mapping):
        return desensitise(value, rules, unlisted=unlisted)
    if isinstance(value, list | tuple):
        return [_descend(v, rules, unlisted) for v in value]
    return value if unlisted == KEEP else None
