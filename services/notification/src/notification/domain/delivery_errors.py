"""Why a delivery did not go out, in words the sender reads (zh-CN first, en second).

A delivery keeps a stable code in ``last_error`` (``contact.no_phone``, ``device.expired``
...); the sender reads :func:`explain` of it beside the code, never the code alone. A code
this table does not know (a provider's own, ``aliyun.isv.MOBILE_NUMBER_ILLEGAL``) is told
by its family (``aliyun.`` / ``provider.``): the code stays for support, the sentence never
carries it.
"""

from __future__ import annotations

from typing import Final

Words = tuple[str, str]  # (zh-CN, en)

ERRORS: Final[dict[str, Words]] = {
    "contact.no_phone": ("收件人没有登记手机号", "The recipient has no phone number on file"),
    "contact.no_push_token": (
        "收件人没有登记接收推送的设备",
        "The recipient has no device registered for push messages",
    ),
    "channel.unsupported": ("暂不支持该发送渠道", "This channel is not available"),
    "internal.error": ("发送时出现内部错误", "An internal error stopped the sending"),
    "provider.unreachable": (
        "无法连接短信或推送服务商",
        "The message provider could not be reached",
    ),
    "device.unknown": ("找不到该广播设备", "No such broadcast device"),
    "device.failed": ("设备拒绝了这条消息", "The device refused the message"),
    "device.expired": ("设备未在规定时间内应答", "The device did not answer in time"),
    "preference.opt_out": ("收件人已关闭此类消息", "The recipient has turned off such messages"),
    "quiet_hours": (
        "收件人处于免打扰时段，稍后发送",
        "The recipient's quiet hours: sent when they end",
    ),
    "rate_limited": (
        "收件人短时间内收到的消息过多，未再发送",
        "Not sent: the recipient had too many messages in a short time",
    ),
    "template.unknown": ("没有这个消息模板", "No such message template"),
    "sink.simulated_failure": ("开发环境模拟的发送失败", "A failure simulated in development"),
}

FAMILIES: Final[dict[str, Words]] = {
    "provider.http_": ("短信或推送服务商拒绝了这条消息", "The message provider refused it"),
    "aliyun.": ("短信服务商拒绝了这条消息", "The SMS provider refused it"),
    "device.": ("设备未能播放这条消息", "The device could not play the message"),
}

UNKNOWN: Final[Words] = ("发送失败", "Not delivered")


def words(code: str) -> Words:
    """``code`` as (zh-CN, en) sentences: its own, its family's, or a plain 'not delivered'."""
    if code in ERRORS:
        return ERRORS[code]
    for prefix, found in FAMILIES.items():
        if code.startswith(prefix):
            return found
    return UNKNOWN


def explain(code: str | None) -> dict[str, str] | None:
    """``{"zh-CN": ..., "en": ...}`` for a delivery's ``last_error`` (None: no error)."""
    if not code:
        return None
    zh, en = words(code)
    return {"zh-CN": zh, "en": en}
