"""Second factors: TOTP secrets (encrypted at rest) and one-time recovery codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin
from sc_core.privacy import EncryptedString


class TotpFactor(Base):
    """An account's authenticator app (RFC 6238). Unconfirmed until a first code checks."""

    __tablename__ = "mfa_totp"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(EncryptedString(context="mfa.totp_secret"))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # the last time step accepted: a code is good once (no replay within its window)
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(IdMixin, Base):
    """One recovery code (stored as SHA-256), usable once instead of the second factor."""

    __tablename__ = "mfa_recovery_codes"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
