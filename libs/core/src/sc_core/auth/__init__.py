"""Authentication and authorisation: principals from identity's JWTs, FastAPI
dependencies, and scope filters. Test helpers live in :mod:`sc_core.auth.testing`."""

from sc_core.auth.caller import Anonymous, AnonymousCaller, Caller, CurrentCaller, callers
from sc_core.auth.deps import (
    CurrentPrincipal,
    OptionalPrincipal,
    get_principal,
    optional_principal,
    require_roles,
)
from sc_core.auth.jwks import ALLOWED_ALGORITHMS, JWKSVerifier, parse_jwks
from sc_core.auth.principal import (
    PLATFORM_ADMIN,
    SCOPE_TYPES,
    Grant,
    InvalidClaims,
    Principal,
    PrincipalKind,
    ScopeType,
)
from sc_core.auth.scope import (
    ScopeShape,
    ensure_in_scope,
    in_scope,
    kept_scope_clause,
    scope_clause,
    scope_shape,
)

__all__ = [
    "ALLOWED_ALGORITHMS",
    "PLATFORM_ADMIN",
    "SCOPE_TYPES",
    "Anonymous",
    "AnonymousCaller",
    "Caller",
    "CurrentCaller",
    "CurrentPrincipal",
    "Grant",
    "InvalidClaims",
    "JWKSVerifier",
    "OptionalPrincipal",
    "Principal",
    "PrincipalKind",
    "ScopeShape",
    "ScopeType",
    "callers",
    "ensure_in_scope",
    "get_principal",
    "in_scope",
    "kept_scope_clause",
    "optional_principal",
    "parse_jwks",
    "require_roles",
    "scope_clause",
    "scope_shape",
]
