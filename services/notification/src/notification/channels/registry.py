"""The adapters of one running service, chosen by settings."""

from __future__ import annotations

import httpx

from notification.channels.aliyun import AliyunSmsAdapter
from notification.channels.base import ChannelAdapter
from notification.channels.devices import DeviceCommandAdapter
from notification.channels.inapp import InAppAdapter
from notification.channels.sink import SinkAdapter
from notification.channels.webhook import WebhookAdapter
from notification.config import Settings


def build_adapters(settings: Settings, client: httpx.AsyncClient) -> dict[str, ChannelAdapter]:
    adapters: dict[str, ChannelAdapter] = {
        "inapp": InAppAdapter(),
        "speaker": DeviceCommandAdapter("speaker", settings.broadcast_command_ttl_seconds),
        "screen": DeviceCommandAdapter("screen", settings.broadcast_command_ttl_seconds),
    }
    for channel in ("push", "sms", "voice"):
        if channel == "sms" and settings.sms_provider == "aliyun":
            adapters["sms"] = AliyunSmsAdapter(
                endpoint=settings.aliyun_sms_endpoint,
                access_key_id=settings.aliyun_access_key_id,
                access_key_secret=settings.aliyun_access_key_secret,
                sign_name=settings.aliyun_sms_sign_name,
                template_code=settings.aliyun_sms_template_code,
                region=settings.aliyun_region,
                client=client,
            )
        elif getattr(settings, f"{channel}_provider") == "webhook":
            url = getattr(settings, f"{channel}_webhook_url")
            assert url is not None  # Settings refuse a webhook provider without a URL
            adapters[channel] = WebhookAdapter(
                channel, url, settings.provider_webhook_secret, client
            )
        else:
            adapters[channel] = SinkAdapter(channel, fail_first=settings.dev_sink_fail_first)
    return adapters
