"""Demo data for ``make run``: a community and one account per role.

``python -m identity.demo`` (run by ``make run`` once the stack is healthy) loads a demo
community — 2 buildings × 2 units × 6 floors × 2 rooms, two grids, households with their
residents, gates and doors — and one account per role, named after the role, with the
password ``demo-pass-2026`` (``DEMO_PASSWORD`` overrides it), each hashed on its own (its
own argon2 salt). The ``integrator`` client's secret is not that password: every run sets
a new random one (``DEMO_INTEGRATOR_SECRET`` fixes it) and prints it. The ``resident``
account has a mobile of its own (``ACCOUNT_MOBILES``) to sign in with an SMS code. Running it
again changes nothing else (but gives a demo account loaded before it had one its mobile, if
no account holds that number). It refuses to run in production.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from identity.auth.accounts import set_mobile
from identity.auth.passwords import hash_password_async, new_secret
from identity.config import Settings
from identity.db.access import Door
from identity.db.auth import Account, Grant
from identity.db.models import metadata
from identity.db.register import Building, Community, Grid, Household, Person, Room, Unit
from identity.register import people
from identity.roles import ROLES
from sc_contracts.events import GrantChange, GrantChangedV1
from sc_core.db import Database, platform_tables
from sc_core.db.uow import Outbound, UnitOfWork
from sc_core.outline import rectangle
from sc_core.privacy import configure_cipher, get_cipher

DEMO_CODE = "DEMO-001"
DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password
ACTOR = "demo"
INTEGRATOR = "integrator"
# (room: building, unit, room code) -> members (name, id number, phone, relation, account)
HOUSEHOLDS: dict[tuple[str, str, str], list[tuple[str, str, str, str, str | None]]] = {
    ("1", "1", "101"): [
        ("张伟", "110105198001011238", "13800000001", "owner", "resident"),
        ("李娜", "110105198203052345", "13800000002", "family", "family"),
        ("张小明", "11010520150606345X", "", "family", None),
    ],
    ("1", "2", "201"): [("刘洋", "110105197512124563", "13800000003", "owner", None)],
    ("2", "1", "101"): [("王芳", "320102199001015671", "13800000004", "tenant", "tenant")],
    ("2", "2", "302"): [
        ("陈静", "110105196805056782", "13800000005", "owner", None),
        ("陈建国", "110105194002027890", "13800000006", "family", None),
    ],
}

# the demo accounts' own mobiles (an account's mobile signs in by SMS code; a person's phone
# in the register does not): the residents' app's demo resident (1-1-101) signs in with it
ACCOUNT_MOBILES: dict[str, str] = {"resident": "13800000101"}

# display names of the demo accounts that are not residents (a resident's is her name):
# what the console shows as an assignee, an approver or an author, never the user name
ACCOUNT_NAMES: dict[str, str] = {
    "visitor": "访客赵磊",
    "property_staff": "王强（物业维修）",
    "property_manager": "周敏（物业经理）",
    "grid_worker": "吴秀英（第1网格网格员）",
    "community_admin": "郑红（社区工作人员）",
    "gov_officer": "何志刚（街道办）",
    "police": "马骏（社区民警）",
    "doctor": "林晓（社区医生）",
    "caregiver": "黄丽（护理员）",
    "merchant": "幸福里便民超市",
    "volunteer": "高远（志愿者）",
    "integrator": "市级数据平台（演示）",
    "platform_admin": "平台管理员",
    "auditor": "审计员",
}


@dataclass
class Demo:
    community: Community
    grids: dict[str, Grid] = field(default_factory=dict)
    buildings: dict[str, Building] = field(default_factory=dict)
    households: dict[tuple[str, str, str], Household] = field(default_factory=dict)
    doors: dict[str, Door] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)


async def _places(uow: UnitOfWork) -> Demo:
    s = uow.session
    community = Community(
        code=DEMO_CODE,
        name="幸福里社区（演示）",
        address="示范市示范区幸福路1号",
        longitude=116.4074,
        latitude=39.9042,
        property_name="幸福里物业服务中心",
        property_phone="010-65551234",
        division_code="110101",  # 北京市东城区 (the demo's point is in Beijing)
        # outlines (轮廓) around the points: the community holds both grids, each grid its building
        outline=rectangle(116.4084, 39.9042, 0.0018, 0.0007),
    )
    s.add(community)
    await s.flush()
    demo = Demo(community)
    for code in ("1", "2"):
        at = 116.4074 + int(code) / 1000, 39.9042  # the building's point
        grid = Grid(
            community_id=community.id,
            code=f"G{code}",
            name=f"第{code}网格",
            outline=rectangle(*at, 0.00045, 0.0004),
        )
        s.add(grid)
        await s.flush()
        building = Building(
            community_id=community.id,
            grid_id=grid.id,
            code=code,
            name=f"{code}号楼",
            floors=6,
            longitude=at[0],
            latitude=at[1],
            outline=rectangle(*at, 0.0003, 0.00012),
        )
        s.add(building)
        await s.flush()
        demo.grids[code], demo.buildings[code] = grid, building
        for unit_code in ("1", "2"):
            unit = Unit(
                community_id=community.id,
                building_id=building.id,
                code=unit_code,
                name=f"{unit_code}单元",
            )
            s.add(unit)
            await s.flush()
            for floor in range(1, 7):
                for n in (1, 2):
                    room = f"{floor}0{n}"
                    s.add(
                        Room(
                            community_id=community.id,
                            building_id=building.id,
                            unit_id=unit.id,
                            floor=floor,
                            code=room,
                            area_m2=89.5,
                            standard_code=f"{DEMO_CODE}-{code}-{unit_code}-{room}",
                            rental_status="vacant",
                        )
                    )
    await s.flush()
    return demo


async def _doors(uow: UnitOfWork, demo: Demo) -> None:
    c = demo.community.id
    specs = [
        ("north-gate", "北门", "gate", None),
        ("b1", "1号楼门禁", "building", "1"),
        ("b2", "2号楼门禁", "building", "2"),
    ]
    for key, name, kind, building in specs:
        door = Door(
            community_id=c,
            name=name,
            kind=kind,
            device_id=f"demo-door-{key}",
            building_id=demo.buildings[building].id if building else None,
        )
        uow.session.add(door)
        demo.doors[key] = door
    await uow.session.flush()


async def _residents(uow: UnitOfWork, demo: Demo) -> dict[str, Person]:
    """Households and their people; returns persons by the account they belong to."""
    linked: dict[str, Person] = {}
    for (b, u, r), members in HOUSEHOLDS.items():
        room = await uow.session.scalar(
            select(Room).where(Room.standard_code == f"{DEMO_CODE}-{b}-{u}-{r}")
        )
        assert room is not None
        household = Household(
            community_id=room.community_id,
            building_id=room.building_id,
            unit_id=room.unit_id,
            room_id=room.id,
            name=f"{b}-{u}-{r}",
        )
        uow.session.add(household)
        await uow.session.flush()
        room.rental_status = "rented" if members[0][3] == "tenant" else "owner_occupied"
        demo.households[(b, u, r)] = household
        for name, id_number, phone, relation, account in members:
            person = Person(name=name, created_by=ACTOR)
            people.set_sensitive(person, "id_number", id_number)
            people.set_sensitive(person, "phone", phone or None)
            uow.session.add(person)
            await uow.session.flush()
            await people.person_registered(uow, person, relation, household, ACTOR)
            await people.start_residency(uow, person, household, relation, None, ACTOR)
            if account:
                linked[account] = person
    return linked


def role_grant(role: str, demo: Demo) -> tuple[str, str]:
    """(scope_type, scope_id) of the demo account named ``role``."""
    if role in ("platform_admin", "auditor"):
        return "platform", "*"
    if role == "grid_worker":
        return "grid", str(demo.grids["1"].id)
    if role in ("resident", "family"):
        return "household", str(demo.households[("1", "1", "101")].id)
    if role == "tenant":
        return "household", str(demo.households[("2", "1", "101")].id)
    return "community", str(demo.community.id)


async def _accounts(
    uow: UnitOfWork, demo: Demo, password: str, secret: str, linked: dict[str, Person]
) -> None:
    # one hash per account, each with its own salt (argon2 off the loop, side by side):
    # one shared hash told anyone who read one row every demo account's password
    hashes = await asyncio.gather(
        *(hash_password_async(secret if role == INTEGRATOR else password) for role in ROLES)
    )
    for role, hashed in zip(ROLES, hashes, strict=True):
        if await uow.session.scalar(select(Account).where(Account.username == role)):
            continue
        person = linked.get(role)
        account = Account(
            username=role,
            kind="service" if role == INTEGRATOR else "user",
            display_name=person.name if person else ACCOUNT_NAMES.get(role, role),
            password_hash=hashed,
            person_id=person.id if person else None,
            created_by=ACTOR,
        )
        set_mobile(account, ACCOUNT_MOBILES.get(role))
        uow.session.add(account)
        await uow.session.flush()
        if person is not None:
            person.account_id = account.id
        scope_type, scope_id = role_grant(role, demo)
        community = None if scope_type == "platform" else demo.community.id
        grant = Grant(
            account_id=account.id,
            account_username=account.username,
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            community_id=community,
            created_by=ACTOR,
        )
        uow.session.add(grant)
        await uow.session.flush()
        # as a grant given through the API is: services that route work by role learn it
        data = GrantChangedV1(
            aggregate_id=str(account.id),
            account_id=str(account.id),
            grant_id=str(grant.id),
            change=GrantChange.GRANTED,
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            community_id=str(community) if community else None,
            changed_by=ACTOR,
            changed_at=datetime.now(UTC),
        )
        await uow.publish(data, key=str(account.id))


async def load_demo(db: Database, password: str, integrator_secret: str | None = None) -> bool:
    """Load the demo community and accounts; False when they were there already. The
    integrator's client secret is ``integrator_secret`` (random when not given)."""
    async with db.uow() as uow:
        if await uow.session.scalar(select(Community.id).where(Community.code == DEMO_CODE)):
            return False
        demo = await _places(uow)
        await _doors(uow, demo)
        linked = await _residents(uow, demo)
        await _accounts(uow, demo, password, integrator_secret or new_secret(), linked)
        await uow.commit()
    return True


async def set_integrator_secret(db: Database, secret: str) -> None:
    """The demo integrator client's secret is ``secret`` from now on."""
    hashed = await hash_password_async(secret)
    async with db.uow() as uow:
        account = await uow.session.scalar(select(Account).where(Account.username == INTEGRATOR))
        if account is not None:
            account.password_hash = hashed
            await uow.commit()


async def set_demo_mobiles(db: Database) -> None:
    """Demo accounts loaded before they had a mobile get theirs (unless it is taken)."""
    async with db.uow() as uow:
        for role, mobile in ACCOUNT_MOBILES.items():
            idx = get_cipher().blind_index(mobile, "mobile")
            if await uow.session.scalar(select(Account.id).where(Account.mobile_idx == idx)):
                continue
            account = await uow.session.scalar(select(Account).where(Account.username == role))
            if account is not None and account.mobile_idx is None:
                set_mobile(account, mobile)
        await uow.commit()


def describe(password: str, integrator_secret: str) -> str:
    lines = ["demo accounts (identity), password: " + password]
    for role in ROLES:
        if role == INTEGRATOR:
            lines.append(
                f"  {role:<17} (client_credentials, client_id {role}, "
                f"client_secret {integrator_secret})"
            )
        else:
            mobile = f", SMS code to {ACCOUNT_MOBILES[role]}" if role in ACCOUNT_MOBILES else ""
            lines.append(f"  {role:<17} (username {role}{mobile})")
    return "\n".join(lines)


async def main() -> int:
    if os.environ.get("ENVIRONMENT", "").strip().lower() == "production":
        print("identity.demo: refusing to load demo data in production", file=sys.stderr)
        return 1
    settings = Settings()
    if settings.environment == "production":
        print("identity.demo: refusing to load demo data in production", file=sys.stderr)
        return 1
    configure_cipher(settings)
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    # a new random secret every run (the earlier one is stored only as a hash)
    secret = os.environ.get("DEMO_INTEGRATOR_SECRET") or new_secret()
    outbound = Outbound(settings.service_name, settings.topic)
    db = Database(settings.database_url, platform_tables(metadata), pool_size=1, outbound=outbound)
    try:
        created = await load_demo(db, password, secret)
        if not created:
            await set_integrator_secret(db, secret)
            await set_demo_mobiles(db)
    finally:
        await db.dispose()
    print("identity demo: " + ("loaded" if created else "already loaded"))
    print(describe(password, secret))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
