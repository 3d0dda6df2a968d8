"""Gateway settings."""

from __future__ import annotations

from pydantic import Field, model_validator

from sc_core.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    http_port: int = 8000

    # service name -> base URL, e.g. {"identity": "http://127.0.0.1:8101"}
    upstreams: dict[str, str] = Field(default_factory=dict)
    # path prefix -> service name, consulted before the routes learnt from OpenAPI
    route_overrides: dict[str, str] = Field(default_factory=dict)
    route_refresh_seconds: float = 30.0

    connect_timeout_seconds: float = 2.0
    upstream_timeout_seconds: float = 10.0
    # Server-Sent Events (Accept: text/event-stream) wait this long between two chunks
    # instead of upstream_timeout_seconds; streams send heartbeats well within it.
    stream_read_timeout_seconds: float | None = 60.0
    # event streams one caller (a token's subject) holds open at once through the gateway;
    # past it 429 gateway.too_many_streams (a console and an app or two need a few)
    max_streams_per_caller: int = Field(default=8, ge=1)
    # Long-polls (path patterns, GET) wait this long for their answer instead of
    # upstream_timeout_seconds: a device's RPC or shared-attribute poll may hold 60 s
    # (device-ingestion's rpc_long_poll_max_s). Long-polls and streams never count against
    # a breaker.
    long_poll_paths: dict[str, float] = Field(
        default_factory=lambda: {
            r"/api/v1/[^/]+/rpc": 75.0,
            r"/api/v1/[^/]+/attributes/updates": 75.0,
        }
    )
    # how long a request may wait for a free upstream connection of the gateway's own pool;
    # past it the gateway answers 503 gateway.busy (its own limit, not the upstream's fault)
    pool_timeout_seconds: float = 2.0
    idempotent_retries: int = 2
    breaker_failure_threshold: int = 5
    breaker_reset_seconds: float = 10.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_connections: int = 200

    # The URL clients reach the gateway at (the merged OpenAPI's `servers`); empty = the
    # base URL of the request for /openapi.json
    public_base_url: str | None = None
    # the built web console (console/dist), served under /console/; unset: not served
    console_dir: str | None = None
    # the residents' app (the H5 build of apps/resident), served under /app/; unset: not served
    app_dir: str | None = None
    # "today" of the operations overview (/api/v1/overview) starts at midnight here
    overview_timezone: str = "Asia/Shanghai"

    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])

    # The proxies in front of the gateway (the ingress controller's addresses or networks)
    # whose X-Forwarded-For is believed; nobody by default, so a client cannot name its
    # own address. Upstream, the gateway sends only the address it found (sc_core.net).
    forwarded_allow_ips: str = ""

    # routes that need no user token (regular expressions over the path); None = defaults
    public_paths: list[str] | None = None
    rate_per_caller_per_second: float = 50.0
    rate_per_caller_burst: int = 100
    rate_per_address_per_second: float = 100.0
    rate_per_address_burst: int = 200

    @model_validator(mode="after")
    def _production_needs_token_verification(self) -> GatewaySettings:
        if self.environment == "production" and not self.jwks_url:
            raise ValueError("JWKS_URL must be set in production: the gateway verifies tokens")
        return self
