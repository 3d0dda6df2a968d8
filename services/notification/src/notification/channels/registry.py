"""The adapters of one running service, chosen by settings."""

from __future__ import annotations

import httpx

from notification.channels.base import ChannelAdapter
from notification.channels.devices import DeviceCommandAdapter
from notification.channels.inapp import InAppAdapter
from notification.channels.sink import SinkAdapter
from notification.channels.webhook import WebhookAdapter
from notification.config import Settings


def build_adapters(settings: Settings, client: httpx.AsyncClient) -> dict[str, ChannelAdapter]:
    adapters: dict[str, ChannelAdapter] = {
        "inapp": InAppAdapter(),
        "speaker": DeviceCommandAdapter(
            "speaker", settings.command_topic, settings.broadcast_command_ttl_seconds
        ),
        "screen": DeviceCommandAdapter(
            "screen", settings.command_topic, settings.broadcast_command_ttl_seconds
        ),
    }
    for channel in ("push", "sms", "voice"):
        if getattr(settings, f"{channel}_provider") == "webhook":
            url = getattr(settings, f"{channel}_webhook_url")
            assert url is not None  # Settings refuse a webhook provider without a URL
            adapters[channel] = WebhookAdapter(
                channel, url, settings.provider_webhook_secret, client
            )
        else:
            adapters[channel] = SinkAdapter(channel, fail_first=settings.dev_sink_fail_first)
    return adapters
