"""TOTP (RFC 6238) through pyotp: 6 digits, 30 s steps, one step of drift either way, and
a code is good once (the accepted step is remembered). Pure: no I/O."""

from __future__ import annotations

import secrets
from datetime import datetime

import pyotp

DIGITS, INTERVAL, DRIFT_STEPS = 6, 30, 1
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, base32 (what authenticator apps take)


def provisioning_uri(secret: str, account_name: str, issuer: str) -> str:
    """The ``otpauth://`` URI authenticator apps read (typed in or shown as a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=account_name, issuer_name=issuer
    )


def accepted_step(secret: str, code: str, now: datetime, last_step: int) -> int | None:
    """The time step ``code`` belongs to when it is right and newer than ``last_step``."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = int(now.timestamp()) // INTERVAL
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten one-time codes like ``k7q2-9xmd-4hpa``: 60 bits each, easy to copy."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODES)
    ]


def normalise_recovery(code: str) -> str:
    return code.strip().lower().replace(" ", "")
