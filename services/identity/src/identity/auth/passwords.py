"""Password and client-secret hashing (argon2id through pwdlib)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the account does not exist, so a miss takes as long as a hit.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    if stored is None:
        _hasher.verify(password, _DUMMY)
        return False
    return _hasher.verify(password, stored)


def new_secret() -> str:
    """A random opaque secret (refresh tokens, client secrets): 256 bits, url-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How opaque high-entropy tokens are stored: SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def hash_password_async(password: str) -> str:
    """Hash off the event loop (argon2 takes ~0.1 s of CPU)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password: str, stored: str | None) -> bool:
    return await asyncio.to_thread(verify_password, password, stored)
