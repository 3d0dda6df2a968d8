"""The rules of one-time SMS codes (pure): six digits, kept only as a keyed digest, good
once for one purpose within the TTL, dead after too many wrong tries; a number waits
between sends and has a daily cap, and so has an address. ADR 0034."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sc_core.privacy import get_cipher


class Purpose(StrEnum):
    login = "login"  # sign in with the mobile number (an existing account)
    signup = "signup"  # prove the number before the account exists
    wechat = "wechat"  # prove the number at a first WeChat mini-program login
    mfa = "mfa"  # the second step after a password, to the account's own mobile


@dataclass(frozen=True)
class Policy:
    ttl: timedelta
    max_attempts: int
    resend: timedelta
    per_number_daily: int
    per_address_daily: int


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def digest(code_id: str, code: str) -> str:
    """The keyed digest a code is stored as (HMAC with the blind-index key, salted by the
    row's id): a database dump alone does not give the codes back, not even by trying
    all million."""
    return get_cipher().blind_index(f"{code_id}:{code.strip()}", "sms_code")


def matches(code_id: str, stored: str, offered: str) -> bool:
    return secrets.compare_digest(digest(code_id, offered), stored)


def resend_wait(last_sent_at: datetime | None, now: datetime, policy: Policy) -> int:
    """Whole seconds before this number may get another code (0: now)."""
    if last_sent_at is None:
        return 0
    left = (last_sent_at + policy.resend - now).total_seconds()
    return max(0, int(left + 0.999))


def text(code: str, minutes: int, lang: str) -> str:
    """The text of the message, in the reader's language (zh-CN unless asked for en)."""
    if lang == "en":
        return (
            f"[Smart Community] Your code is {code}, valid for {minutes} minutes. "
            "Do not tell it to anyone."
        )
    return f"【智慧社区】验证码 {code}，{minutes}分钟内有效，请勿告诉他人。"
