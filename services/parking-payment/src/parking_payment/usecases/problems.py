"""Domain errors as problem+json (status by code), and the service's own problems."""

from __future__ import annotations

from parking_payment.domain.errors import DomainError
from sc_core.errors import Problem

_STATUS = {
    "payment.idempotency_conflict": 409,
    "payment.idempotency_in_progress": 409,
    "payment.invalid_state": 409,
    "payment.not_refundable": 409,
    "payment.bill_not_payable": 409,
    "payment.shop_order_not_payable": 409,
    "parking.session_not_open": 409,
    "parking.pass_quota_exceeded": 409,
}


def problem(error: DomainError) -> Problem:
    """A person reads ``detail``: zh-CN first, English second."""
    return Problem(_STATUS.get(error.code, 422), error.code, error.message)


def not_found(code: str, zh: str, en: str) -> Problem:
    return Problem(404, code, en, zh=zh)


PROVIDER_UNAVAILABLE = Problem(
    503,
    "payment.provider_unavailable",
    "支付渠道暂时无法访问，请稍后重试（the payment provider is unreachable; retry shortly）",
    headers={"Retry-After": "5"},
)
