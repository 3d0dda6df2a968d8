"""Who is calling: the verified identity a request carries, built from JWT claims.

Claims identity puts in an access token::

    {"sub": "u-42", "kind": "user", "name": "张三",
     "roles": ["resident"],
     "grants": [{"role": "property_staff", "scope_type": "community", "scope_id": "c-1"}],
     "iss": ..., "aud": ..., "exp": ..., "iat": ..., "jti": ...}

A grant implies its role: ``roles`` is the union of the ``roles`` claim and every grant's
role. A role without a grant has no place to act on (``scope_clause`` matches nothing),
except ``platform_admin``, which is platform-wide by definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sc_core.privacy.grades import Grade, grade_for

ScopeType = Literal["community", "grid", "building", "unit", "household", "platform"]
PrincipalKind = Literal["user", "service", "device"]
SCOPE_TYPES: frozenset[str] = frozenset(get_args(ScopeType))
PRINCIPAL_KINDS: frozenset[str] = frozenset(get_args(PrincipalKind))
PLATFORM_ADMIN = "platform_admin"


class InvalidClaims(ValueError):
    """The token's claims do not describe a principal."""


@dataclass(frozen=True)
class Grant:
    """``role`` held over one place: a community, grid, building, unit or household
    (``scope_id`` its id), or the whole platform (``scope_type="platform"``, id ``"*"``)."""

    role: str
    scope_type: ScopeType
    scope_id: str

    def __post_init__(self) -> None:
        if self.scope_type not in SCOPE_TYPES:
            raise InvalidClaims(f"unknown scope_type {self.scope_type!r}")
        if not self.role or not isinstance(self.role, str):
            raise InvalidClaims("a grant needs a role")
        if not isinstance(self.scope_id, str) or not self.scope_id:
            raise InvalidClaims("a grant needs a scope_id")

    @classmethod
    def from_claim(cls, raw: Any) -> Grant:
        if isinstance(raw, Grant):
            return raw
        if not isinstance(raw, Mapping):
            raise InvalidClaims("each grant must be an object")
        try:
            return cls(str(raw["role"]), raw["scope_type"], str(raw["scope_id"]))
        except KeyError as exc:
            raise InvalidClaims(f"a grant misses {exc.args[0]!r}") from exc

    def to_claim(self) -> dict[str, str]:
        return {"role": self.role, "scope_type": self.scope_type, "scope_id": self.scope_id}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. Immutable; safe to share across tasks."""

    subject: str
    kind: PrincipalKind = "user"
    name: str | None = None
    roles: frozenset[str] = frozenset()
    grants: tuple[Grant, ...] = ()
    token_id: str | None = None
    expires_at: datetime | None = field(default=None, compare=False)
    # when the token was issued and the sign-in (refresh-token family, ``sid``) it belongs
    # to: what a revocation names (sc_core.auth.revocation)
    issued_at: datetime | None = field(default=None, compare=False)
    session_id: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        implied = frozenset(g.role for g in self.grants)
        if not implied <= self.roles:
            object.__setattr__(self, "roles", frozenset(self.roles) | implied)

    # roles -------------------------------------------------------------------------
    def has_role(self, *roles: str) -> bool:
        """True when the principal holds any of ``roles``."""
        return any(r in self.roles for r in roles)

    @property
    def is_platform_admin(self) -> bool:
        return PLATFORM_ADMIN in self.roles

    @property
    def grade(self) -> Grade:
        """Highest sensitivity grade this principal may see unmasked."""
        return grade_for(self.roles)

    # scopes ------------------------------------------------------------------------
    def scopes_for(self, role: str) -> tuple[Grant, ...]:
        """The grants of one role."""
        return tuple(g for g in self.grants if g.role == role)

    def scope_ids(
        self, scope_type: ScopeType, roles: Iterable[str] | None = None
    ) -> frozenset[str]:
        """Ids of the places of ``scope_type`` granted (to any of ``roles`` if given)."""
        wanted = None if roles is None else frozenset(roles)
        return frozenset(
            g.scope_id
            for g in self.grants
            if g.scope_type == scope_type and (wanted is None or g.role in wanted)
        )

    def is_platform_wide(self, roles: Iterable[str] | None = None) -> bool:
        """platform_admin, or a ``platform`` grant (for one of ``roles`` if given)."""
        wanted = None if roles is None else frozenset(roles)
        if self.is_platform_admin and (wanted is None or PLATFORM_ADMIN in wanted):
            return True
        return bool(self.scope_ids("platform", wanted))

    @property
    def community_ids(self) -> frozenset[str]:
        return self.scope_ids("community")

    @property
    def grid_ids(self) -> frozenset[str]:
        return self.scope_ids("grid")

    @property
    def building_ids(self) -> frozenset[str]:
        return self.scope_ids("building")

    @property
    def unit_ids(self) -> frozenset[str]:
        return self.scope_ids("unit")

    @property
    def household_ids(self) -> frozenset[str]:
        return self.scope_ids("household")

    # claims ------------------------------------------------------------------------
    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Build from verified JWT claims; :class:`InvalidClaims` when they are malformed."""
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidClaims("the token has no subject")
        kind = claims.get("kind", "user")
        if kind not in PRINCIPAL_KINDS:
            raise InvalidClaims(f"unknown principal kind {kind!r}")
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidClaims("roles must be a list of strings")
        grants = claims.get("grants", [])
        if not isinstance(grants, list):
            raise InvalidClaims("grants must be a list")
        name = claims.get("name")
        exp = claims.get("exp")
        iat = claims.get("iat")
        sid = claims.get("sid")
        jti = claims.get("jti")
        return cls(
            subject=subject,
            kind=kind,
            name=name if isinstance(name, str) else None,
            roles=frozenset(roles),
            grants=tuple(Grant.from_claim(g) for g in grants),
            token_id=jti if isinstance(jti, str) else None,
            expires_at=datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None,
            issued_at=datetime.fromtimestamp(iat, UTC) if isinstance(iat, int | float) else None,
            session_id=sid if isinstance(sid, str) else None,
        )

    def to_claims(self) -> dict[str, Any]:
        """The principal's own claims (no iss/aud/exp), as identity would issue them."""
        claims: dict[str, Any] = {
            "sub": self.subject,
            "kind": self.kind,
            "roles": sorted(self.roles),
            "grants": [g.to_claim() for g in self.grants],
        }
        if self.name is not None:
            claims["name"] = self.name
        return claims
