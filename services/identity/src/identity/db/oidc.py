"""OpenID Connect: registered clients, authorization codes, consents, browser sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, utcnow


class OidcClient(Base):
    """A relying party: the console, a first-party app, a partner system (第三方)."""

    __tablename__ = "oidc_clients"
    __table_args__ = (Index("ix_oidc_clients_created", "created_at", "client_id"),)  # ADR 0061

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    # argon2 hash of the secret; None for a public client (a browser or native app)
    secret_hash: Mapped[str | None] = mapped_column(Text)
    # first party: the platform's own apps, no consent page; third party: consent asked
    first_party: Mapped[bool] = mapped_column(default=False)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    id_token_alg: Mapped[str] = mapped_column(String(16), default="RS256")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | disabled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class AuthorizationCode(Base):
    """One authorization code (stored as SHA-256), single use, a couple of minutes."""

    __tablename__ = "oidc_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oidc_clients.client_id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    sso_session_id: Mapped[uuid.UUID | None]
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text, default="")
    nonce: Mapped[str | None] = mapped_column(Text)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(8))
    auth_time: Mapped[datetime]
    amr: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    family_id: Mapped[uuid.UUID | None]  # the refresh chain it was exchanged for


class Consent(Base):
    """What an account allowed a third-party client (asked once per new scope)."""

    __tablename__ = "oidc_consents"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(
        ForeignKey("oidc_clients.client_id", ondelete="CASCADE"), primary_key=True
    )
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SsoSession(Base):
    """The browser's session at identity's hosted login page (cookie holds a secret whose
    SHA-256 is stored): signs the user in to the next client without a password."""

    __tablename__ = "sso_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    auth_time: Mapped[datetime]
    amr: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
