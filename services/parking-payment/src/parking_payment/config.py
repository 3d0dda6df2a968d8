"""Settings of parking-payment (environment variables, built once at start)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from pydantic import Field, model_validator

from sc_core.settings import ServiceSettings


def _state(*parts: str) -> Path:
    """Under ``SC_STATE_DIR`` (``make run`` and the end-to-end stack set it)."""
    root = os.environ.get("SC_STATE_DIR") or Path.home() / ".local" / "state" / "smart-community"
    return Path(root).joinpath("parking-payment", *parts)


def _gateway() -> str:
    return f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"


class Settings(ServiceSettings):
    """Publishes parking.passages.v1, parking.sessions.v1, payment.orders.v1,
    payment.reconciliations.v1, device.commands.v1 and notification.requests.v1; reads
    telemetry.readings.v1 (meters and e-bike chargers)."""

    service_name: str = "parking-payment"

    # where callbacks reach us from the providers (through the gateway)
    public_base_url: str = Field(default_factory=_gateway)

    # payment providers: "simulator" reads PAYMENT_SIMULATOR_DIR (make run, tests);
    # "production" reads the WECHATPAY_* and ALIPAY_* settings below
    payment_mode: str = Field(default="simulator", pattern="^(simulator|production|off)$")
    payment_simulator_dir: Path = Field(default_factory=lambda: _state("payment-sim"))
    order_ttl_s: int = 900
    idempotency_ttl_h: int = 48
    settle_interval_s: float = 10.0
    reconcile_hour: int = 10  # Beijing time: bills of the day before are ready by then

    wechatpay_mchid: str = ""
    wechatpay_appid: str = ""
    wechatpay_mini_appid: str = ""
    wechatpay_app_appid: str = ""
    wechatpay_serial_no: str = ""
    wechatpay_private_key_file: Path | None = None
    wechatpay_apiv3_key: str = Field(default="", repr=False)
    wechatpay_platform_public_key_file: Path | None = None
    wechatpay_platform_public_key_id: str = ""
    wechatpay_base_url: str = "https://api.mch.weixin.qq.com"

    alipay_app_id: str = ""
    alipay_seller_id: str = ""
    alipay_private_key_file: Path | None = None
    alipay_public_key_file: Path | None = None
    alipay_gateway: str = "https://openapi.alipay.com/gateway.do"

    # parking and fees
    photo_dir: Path = Field(default_factory=lambda: _state("photos"))
    late_fee_rate_per_day: Decimal = Decimal(0)  # e.g. 0.0003 = 万分之三 per day
    visitor_pass_max_hours: int = 24
    visitor_passes_per_month: int = 20

    # OCPP central system (charge points connect here, not through the gateway)
    ocpp_enabled: bool = True
    ocpp_host: str = "127.0.0.1"
    ocpp_port: int = 0  # 0: any free port (development); set it in production
    # a simulated pile with this identity connects to the central system (make run and the
    # end-to-end tests; empty, the default, everywhere else: charger_sim.py)
    ocpp_demo_charger: str = Field(default="", max_length=48)

    @model_validator(mode="after")
    def _no_simulated_money_in_production(self) -> Settings:
        """The simulators sign with test keys: in production they would take no money."""
        if self.environment == "production" and self.payment_mode == "simulator":
            raise ValueError(
                "PAYMENT_MODE=simulator is refused in production (use production or off)"
            )
        if self.environment == "production" and self.ocpp_demo_charger:
            raise ValueError("OCPP_DEMO_CHARGER (a simulated pile) is refused in production")
        return self

    def secret_fields(self) -> list[str]:
        return [*super().secret_fields(), "wechatpay_apiv3_key"]
