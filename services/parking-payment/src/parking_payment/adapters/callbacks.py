"""What every provider adapter raises for a callback (or answer) it does not believe."""

from __future__ import annotations


class CallbackRejected(Exception):
    """Not the provider's, not for us, or too old. ``reason`` is stable (audited, counted):
    signature_missing, bad_signature, unknown_serial, timestamp_out_of_window,
    timestamp_malformed, decrypt_failed, app_mismatch, malformed, unsupported_*."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
