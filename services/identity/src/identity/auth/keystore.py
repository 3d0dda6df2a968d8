"""The key ring identity signs with: from ``JWT_SIGNING_KEYS`` or from its database.

Config ring (``JWT_SIGNING_KEYS`` set): fixed for the life of the process; the first key
signs, every key is published; rotation is a change of the setting (deploy/OPERATIONS.md).

Database ring (setting empty): rows of ``signing_keys``, seeds encrypted with the field
keys. The first start creates a key. :meth:`KeyStore.rotate` adds a key that signs from
``now + delay`` and ends the publication of the keys it supersedes once every token they
signed has expired (activation + access-token lifetime + leeway). Each replica re-reads
the ring every ``keystore_reload_seconds``, and at once on ``SigningKeyRotatedV1``, which
a rotation publishes for every verifier (auth/verifier.py); activation is by time, so
replicas agree.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from identity.auth.keys import (
    ALGORITHM,
    ALGORITHMS,
    SigningKey,
    generate_key,
    jwks,
    key_from_seed,
    parse_key_ring,
)
from identity.auth.keys import signing_key as choose_signing_key
from identity.config import Settings
from identity.db.auth import SigningKeyRow
from sc_contracts.events import SigningKeyRotatedV1
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem

_INIT_LOCK = 0x1D3A7  # advisory lock: one replica creates the first key


class KeyStore:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.from_config = bool(settings.jwt_signing_keys.strip())
        self._keys: list[SigningKey] = (
            parse_key_ring(settings.jwt_signing_keys) if self.from_config else []
        )
        self._loaded_at: float | None = 0.0 if self.from_config else None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # reading -----------------------------------------------------------------------
    async def keys(self) -> list[SigningKey]:
        """Every key of the ring, published or not (visitor passes verify with any)."""
        if not self.from_config and self._stale():
            await self.reload()
        return list(self._keys)

    def _stale(self) -> bool:
        if self._loaded_at is None:
            return True
        return time.monotonic() - self._loaded_at >= self.settings.keystore_reload_seconds

    async def reload(self) -> None:
        if self.from_config:
            return
        async with self.db.uow() as uow:
            rows = [
                (r.kid, r.seed, r.activates_at, r.publish_until)
                for r in (await uow.session.scalars(select(SigningKeyRow))).all()
            ]
        # Parsing a key is costly (loading an RSA key checks it: ~0.1 s of CPU, seconds on
        # a busy machine), so each key is parsed once, off the loop, and then only its
        # times are taken from its row; the ring is re-read every few seconds and keeps
        # every key it ever held.
        parsed = {(k.kid, k.seed): k for k in self._keys}
        new = [(kid, seed) for kid, seed, _a, _p in rows if (kid, seed) not in parsed]
        if new:
            made = await asyncio.to_thread(lambda: [key_from_seed(k, s) for k, s in new])
            parsed.update({(k.kid, k.seed): k for k in made})
        self._keys = [
            replace(parsed[(kid, seed)], activates_at=activates, publish_until=until)
            for kid, seed, activates, until in rows
        ]
        self._loaded_at = time.monotonic()

    async def signing_key(self, algorithm: str = ALGORITHM) -> SigningKey:
        key = choose_signing_key(await self.keys(), self.clock(), algorithm)
        if key is None:
            raise Problem(
                503,
                "auth.no_signing_key",
                f"identity has no active {algorithm} signing key",
                zh="登录服务暂时无法签发凭证，请稍后重试",
            )
        return key

    async def algorithms(self) -> list[str]:
        """The algorithms identity can sign with now (EdDSA, and RS256 unless a config ring
        holds no RSA key)."""
        keys, now = await self.keys(), self.clock()
        return [a for a in ALGORITHMS if choose_signing_key(keys, now, a) is not None]

    async def jwks(self) -> dict[str, Any]:
        return jwks(await self.keys(), self.clock())

    # writing -----------------------------------------------------------------------
    async def ensure_key(self) -> None:
        """Create the first key of each algorithm of a database ring (idempotent, safe
        across replicas; a ring made before RS256 existed gets its RSA key here)."""
        if self.from_config:
            return
        async with self.db.uow() as uow:
            await uow.session.execute(select(func.pg_advisory_xact_lock(_INIT_LOCK)))
            have = set(await uow.session.scalars(select(SigningKeyRow.algorithm).distinct()))
            missing = [a for a in ALGORITHMS if a not in have]
            if not missing:
                return
            now = self.clock()
            made = await asyncio.to_thread(
                lambda: [generate_key(algorithm=a, activates_at=now) for a in missing]
            )
            for key in made:
                uow.session.add(_to_row(key, "bootstrap"))
            await uow.commit()
        await self.reload()

    async def rotate(
        self, uow: UnitOfWork, *, actor: str, activate_in: int | None = None
    ) -> SigningKey:
        """Add a key of each algorithm that signs from ``now + activate_in``; retire the
        keys before them; announce each new key in the same unit of work
        (``SigningKeyRotatedV1``: every verifier fetches the key set again at once).
        Returns the EdDSA key (the one access tokens are signed with)."""
        if self.from_config:
            raise Conflict(
                "auth.keys_managed_by_config",
                "Signing keys come from JWT_SIGNING_KEYS; rotate them there",
                zh="签名密钥由部署配置管理，请在配置中轮换",
            )
        delay = (
            self.settings.jwt_key_activation_delay_seconds if activate_in is None else activate_in
        )
        now = self.clock()
        activates = now + timedelta(seconds=delay)
        # ID tokens live as long as access tokens; both retire after the same grace
        grace = timedelta(
            seconds=self.settings.access_token_ttl_seconds + self.settings.jwt_leeway_seconds
        )
        await uow.session.execute(
            update(SigningKeyRow)
            .where(SigningKeyRow.publish_until.is_(None))
            .values(publish_until=activates + grace)
        )
        # RSA key generation takes a CPU-second on a busy machine: not on the loop
        made = await asyncio.to_thread(
            lambda: [generate_key(algorithm=a, activates_at=activates) for a in ALGORITHMS]
        )
        for key in made:
            uow.session.add(_to_row(key, actor))
        for key in made:
            await uow.publish(
                SigningKeyRotatedV1(
                    aggregate_id=key.kid, kid=key.kid, activates_at=activates, rotated_at=now
                ),
                key=key.kid,
            )
        return made[0]

    def forget(self) -> None:
        """Re-read the ring on next use (after this replica rotated)."""
        if not self.from_config:
            self._loaded_at = None


def _to_row(key: SigningKey, actor: str) -> SigningKeyRow:
    assert key.activates_at is not None
    return SigningKeyRow(
        kid=key.kid,
        algorithm=key.algorithm,
        seed=key.seed,
        activates_at=key.activates_at,
        publish_until=key.publish_until,
        created_by=actor,
    )
