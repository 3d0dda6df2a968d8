"""The place directory: its migration matches its tables; identity's events fill it
(households, building grids, grants given and taken); use cases read it, and a grid
worker's scope reaches exactly the buildings of their grid."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from place_models import PLACES, metadata
from sqlalchemy import Column, MetaData, String, Table, func, select

from sc_contracts.events import (
    GrantChangedV1,
    HouseholdChangedV1,
    Placement,
    ResidencyEndedV1,
)
from sc_core.auth import Grant, Principal
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db import Database, platform_tables
from sc_core.db.migrate import model_drift, upgrade
from sc_core.errors import Problem
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime
from sc_core.settings import ServiceSettings
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

MIGRATIONS = Path(__file__).parent / "place_migrations"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _placement(room: str, building: str = "b-1", grid: str | None = "g-1") -> dict[str, object]:
    return {
        "community_id": "c-1",
        "building_id": building,
        "unit_id": "u-1",
        "room_id": room,
        "grid_id": grid,
    }


def _household(
    household: str, room: str, status: str = "active", **kw: object
) -> HouseholdChangedV1:
    return HouseholdChangedV1.model_validate(
        {
            "aggregate_id": household,
            "household_id": household,
            "change": "created",
            "placement": _placement(room, **kw),  # type: ignore[arg-type]
            "member_count": 1,
            "status": status,
            "changed_by": "admin",
            "changed_at": NOW,
        }
    )


def _grant(grant_id: str, change: str) -> GrantChangedV1:
    return GrantChangedV1.model_validate(
        {
            "aggregate_id": "acc-1",
            "account_id": "acc-1",
            "grant_id": grant_id,
            "change": change,
            "role": "grid_worker",
            "scope_type": "grid",
            "scope_id": "g-1",
            "community_id": "c-1",
            "changed_by": "admin",
            "changed_at": NOW,
        }
    )


async def test_identity_events_fill_the_directory_that_use_cases_read(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    assert await model_drift(fresh_database_url, metadata) == []

    topic = f"identity.events.t{uuid.uuid4().hex[:8]}"
    await create_topic(kafka_bootstrap, topic, partitions=1)
    settings = ServiceSettings(
        service_name="places-test",
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        kafka_consumer_group=f"places-{uuid.uuid4().hex[:6]}",
        topic_names={"identity.events.v1": topic},
    )
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    consumer = subscribe_places(runtime, places)
    assert consumer.topics == [topic]

    producer = await runtime.producer.get()
    events = [
        _household("hh-1", "r-101"),
        _household("hh-2", "r-201", building="b-2", grid=None),
        _household("hh-old", "r-101", status="dissolved"),
        ResidencyEndedV1.model_validate(
            {
                "aggregate_id": "p-1",
                "person_id": "p-1",
                "residency_id": "res-1",
                "household_id": "hh-3",
                "placement": _placement("r-301", building="b-3", grid="g-2"),
                "moved_out_on": "2026-03-01",
                "recorded_by": "admin",
            }
        ),
        _grant("gr-1", "granted"),
        _grant("gr-2", "granted"),
        _grant("gr-2", "revoked"),
    ]
    for data in events:
        event = CloudEvent.of(data, source="/services/identity", subject="k")
        await producer.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
    await consumer.start()
    try:

        async def grants() -> list[str]:
            assert PLACES.grants is not None
            async with runtime.db.uow() as uow:
                return list(await uow.session.scalars(select(PLACES.grants.c.grant_id)))

        inbox = runtime.db.tables.inbox

        async def all_handled() -> bool:
            # each event is its own transaction: between gr-1's grant and gr-2's the
            # directory already reads ["gr-1"], so wait for the last event, not a state
            async with runtime.db.uow() as uow:
                handled = await uow.session.scalar(
                    select(func.count()).select_from(inbox).where(inbox.c.consumer == consumer.name)
                )
            return handled == len(events)

        # generous: a busy 2-core machine joins the group and rebalances slowly
        await eventually(all_handled, timeout=300, what="every identity event handled")
        assert await grants() == ["gr-1"]  # the revoked one is gone
    finally:
        await consumer.stop()
        await runtime.producer.close()

    async with runtime.db.uow() as uow:
        one = await places.household(uow, "hh-1")
        assert one is not None and (one.room_id, one.grid_id, one.status) == (
            "r-101",
            "g-1",
            "active",
        )
        assert await places.households_in_room(uow, "r-101") == {"hh-1"}  # not the dissolved
        assert await places.household_in_room(uow, "r-101") == "hh-1"
        assert await places.household_in_room(uow, "r-999") is None
        assert await places.grid_of(uow, "b-1") == "g-1"
        assert await places.grid_of(uow, "b-2") is None  # no grid known
        assert await places.grid_of(uow, "b-3") == "g-2"  # from a residency event

        worker = Principal(
            "gw-1",
            "user",
            roles=frozenset({"grid_worker"}),
            grants=(Grant("grid_worker", "grid", "g-1"),),
        )
        staff = frozenset({"grid_worker", "property_staff"})
        assert await places.grid_for(uow, worker, "b-1", staff) == "g-1"
        await places.ensure_in_scope(
            uow, worker, community_id="c-1", building_id="b-1", roles=staff
        )
        with pytest.raises(Problem) as refused:
            await places.ensure_in_scope(
                uow, worker, community_id="c-1", building_id="b-3", roles=staff
            )
        assert refused.value.code == "auth.out_of_scope"

        # rows without a grid id: the buildings of the worker's grid are in scope
        rows = Table(
            "things", MetaData(), Column("community_id", String), Column("building_id", String)
        )
        clause = places.scope_clause(
            worker, community_col=rows.c.community_id, building_col=rows.c.building_id, roles=staff
        )
        visible = await uow.session.scalars(
            select(PLACES.households.c.household_id)
            .where(
                places.scope_clause(
                    worker,
                    community_col=PLACES.households.c.community_id,
                    building_col=PLACES.households.c.building_id,
                    roles=staff,
                )
            )
            .order_by(PLACES.households.c.household_id)
        )
        assert list(visible) == ["hh-1", "hh-old"]  # building b-1 only
        assert "building_grids" in str(clause.compile())
    await runtime.db.dispose()


def _holds(grant_id: str, account: str, role: str, scope_type: str, scope_id: str):  # type: ignore[no-untyped-def]
    return GrantChangedV1.model_validate(
        {
            "aggregate_id": account,
            "account_id": account,
            "grant_id": grant_id,
            "change": "granted",
            "role": role,
            "scope_type": scope_type,
            "scope_id": scope_id,
            "community_id": "c-1",
            "changed_by": "admin",
            "changed_at": NOW,
        }
    )


async def test_a_role_inside_a_place_reaches_every_holder_anywhere_inside_it(
    fresh_database_url: str,
) -> None:
    """ "Every resident of the community" are the residents of its households (their
    grants are on the household, not the community); a building holds its units and
    households, a grid its buildings, a unit its households."""
    await upgrade(MIGRATIONS, fresh_database_url)
    settings = ServiceSettings(service_name="places-test", database_url=fresh_database_url)
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    assert PLACES.grants is not None
    async with runtime.db.uow() as uow:
        for household, room, building, unit, grid in (
            ("hh-1", "r-101", "b-1", "u-1", "g-1"),
            ("hh-2", "r-201", "b-2", "u-2", None),
        ):
            await places.place_household(
                uow,
                household,
                Placement(
                    community_id="c-1",
                    building_id=building,
                    unit_id=unit,
                    room_id=room,
                    grid_id=grid,
                ),
            )
        for grant in (
            _holds("g1", "alice", "resident", "household", "hh-1"),
            _holds("g2", "bob", "resident", "household", "hh-2"),
            _holds("g3", "carol", "tenant", "household", "hh-1"),  # another role
            _holds("g4", "dan", "resident", "household", "hh-elsewhere"),  # not placed here
            _holds("g5", "erin", "property_staff", "building", "b-1"),
            _holds("g6", "frank", "property_staff", "unit", "u-2"),
            _holds("g7", "gina", "property_staff", "community", "c-1"),
        ):
            await places.record_grant(uow, grant)
        await uow.commit()

    async def holders(role: str, scope_type: str, scope_id: str) -> list[str]:
        assert PLACES.grants is not None
        g = PLACES.grants.c
        async with runtime.db.uow() as uow:
            found = await uow.session.scalars(
                select(g.account_id)
                .where(places.holders_within(role, scope_type, scope_id))
                .order_by(g.account_id)
                .distinct()
            )
            return list(found)

    # the community: every household grant in it, wherever identity placed it
    assert await holders("resident", "community", "c-1") == ["alice", "bob", "dan"]
    assert await holders("resident", "community", "c-2") == []
    assert await holders("resident", "building", "b-1") == ["alice"]
    assert await holders("resident", "unit", "u-2") == ["bob"]
    assert await holders("resident", "grid", "g-1") == ["alice"]
    assert await holders("resident", "household", "hh-2") == ["bob"]
    assert await holders("tenant", "building", "b-1") == ["carol"]
    assert await holders("property_staff", "building", "b-1") == ["erin"]
    assert await holders("property_staff", "building", "b-2") == ["frank"]  # its unit's
    assert await holders("property_staff", "grid", "g-1") == ["erin"]  # its building's
    assert await holders("property_staff", "community", "c-1") == ["erin", "frank", "gina"]
    await runtime.db.dispose()


async def test_a_household_grant_reads_what_its_community_shares_and_acts_only_there(
    fresh_database_url: str,
) -> None:
    """Residents hold grants on their household, not on its community: a route that
    declares a resource shared lets them read it in the community their household lives
    in (and nowhere else, nor after they moved out); a household named with a community
    must live there."""
    await upgrade(MIGRATIONS, fresh_database_url)
    db = Database(fresh_database_url, platform_tables(metadata))
    places = Places(PLACES)
    placement = Placement.model_validate(_placement("r-101"))
    async with db.uow() as uow:
        await places.place_household(uow, "hh-1", placement)
        await places.place_household(
            uow, "hh-gone", placement.model_copy(update={"community_id": "c-2"}), "dissolved"
        )
        await uow.commit()

    resident = Principal(
        "res-1",
        "user",
        grants=(Grant("resident", "household", "hh-1"), Grant("resident", "household", "hh-gone")),
    )
    staff = Principal("st-1", "user", grants=(Grant("property_staff", "community", "c-2"),))
    stranger = Principal("x-1", "user", grants=(Grant("resident", "household", "hh-404"),))
    async with db.uow() as uow:
        assert await places.home_communities(uow, resident) == {"c-1"}  # not the dissolved
        assert await places.home_communities(uow, resident, roles={"tenant"}) == frozenset()
        await places.ensure_readable(uow, resident, community_id="c-1", roles={"property_staff"})
        await places.ensure_readable(uow, staff, community_id="c-2", roles={"property_staff"})
        refusals = [
            places.ensure_readable(uow, resident, community_id="c-2", roles={"property_staff"}),
            places.ensure_readable(uow, stranger, community_id="c-1"),
            # shared with tenants only: a resident's grant does not count
            places.ensure_readable(
                uow, resident, community_id="c-1", roles={"x"}, shared_with={"tenant"}
            ),
        ]
        await places.ensure_household_in(uow, resident, community_id="c-1", household_id="hh-1")
        await places.ensure_household_in(uow, staff, community_id="c-2", household_id="hh-9")
        refusals += [
            places.ensure_household_in(uow, resident, community_id="c-2", household_id="hh-1"),
            places.ensure_household_in(uow, resident, community_id="c-2", household_id="hh-gone"),
            places.ensure_household_in(uow, stranger, community_id="c-1", household_id="hh-404"),
            places.ensure_household_in(uow, resident, community_id="c-1", household_id="hh-2"),
        ]
        for refused in refusals:
            with pytest.raises(Problem) as out:
                await refused
            assert (out.value.status, out.value.code) == (403, "auth.out_of_scope")
    await db.dispose()


async def test_a_person_named_to_handle_a_place_must_serve_it(fresh_database_url: str) -> None:
    """Issue 30: an alarm was assigned to any string or a resident. ``serves`` says whether
    an account holds a staff role over a place: its community, the building's grid, the
    building or the unit, or the platform; a resident there, staff of another community or
    building, or a revoked grant is no one to name."""
    await upgrade(MIGRATIONS, fresh_database_url)
    db = Database(fresh_database_url, platform_tables(metadata))
    places = Places(PLACES)
    staff = frozenset({"property_staff", "grid_worker", "platform_admin"})
    async with db.uow() as uow:
        await places.place_household(uow, "hh-1", Placement.model_validate(_placement("r-101")))
        for grant in (
            _holds("s1", "desk", "property_staff", "community", "c-1"),
            _holds("s2", "porter", "property_staff", "building", "b-1"),
            _holds("s3", "worker", "grid_worker", "grid", "g-1"),
            _holds("s4", "fixer", "property_staff", "unit", "u-1"),
            _holds("s5", "far", "property_staff", "community", "c-2"),
            _holds("s6", "porter2", "property_staff", "building", "b-2"),
            _holds("s7", "alice", "resident", "household", "hh-1"),
            _holds("s8", "root", "platform_admin", "platform", "*"),
            _holds("s9", "gone", "property_staff", "community", "c-1"),
        ):
            await places.record_grant(uow, grant)
        revoked = _holds("s9", "gone", "property_staff", "community", "c-1")
        await places.record_grant(uow, revoked.model_copy(update={"change": "revoked"}))
        await uow.commit()

    async with db.uow() as uow:

        async def serving(account: str) -> bool:
            return await places.serves(
                uow, account, community_id="c-1", building_id="b-1", unit_id="u-1", roles=staff
            )

        for account in ("desk", "porter", "worker", "fixer", "root"):
            assert await serving(account), account
        for account in ("far", "porter2", "alice", "gone", "anyone-at-all"):
            assert not await serving(account), account
        # a building outside the grid: the grid worker does not serve it
        assert not await places.serves(
            uow, "worker", community_id="c-1", building_id="b-9", roles=staff
        )
        # a role not asked for does not count
        assert not await places.serves(uow, "desk", community_id="c-1", roles={"grid_worker"})
    await db.dispose()


async def test_the_community_and_grid_a_caller_left_out_follow_from_their_grants(
    fresh_database_url: str,
) -> None:
    """Issue 19 item 2: one community from a household, a grid or a community grant fills
    ``community_id``; none or several is a 422 naming the field (and the choices)."""
    await upgrade(MIGRATIONS, fresh_database_url)
    db = Database(fresh_database_url, platform_tables(metadata))
    places = Places(PLACES)
    async with db.uow() as uow:
        await places.place_household(uow, "hh-1", Placement.model_validate(_placement("r-101")))
        await uow.commit()
    resident = Principal("r", "user", grants=(Grant("resident", "household", "hh-1"),))
    gridder = Principal("g", "user", grants=(Grant("grid_worker", "grid", "g-1"),))
    staff = Principal("s", "user", grants=(Grant("property_staff", "community", "c-7"),))
    two = Principal(
        "t",
        "user",
        grants=(Grant("property_staff", "community", "c-7"), Grant("grid_worker", "grid", "g-1")),
    )
    admin = Principal("a", "user", roles=frozenset({"platform_admin"}))
    async with db.uow() as uow:
        for who, community in ((resident, "c-1"), (gridder, "c-1"), (staff, "c-7")):
            assert await places.default_community(uow, who, None) == community
        assert await places.default_community(uow, resident, "c-named") == "c-named"
        assert await places.default_community(uow, two, None, roles={"grid_worker"}) == "c-1"
        for who, code, choices in (
            (two, "place.ambiguous", ["c-1", "c-7"]),
            (admin, "place.required", []),
        ):
            with pytest.raises(Problem) as out:
                await places.default_community(uow, who, None)
            problem = out.value.to_dict(locale="en")
            assert (problem["status"], problem["code"]) == (422, code)
            assert (problem["field"], problem["choices"]) == ("community_id", choices)
            assert "community_id" in problem["detail"]
            assert "community_id" in problem["messages"]["zh-CN"]
            for text in (problem["detail"], problem["messages"]["zh-CN"]):
                assert not any(c in text for c in choices), text  # places, never ids
        # no names known: the choices are counted; the ids stay in `choices` only
        with pytest.raises(Problem) as out:
            await places.default_community(uow, two, None)
        assert out.value.to_dict()["detail"].endswith("（共 2 处）")
        assert out.value.to_dict()["choice_names"] == []
        for who, building, grid in (
            (gridder, "b-1", "g-1"),  # the building's grid
            (gridder, None, "g-1"),  # the one grid she holds
            (staff, "b-1", None),  # no grid grant: her scope is the community
        ):
            found = await places.default_grid(
                uow, who, grid_id=None, building_id=building, roles={"grid_worker"}
            )
            assert found == grid
    await db.dispose()


async def test_an_ambiguous_place_is_named_as_people_say_it(fresh_database_url: str) -> None:
    """Issue 19: a caller of several communities reads their names, never their ids; the
    ids stay machine-readable (``choices``, ``choice_names``); a community the directory
    cannot name yet is counted."""
    await upgrade(MIGRATIONS, fresh_database_url)
    db = Database(fresh_database_url, platform_tables(metadata))
    places = Places(PLACES)
    named = {
        "c-1": {"community_name": "幸福里社区", "community_name_en": "Xingfuli Community"},
        "c-2": {"community_name": "紫荆苑"},
    }
    async with db.uow() as uow:
        for n, (community, names) in enumerate(named.items()):
            placement = {**_placement(f"r-{n}"), "community_id": community, **names}
            await places.place_household(uow, f"hh-{n}", Placement.model_validate(placement))
        await uow.commit()
    three = Principal(
        "t",
        "user",
        grants=tuple(Grant("community_admin", "community", c) for c in ("c-1", "c-2", "c-unnamed")),
    )
    async with db.uow() as uow:
        with pytest.raises(Problem) as out:
            await places.default_community(uow, three, None)
    zh, en = out.value.to_dict(locale="zh-CN"), out.value.to_dict(locale="en")
    assert zh["code"] == "place.ambiguous"
    assert zh["detail"] == (
        "您可在多个地点办理，请在 community_id 中指明其一：幸福里社区、紫荆苑，及另外 1 处"
    )
    assert en["detail"] == (
        "You act in several places: name one in community_id: "
        "Xingfuli Community, 紫荆苑, and 1 more"
    )
    assert zh["choices"] == ["c-1", "c-2", "c-unnamed"]
    assert zh["choice_names"] == [
        {"id": "c-1", "zh-CN": "幸福里社区", "en": "Xingfuli Community"},
        {"id": "c-2", "zh-CN": "紫荆苑", "en": "紫荆苑"},
    ]
    await db.dispose()


def test_a_service_without_the_directory_defaults_from_community_grants_alone() -> None:
    """community_of_grants: one community grant fills the field; several, none, a
    platform-wide caller or finer grants (whose community only the directory knows) are
    told to name it."""
    from sc_core.places.defaults import community_of_grants

    staff = {"property_manager"}
    one = Principal("s", "user", grants=(Grant("property_manager", "community", "c-7"),))
    assert community_of_grants(one, None, roles=staff) == "c-7"
    assert community_of_grants(one, "c-named", roles=staff) == "c-named"
    # a grant of another role does not count
    other = Principal(
        "o",
        "user",
        grants=(
            Grant("property_manager", "community", "c-7"),
            Grant("resident", "household", "hh-1"),
        ),
    )
    assert community_of_grants(other, None, roles=staff) == "c-7"
    two = Principal(
        "t",
        "user",
        grants=(
            Grant("property_manager", "community", "c-7"),
            Grant("property_manager", "community", "c-1"),
        ),
    )
    finer = Principal(
        "f",
        "user",
        grants=(
            Grant("property_manager", "community", "c-7"),
            Grant("property_manager", "building", "b-1"),
        ),
    )
    admin = Principal("a", "user", roles=frozenset({"platform_admin"}))
    for who, code, choices in (
        (two, "place.ambiguous", ["c-1", "c-7"]),
        (finer, "place.required", []),
        (admin, "place.required", []),
    ):
        with pytest.raises(Problem) as out:
            community_of_grants(who, None, roles={*staff, "platform_admin"})
        problem = out.value.to_dict()
        assert (problem["status"], problem["code"], problem["choices"]) == (422, code, choices)
        assert "community_id" in problem["detail"]
        assert not any(c in problem["detail"] for c in choices)
