"""Personal data inside audit records, masked for the reader's grade.

Services are told never to put personal data in clear into a record, but identifiers
and free-text details sometimes carry it anyway (a phone number used as a resource id, an
ID number in a note). What is masked, with the platform's own maskers and grades
(``sc_core.privacy``), for a reader whose grade does not reach the data's:

- ``actor_id``, ``resource_id`` and every ``detail`` value: Chinese resident ID numbers
  (15 or 18 characters), mobile numbers (optionally +86), e-mail addresses and vehicle
  plates found anywhere in the text;
- ``detail`` values under a key that names personal data (``phone``, ``mobile``,
  ``id_number``, ``name``, ``address``, ``email``, ``plate``, ``face_id`` ...), as that kind,
  whatever they look like.

Not masked: ``source_ip`` (the "from where" an audit record must carry; readers of the
trail are oversight roles and every export is itself audited), service, action, outcome,
roles, community id, trace and request ids. Stored records are never changed: masking
happens on the way out, so the hash chain still covers what was received.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from sc_core.privacy import Grade, Sensitive, mask_value

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# not inside a longer identifier: a UUID's last group can hold eleven digits that start
# with 13-19 (d19712347281), and masking it made the record unfindable by its resource id
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警]?"
)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", _ID_NUMBER),
    ("mobile", _MOBILE),
    ("email", _EMAIL),
    ("plate", _PLATE),
)
KEY_KINDS: Mapping[str, str] = {
    "phone": "mobile",
    "mobile": "mobile",
    "tel": "mobile",
    "id_number": "id_number",
    "id_card": "id_number",
    "idcard": "id_number",
    "name": "name",
    "real_name": "name",
    "address": "address",
    "email": "email",
    "plate": "plate",
    "plate_number": "plate",
    "face_id": "face_id",
}
SCANNED_FIELDS = ("actor_id", "resource_id")
_Sub = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _hidden(kind: str, grade: Grade | int) -> bool:
    return not Sensitive(kind).visible_to(grade)


@functools.lru_cache(maxsize=32)
def _text_plan(grade: int) -> tuple[re.Pattern[str] | None, tuple[_Sub, ...]]:
    """What ``mask_text`` does for a reader of ``grade``, worked out once per grade: one
    pattern that finds any personal data the reader may not see (most texts hold none:
    ids, codes, UUIDs), then each hidden kind's pattern and masker in order. With the
    plan made again for every text, masking was ~18 % of a served page of the trail
    (py-spy, session 20)."""
    hidden = [(kind, pattern) for kind, pattern in PATTERNS if _hidden(kind, grade)]
    if not hidden:
        return None, ()
    probe = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in hidden))
    return probe, tuple((pattern, _masker(kind)) for kind, pattern in hidden)


def mask_text(text: str | None, grade: Grade | int) -> str | None:
    """``text`` with every recognised piece of personal data above ``grade`` masked."""
    if not text:
        return text
    probe, subs = _text_plan(int(grade))
    if probe is None or probe.search(text) is None:
        return text
    for pattern, masker in subs:
        text = pattern.sub(masker, text)
    return text


def _masker(kind: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        masked = mask_value(kind, match.group(0))
        return str(masked) if masked is not None else "****"

    return replace


def _key_kind(key: str) -> str | None:
    lowered = key.lower()
    for suffix, kind in KEY_KINDS.items():
        if lowered == suffix or lowered.endswith("_" + suffix):
            return kind
    return None


@functools.lru_cache(maxsize=256)
def _hidden_key(key: str, grade: int) -> str | None:
    """The kind of personal data a ``detail`` key names, when ``grade`` may not see it."""
    kind = _key_kind(key)
    return kind if kind is not None and _hidden(kind, grade) else None


def mask_detail(detail: Mapping[str, str], grade: Grade | int) -> dict[str, str]:
    out: dict[str, str] = {}
    level = int(grade)
    for key, value in detail.items():
        kind = _hidden_key(key, level)
        if kind is not None:
            masked = mask_value(kind, value)
            out[key] = str(masked) if masked is not None else "****"
        else:
            out[key] = mask_text(value, grade) or value
    return out


def mask_record(record: Mapping[str, Any], grade: Grade | int) -> dict[str, Any]:
    """A copy of ``record`` (a dict of stored fields) masked for a reader of ``grade``."""
    out = dict(record)
    for name in SCANNED_FIELDS:
        out[name] = mask_text(out.get(name), grade)
    out["detail"] = mask_detail(out.get("detail") or {}, grade)
    return out
