"""A local token issuer and a real JWKS HTTP server, for tests across the repo.

::

    issuer = LocalIssuer()                       # one Ed25519 key, kid "ed25519-…"
    with JWKSServer(issuer) as server:           # uvicorn on 127.0.0.1, a free port
        verifier = JWKSVerifier(server.url, issuer.issuer, issuer.audience)
        token = issuer.issue("u-1", roles=["resident"],
                             grants=[Grant("resident", "household", "h-1")])
        principal = await verifier.verify(token)

``rotate()`` adds a new current key and keeps publishing the old public key, the way
identity rotates; ``retire(kid)`` stops publishing one.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from sc_core.auth.principal import Grant, Principal

DEFAULT_ISSUER = "smart-community-identity"
DEFAULT_AUDIENCE = "smart-community"
Algorithm = Literal["EdDSA", "RS256"]


@dataclass(frozen=True)
class _SigningKey:
    kid: str
    algorithm: Algorithm
    private_key: Any
    public_jwk: dict[str, Any]


def _generate(kid: str, algorithm: Algorithm) -> _SigningKey:
    if algorithm == "EdDSA":
        ed_key = Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(ed_key.public_key(), as_dict=True)
        private: Any = ed_key
    elif algorithm == "RS256":
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
        private = rsa_key
    else:
        raise ValueError(f"unsupported algorithm {algorithm!r}")
    jwk.update({"kid": kid, "alg": algorithm, "use": "sig"})
    return _SigningKey(kid, algorithm, private, jwk)


class LocalIssuer:
    """Signs access tokens the way identity does; publishes its public keys as a JWKS."""

    def __init__(
        self,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        *,
        algorithm: Algorithm = "EdDSA",
        with_rsa: bool = False,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self._keys: dict[str, _SigningKey] = {}
        self.current_kid = self.add_key(algorithm)
        self.rsa_kid: str | None = self.add_key("RS256") if with_rsa else None

    def add_key(self, algorithm: Algorithm = "EdDSA", kid: str | None = None) -> str:
        """Generate and publish a key; returns its kid (the current key is unchanged)."""
        prefix = "ed25519" if algorithm == "EdDSA" else "rsa"
        kid = kid or f"{prefix}-{secrets.token_hex(4)}"
        if kid in self._keys:
            raise ValueError(f"key id {kid!r} exists")
        self._keys[kid] = _generate(kid, algorithm)
        return kid

    def rotate(self, algorithm: Algorithm | None = None) -> str:
        """Add a new key, make it current, keep publishing the old ones; returns the kid."""
        alg = algorithm or self._keys[self.current_kid].algorithm
        self.current_kid = self.add_key(alg)
        return self.current_kid

    def retire(self, kid: str) -> None:
        """Stop publishing (and signing with) ``kid``."""
        if kid == self.current_kid:
            raise ValueError("rotate before retiring the current key")
        del self._keys[kid]

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def jwks(self) -> dict[str, Any]:
        """The public JWKS document identity would serve."""
        return {"keys": [dict(k.public_jwk) for k in self._keys.values()]}

    def issue(
        self,
        sub: str,
        roles: Iterable[str] = (),
        grants: Iterable[Grant | Mapping[str, str]] = (),
        *,
        ttl: float = 300,
        kid: str | None = None,
        kind: str = "user",
        name: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        now: float | datetime | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token. A negative ``ttl`` gives an already expired token."""
        key = self._keys[kid or self.current_kid]
        issued = now.timestamp() if isinstance(now, datetime) else (now or time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "aud": audience or self.audience,
            "sub": sub,
            "kind": kind,
            "roles": list(roles),
            "grants": [Grant.from_claim(g).to_claim() for g in grants],
            "iat": int(issued),
            "exp": int(issued + ttl),
            "jti": str(uuid.uuid4()),
        }
        if name is not None:
            claims["name"] = name
        claims.update(extra_claims or {})
        return jwt.encode(
            claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid}
        )

    def issue_for(self, principal: Principal, **kwargs: Any) -> str:
        """A token carrying ``principal``'s subject, kind, name, roles and grants."""
        return self.issue(
            principal.subject,
            principal.roles,
            principal.grants,
            kind=principal.kind,
            name=principal.name,
            **kwargs,
        )

    def bearer(self, sub: str, *args: Any, **kwargs: Any) -> dict[str, str]:
        """``{"Authorization": "Bearer <token>"}`` for an httpx request."""
        return {"Authorization": f"Bearer {self.issue(sub, *args, **kwargs)}"}


class JWKSServer:
    """Serves an issuer's live JWKS over real HTTP (uvicorn, 127.0.0.1, free port).

    ``requests`` counts GETs of the JWKS path; set ``fail_status`` to answer with that
    status instead (identity down).
    """

    def __init__(self, issuer: LocalIssuer, path: str = "/.well-known/jwks.json") -> None:
        self.issuer = issuer
        self.path = path
        self.requests = 0
        self.fail_status: int | None = None
        self._sock: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("the server is not running")
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] != self.path or scope["method"] != "GET":
            status, body = 404, b'{"detail":"not found"}'
        elif self.fail_status is not None:
            self.requests += 1
            status, body = self.fail_status, b'{"detail":"failing on purpose"}'
        else:
            self.requests += 1
            status, body = 200, json.dumps(self.issuer.jwks()).encode()
        headers = [(b"content-type", b"application/json"), (b"cache-control", b"max-age=300")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def start(self) -> JWKSServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self._app, interface="asgi3", lifespan="off", log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the JWKS server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> JWKSServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
