"""identity's settings: the platform's plus token lifetimes, signing keys, lockout."""

from __future__ import annotations

from pydantic import Field, model_validator

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "identity"

    # Signing keys of the access tokens. Empty: keys live in identity's database,
    # encrypted with FIELD_ENCRYPTION_KEYS, and rotate through the admin endpoint or
    # `python -m identity rotate-keys`. Set: "kid:base64(32-byte Ed25519 seed),..."; the
    # first key signs, every key is published in the JWKS (see the README).
    jwt_signing_keys: str = Field(default="", repr=False)
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=3600)
    refresh_token_ttl_seconds: int = Field(default=30 * 86400, ge=300)
    # A key made by a rotation starts signing this long after it is first published, so
    # every verifier's JWKS cache has it before the first token it signs arrives.
    jwt_key_activation_delay_seconds: int = Field(default=60, ge=0)
    # How often a replica re-reads the key ring from the database, and how long its own
    # verifier keeps the JWKS (it is read in-process, never over the network).
    keystore_reload_seconds: float = Field(default=10.0, ge=0)
    jwt_leeway_seconds: float = Field(default=30.0, ge=0)

    # Lockout: per account, and per source address.
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_seconds: int = Field(default=900, ge=1)
    login_address_max_failures: int = Field(default=20, ge=1)
    login_address_window_seconds: int = Field(default=900, ge=1)
    login_address_block_seconds: int = Field(default=900, ge=1)

    # Where apps reach identity (through the gateway): the OpenID configuration's URLs.
    public_base_url: str = "http://127.0.0.1:8000"

    visitor_pass_max_days: int = Field(default=30, ge=1)
    door_command_ttl_seconds: int = Field(default=30, ge=1)

    def secret_fields(self) -> list[str]:
        return [*super().secret_fields(), "jwt_signing_keys"]

    @model_validator(mode="after")
    def _signing_keys_parse(self) -> Settings:
        from identity.auth.keys import parse_key_ring

        if self.jwt_signing_keys.strip():
            parse_key_ring(self.jwt_signing_keys)  # a malformed ring stops the process
        return self


def get_settings() -> Settings:
    return Settings()
