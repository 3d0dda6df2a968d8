"""Accounts, grants, refresh tokens, login throttling and signing keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin, utcnow
from sc_core.privacy import EncryptedString


class Account(IdMixin, Base):
    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="user")  # user | service
    display_name: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(EncryptedString(context="account.mobile"))
    mobile_idx: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | disabled
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    person_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_by: Mapped[str | None] = mapped_column(String(64))


class Grant(IdMixin, Base):
    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("account_id", "role", "scope_type", "scope_id"),
        Index("ix_grants_created", "created_at", "id"),  # the list, oldest first (ADR 0061)
        # a community admin's accounts, counted from the index alone (ADR 0066)
        Index("ix_grants_community_account", "community_id", "account_id"),
        # a community admin's accounts in username order, from the index alone (ADR 0075)
        Index("ix_grants_community_listed", "community_id", "account_username", "account_id"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    scope_type: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[uuid.UUID | None]
    # the account's username (never changed once given), so a community's accounts are
    # listed in username order from the grants' index (ADR 0075)
    account_username: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    # set for chains issued through the authorization code flow: the client that must
    # present them, the scope granted, and the browser session (ended by RP logout)
    client_id: Mapped[str | None] = mapped_column(String(64), index=True)
    scope: Mapped[str | None] = mapped_column(Text)
    sso_session_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


class LoginCounter(Base):
    """Recent failed logins of one name, address or name-at-address
    (:mod:`identity.auth.throttle`): ``n:<blind index of the name>``, ``a:<address>``,
    ``p:<digest of both>``."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]


class KnownLoginAddress(Base):
    """An address an account signed in from: its owner there waits only for the pair."""

    __tablename__ = "login_known_addresses"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_success_at: Mapped[datetime] = mapped_column(default=utcnow)


class SigningKeyRow(Base):
    """An Ed25519 key of the database-managed ring; the seed is encrypted at rest."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="EdDSA")
    seed: Mapped[str] = mapped_column(EncryptedString(context="signing_key.seed"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activates_at: Mapped[datetime]
    publish_until: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(64))
