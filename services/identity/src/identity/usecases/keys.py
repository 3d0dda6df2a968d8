"""The signing key ring: read, and rotated by a platform admin (audited); the rotation
announces its keys (SigningKeyRotatedV1, in its unit of work), on which every verifier and
identity replica fetches the key set at once (auth/keystore.py, sc_core.auth.revocation)."""

from __future__ import annotations

from datetime import UTC, datetime

from identity.auth.keys import SigningKey
from identity.auth.keys import signing_key as choose_signing_key
from identity.auth.keystore import KeyStore
from sc_core.auth import Caller
from sc_core.db.engine import Database


class SigningKeys:
    def __init__(self, db: Database, keystore: KeyStore) -> None:
        self.db = db
        self.store = keystore

    async def ring(self) -> tuple[list[SigningKey], SigningKey | None, datetime]:
        """Every key of the ring, the one signing now, and now."""
        ring, now = await self.store.keys(), datetime.now(UTC)
        return ring, choose_signing_key(ring, now), now

    async def rotate(self, who: Caller, activate_in: int | None) -> SigningKey:
        async with self.db.uow() as uow:
            key = await self.store.rotate(uow, actor=who.subject, activate_in=activate_in)
            await uow.audit(who, "auth.keys_rotate", "signing_key", key.kid)
            await uow.commit()
        self.store.forget()
        return key
