"""One settings class per service, built once at start and injected.

Every service subclasses :class:`ServiceSettings`. Values come from the environment
(``KAFKA_BOOTSTRAP_SERVERS``, ``DATABASE_URL`` ...). In ``production`` the class refuses
the development placeholders, so a forgotten secret stops the process instead of
shipping a known key.
"""

from __future__ import annotations

import base64
from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A well-known development key (32 zero-ish bytes, base64). Never valid in production.
DEV_FIELD_KEY = "dev:" + base64.b64encode(b"smart-community-dev-key-32bytes!").decode()
DEV_DATABASE_URL = "postgresql+asyncpg://postgres:postgres@127.0.0.1:5432/postgres"
PLACEHOLDER_MARKERS = ("change-me", "changeme", "placeholder", "dev-key", "smart-community-dev")

Environment = Literal["dev", "test", "production"]
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


class KafkaSettings(BaseSettings):
    """How a process reaches Kafka: the brokers, the client behaviour and the security.

    Every Kafka client of the platform gets its connection options from these through
    :func:`sc_core.kafka.kafka_client_options`. Tools that are not services (topic and ACL
    commands, benchmarks) build this class alone from the same environment variables.
    """

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_enable_idempotence: bool = True
    kafka_consumer_group: str | None = None
    kafka_max_retries: int = 3
    kafka_retry_backoff_ms: int = 200
    # A service's plain feeds share one group member, <consumer group>.feeds (ADR 0070);
    # false: one member per feed, <consumer group>.<feed>, as before.
    kafka_feeds_share_group: bool = True
    # How long the producer waits to fill a batch. 0: the outbox relay hands over a whole
    # batch before it waits, so waiting longer only delays every event; a service whose
    # many small sends benefit from coalescing (device-ingestion) sets more.
    kafka_linger_ms: int = Field(default=0, ge=0, le=1000)

    # Security (KAFKA_SECURITY_PROTOCOL ...): SASL with SCRAM or PLAIN, TLS with a CA
    # bundle (the system's when unset), an optional client certificate, hostname checks.
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = Field(default=None, repr=False)
    kafka_ssl_cafile: str | None = None
    kafka_ssl_certfile: str | None = None
    kafka_ssl_keyfile: str | None = None
    kafka_ssl_key_password: str | None = Field(default=None, repr=False)
    kafka_ssl_check_hostname: bool = True

    @property
    def kafka_uses_sasl(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL_")

    @property
    def kafka_uses_ssl(self) -> bool:
        return self.kafka_security_protocol.endswith("SSL")

    @model_validator(mode="after")
    def _kafka_security_is_whole(self) -> KafkaSettings:
        if self.kafka_uses_sasl and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
            )
        if not self.kafka_uses_sasl and (self.kafka_sasl_username or self.kafka_sasl_password):
            raise ValueError(
                "KAFKA_SASL_USERNAME/PASSWORD are set but KAFKA_SECURITY_PROTOCOL="
                f"{self.kafka_security_protocol} does not use SASL"
            )
        ssl_files = [self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile]
        if not self.kafka_uses_ssl and any(ssl_files):
            raise ValueError(
                "KAFKA_SSL_* files are set but KAFKA_SECURITY_PROTOCOL="
                f"{self.kafka_security_protocol} does not use TLS"
            )
        if self.kafka_ssl_keyfile and not self.kafka_ssl_certfile:
            raise ValueError("KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE")
        return self


class ServiceSettings(KafkaSettings):
    """Settings every service and the gateway share."""

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    service_name: str = "service"
    environment: Environment = "dev"
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # processes serving the port, one core each (sc_core.workers, ADR 0064); each is what a
    # replica is: consumers in the same groups, the same advisory locks
    http_workers: int = Field(default=1, ge=1, le=64)
    # Request bodies (sc_core.limits): larger ones are refused with 413 before they are
    # read, JSON nested deeper with 400 before it is parsed. The largest legitimate body is
    # an attachment (work-orders, 10 MiB) in its multipart envelope.
    max_body_bytes: int = 12 * 1024 * 1024
    max_json_depth: int = Field(default=32, ge=2, le=512)
    # Freeze what start-up built and collect young objects less often (sc_core.collector,
    # ADR 0064); applied by `python -m <service>` only, never to an app a test hosts
    gc_tuning: bool = True

    # PostgreSQL
    database_url: str = DEV_DATABASE_URL
    database_auto_create: bool = False
    # connections a process keeps open once it needed them, and a few more for a burst
    # (closed again on return); sized for the concurrency one process serves (ADR 0040)
    database_pool_size: int = Field(default=20, ge=1, le=200)
    database_max_overflow: int = Field(default=2, ge=0, le=200)

    # Outbox relay
    outbox_poll_interval_ms: int = 100
    # a poll that finds nothing waits longer, up to this (a commit still wakes it at once)
    outbox_idle_poll_interval_ms: int = 2000
    outbox_batch_size: int = 500

    # Observability. Traces go to OTLP when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
    # OTEL_EXPORTER_OTLP_ENDPOINT is set (OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL: http/protobuf,
    # the default, or grpc); OTEL_TRACES_SAMPLER (+ _ARG), when set, replaces the sampler
    # below (parent-based, ratio otel_sample_ratio). sc_core.observability.setup_tracing.
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    otel_sample_ratio: float = 1.0
    # /metrics on a port of its own (METRICS_PORT), so the API port a proxy or an ingress
    # exposes does not serve it; unset: /metrics on the API port (development)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)

    # Auth: verify tokens issued by identity
    jwks_url: str | None = None
    jwt_issuer: str = "smart-community-identity"
    jwt_audience: str = "smart-community"
    jwks_cache_seconds: int = 300
    # Revoked access tokens (logout, a reused refresh token, a disabled account, a revoked
    # grant) refused within seconds: identity's events on identity.events.v1, followed by
    # every verifier (sc_core.auth.revocation, ADR 0028). The window reaches back further
    # than the longest access token lives.
    auth_revocation_feed: bool = True
    auth_revocation_window_seconds: float = Field(default=3600.0, gt=0)

    # Privacy: field encryption keys "kid:base64key,kid:base64key"; the first encrypts,
    # every one decrypts (rotation keeps old data readable).
    field_encryption_keys: str = Field(default=DEV_FIELD_KEY, repr=False)
    # Key of the blind indexes (exact-match search on encrypted columns), base64. It must
    # never change while indexes exist; unset, it is derived from the oldest key above.
    field_index_key: str | None = Field(default=None, repr=False)

    # Audit
    audit_topic: str = "audit.records.v1"

    # Topics: a catalogue topic -> the topic this process uses instead (tests give each
    # run its own: TOPIC_NAMES='{"alarm.events.v1": "alarm.events.t1234"}'); unnamed
    # topics are used as the catalogue names them.
    topic_names: dict[str, str] = Field(default_factory=dict)

    # Client address (sc_core.net): peers whose X-Forwarded-For is believed. A service
    # trusts the gateway (loopback here; the release's pods in a cluster); the gateway
    # trusts the proxies in front of it (GatewaySettings: nobody unless set).
    forwarded_allow_ips: str = "127.0.0.1,::1"

    @property
    def consumer_group(self) -> str:
        return self.kafka_consumer_group or self.service_name

    def topic(self, name: str) -> str:
        """The topic this process uses for catalogue topic ``name``."""
        if name == "audit.records.v1":
            return self.topic_names.get(name, self.audit_topic)
        return self.topic_names.get(name, name)

    @cached_property
    def encryption_keyring(self) -> list[tuple[str, bytes]]:
        ring: list[tuple[str, bytes]] = []
        for part in self.field_encryption_keys.split(","):
            part = part.strip()
            if not part:
                continue
            kid, _, b64 = part.partition(":")
            if not b64:
                raise ValueError("FIELD_ENCRYPTION_KEYS entries must be 'kid:base64key'")
            key = base64.b64decode(b64)
            if len(key) not in (16, 24, 32):
                raise ValueError(f"encryption key {kid!r} must be 16, 24 or 32 bytes")
            ring.append((kid, key))
        if not ring:
            raise ValueError("FIELD_ENCRYPTION_KEYS holds no key")
        return ring

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> ServiceSettings:
        self.encryption_keyring  # noqa: B018 - validates the key format at start
        if self.environment != "production":
            return self
        problems: list[str] = []
        for name in self.secret_fields():
            value = str(getattr(self, name) or "")
            lowered = value.lower()
            if value == DEV_FIELD_KEY or any(m in lowered for m in PLACEHOLDER_MARKERS):
                problems.append(name)
        if self.database_url == DEV_DATABASE_URL or ":postgres@" in self.database_url:
            problems.append("database_url")
        if self.database_auto_create:
            problems.append("database_auto_create")
        if (
            self.kafka_security_protocol == "SASL_PLAINTEXT"
            and self.kafka_sasl_mechanism == "PLAIN"
        ):
            problems.append("kafka_sasl_mechanism (PLAIN would send the password in clear)")
        if problems:
            raise ValueError(
                "production settings hold development placeholders: " + ", ".join(problems)
            )
        return self

    def secret_fields(self) -> list[str]:
        """Names of fields that hold secrets; subclasses add theirs."""
        return [
            "field_encryption_keys",
            "field_index_key",
            "kafka_sasl_password",
            "kafka_ssl_key_password",
        ]
