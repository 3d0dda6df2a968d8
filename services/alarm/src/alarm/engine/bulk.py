"""Many rows in one statement: ``INSERT … SELECT … FROM unnest(<one array per column>)``
as plain SQL text, built once from a table's metadata, with one array parameter per
column. The evaluator's and the lifecycle's batch writes use it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB


def unnest_insert(table: Any, columns: list[str], prefix: str = "") -> str:
    """``INSERT … SELECT … FROM unnest(<one array per column>)`` as plain SQL: one
    statement for any number of rows, with one parameter (an array) per column, named
    ``<prefix><column>`` (a prefix lets two of them share one statement).

    Why text: SQLAlchemy 2.0 does not cache the compiled form of PostgreSQL's
    ``INSERT … ON CONFLICT`` (its clause has no cache key), so the dialect's ``insert()``
    was compiled again on every batch; a ``text()`` statement is compiled once. JSONB
    values travel as JSON text (:func:`as_arrays`) and are cast in the statement."""
    dialect = postgresql.dialect()
    arrays, picks = [], []
    for name in columns:
        col = table.c[name]
        if isinstance(col.type, JSONB):
            arrays.append(f"CAST(:{prefix}{name} AS text[])")
            picks.append(f"CAST(t.{name} AS jsonb)")
        else:
            arrays.append(f"CAST(:{prefix}{name} AS {col.type.compile(dialect=dialect)}[])")
            picks.append(f"t.{name}")
    names = ", ".join(columns)
    # names come from the table's metadata, at import; values are parameters
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {', '.join(picks)} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) AS t({names})"
    )


def unnest_upsert(
    table: Any, columns: list[str], conflict: str, set_: str, returning: str, prefix: str = ""
) -> str:
    """:func:`unnest_insert` ``ON CONFLICT … DO UPDATE``."""
    insert_sql = unnest_insert(table, columns, prefix)
    return f"{insert_sql} ON CONFLICT {conflict} DO UPDATE SET {set_} {returning}".strip()


def as_arrays(
    table: Any, columns: list[str], rows: list[dict[str, Any]], prefix: str = ""
) -> dict[str, list[Any]]:
    """Rows (dicts) to one list per column, JSONB columns as JSON text."""
    out: dict[str, list[Any]] = {}
    for name in columns:
        if isinstance(table.c[name].type, JSONB):
            out[prefix + name] = [None if r[name] is None else _dumps(r[name]) for r in rows]
        else:
            out[prefix + name] = [r[name] for r in rows]
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
