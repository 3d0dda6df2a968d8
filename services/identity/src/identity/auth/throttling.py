"""Login throttling against the database: the three counters of
:mod:`identity.auth.throttle` (rows of ``login_throttle``, locked for the attempt) and the
addresses each account signed in from (``login_known_addresses``)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from identity.auth import throttle
from identity.config import Settings
from identity.db.auth import Account, KnownLoginAddress, LoginCounter
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import get_cipher


def too_many(wait: int) -> Problem:
    """The one answer while an attempt must wait: the same for every name, known or not."""
    return Problem(
        429,
        "auth.too_many_attempts",
        f"Too many failed sign-ins; try again in {wait} s",
        zh=f"登录失败次数过多，请 {wait} 秒后再试",
        headers={"Retry-After": str(wait)},
        retry_after=wait,
    )


class Throttle:
    def __init__(self, settings: Settings) -> None:
        s = settings
        forget = s.login_forget_seconds
        self.per_name = throttle.Policy(
            s.login_max_failures, s.login_delay_base_seconds, s.login_delay_max_seconds, forget
        )
        self.per_address = throttle.Policy(
            s.login_address_max_failures,
            s.login_delay_base_seconds,
            s.login_address_delay_max_seconds,
            forget,
        )

    # keys -------------------------------------------------------------------------
    @staticmethod
    def keys(name: str, address: str) -> tuple[str, str, str]:
        """(name, address, pair) keys; the name only as its blind index."""
        name_key = "n:" + get_cipher().blind_index(name.strip(), "login")
        pair = hashlib.sha256(f"{name_key}|{address}".encode()).hexdigest()
        return name_key, "a:" + address[:78], "p:" + pair

    async def _rows(self, uow: UnitOfWork, keys: tuple[str, ...]) -> dict[str, LoginCounter]:
        await uow.session.execute(
            insert(LoginCounter)
            .values([{"key": k, "failures": 0} for k in keys])
            .on_conflict_do_nothing()
        )
        rows = await uow.session.scalars(
            select(LoginCounter)
            .where(LoginCounter.key.in_(keys))
            .order_by(LoginCounter.key)
            .with_for_update()
        )
        return {row.key: row for row in rows}

    # an attempt -------------------------------------------------------------------
    async def wait(
        self, uow: UnitOfWork, name: str, address: str, account: Account | None, now: datetime
    ) -> int:
        """Seconds this attempt must wait before its password is looked at (0: go on)."""
        keys = self.keys(name, address)
        rows = await self._rows(uow, keys)
        counters = [throttle.Counter(rows[k].failures, rows[k].last_failure_at) for k in keys]
        known = account is not None and (
            await uow.session.get(KnownLoginAddress, (account.id, address[:64])) is not None
        )
        return throttle.decide(
            name=throttle.wait(counters[0], now, self.per_name),
            address=throttle.wait(counters[1], now, self.per_address),
            pair=throttle.wait(counters[2], now, self.per_name),
            known_pair=known,
        )

    async def failed(self, uow: UnitOfWork, name: str, address: str, now: datetime) -> None:
        keys = self.keys(name, address)
        rows = await self._rows(uow, keys)
        for key, policy in zip(keys, (self.per_name, self.per_address, self.per_name), strict=True):
            row = rows[key]
            after = throttle.after_failure(
                throttle.Counter(row.failures, row.last_failure_at), now, policy
            )
            row.failures, row.last_failure_at = after.failures, after.last_failure_at

    async def succeeded(
        self, uow: UnitOfWork, name: str, account: Account, address: str, now: datetime
    ) -> None:
        """The name's and the pair's failures are forgotten (the address's are not: signing
        in to one's own account must not reset a sprayer's count); the address is known."""
        name_key, _, pair_key = self.keys(name, address)
        await uow.session.execute(
            delete(LoginCounter).where(LoginCounter.key.in_((name_key, pair_key)))
        )
        await uow.session.execute(
            insert(KnownLoginAddress)
            .values(account_id=account.id, address=address[:64], last_success_at=now)
            .on_conflict_do_update(
                index_elements=["account_id", "address"], set_={"last_success_at": now}
            )
        )


async def forget_names(uow: UnitOfWork, *names: str | None) -> None:
    """An administrator lifts the waits of an account's names (its username, mobile)."""
    keys = [Throttle.keys(n, "")[0] for n in names if n]
    if keys:
        await uow.session.execute(delete(LoginCounter).where(LoginCounter.key.in_(keys)))
