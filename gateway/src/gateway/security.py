"""Who may pass the gateway: the token check and the routes that need no login."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import Request

from gateway.ratelimit import RateLimiter, retry_after_header
from sc_core import net
from sc_core.auth import JWKSVerifier, Principal
from sc_core.auth.jwks import unauthorized
from sc_core.errors import Problem

# Routes that need no user token, each for a reason:
DEFAULT_PUBLIC_PATHS = (
    r"/api/v1/auth/token",  # logging in
    r"/api/v1/auth/logout",  # logging out works with an expired token; identity checks it
    r"/api/v1/auth/(sms-codes|sms-login|wechat-login)",  # signing in by SMS code, WeChat
    r"/api/v1/signup",  # a new resident's account (issue 19 item 8); then they log in
    r"/\.well-known/jwks\.json",  # keys to verify tokens
    r"/\.well-known/openid-configuration",  # discovery
    r"/oauth2/authorize",  # the hosted login page (OpenID Connect authorization endpoint)
    r"/oauth2/logout",  # RP-initiated logout: an ID token hint, identity checks it
    r"/api/v1/[^/]+/(telemetry|attributes|rpc|claim)(/.*)?",  # devices: own token in the path
    r"/api/v1/[^/]+/firmware",  # devices: their firmware download (OTA), own token in the path
    r"/api/v1/provision",  # device fleets: provisioning key and secret
    r"/api/v1/visitor-passes/verify",  # a gate checking a visitor's QR pass
    r"/api/v1/payments/callbacks/(wechat|alipay)",  # payment providers: signed callbacks
    r"/api/v1/parking/anpr/[^/]+/(alarm-info-plate|isapi)",  # cameras: their token in the path
    r"/api/v1/certificates/verify/[^/]+",  # anyone checking a certificate's code (its QR)
    r"/open311/v2/.+",  # Open311 GeoReport v2: its api_key, work-orders checks it (ADR 0035)
)

# Routes a single-use ticket in `?ticket=` may open instead of a token (EventSource and
# mini-programs cannot send an Authorization header); the owning service redeems it.
TICKET_PATHS = frozenset({"/api/v1/stream"})


class PublicPaths:
    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = [re.compile(f"^{p}$") for p in patterns]

    def __contains__(self, path: str) -> bool:
        return any(p.match(path) for p in self.patterns)


def client_address(request: Request) -> str:
    return net.client_address(request) or "unknown"


class Gatekeeper:
    """Verifies the access token of protected routes and applies the rate limits."""

    def __init__(
        self,
        verifier: JWKSVerifier | None,
        public: PublicPaths,
        per_caller: RateLimiter,
        per_address: RateLimiter,
    ) -> None:
        self.verifier = verifier
        self.public = public
        self.per_caller = per_caller
        self.per_address = per_address

    async def admit(self, request: Request, address: str | None = None) -> Principal | None:
        """The caller (None on a public route); ``address``: the client's, when the
        caller has found it already (the front door sends it upstream too)."""
        wait = self.per_address.check(address or client_address(request))
        if wait:
            raise _rate_limited(wait, "address")
        principal = await self._principal(request)
        if principal is not None:
            wait = self.per_caller.check(f"{principal.kind}:{principal.subject}")
            if wait:
                raise _rate_limited(wait, "caller")
        return principal

    async def _principal(self, request: Request) -> Principal | None:
        # public routes pass as they are: the token endpoint may carry client credentials
        # as HTTP Basic, devices carry their own token; the owning service checks those
        path: str = request.scope["path"]  # not request.url: that builds the whole URL
        if path in self.public or request.method == "OPTIONS":
            return None
        header = request.headers.get("authorization")
        if not header and path in TICKET_PATHS and request.query_params.get("ticket"):
            return None
        if not header:
            raise Problem(
                401,
                "auth.unauthenticated",
                "This route needs a login",
                zh="请先登录",
                headers={"WWW-Authenticate": 'Bearer realm="smart-community"'},
            )
        if self.verifier is None:
            raise Problem(
                503,
                "auth.unavailable",
                "Token verification is not configured",
                zh="登录校验暂不可用，请稍后重试",
            )
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized(
                "auth.invalid_token",
                "The Authorization header must be 'Bearer <token>'",
                zh="登录凭证格式不正确，请重新登录",
            )
        principal = await self.verifier.verify(token.strip())
        request.state.principal = principal
        return principal


# Who sent too many requests, as a refusal says it to a person.
_PER_WORDS = {"address": "您所在网络", "caller": "您的账号"}


def _rate_limited(wait: float, per: str) -> Problem:
    return Problem(
        429,
        "request.rate_limited",
        f"Too many requests from this {per}; try again in {retry_after_header(wait)} s",
        zh=f"{_PER_WORDS.get(per, '')}访问过于频繁，请 {retry_after_header(wait)} 秒后再试",
        headers={"Retry-After": retry_after_header(wait)},
    )
