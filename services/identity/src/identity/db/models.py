"""Every table of identity's database, on one ``metadata`` (Alembic's target)."""

from identity.db.access import Door, Passage, VisitorPass
from identity.db.auth import (
    Account,
    Grant,
    KnownLoginAddress,
    LoginCounter,
    RefreshToken,
    SigningKeyRow,
)
from identity.db.base import Base
from identity.db.mfa import RecoveryCode, TotpFactor
from identity.db.oidc import AuthorizationCode, Consent, OidcClient, SsoSession
from identity.db.register import (
    Building,
    Community,
    Grid,
    Household,
    Person,
    Residency,
    Room,
    Unit,
)
from identity.db.signup import HouseholdInvitation, JoinRequest
from identity.db.sms import SmsCode, SmsSinkRow, WeChatIdentity

metadata = Base.metadata

__all__ = [
    "Account",
    "AuthorizationCode",
    "Building",
    "Community",
    "Consent",
    "Door",
    "Grant",
    "Grid",
    "Household",
    "HouseholdInvitation",
    "JoinRequest",
    "KnownLoginAddress",
    "LoginCounter",
    "OidcClient",
    "Passage",
    "Person",
    "RecoveryCode",
    "RefreshToken",
    "Residency",
    "Room",
    "SigningKeyRow",
    "SmsCode",
    "SmsSinkRow",
    "SsoSession",
    "TotpFactor",
    "Unit",
    "VisitorPass",
    "WeChatIdentity",
    "metadata",
]
