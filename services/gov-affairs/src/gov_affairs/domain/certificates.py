"""Certificates (证明) issued for approved applications, and their verification codes.

A verification code is 15 random characters of Crockford's base-32 alphabet (75 bits from
the operating system's CSPRNG) and a Luhn mod 32 check character, shown in four groups of
four: ``7KQ2-M9XA-PT4C-Z8HB``. Anyone may check a code at the public endpoint; 2^75 codes
make guessing one that exists hopeless (a million certificates: one chance in 3·10^16 per
guess, and the endpoint is rate-limited). The check character catches every
single-character typo and nearly every swap of two neighbours before the database is asked.
The service looks codes up by their SHA-256; the code itself is kept only inside the
certificate's encrypted content (to print it again), so a copy of the database without the
key hands out no codes.

What the public check shows is deliberately little: the kind of certificate, the holder's
name masked (王*英), the issuer, the dates and whether it stands (valid, expired, revoked).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from gov_affairs.domain.hall.catalogue import CertificateTemplate
from gov_affairs.domain.rules import lookup
from gov_affairs.domain.text import Text

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_READ_AS = {"O": "0", "I": "1", "L": "1"}  # what people type for what they see
BODY = 15


class MalformedCode(ValueError):
    """Not a verification code at all (wrong length, letters, or the check fails)."""


def _luhn32(body: str) -> str:
    """Luhn mod N check character (N = 32) over ``body``."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * _VALUE[char]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    raw = body + _luhn32(body)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise(code: str) -> str:
    """The canonical ``XXXX-XXXX-XXXX-XXXX`` of what someone typed; raises MalformedCode."""
    raw = "".join(_READ_AS.get(c, c) for c in code.upper() if c not in "- \t")
    if len(raw) != BODY + 1 or any(c not in _VALUE for c in raw):
        raise MalformedCode("a verification code has 16 letters and digits")
    if _luhn32(raw[:BODY]) != raw[BODY]:
        raise MalformedCode("the verification code's check character does not match")
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def digest(code: str) -> str:
    """What the database looks a code up by: SHA-256 of the canonical code."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


# --- the certificate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: Text
    value: str


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on a certificate (and nothing else)."""

    title: Text
    statement: Text
    lines: tuple[Line, ...]
    issuer: Text
    issued_on: date
    valid_until: date | None
    code: str
    number: str  # the human reference, e.g. GA-2026-000123


def mask_name(name: str) -> str:
    """王秀英 → 王*英, 李明 → 李*, one character stays as it is."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    return (
        number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)
    )


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    if isinstance(value, date | datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def compose(
    template: CertificateTemplate,
    facts: dict[str, Any],
    *,
    code: str,
    number: str,
    issued_on: date,
) -> CertificateContent:
    """Fill ``template`` from the application's facts; a field with no value prints "—"."""
    lines = []
    for f in template.fields:
        value = lookup(facts, f.fact)
        text = "—" if not isinstance(value, str | int | float | bool | date) else _format(value)
        if f.masked == "id_number" and text != "—":
            text = mask_id_number(text)
        elif f.masked == "name" and text != "—":
            text = mask_name(text)
        elif f.masked == "phone" and text != "—":
            text = text[:3] + "****" + text[-4:]
        lines.append(Line(f.label, text))
    valid_until = issued_on + timedelta(days=template.valid_days) if template.valid_days else None
    return CertificateContent(
        title=template.title,
        statement=template.statement,
        lines=tuple(lines),
        issuer=template.issuer,
        issued_on=issued_on,
        valid_until=valid_until,
        code=normalise(code),
        number=number,
    )


Standing = Literal["valid", "expired", "revoked"]


def standing(valid_until: date | None, revoked_at: datetime | None, today: date) -> Standing:
    if revoked_at is not None:
        return "revoked"
    if valid_until is not None and today > valid_until:
        return "expired"
    return "valid"
