"""scope_clause executed on real databases: SQLite always, PostgreSQL via sc_devinfra."""

import uuid

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid, create_engine, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from sc_core.auth import (
    Grant,
    Principal,
    ensure_in_scope,
    in_scope,
    kept_scope_clause,
    scope_clause,
    scope_shape,
)
from sc_core.errors import Problem

metadata = MetaData()
rooms = Table(
    "rooms",
    metadata,
    Column("id", String, primary_key=True),
    Column("community_id", String, nullable=False),
    Column("grid_id", String),
    Column("building_id", String),
    Column("unit_id", String),
    Column("household_id", String),
)

ROWS = [
    # id, community, grid, building, unit, household
    ("r1", "c1", "g1", "b1", "u1", "h1"),
    ("r2", "c1", "g1", "b1", "u2", "h2"),
    ("r3", "c1", "g2", "b2", "u3", "h3"),
    ("r4", "c2", "g3", "b3", "u4", "h4"),
    ("r5", "c2", "g3", "b4", "u5", "h5"),
]
COLS = {
    "community_col": rooms.c.community_id,
    "grid_col": rooms.c.grid_id,
    "building_col": rooms.c.building_id,
    "unit_col": rooms.c.unit_id,
    "household_col": rooms.c.household_id,
}


def who(*grants: tuple[str, str, str], roles: tuple[str, ...] = ()) -> Principal:
    return Principal("u", roles=frozenset(roles), grants=tuple(Grant(*g) for g in grants))


CASES = [
    ("platform admin sees all", who(roles=("platform_admin",)), {}, {"r1", "r2", "r3", "r4", "r5"}),
    ("no grants sees nothing", who(roles=("resident",)), {}, set()),
    (
        "community covers all in it",
        who(("property_staff", "community", "c1")),
        {},
        {"r1", "r2", "r3"},
    ),
    ("grid", who(("grid_worker", "grid", "g3")), {}, {"r4", "r5"}),
    ("building", who(("property_staff", "building", "b1")), {}, {"r1", "r2"}),
    ("unit", who(("property_staff", "unit", "u3")), {}, {"r3"}),
    ("household", who(("resident", "household", "h4")), {}, {"r4"}),
    (
        "grants add up",
        who(("resident", "household", "h4"), ("property_staff", "building", "b2")),
        {},
        {"r3", "r4"},
    ),
    (
        "roles filter keeps only that role's grants",
        who(("resident", "household", "h4"), ("property_staff", "building", "b2")),
        {"roles": ["property_staff"]},
        {"r3"},
    ),
    (
        "a platform grant for another role does not open everything",
        who(("auditor", "platform", "*"), ("resident", "household", "h1")),
        {"roles": ["resident"]},
        {"r1"},
    ),
    ("unknown place matches nothing", who(("property_staff", "community", "c9")), {}, set()),
]


@pytest.fixture(scope="module")
def sqlite_engine():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(rooms), [dict(zip(rooms.c.keys(), row, strict=True)) for row in ROWS])
    yield engine
    engine.dispose()


@pytest.mark.parametrize(("label", "principal", "kw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_scope_clause_on_sqlite(sqlite_engine, label, principal, kw, expected):
    stmt = select(rooms.c.id).where(scope_clause(principal, **COLS, **kw))
    with sqlite_engine.connect() as conn:
        assert set(conn.scalars(stmt)) == expected, label


def test_a_grant_whose_column_the_table_lacks_covers_nothing(sqlite_engine):
    grid_worker = who(("grid_worker", "grid", "g1"))
    stmt = select(rooms.c.id).where(
        scope_clause(
            grid_worker, community_col=rooms.c.community_id, building_col=rooms.c.building_id
        )
    )
    with sqlite_engine.connect() as conn:
        assert list(conn.scalars(stmt)) == []


def test_clause_compiles_to_indexed_in_lists_for_postgresql():
    p = who(("property_staff", "community", "c1"), ("resident", "household", "h4"))
    sql = str(
        scope_clause(p, **COLS).compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    assert sql == "rooms.community_id IN ('c1') OR rooms.household_id IN ('h4')"
    none = scope_clause(who(), **COLS).compile(dialect=postgresql.dialect())
    assert str(none) == "false"
    admin = scope_clause(who(roles=("platform_admin",)), **COLS).compile(
        dialect=postgresql.dialect()
    )
    assert str(admin) == "true"


def test_uuid_columns_get_uuid_values_and_bad_ids_are_left_out():
    table = Table("t", MetaData(), Column("community_id", Uuid))
    cid = uuid.uuid4()
    p = who(("property_staff", "community", str(cid)), ("property_staff", "community", "nope"))
    clause = scope_clause(p, community_col=table.c.community_id)
    values = clause.right.value
    assert values == [cid]


@pytest.mark.parametrize(("label", "principal", "kw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_in_scope_agrees_with_the_clause(label, principal, kw, expected):
    for row in ROWS:
        rid, community, grid, building, unit, household = row
        inside = in_scope(
            principal,
            community_id=community,
            grid_id=grid,
            building_id=building,
            unit_id=unit,
            household_id=household,
            **kw,
        )
        assert inside == (rid in expected), (label, rid)


def test_ensure_in_scope_raises_403():
    p = who(("resident", "household", "h1"))
    ensure_in_scope(p, community_id="c1", household_id="h1")
    with pytest.raises(Problem) as info:
        ensure_in_scope(p, community_id="c1", household_id="h2")
    assert info.value.status == 403
    assert info.value.code == "auth.out_of_scope"
    admin = who(roles=("platform_admin",))
    ensure_in_scope(admin, community_id="anything")
    ensure_in_scope(
        who(("property_staff", "community", str(uuid.UUID(int=7)))), community_id=uuid.UUID(int=7)
    )


async def test_scope_clause_on_postgresql(fresh_database_url):
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(
                insert(rooms), [dict(zip(rooms.c.keys(), row, strict=True)) for row in ROWS]
            )
        async with engine.connect() as conn:
            for label, principal, kw, expected in CASES:
                stmt = select(rooms.c.id).where(scope_clause(principal, **COLS, **kw))
                assert set((await conn.scalars(stmt)).all()) == expected, label
    finally:
        await engine.dispose()


KEPT_COLUMNS = {
    "community": rooms.c.community_id,
    "grid": rooms.c.grid_id,
    "building": rooms.c.building_id,
    "unit": rooms.c.unit_id,
    "household": rooms.c.household_id,
}


@pytest.mark.parametrize(("label", "principal", "kw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_kept_clause_finds_the_same_rows(sqlite_engine, label, principal, kw, expected):
    """``scope_shape`` + ``kept_scope_clause``: one statement per shape, the caller's ids
    bound, and the same rows as ``scope_clause`` for every case."""
    shape, values = scope_shape(principal, "s", KEPT_COLUMNS, kw.get("roles"))
    stmt = select(rooms.c.id).where(kept_scope_clause(shape, "s", KEPT_COLUMNS))
    with sqlite_engine.connect() as conn:
        assert set(conn.scalars(stmt, values)) == expected, label
    if label == "no grants sees nothing":
        assert shape.empty  # a list may then leave this part out


def test_callers_of_one_shape_share_one_statement():
    """Two callers with grants on different communities (and a household) have one shape;
    their values differ, and no value is written into the statement."""
    one = who(("property_staff", "community", "c1"), ("resident", "household", "h4"))
    two = who(("property_staff", "community", "c2"), ("resident", "household", "h1"))
    (shape_one, values_one), (shape_two, values_two) = (
        scope_shape(p, "s", KEPT_COLUMNS) for p in (one, two)
    )
    assert shape_one == shape_two and shape_one.types == ("community", "household")
    assert values_one == {"s_community": ["c1"], "s_household": ["h4"]}
    assert values_two == {"s_community": ["c2"], "s_household": ["h1"]}
    sql = str(kept_scope_clause(shape_one, "s", KEPT_COLUMNS).compile(dialect=postgresql.dialect()))
    assert "c1" not in sql and "c2" not in sql
    assert "__[POSTCOMPILE_s_community]" in sql and "__[POSTCOMPILE_s_household]" in sql
