"""Channel adapters behind one interface (``ChannelAdapter``): inapp, push, sms, voice,
speaker and screen. ``build_adapters`` picks the providers the settings name."""

from notification.channels.base import ChannelAdapter, Outgoing, ProviderError
from notification.channels.registry import build_adapters

__all__ = ["ChannelAdapter", "Outgoing", "ProviderError", "build_adapters"]
