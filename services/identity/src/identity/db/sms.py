"""One-time SMS codes (短信验证码), the development SMS sink, and the WeChat
mini-program identities bound to accounts (ADR 0034)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin, utcnow
from sc_core.privacy import EncryptedString


class SmsCode(IdMixin, Base):
    """A code sent to a mobile number for one purpose: only its keyed digest is kept; it
    dies when used, expired, or after too many wrong tries. Rows are the daily caps'
    counters too (per number, per address), and are deleted two days after."""

    __tablename__ = "sms_codes"
    __table_args__ = (
        Index("ix_sms_codes_phone", "phone_idx", "created_at"),
        Index("ix_sms_codes_address", "address", "created_at"),
    )

    phone: Mapped[str] = mapped_column(EncryptedString(context="sms_code.phone"))
    phone_idx: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(16))  # login | signup | wechat
    code_digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    sent: Mapped[bool] = mapped_column(default=True)  # False: nobody to send it to
    address: Mapped[str] = mapped_column(String(64))


class SmsSinkRow(Base):
    """What the development SMS provider (SMS_PROVIDER=sink) would have sent."""

    __tablename__ = "sms_sink"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    phone: Mapped[str] = mapped_column(EncryptedString(context="sms_sink.phone"))
    phone_idx: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WeChatIdentity(IdMixin, Base):
    """A WeChat mini-program user (its openid under our appid) bound to an account. The
    session key WeChat gives at each login is never kept."""

    __tablename__ = "wechat_identities"

    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(128), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    last_login_at: Mapped[datetime | None]
