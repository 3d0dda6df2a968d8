"""Doors and gates: registered and removed by the places' writers (``DoorChangedV1``, so
device-ingestion links the door's device), seen by staff in scope and by residents (their
gates and building), opened remotely by whoever may open them (app, mini-program, a
visitor's QR pass shown by a signed-in caller, or by the visitor at the door without a
login). Each in one unit of work with its scope check and audit record; a refused opening
is audited too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from identity.access import doors, passes
from identity.access.schemas import DoorCreate, DoorOpen, DoorOpened, PassVerify
from identity.auth.keystore import KeyStore
from identity.config import Settings
from identity.db.access import Door, VisitorPass
from identity.db.register import Building, Community, Unit
from identity.register import repo
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS, PLACE_WRITERS
from identity.scope import Places, load_scope
from sc_contracts.events import DeviceCommandRequestedV1, DoorChange, DoorChangedV1
from sc_core.api import PageParams, fetch_page
from sc_core.audit import Outcome
from sc_core.auth import Anonymous, Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, NotFound, Problem

READERS = PLACE_READERS | HOUSEHOLD_ROLES


# How a refusal tells a person why a visitor pass does not open a door (never its state key).
_PASS_STATE_WORDS = {
    "revoked": "已被撤销",
    "not_yet_valid": "尚未生效",
    "expired": "已过期",
    "used_up": "的可用次数已用完",
}


class Doors:
    def __init__(self, db: Database, settings: Settings, keystore: KeyStore) -> None:
        self.db = db
        self.settings = settings
        self.keystore = keystore

    async def page(
        self, who: Caller, paging: PageParams, *, community_id: uuid.UUID | None = None
    ) -> tuple[list[Door], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, READERS)
            homes = await doors.homes(uow.session, scope)
            query = select(Door).where(doors.door_clause(scope, homes))
            if community_id is not None:
                query = query.where(Door.community_id == community_id)
            rows, total = await fetch_page(uow.session, query.order_by(Door.name, Door.id), paging)
            return list(rows), total

    async def create(self, who: Caller, body: DoorCreate) -> Door:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_WRITERS)
            await repo.get_or_404(uow.session, Community, body.community_id)
            scope.ensure(Places(community_id=body.community_id, building_id=body.building_id))
            for model, object_id in ((Building, body.building_id), (Unit, body.unit_id)):
                if object_id is not None:
                    place = await repo.get_or_404(uow.session, model, object_id)
                    if place.community_id != body.community_id:
                        raise Problem(
                            422,
                            "door.place_elsewhere",
                            "The place is in another community",
                            zh="所选位置属于其他社区",
                        )
            door = Door(**body.model_dump())
            uow.session.add(door)
            await uow.session.flush()
            await _door_changed(uow, door, DoorChange.REGISTERED, who)
            await _audit(uow, who, "door.create", door)
            await uow.commit()
            return door

    async def get(self, who: Caller, door_id: uuid.UUID) -> Door:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, READERS)
            door = await load_door(uow, door_id)
            if not doors.may_open(scope, door, await doors.homes(uow.session, scope)):
                scope.ensure(Places(community_id=door.community_id, building_id=door.building_id))
            return door

    async def delete(self, who: Caller, door_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_WRITERS)
            door = await load_door(uow, door_id)
            scope.ensure(Places(community_id=door.community_id, building_id=door.building_id))
            await uow.session.delete(door)
            await _door_changed(uow, door, DoorChange.REMOVED, who)
            await _audit(uow, who, "door.delete", door)
            await uow.commit()

    async def open(self, who: Caller, door_id: uuid.UUID, body: DoorOpen) -> DoorOpened:
        """The open command to the door's device: with a visitor's QR pass (one use of
        it), or for a caller who may open the door (a refusal is audited)."""
        async with self.db.uow() as uow:
            door = await load_door(uow, door_id)
            if body.qr_payload:
                visitor_pass = await self._use_pass(uow, body.qr_payload, door)
                opened = await self.send_open(
                    uow, who, door, method="qr", visitor_pass=visitor_pass
                )
                await uow.commit()
                return opened
            scope = await load_scope(uow.session, who.principal, who.principal.roles)
            if not doors.may_open(scope, door, await doors.homes(uow.session, scope)):
                await _audit(uow, who, "door.open", door, outcome="denied")
                await uow.commit()
                raise Forbidden(
                    "door.not_allowed", "You may not open this door", zh="您无权打开此门"
                )
            method = body.method if body.method != "qr" else "app"
            opened = await self.send_open(uow, who, door, method=method)
            await uow.commit()
            return opened

    async def verify_pass(self, who: Anonymous, body: PassVerify) -> Verified:
        """A visitor's pass checked (nothing used), or at a door (``body.door_id``) used
        once atomically, two gates scanning a single-use pass open once, and the door
        opened for the visitor, who has no account: the signed pass is the key."""
        async with self.db.uow() as uow:
            pass_id = await passes.pass_id_of(self.keystore, body.qr_payload)
            door = None
            if body.door_id is not None and pass_id is not None:
                door = await load_door(uow, body.door_id)
            if door is not None:
                row, reason = await passes.use_once(uow.session, pass_id, door)
            else:
                row = await uow.session.get(VisitorPass, pass_id) if pass_id else None
                reason = passes.status(row, datetime.now(UTC)) if row else "invalid_signature"
            if row is None or door is None or reason != "active":
                return Verified(row, reason, None)
            opened = await self.send_open(uow, who, door, method="qr", visitor_pass=row)
            await uow.commit()
            return Verified(row, reason, opened)

    async def _use_pass(self, uow: UnitOfWork, payload: str, door: Door) -> VisitorPass:
        pass_id = await passes.pass_id_of(self.keystore, payload)
        row, state = await passes.use_once(uow.session, pass_id, door)
        if row is None:
            raise Forbidden(
                "door.invalid_pass", "The visitor pass is not valid", zh="访客通行证无效"
            )
        if state != "active":
            raise Forbidden(
                "door.invalid_pass",
                f"The visitor pass cannot open this door ({state})",
                zh=f"访客通行证{_PASS_STATE_WORDS.get(state, '无效')}，无法打开此门",
            )
        return row

    async def send_open(
        self,
        uow: UnitOfWork,
        who: Caller | Anonymous,
        door: Door,
        *,
        method: str,
        visitor_pass: VisitorPass | None = None,
    ) -> DoorOpened:
        """The open command (``DeviceCommandRequestedV1``) and its audit record in
        ``uow``, which the caller commits."""
        command = await self.command(uow, who, door, visitor_pass)
        await _audit(uow, who, "door.open", door, detail=open_detail(method, command.command_id))
        return opened_answer(door, method, command)

    async def command(
        self,
        uow: UnitOfWork,
        who: Caller | Anonymous,
        door: Door,
        visitor_pass: VisitorPass | None,
    ) -> DeviceCommandRequestedV1:
        if isinstance(who, Caller):
            actor = who.subject
        else:  # the visitor at the door: the pass is the key
            actor = f"visitor_pass:{visitor_pass and visitor_pass.id}"
        return await doors.request_open(
            uow,
            door,
            actor=actor,
            ttl_seconds=self.settings.door_command_ttl_seconds,
            correlation=str(visitor_pass.id) if visitor_pass else None,
        )


@dataclass(frozen=True)
class Verified:
    """A pass's check: the pass (None when the payload is not one of ours), its state
    (``active`` or why not) and the door's opening when one was asked for and made."""

    visitor_pass: VisitorPass | None
    reason: str
    opened: DoorOpened | None


def open_detail(method: str, command_id: str) -> dict[str, str]:
    return {"method": method, "command_id": command_id}


def opened_answer(door: Door, method: str, command: DeviceCommandRequestedV1) -> DoorOpened:
    return DoorOpened(
        command_id=uuid.UUID(command.command_id),
        door_id=door.id,
        device_id=door.device_id,
        method=method,
        expires_at=command.expires_at,
    )


async def load_door(uow: UnitOfWork, door_id: uuid.UUID) -> Door:
    door = await uow.session.get(Door, door_id)
    if door is None:
        raise NotFound("door.not_found", "There is no such door", zh="找不到该门禁")
    return door


async def _door_changed(uow: UnitOfWork, door: Door, change: DoorChange, who: Caller) -> None:
    """device-ingestion links the door's device to it (a door and its device in one step)."""
    data = DoorChangedV1(
        aggregate_id=str(door.id),
        door_id=str(door.id),
        change=change,
        community_id=str(door.community_id),
        building_id=str(door.building_id) if door.building_id else None,
        device_id=door.device_id,
        changed_by=who.subject,
        changed_at=datetime.now(UTC),
    )
    await uow.publish(data, key=str(door.id))


async def _audit(
    uow: UnitOfWork,
    who: Caller | Anonymous,
    action: str,
    door: Door,
    *,
    detail: dict[str, str] | None = None,
    outcome: Outcome = "success",
) -> None:
    await uow.audit(
        who,
        action,
        "door",
        str(door.id),
        community_id=str(door.community_id),
        detail=detail,
        outcome=outcome,
    )
