"""The problems a forwarded call answers when its upstream cannot (problem+json, a stable
code, zh-CN and en): the service named in words a person knows, never its deployment name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sc_core.errors import Problem

if TYPE_CHECKING:
    from gateway.proxy import Upstream

# How a refusal names a service to a person (never its deployment name).
_SERVICE_WORDS = {
    "identity": "账号与住户服务",
    "alarm": "告警服务",
    "audit": "审计服务",
    "care": "关爱服务",
    "commerce": "社区商业服务",
    "device-ingestion": "设备服务",
    "evaluation": "评价与问卷服务",
    "gov-affairs": "政务服务",
    "notification": "消息通知服务",
    "parking-payment": "停车与缴费服务",
    "work-orders": "工单服务",
}


def service_words(upstream: Upstream) -> str:
    return _SERVICE_WORDS.get(upstream.name, "后台服务")


def circuit_open(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "upstream.circuit_open",
        f"The {upstream.name} service is failing; try again shortly",
        zh=f"{service_words(upstream)}暂时出现故障，请稍后重试",
        headers={"Retry-After": str(upstream.breaker.retry_after())},
        service=upstream.name,
    )


def busy(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "gateway.busy",
        "The gateway has too many requests in flight; try again shortly",
        zh="当前访问人数过多，请稍后重试",
        headers={"Retry-After": "1"},
        service=upstream.name,
    )


def timeout(upstream: Upstream) -> Problem:
    return Problem(
        504,
        "upstream.timeout",
        f"The {upstream.name} service did not answer in time",
        zh=f"{service_words(upstream)}响应超时，请稍后重试",
        service=upstream.name,
    )


def unavailable(upstream: Upstream, reason: str, *, answer_began: bool = False) -> Problem:
    """502: the upstream could not be reached, or broke its answer off before its end (the
    same stable code; ``reason`` says which, the texts say it to a person)."""
    if answer_began:
        return Problem(
            502,
            "upstream.unavailable",
            f"The {upstream.name} service broke off its answer",
            zh=f"{service_words(upstream)}的应答中断，请稍后重试",
            service=upstream.name,
            reason=reason,
        )
    return Problem(
        502,
        "upstream.unavailable",
        f"The {upstream.name} service cannot be reached",
        zh=f"{service_words(upstream)}暂时无法连接，请稍后重试",
        service=upstream.name,
        reason=reason,
    )
