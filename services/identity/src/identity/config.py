"""identity's settings: the platform's plus token lifetimes, signing keys, login throttling."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from sc_core.schema import TimeZoneName
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

    # Login throttling (identity.auth.throttle): progressive delays, never a lockout.
    # Per name typed (known or not) and per name at an address: this many failures pass,
    # then each attempt waits LOGIN_DELAY_BASE_SECONDS, doubling, at most
    # LOGIN_DELAY_MAX_SECONDS; per address LOGIN_ADDRESS_MAX_FAILURES pass (NAT: many
    # people), up to LOGIN_ADDRESS_DELAY_MAX_SECONDS. Failures are forgotten after
    # LOGIN_FORGET_SECONDS of quiet. An account's owner at an address it signed in from
    # before waits only for the name-at-address counter.
    login_max_failures: int = Field(default=3, ge=1)
    login_delay_base_seconds: float = Field(default=2.0, gt=0)
    login_delay_max_seconds: float = Field(default=300.0, gt=0)
    login_address_max_failures: int = Field(default=20, ge=1)
    login_address_delay_max_seconds: float = Field(default=900.0, gt=0)
    login_forget_seconds: float = Field(default=3600.0, gt=0)

    # Where apps reach identity (through the gateway): the OpenID configuration's URLs.
    public_base_url: str = "http://127.0.0.1:8000"
    # The web console (served by the gateway at PUBLIC_BASE_URL/console/) signs in through
    # the authorization-code flow as the first-party client "console", registered at start.
    console_client_enabled: bool = True

    # Tenancies with an end date (issue 19 item 8): the communities' time zone (a tenancy
    # ends at the start of its end date there), how many days before it the household's
    # owners are told, and how often the sweep runs.
    community_timezone: TimeZoneName = "Asia/Shanghai"
    tenancy_notice_days: int = Field(default=3, ge=0, le=60)
    tenancy_sweep_s: float = Field(default=600.0, gt=0)

    # The password grant (username + password at the token endpoint) is for first-party
    # mobile apps that cannot open a browser. Unset: on, except in production (where the
    # Helm values set it false). Every other app signs in through the authorization code
    # flow with PKCE on identity's hosted login page.
    password_grant_enabled: bool | None = None

    # OpenID Connect: how long an authorization code, the hosted page's login transaction
    # and the browser's single sign-on session at identity live.
    authorization_code_ttl_seconds: int = Field(default=120, ge=10, le=600)
    login_transaction_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    sso_session_ttl_seconds: int = Field(default=8 * 3600, ge=60)

    # Two-factor authentication: the roles that must have a second factor (TOTP, or SMS
    # codes to the account's mobile). MFA_ENFORCE_REQUIRED_ROLES=false (make run only; a
    # production start refuses it) lets such an account without a factor sign in with its
    # password alone, so the demo accounts work; an account that enrolled always needs it.
    mfa_required_roles: str = "platform_admin,community_admin,auditor,gov_officer"
    mfa_enforce_required_roles: bool = True
    totp_issuer_name: str = "智慧社区 Smart Community"

    # One-time SMS codes (短信验证码, ADR 0034): sign-in by mobile number, proof of the
    # mobile at sign-up and at a first WeChat login. A code lives SMS_CODE_TTL_SECONDS, is
    # good once, dies after SMS_CODE_MAX_ATTEMPTS wrong tries; a number gets a new one no
    # sooner than SMS_RESEND_SECONDS after the last, at most SMS_DAILY_PER_NUMBER a day,
    # and one address asks for at most SMS_DAILY_PER_ADDRESS a day (any numbers).
    sms_code_ttl_seconds: int = Field(default=300, ge=60, le=1800)
    sms_code_max_attempts: int = Field(default=5, ge=1, le=10)
    sms_resend_seconds: int = Field(default=60, ge=1)
    sms_daily_per_number: int = Field(default=10, ge=1)
    sms_daily_per_address: int = Field(default=50, ge=1)
    # A new account (POST /api/v1/signup) proves its mobile with a code (purpose signup).
    signup_requires_sms_code: bool = True
    # The provider that sends them (sc_core.messaging.sms, the one notification uses):
    # "sink" keeps each text in identity's sms_sink table (development, tests; platform
    # admins read it at GET /api/v1/dev/sms-sink outside production), "webhook" POSTs it
    # signed to SMS_WEBHOOK_URL, "aliyun" sends it through Aliyun's SendSms with the
    # verification-code template ALIYUN_SMS_CODE_TEMPLATE (variable ${code}).
    sms_provider: Literal["sink", "webhook", "aliyun"] = "sink"
    sms_webhook_url: str | None = None
    sms_webhook_secret: str = Field(default="", repr=False)
    sms_timeout_seconds: float = Field(default=5.0, gt=0)
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    aliyun_region: str = "cn-hangzhou"
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = Field(default="", repr=False)
    aliyun_sms_sign_name: str = ""
    aliyun_sms_code_template: str = ""

    # WeChat mini-program login (微信小程序登录, ADR 0034): "production" calls
    # WECHAT_API_BASE (https://api.weixin.qq.com) with WECHAT_APPID and WECHAT_SECRET;
    # "simulator" (the default outside production) starts identity's local WeChat
    # simulator on a loopback port and talks to it over HTTP with the same code (unless
    # WECHAT_API_BASE names one already running); "off" answers 404 wechat.login_off.
    wechat_login: Literal["simulator", "production", "off"] | None = None
    wechat_api_base: str | None = None
    wechat_appid: str = ""
    wechat_secret: str = Field(default="", repr=False)
    wechat_timeout_seconds: float = Field(default=5.0, gt=0)

    visitor_pass_max_days: int = Field(default=30, ge=1)
    door_command_ttl_seconds: int = Field(default=30, ge=1)

    def secret_fields(self) -> list[str]:
        return [
            *super().secret_fields(),
            "jwt_signing_keys",
            "sms_webhook_secret",
            "aliyun_access_key_secret",
            "wechat_secret",
        ]

    @model_validator(mode="after")
    def _signing_keys_parse(self) -> Settings:
        from identity.auth.keys import parse_key_ring

        if self.jwt_signing_keys.strip():
            parse_key_ring(self.jwt_signing_keys)  # a malformed ring stops the process
        return self

    @model_validator(mode="after")
    def _providers_are_complete(self) -> Settings:
        if self.sms_provider == "webhook":
            if not self.sms_webhook_url:
                raise ValueError("SMS_PROVIDER=webhook needs SMS_WEBHOOK_URL")
            if len(self.sms_webhook_secret) < 16:
                raise ValueError("SMS_WEBHOOK_SECRET must be at least 16 characters")
        if self.sms_provider == "aliyun":
            missing = [
                name.upper()
                for name in (
                    "aliyun_access_key_id",
                    "aliyun_access_key_secret",
                    "aliyun_sms_sign_name",
                    "aliyun_sms_code_template",
                )
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError("SMS_PROVIDER=aliyun needs " + ", ".join(missing))
        if self.wechat_mode == "production" and not (self.wechat_appid and self.wechat_secret):
            raise ValueError("WECHAT_LOGIN=production needs WECHAT_APPID and WECHAT_SECRET")
        return self

    @model_validator(mode="after")
    def _production_is_strict(self) -> Settings:
        if self.environment != "production":
            return self
        issuer = urlsplit(self.jwt_issuer)
        if issuer.scheme != "https" or not issuer.hostname or issuer.query or issuer.fragment:
            raise ValueError(
                "JWT_ISSUER must be an https URL in production (OpenID Connect Discovery), "
                f"not {self.jwt_issuer!r}"
            )
        if not self.public_base_url.startswith("https://"):
            raise ValueError("PUBLIC_BASE_URL must be an https URL in production")
        if not self.mfa_enforce_required_roles:
            raise ValueError("MFA_ENFORCE_REQUIRED_ROLES=false is for development only")
        if self.wechat_login == "simulator":
            raise ValueError("WECHAT_LOGIN=simulator is refused in production")
        if self.jwt_signing_keys.strip():
            from identity.auth.keys import RS256, parse_key_ring

            if not any(k.algorithm == RS256 for k in parse_key_ring(self.jwt_signing_keys)):
                raise ValueError("JWT_SIGNING_KEYS needs an RSA key too (ID tokens are RS256)")
        return self

    @property
    def password_grant(self) -> bool:
        if self.password_grant_enabled is not None:
            return self.password_grant_enabled
        return self.environment != "production"

    @property
    def wechat_mode(self) -> str:
        if self.wechat_login is not None:
            return self.wechat_login
        return "off" if self.environment == "production" else "simulator"

    @property
    def mfa_roles(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.mfa_required_roles.split(",") if r.strip())


def get_settings() -> Settings:
    return Settings()
