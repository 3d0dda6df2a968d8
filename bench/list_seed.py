"""Growing every table that holds demo rows to N rows by copying them in SQL, for the list
walk (bench/list_walk.py, issue 28): keys and unique columns get new values (one column of
a unique index of several), rows standing for work still to do are copied as done
(``COPIED_AS``), timestamps are spread back in time, and nine copies in ten are moved to
places of their own: copy g's building ... household are copy g of the template's (one id
in every service's tables), its community one of nine beside the demo's (``community_of``),
so ten communities hold a tenth of every table each, as the communities of a district are
alike in size. Triggers and foreign-key
checks are off while copying (``session_replication_role = replica``), the outbox is left
alone, and every database is vacuumed and analysed afterwards. A table already at N rows
is left as it is, so a kept state directory is seeded once. A copy whose one-to-one parent
key is new (a shop's merchant) is given a parent of its own afterwards."""

from __future__ import annotations

import re
import time

import asyncpg

PLACE_COLUMNS = ("community_id", "grid_id", "building_id", "unit_id", "room_id", "household_id")
# codes a service looks up, never varied in a unique index of several: evaluation's
# index_figures.index became 'ga~10.4' and /evaluation/indices answered 500 (KeyError)
CODE_COLUMNS = ("index",)
# not grown with the data: the outbox/inbox, and identity's signing keys (every token is
# checked against them; 100,000 keys made each login take 6 s, not a case anyone has)
SKIP_TABLES = ("alembic_version", "event_outbox", "event_inbox", "signing_keys")

COLUMNS_SQL = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity,
       a.attgenerated, pg_get_expr(d.adbin, d.adrelid) AS default
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
UNIQUE_SQL = """
SELECT array_agg(a.attname ORDER BY a.attnum) AS names FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = $1::regclass AND i.indisunique GROUP BY i.indexrelid
"""


def community_of(col: str, type_: str) -> str:
    """The community of copy ``g`` of a row whose community is ``col``: nine copies in ten
    in one of nine communities beside the template's (by ``g % 10``, the same id in every
    service's tables), the tenth in the template's own.

    Each copy had a community of its own before (session 16, ADR 0073): 90,000 communities of
    one row beside the demo's 10,000, so PostgreSQL's generic plan of a prepared statement
    (asyncpg prepares them) estimated a community at ~1 row and took a hash join and sort of
    all 10,000 for property_manager's page of persons: 45 ms beside 1.2 ms for the plan made
    for the demo community. A district's communities are alike in size, not 1 to 10,000."""
    moved = f"md5({col}::text || ':' || (g % 10))::uuid"
    if type_ != "uuid":
        moved += "::text"
    return f"CASE WHEN g % 10 <> 0 AND {col} IS NOT NULL THEN {moved} ELSE {col} END"


# Copies of rows that stand for work still to do are copied as work done: a real platform
# with 100,000 deliveries holds them sent, not 100,000 due for sending at once (the first
# walk's notification retried its copies for the whole walk, ADR 0066).
COPIED_AS = {
    "delivery": {"status": "'sent'", "next_attempt_at": "NULL", "decided_at": 't."created_at"'},
    # copies are spread back in time, so every copy's SLA check was due at once: 56,000
    # breaches for the sweeper and their events for notification and evaluation
    "work_orders": {"sla_check_at": "NULL"},
    # copied rounds of a patrol are rounds walked: kept scheduled with their windows spread
    # back, work-orders' job closed 200 of them a minute, each a case (and its notices,
    # KPI facts and projections): the walk measured that burst, not the lists (session 16)
    "patrol_rounds": {
        "status": "CASE WHEN t.\"status\" = 'scheduled' THEN 'completed' ELSE t.\"status\" END",
        "closed_at": 'coalesce(t."closed_at", t."window_end")',
    },
    # the place a notice is for moves with its notice (nine copies in ten): kept, every
    # copied notice was for the demo community, whose board then held 100,000 notices
    "notice_places": {"place_id": community_of('t."place_id"', "character varying(64)")},
}
# Columns that repeat another table's (a denormalised key): set from the copied parent once
# the copies are in, as the service sets them when it writes the row. Copied as they were,
# every copied grant kept its template's username ('resident') and a community admin's
# accounts listed the same few names 10,000 times (ADR 0075).
DERIVED_SQL = {
    "grants": (
        "UPDATE grants g SET account_username = a.username FROM accounts a "
        "WHERE a.id = g.account_id AND g.account_username <> a.username"
    ),
}
# A foreign key that is also its table's unique key (commerce's shop of a merchant): a copy's
# key is a new uuid that no parent has, so 99,998 of 100,000 shops had no merchant and the
# shops list, a join, walked every shop to find two (6.3 s a page, ADR 0066).
ONE_TO_ONE_SQL = """
SELECT c.conrelid::regclass::text AS child, a.attname AS fk, c.confrelid::regclass::text AS parent,
       p.attname AS pk
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid <> c.confrelid
  AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indisunique
              AND i.indkey::text = c.conkey[1]::text)
"""
# single-column foreign keys: a copy's reference follows to the referenced row's copy
FOREIGN_SQL = """
SELECT a.attname, rc.relname AS ref_table FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_class rc ON rc.oid = c.confrelid
WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND cardinality(c.conkey) = 1
"""
TABLES_SQL = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname
"""


def copies_of(present: int, rows: int) -> int:
    """How many copies of a table of ``present`` rows reach ``rows`` (0: not grown)."""
    return -(-(rows - present) // present) if 0 < present < rows else 0


def copy_expression(name: str, type_: str, unique: bool, follows: int = 0) -> str:
    """The value of column ``name`` in copy ``g`` of template row ``t`` (number ``rn``).

    A unique uuid (an id) of copy ``g`` is derived from the template's and ``g``, so a
    reference to it (``follows``: the referenced table's number of copies) points at the
    referenced row's copy ``g`` (wrapped round when that table has fewer copies): the
    residencies of copy ``g`` belong to the persons of copy ``g``, not all of them to the
    demo's 7 persons (100,000 residencies of 7 people, 20 s a page of persons)."""
    col = f't."{name}"'
    elsewhere = "(g % 10 <> 0)"  # nine copies in ten belong to places of their own
    if follows and type_ == "uuid" and name not in PLACE_COLUMNS and not unique:
        return f"md5({col}::text || ':' || ((g - 1) % {follows} + 1))::uuid"
    # a place as text (most services keep ids as strings) is the same id as the uuid's
    as_type = "" if type_ == "uuid" else "::text"
    if name == "community_id" and (type_ == "uuid" or "char" in type_ or type_ == "text"):
        return community_of(col, type_)
    if name == "grid_id" and (type_ == "uuid" or "char" in type_ or type_ == "text"):
        # the grid's copy g, whose community is the row's
        return f"md5({col}::text || ':' || g)::uuid{as_type}"
    if name in PLACE_COLUMNS and (type_ == "uuid" or "char" in type_ or type_ == "text"):
        # copy g of a place, in every table and every service: a copied household of
        # notification's household_places is identity's household copy g (it was a random
        # string in the services that keep ids as text, a community of one row each)
        return (
            f"CASE WHEN {elsewhere} AND {col} IS NOT NULL "
            f"THEN md5({col}::text || ':' || g)::uuid{as_type} ELSE {col} END"
        )
    if unique:
        if type_ == "uuid":
            return f"md5({col}::text || ':' || g)::uuid"
        length = re.search(r"\((\d+)\)", type_)
        if length and int(length.group(1)) < 16:  # too short for '-g_rn' (a bill's period)
            width = int(length.group(1))
            return f"right(lpad(to_hex(g * 1000 + rn), {width}, '0'), {width})"
        if "char" in type_ or type_ == "text":
            # '-' and '_' as a code's pattern allows them (^[A-Za-z0-9_-]+$): 'DEMO-001~1.1'
            # failed identity's CommunityRead and the communities list answered 500
            keep = max(1, int(length.group(1)) - 14) if length else 200
            return f"left({col}, {keep}) || '-' || g || '_' || rn"
        if type_ in ("integer", "bigint", "smallint"):
            return f"({col}::bigint * 0 + g * 1000 + rn)::{type_}"
        if type_ == "bytea":
            return f"{col} || int8send(g * 100000 + rn)"
        if type_.startswith("timestamp") or type_ == "date":
            return f"{col} - make_interval(secs => g * 1000 + rn)"
        return col
    if type_.startswith("timestamp"):
        return f"{col} - make_interval(secs => g * 37)"
    return col


def _varied(indexes: list[list[str]], types: dict[str, str]) -> set[str]:
    """The columns a copy changes so that every unique index holds: each one-column index's
    column, and one column of each wider index (a uuid, else the widest text, an id first):
    varying all of them made ``delivery.channel`` (request, recipient, channel) 'pu~1634.24'
    and every copied delivery failed to send, again and again (ADR 0066)."""

    def rank(name: str) -> int:
        type_ = types.get(name, "")
        if name in PLACE_COLUMNS:  # the demo's place in one copy of ten: not a new value
            return -1
        if name in CODE_COLUMNS:  # a code the service looks up: a new value is a 500
            return -1
        if type_ == "uuid":
            return 1_000_000
        if type_ == "text":
            return 100_000
        length = re.search(r"\((\d+)\)", type_)
        if length and "char" in type_:
            return int(length.group(1))
        return 1 if type_ in ("integer", "bigint", "bytea") else 0

    varied: set[str] = set()
    for names in sorted(indexes, key=len):
        if len(names) == 1 or not varied & set(names):
            varied.add(max(names, key=lambda n: (rank(n), n.endswith("id"))))
    return varied


def _flag(value: bytes | str | None) -> bool:
    """A pg_attribute "char" flag that is set (not empty, not NUL)."""
    return bool(value) and value not in (b"\x00", "\x00")


def _count(table: str) -> str:
    return f'SELECT count(*) FROM "{table}"'  # noqa: S608 - a name from the catalogue


async def seed_table(
    conn: asyncpg.Connection, table: str, rows: int, before: dict[str, int] | None = None
) -> int:
    """Copies of the table's rows until it holds ``rows`` (names from the catalogue);
    ``before``: every table's rows before seeding (a reference follows its copies)."""
    present = int(await conn.fetchval(_count(table)))
    if present == 0 or present >= rows:
        return present
    columns = await conn.fetch(COLUMNS_SQL, f'"{table}"')
    types = {c["attname"]: c["type"] for c in columns}
    unique = _varied([list(r["names"]) for r in await conn.fetch(UNIQUE_SQL, f'"{table}"')], types)
    done = COPIED_AS.get(table, {})
    follows = {
        r["attname"]: copies_of((before or {}).get(r["ref_table"], 0), rows)
        for r in await conn.fetch(FOREIGN_SQL, f'"{table}"')
    }
    names, values = [], []
    for c in columns:
        default = c["default"] or ""
        # "char" columns: asyncpg gives b"\x00" for none (truthy), b"a"/b"d" for identity
        # columns and b"s" for stored generated ones
        if _flag(c["attidentity"]) or _flag(c["attgenerated"]) or default.startswith("nextval("):
            continue
        names.append(f'"{c["attname"]}"')
        name = c["attname"]
        expression = copy_expression(name, c["type"], name in unique, follows.get(name, 0))
        values.append(done.get(name) or expression)
    copies = copies_of(present, rows)
    insert = (
        f'INSERT INTO "{table}" ({", ".join(names)}) '  # noqa: S608
        f"SELECT {', '.join(values)} FROM "
        f'(SELECT *, row_number() OVER () AS rn FROM "{table}") AS t '
        f"CROSS JOIN generate_series(1, {copies}) AS g "
        "ON CONFLICT DO NOTHING"
    )
    await conn.execute(insert)
    return int(await conn.fetchval(_count(table)))


async def relink_one_to_one(conn: asyncpg.Connection) -> dict[str, int]:
    """Each copied child of a one-to-one foreign key whose parent does not exist gets a
    parent no child has yet (row by row), as every real shop has its merchant."""
    relinked = {}
    # both sides are estimated at one row: a nested loop would pair 100,000 by 100,000
    await conn.execute("SET enable_nestloop = off")
    for r in await conn.fetch(ONE_TO_ONE_SQL):
        child, fk, parent, pk = r["child"], f'"{r["fk"]}"', r["parent"], f'"{r["pk"]}"'
        done = await conn.execute(
            f"WITH orphan AS (SELECT c.ctid AS at, row_number() OVER () AS n FROM {child} c "  # noqa: S608
            f"WHERE c.{fk} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.{pk} = c.{fk})), "
            f"free AS (SELECT p.{pk} AS id, row_number() OVER () AS n FROM {parent} p "
            f"WHERE NOT EXISTS (SELECT 1 FROM {child} c WHERE c.{fk} = p.{pk})) "
            f"UPDATE {child} c SET {fk} = free.id FROM orphan JOIN free USING (n) "
            "WHERE c.ctid = orphan.at"
        )
        relinked[f"{child}.{r['fk']}"] = int(done.split()[-1])
    await conn.execute("RESET enable_nestloop")
    return relinked


async def seed(dsn: str, rows: int) -> dict[str, dict[str, int | float | str]]:
    admin = await asyncpg.connect(dsn)
    try:
        databases = [
            r["datname"]
            for r in await admin.fetch(
                "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"
            )
        ]
    finally:
        await admin.close()
    out: dict[str, dict[str, int | float | str]] = {}
    for db in sorted(databases):
        conn = await asyncpg.connect(re.sub(r"/[^/?]*(\?|$)", f"/{db}\\1", dsn, count=1))
        try:
            await conn.execute("SET session_replication_role = replica")
            tables = [r["relname"] for r in await conn.fetch(TABLES_SQL)]
            before = {
                t: int(await conn.fetchval(_count(t))) for t in tables if t not in SKIP_TABLES
            }
            for table in tables:
                if table in SKIP_TABLES:
                    continue
                began = time.perf_counter()
                try:
                    count: int | str = await seed_table(conn, table, rows, before)
                except asyncpg.PostgresError as exc:
                    count = f"not seeded: {type(exc).__name__}: {exc}"[:200]
                out[f"{db}.{table}"] = {
                    "rows": count,
                    "seconds": round(time.perf_counter() - began, 1),
                }
                print(f"  {db}.{table}: {count}", flush=True)
            for table, sql in DERIVED_SQL.items():
                if table in tables:
                    done = await conn.execute(sql)
                    set_ = done.split()[-1]
                    print(f"  {db}.{table}: {set_} rows' derived columns set", flush=True)
            for key, n in (await relink_one_to_one(conn)).items():
                print(f"  {db}.{key}: {n} copies given a parent of their own", flush=True)
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()
    for db in sorted(databases):  # again, once every copy is old: see visible_share
        await visible_share(dsn, db)
    return out


async def visible_share(dsn: str, db: str) -> None:
    """VACUUM the database again and say which share of its pages is all-visible.

    A VACUUM right after a database's copies cannot mark a page all-visible while a
    service's transaction older than the copies is open (the stack runs meanwhile): the
    02:55 UTC seed of session 14 left work-orders', evaluation's, notification's and
    parking-payment's tables at 0 %, so every index-only count read the heap, which a
    real table that autovacuum keeps up does not (ADR 0066, session 14 addendum)."""
    conn = await asyncpg.connect(re.sub(r"/[^/?]*(\?|$)", f"/{db}\\1", dsn, count=1))
    try:
        await conn.execute("VACUUM")
        pages, visible = await conn.fetchrow(
            "SELECT sum(relpages), sum(relallvisible) FROM pg_class WHERE relkind = 'r'"
        )
        share = f"{100 * (visible or 0) / (pages or 1):.0f} % of {pages or 0} pages"
        print(f"  {db}: all-visible {share}", flush=True)
    finally:
        await conn.close()
