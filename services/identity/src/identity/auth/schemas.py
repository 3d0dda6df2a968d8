"""Request and response bodies of the auth, account and grant endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from identity.roles import Role
from sc_core.auth import ScopeType
from sc_core.privacy import Sensitive
from sc_core.validators import MobileNumber

Secret = Annotated[str, Field(min_length=1, max_length=256)]
Name = Annotated[str, Field(min_length=1, max_length=64)]


class TokenRequest(BaseModel):
    """The token request, as JSON or as an OAuth2 form."""

    model_config = ConfigDict(extra="ignore")

    grant_type: (
        Literal["authorization_code", "password", "refresh_token", "client_credentials"] | None
    ) = None
    username: Name | None = None
    password: Secret | None = None
    refresh_token: Secret | None = None
    client_id: Name | None = None
    client_secret: Secret | None = None
    code: Secret | None = Field(default=None, description="authorization_code: the code")
    redirect_uri: Annotated[str, Field(max_length=2000)] | None = None
    code_verifier: Annotated[str, Field(min_length=43, max_length=128)] | None = Field(
        default=None, description="authorization_code: the PKCE verifier (RFC 7636)"
    )
    otp: Annotated[str, Field(min_length=6, max_length=32)] | None = Field(
        default=None,
        description="Password grant: the second factor (TOTP or a recovery code) of an "
        "account that has one.",
    )


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str | None = Field(
        default=None, description="Opaque; rotated on every use. None for client credentials."
    )
    id_token: str | None = Field(
        default=None, description="authorization_code with scope openid: the ID token"
    )
    scope: str | None = Field(default=None, description="The scope granted (code flow)")


class LogoutRequest(BaseModel):
    refresh_token: Secret | None = None


class KeyRead(BaseModel):
    kid: str
    algorithm: str = "EdDSA"
    source: Literal["config", "database"]
    activates_at: datetime | None
    publish_until: datetime | None
    signing: bool
    published: bool


class RotateRequest(BaseModel):
    activate_in_seconds: int | None = Field(
        default=None,
        ge=0,
        le=86_400,
        description="Delay before the new key signs; default JWT_KEY_ACTIVATION_DELAY_SECONDS.",
    )


class GrantBody(BaseModel):
    role: Role
    scope_type: ScopeType
    scope_id: str = Field(min_length=1, max_length=64)


class GrantCreate(GrantBody):
    account_id: uuid.UUID


class GrantRead(GrantBody):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    account_id: uuid.UUID
    community_id: uuid.UUID | None
    created_at: datetime
    created_by: str


class AccountCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=256)
    mobile: MobileNumber | None = None
    person_id: uuid.UUID | None = None
    grants: list[GrantBody] = Field(default_factory=list, max_length=20)


class ServiceAccountCreate(BaseModel):
    client_id: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    grants: list[GrantBody] = Field(default_factory=list, max_length=20)


class AccountUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    status: Literal["active", "disabled"] | None = None
    person_id: uuid.UUID | None = None


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    kind: Literal["user", "service"]
    display_name: str
    mobile: Annotated[str | None, Sensitive("mobile")] = None
    status: str
    locked_until: datetime | None
    last_login_at: datetime | None
    person_id: uuid.UUID | None
    created_at: datetime
    grants: list[GrantRead] = Field(default_factory=list)


class ServiceAccountCreated(AccountRead):
    client_secret: str = Field(description="Shown once; store it now.")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class HouseholdSummary(BaseModel):
    household_id: uuid.UUID
    role: str
    name: str | None = None
    community_id: uuid.UUID | None = None
    building_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    room_standard_code: str | None = None
    place_label: str | None = Field(default=None, description="幸福里社区 1号楼1单元101室")
    address: str | None = Field(default=None, description="The flat's standard address")
    community_name: str | None = None
    property_name: str | None = None
    property_phone: str | None = None


class GrantClaim(BaseModel):
    role: str
    scope_type: str
    scope_id: str


class MeRead(BaseModel):
    id: str
    kind: str
    username: str | None
    name: str | None
    roles: list[str]
    grants: list[GrantClaim]
    households: list[HouseholdSummary]
    person_id: uuid.UUID | None
