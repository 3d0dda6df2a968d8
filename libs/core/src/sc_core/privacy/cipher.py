"""AES-GCM field encryption with key ids, rotation and blind indexes.

Token format (ASCII, safe in a Text column, in JSON and in a URL)::

    v1:<kid>:<base64url(nonce(12) | ciphertext | tag(16))>   (no padding)

The header ``v1:<kid>:`` is authenticated as associated data, followed by the caller's
optional associated data (for example ``b"person.id_number"``, so a value cannot be moved
to another column unnoticed). A fresh random 96-bit nonce is drawn for every encryption.

Rotation: the keyring is ordered, the first key encrypts, every key decrypts. Put a new key
first (``k2,k1``); old rows keep decrypting, :meth:`FieldCipher.needs_rotation` tells a
re-encryption job which rows to rewrite (:meth:`FieldCipher.reencrypt`).

Blind index: ``HMAC-SHA256(index_key, kind \\0 normalised value)`` for exact-match search
on encrypted columns. The index key must never change, or every stored index goes stale.
It is, in this order: the explicit ``index_key`` argument, the ``field_index_key`` setting
(base64) when a settings object has one, or else an HKDF derivation from the **oldest**
key of the ring (the last entry: new keys are put first). Keep that oldest key in the ring
for as long as indexes derived from it exist, or configure ``field_index_key`` explicitly
before the day you retire it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = "v1"
NONCE_BYTES = 12
_KID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_INDEX_SALT = b"sc-core/blind-index/v1"
_INDEX_INFO = b"blind-index"

Keyring = Sequence[tuple[str, bytes]]


class DecryptionError(ValueError):
    """The token is malformed, its key is not in the ring, or it was tampered with."""


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _as_bytes(aad: bytes | str | None) -> bytes:
    if aad is None:
        return b""
    return aad.encode("utf-8") if isinstance(aad, str) else aad


def normalise_for_index(value: str, kind: str = "") -> str:
    """Canonical form fed to the blind index, so ``+86 138-1234-5678`` finds ``13812345678``."""
    text = value.strip()
    if kind == "id_number":
        return re.sub(r"\s+", "", text).upper()
    if kind in ("mobile", "phone"):
        digits = re.sub(r"[\s\-().]", "", text)
        for prefix in ("+86", "0086"):
            if digits.startswith(prefix):
                digits = digits[len(prefix) :]
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        return digits
    if kind == "email":
        return text.lower()
    if kind == "plate":
        return re.sub(r"[\s·\-]", "", text).upper()
    return text


class FieldCipher:
    """Encrypts and decrypts single field values under a keyring of ``(kid, key)``."""

    def __init__(self, keyring: Iterable[tuple[str, bytes]], *, index_key: bytes | None = None):
        ring = list(keyring)
        if not ring:
            raise ValueError("the keyring holds no key")
        self._keys: dict[str, AESGCM] = {}
        for kid, key in ring:
            if not _KID_RE.match(kid):
                raise ValueError(f"key id {kid!r} must match {_KID_RE.pattern}")
            if len(key) not in (16, 24, 32):
                raise ValueError(f"key {kid!r} must be 16, 24 or 32 bytes")
            if kid in self._keys:
                raise ValueError(f"key id {kid!r} appears twice in the keyring")
            self._keys[kid] = AESGCM(key)
        self.primary_kid = ring[0][0]
        self.kids: tuple[str, ...] = tuple(kid for kid, _ in ring)
        # The oldest configured key is the last one: rotation puts new keys first.
        material = index_key if index_key is not None else ring[-1][1]
        self.index_key_source = "explicit" if index_key is not None else f"oldest:{ring[-1][0]}"
        self._index_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=_INDEX_SALT, info=_INDEX_INFO
        ).derive(material)

    def encrypt(self, plaintext: str, aad: bytes | str | None = None) -> str:
        """Encrypt ``plaintext`` under the first key; returns ``v1:<kid>:<b64url>``."""
        kid = self.primary_kid
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[kid].encrypt(
            nonce, plaintext.encode("utf-8"), self._aad(kid, _as_bytes(aad))
        )
        return f"{FORMAT_VERSION}:{kid}:{_b64url_encode(nonce + sealed)}"

    def decrypt(self, token: str, aad: bytes | str | None = None) -> str:
        """Decrypt a token made by any key of the ring; :class:`DecryptionError` otherwise."""
        kid, blob = self._parse(token)
        aead = self._keys.get(kid)
        if aead is None:
            raise DecryptionError(f"key id {kid!r} is not in the keyring")
        nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        try:
            plain = aead.decrypt(nonce, sealed, self._aad(kid, _as_bytes(aad)))
        except InvalidTag as exc:
            raise DecryptionError(
                "the token failed authentication (tampered or wrong aad)"
            ) from exc
        return plain.decode("utf-8")

    def key_id(self, token: str) -> str:
        """The key id a token was encrypted under."""
        return self._parse(token)[0]

    def needs_rotation(self, token: str) -> bool:
        """True when the token was not encrypted under the current (first) key."""
        return self.key_id(token) != self.primary_kid

    def reencrypt(self, token: str, aad: bytes | str | None = None) -> str:
        """The same value under the current key; the token itself when already current."""
        if not self.needs_rotation(token):
            return token
        return self.encrypt(self.decrypt(token, aad), aad)

    def blind_index(self, value: str, kind: str = "") -> str:
        """Hex HMAC-SHA256 of the normalised value, for exact-match lookups.

        ``kind`` (``id_number``, ``mobile``, ``email``, ``plate`` or any label) selects the
        normalisation and separates domains: the same digits as a phone and as something
        else give different indexes. Use the same ``kind`` when storing and when searching.
        """
        message = kind.encode("utf-8") + b"\x00" + normalise_for_index(value, kind).encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()

    @staticmethod
    def _aad(kid: str, extra: bytes) -> bytes:
        return f"{FORMAT_VERSION}:{kid}:".encode("ascii") + extra

    @staticmethod
    def _parse(token: str) -> tuple[str, bytes]:
        if not isinstance(token, str):
            raise DecryptionError("an encrypted value must be a string token")
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != FORMAT_VERSION:
            raise DecryptionError("not a v1 field-encryption token")
        kid, body = parts[1], parts[2]
        try:
            blob = _b64url_decode(body)
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("the token body is not base64url") from exc
        if len(blob) < NONCE_BYTES + 16:
            raise DecryptionError("the token is too short")
        return kid, blob


_cipher: FieldCipher | None = None


def _index_key_from(source: Any) -> bytes | None:
    raw = getattr(source, "field_index_key", None)
    if raw is None:
        return None
    if hasattr(raw, "get_secret_value"):
        raw = raw.get_secret_value()
    if isinstance(raw, bytes):
        return raw
    return base64.b64decode(str(raw))


def configure_cipher(source: Any, *, index_key: bytes | None = None) -> FieldCipher:
    """Make the process-wide cipher from settings, a keyring or a ready :class:`FieldCipher`.

    ``source`` may be a :class:`~sc_core.settings.ServiceSettings` (its
    ``encryption_keyring`` and, when a subclass defines it, ``field_index_key``), a list of
    ``(kid, key)`` pairs, or a :class:`FieldCipher`. Returns the configured cipher.
    """
    global _cipher
    if isinstance(source, FieldCipher):
        cipher = source
    elif hasattr(source, "encryption_keyring"):
        key = index_key if index_key is not None else _index_key_from(source)
        cipher = FieldCipher(source.encryption_keyring, index_key=key)
    else:
        cipher = FieldCipher(source, index_key=index_key)
    _cipher = cipher
    return cipher


def get_cipher() -> FieldCipher:
    """The cipher set by :func:`configure_cipher`; raises if none was configured."""
    if _cipher is None:
        raise RuntimeError(
            "field encryption is not configured: call sc_core.privacy.configure_cipher(settings)"
            " at start-up"
        )
    return _cipher


def reset_cipher() -> None:
    """Forget the configured cipher (tests)."""
    global _cipher
    _cipher = None
