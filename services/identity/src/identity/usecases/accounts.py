"""Accounts of people and of systems (service accounts with client credentials): created
with their grants, read (mobiles masked in lists; every read audited), a mobile revealed
for a stated purpose, renamed, disabled (its tokens revoked everywhere), unlocked. Each in
one unit of work with its scope check and audit record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from identity.auth import accounts as acc
from identity.auth.passwords import hash_password_async, new_secret
from identity.auth.revoked import access_revoked
from identity.auth.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    GrantBody,
    ServiceAccountCreate,
)
from identity.auth.throttling import forget_names
from identity.config import Settings
from identity.db.auth import Account, Grant
from identity.usecases.grants import Grants
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import RevealRequest, reveal_detail, revealable

AccountGrants = tuple[Account, list[Grant]]


class Accounts:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def create(self, who: Caller, body: AccountCreate) -> AccountGrants:
        account = Account(
            username=body.username,
            display_name=body.display_name,
            password_hash=await hash_password_async(body.password),
            person_id=body.person_id,
            created_by=who.subject,
        )
        acc.set_mobile(account, body.mobile)
        return await self._add(who, account, body.grants, "account.create")

    async def create_service(
        self, who: Caller, body: ServiceAccountCreate
    ) -> tuple[AccountGrants, str]:
        """An integrator's client; its secret (returned once) is stored only as a hash."""
        secret = new_secret()
        account = Account(
            username=body.client_id,
            kind="service",
            display_name=body.display_name,
            password_hash=await hash_password_async(secret),
            created_by=who.subject,
        )
        return await self._add(who, account, body.grants, "service_account.create"), secret

    async def _add(
        self, who: Caller, account: Account, grants: Iterable[GrantBody], action: str
    ) -> AccountGrants:
        async with self.db.uow() as uow:
            uow.session.add(account)
            await acc.flush_unique(uow)
            for g in grants:
                await Grants.grant(
                    uow,
                    who,
                    account=account,
                    role=g.role,
                    scope_type=g.scope_type,
                    scope_id=g.scope_id,
                )
            await _audit(uow, who, action, account)
            await uow.commit()
            return account, (await acc.grants_of(uow, [account.id]))[account.id]

    async def page(
        self, who: Caller, paging: PageParams, *, username: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Accounts the caller manages, as ``AccountRead``'s fields, masked for a list
        (``acc.listed_items``); the read is audited."""
        kept = acc.listed(who.principal, username)
        async with self.db.uow(read_only=True) as uow:
            conn = await uow.session.connection()
            rows, total = await fetch_page(
                conn, kept.query, paging, rows=True, bind=kept.bind, count=kept.count
            )
            items = await acc.listed_items(conn, rows, who.principal)
            await _audit_read(uow, who, None, {"count": str(len(items))})
            return items, total

    async def get(self, who: Caller, account_id: uuid.UUID) -> AccountRead:
        """One account and its grants, masked by the caller's grade; the read is audited."""
        async with self.db.uow(read_only=True) as uow:
            account = await acc.load_visible(uow, who.principal, account_id)
            grants = (await acc.grants_of(uow, [account.id]))[account.id]
            read = acc.read(account, grants, who.principal)
            shown = read.mobile is not None and read.mobile == account.mobile
            await _audit_read(uow, who, account, {"mobile_shown": str(shown).lower()})
            return read

    async def reveal(self, who: Caller, account_id: uuid.UUID, body: RevealRequest) -> str | None:
        """One field of one account in clear, for a stated purpose (the audited read)."""
        async with self.db.uow() as uow:
            account = await acc.load_visible(uow, who.principal, account_id)
            own = str(account.id) == who.subject
            revealable(AccountRead, body.field, who.principal.grade, self_or_household=own)
            await uow.audit(
                who, "account.reveal", "account", str(account.id), detail=reveal_detail(body)
            )
            await uow.commit()
            value: str | None = getattr(account, body.field)
            return value

    async def update(
        self, who: Caller, account_id: uuid.UUID, body: AccountUpdate
    ) -> AccountGrants:
        async with self.db.uow() as uow:
            account = await acc.load_visible(uow, who.principal, account_id)
            await acc.ensure_may_manage(uow, who.principal, account)
            was = account.status
            for name, value in body.model_dump(exclude_unset=True).items():
                if value is not None:
                    setattr(account, name, value)
            if was == "active" and account.status == "disabled":
                # its access tokens are refused at every verifier within seconds (issue 30.7)
                await access_revoked(
                    uow,
                    self.settings,
                    account.id,
                    session_id=None,
                    reason="account_disabled",
                    now=datetime.now(UTC),
                )
            await _audit(uow, who, "account.update", account)
            await uow.commit()
            return account, (await acc.grants_of(uow, [account.id]))[account.id]

    async def unlock(self, who: Caller, account_id: uuid.UUID) -> AccountGrants:
        """The login waits of the account's names lifted."""
        async with self.db.uow() as uow:
            account = await acc.load_visible(uow, who.principal, account_id)
            await acc.ensure_may_manage(uow, who.principal, account)
            account.failed_logins, account.locked_until = 0, None
            await forget_names(uow, account.username, account.mobile)
            await _audit(uow, who, "account.unlock", account)
            await uow.commit()
            return account, (await acc.grants_of(uow, [account.id]))[account.id]


async def _audit(uow: UnitOfWork, who: Caller, action: str, account: Account) -> None:
    await uow.audit(who, action, "account", str(account.id))


async def _audit_read(
    uow: UnitOfWork, who: Caller, account: Account | None, detail: dict[str, str]
) -> None:
    """Reads of accounts (who holds which role, their mobiles) are audited."""
    await uow.audit(
        who,
        "account.read_sensitive",
        "account",
        str(account.id) if account else None,
        detail=detail,
    )
    await uow.commit()
