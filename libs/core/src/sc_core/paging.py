"""Paging every list the same way, and cheaply however long the list grows.

Every list endpoint takes :data:`Paging` (``limit`` 1..100, default 20; ``offset``; or
``cursor``) and returns ``Page[XRead]``: ``items``, ``total``, ``limit``, ``offset``,
``next_offset`` (null on the last page) and ``next_cursor``.

Two costs grew with the table (ADR 0017, ``bench/list_walk.py``):

- ``total`` counted every row in the caller's scope on every page: ~10-20 ms for 100,000
  rows. The count now stops at :data:`COUNT_LIMIT` (1,000: ADR 0017's addendum); past it
  ``total`` is that limit and ``total_exact`` is false (the console shows "1,000+").
- ``offset`` makes the database walk past every skipped row. ``next_cursor`` holds the
  last row's sort key instead (keyset pagination): the next page starts there through the
  index, at the same cost on page 1 and page 5,000. It is offered when the list is ordered
  by plain columns ending in a primary key (a total order) and the last row has no null
  key; a cursor from another list is a 400, never rows outside the caller's scope (the
  cursor only moves the start; the scope filter stays).

A list also refuses a query parameter it does not know (``rooms?standard_code=...`` used to
return every room, the filter silently ignored): :func:`page_params` checks the request's
query against every query parameter the route declares (its own and its dependencies') and
answers 422 ``request.unknown_parameter`` naming each unknown one, so every list of every
service refuses the same way through the one paging dependency.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
import weakref
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    inspect,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy import tuple_ as tuple_of
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from sc_core.errors import Problem

T = TypeVar("T")
MAX_PAGE_SIZE = 100
COUNT_LIMIT = 1_000
"""``total`` counts at most this many rows; past it the page says ``total_exact: false``."""


class PageParams(BaseModel):
    limit: int = 20
    offset: int = 0
    cursor: str | None = None


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter name (alias) the route and its dependencies declare; a
    parameter that is a Pydantic model (``Annotated[Filter, Query()]``) names its fields."""
    names: set[str] = set()
    seen: set[int] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for param in current.query_params:
            model = getattr(param.field_info, "annotation", None)
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(f.alias or n for n, f in model.model_fields.items())
            names.add(param.alias)
        stack.extend(current.dependencies)
    return frozenset(names)


def _declared_for(route: APIRoute) -> frozenset[str]:
    names: frozenset[str] | None = getattr(route, "_sc_query_names", None)
    if names is None:  # once per route
        names = declared_query_names(route.dependant)
        route._sc_query_names = names  # type: ignore[attr-defined]
    return names


def reject_unknown_query(request: Request) -> None:
    """422 ``request.unknown_parameter`` when the query holds a name the route does not
    declare: a misspelt or unsupported filter must not return the whole list."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    declared = _declared_for(route)
    unknown = sorted({name for name in request.query_params if name not in declared})
    if not unknown:
        return
    names = ", ".join(unknown)
    known = ", ".join(sorted(declared))
    raise Problem(
        422,
        "request.unknown_parameter",
        f"This list does not accept the query parameter {names}; it accepts: {known}",
        zh=f"此列表不支持查询参数 {names}；可用的参数：{known}",
        errors=[
            {
                "field": f"query.{name}",
                "message": f"Unknown query parameter: {name}",
                "type": "unknown_parameter",
            }
            for name in unknown
        ],
        parameters=unknown,
        accepted=sorted(declared),
    )


async def page_params(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            description="next_cursor of the page before: the next page at the cost of the "
            "first however deep (offset is then ignored)",
        ),
    ] = None,
) -> PageParams:
    reject_unknown_query(request)
    return PageParams(limit=limit, offset=0 if cursor else offset, cursor=cursor or None)


Paging = Annotated[PageParams, Depends(page_params)]


class PageTotal(int):
    """The count :func:`fetch_page` returns: an ``int`` (as before) that also says whether
    it is exact and the cursor of the next page, which ``Page.of`` passes on."""

    exact: bool
    next_cursor: str | None

    def __new__(
        cls, value: int, *, exact: bool = True, next_cursor: str | None = None
    ) -> PageTotal:
        total = super().__new__(cls, value)
        total.exact = exact
        total.next_cursor = next_cursor
        return total


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    total_exact: bool = True
    next_cursor: str | None = None

    @classmethod
    def of(cls, items: Sequence[T], total: int, params: PageParams) -> Page[T]:
        return cls(**_page_fields(items, total, params))


def _page_fields(items: Sequence[Any], total: int, params: PageParams) -> dict[str, Any]:
    """``Page``'s fields, in its order: the one place that says what comes next."""
    exact = getattr(total, "exact", True)
    after = params.offset + len(items)
    more = after < total if exact else len(items) == params.limit
    return {
        "items": list(items),
        "total": total,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": after if more and params.cursor is None else None,
        "total_exact": exact,
        "next_cursor": getattr(total, "next_cursor", None) if more else None,
    }


# built once: pydantic's cache of parametrised generics holds them weakly, and a class
# built again under load (~2.5 % of a page's CPU in a py-spy profile) is garbage to collect
ANY_PAGE = Page[Any]


def page_json(items: Sequence[Mapping[str, Any]], total: int, params: PageParams) -> bytes:
    """A page of plain items (each a mapping of its ``XRead``'s fields) as the JSON of
    ``Page[XRead]``, serialised once: no model built and validated per item, and none
    validated again by FastAPI (ADR 0040). The route returns it in a ``Response`` and still
    declares ``response_model=Page[XRead]`` for the OpenAPI; a test holds the items to what
    ``XRead`` makes of the same rows.

    Written by orjson (ADR 0086): pydantic-core's serialiser of ``Any`` looks up each of a
    page's ~700 values' types on its slow path (~80 µs a page of 20 cases in-process, ~9 %
    of work-orders' samples under load; orjson ~33 µs, the same bytes). A value orjson does
    not know (``Decimal``, ``timedelta``, a set ...) goes to pydantic-core's own
    ``to_jsonable_python``; a page orjson refuses (a ``time`` with a zone) is written by
    pydantic-core whole. ``test_page_json`` holds both to the same bytes, value kind by kind.
    """
    fields = _page_fields(items, total, params)
    try:
        return orjson.dumps(fields, default=to_jsonable_python, option=_ORJSON)
    except TypeError:
        return ANY_PAGE.__pydantic_serializer__.to_json(ANY_PAGE(**fields))


_ORJSON = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
"""UTC as ``Z`` and keys that are not strings written as strings, as pydantic-core does."""


async def fetch_page(
    session: AsyncSession | AsyncConnection,
    query: Select[Any],
    params: PageParams,
    *,
    rows: bool = False,
    bind: Mapping[str, Any] | None = None,
    count: Select[Any] | None = None,
) -> tuple[list[Any], PageTotal]:
    """One page of ``query`` (already filtered and ordered) and the count of the list.

    Items are the first column of each result (ORM entities, or one column); with
    ``rows=True`` whole rows, for Core ``select(table)`` queries. The count stops at
    :data:`COUNT_LIMIT`, and is not made when the page is the last one (shorter than the
    limit: most lists of one person's things); with ``params.cursor`` the page starts
    after the cursor's row. ``session`` may be a connection (``db.read()``, ADR 0054).

    ``bind``: the values of ``query``'s named bind parameters, for a query built once and
    kept (one per filter shape, its lists as expanding parameters): its page and count
    statements are then derived once too, and SQLAlchemy's cache key of each, computed on
    the first call, is reused (building and keying a statement on every call was ~15 % of
    a served page, ADR 0064). ``count``: the list's own bounded count statement (it stops
    at ``COUNT_LIMIT + 1`` itself), when the list knows a cheaper one than counting
    ``query``'s rows.
    """
    keys = sort_keys(query)
    values = dict(bind or {})
    counted: Select[Any] | None
    if bind is not None and params.cursor is None:
        page, counted = _derived(query, count, params)
        if params.offset:
            values["_page_offset"] = params.offset
    else:
        page = query
        if params.cursor is not None:
            if keys is None:
                raise offset_only()
            page = page.where(after_clause(keys, decode_cursor(params.cursor, keys)))
        page = page.limit(sql_number(params.limit))
        if params.offset:
            page = page.offset(params.offset)
        counted = count  # or counting ``query``'s rows, built only when a count is needed
    result = await session.execute(page, values) if values else await session.execute(page)
    items = list(result.all() if rows else result.scalars().all())
    if params.cursor is None and len(items) < params.limit and (items or not params.offset):
        # the last page: no count needed, and the total is known however long the list
        return items, PageTotal(params.offset + len(items))
    if counted is None:
        counted = count_query(query)
    total = int(await session.scalar(counted, bind or {}) or 0)
    cursor = None
    if keys is not None and items and len(items) == params.limit:
        last = items[-1]
        at = _key_positions(query, keys) if rows else None
        values_of_last = (
            [last[i] for i in at]
            if at is not None and len(last) == len(query.selected_columns)
            else key_values(last, keys, rows=rows)
        )
        cursor = encode_cursor(
            None if values_of_last is None or None in values_of_last else values_of_last
        )
    return items, PageTotal(min(total, COUNT_LIMIT), exact=total <= COUNT_LIMIT, next_cursor=cursor)


def sql_number(n: int) -> ColumnElement[int]:
    """``n`` written into the statement (``LIMIT 20``), for a LIMIT or OFFSET.

    Every engine sends LIMIT and OFFSET to PostgreSQL as numbers (``sc_core.db.engine.
    literal_limits``, ADR 0073). An ``int`` limit is a "literal execute" parameter that
    SQLAlchemy writes into the SQL text on **every** run (``_process_parameters_for_
    postcompile``, a regular expression over the statement: ~7 % of the CPU of a served
    page of work orders under load, ADR 0085). Written in, the number is part of the
    statement's cache key instead: compiled once per (statement, number), nothing rendered
    per run. Only for the few numbers a list uses (page sizes 1-100, the count's stop); an
    offset other than 0 stays a parameter (any number: one compiled entry each would crowd
    the cache)."""
    return literal_column(str(int(n)), Integer)


COUNT_STOP = sql_number(COUNT_LIMIT + 1)
"""``.limit(COUNT_STOP)``: where a bounded count stops (:data:`COUNT_LIMIT` + 1 rows)."""


class _Kept:
    """The statements derived from one kept query: its pages by (limit, first page or
    not), and its count. It holds no reference to the query itself, which keys it weakly
    in :data:`_DERIVED`."""

    __slots__ = ("count", "pages")

    def __init__(self, count: Select[Any]) -> None:
        self.count = count
        self.pages: dict[tuple[int, bool], Select[Any]] = {}

    def page(self, query: Select[Any], limit: int, first: bool) -> Select[Any]:
        found = self.pages.get((limit, first))
        if found is None:
            found = query.limit(sql_number(limit))
            if not first:
                found = found.offset(bindparam("_page_offset", type_=Integer))
            self.pages[(limit, first)] = found
        return found


_DERIVED: weakref.WeakKeyDictionary[Select[Any], _Kept] = weakref.WeakKeyDictionary()


def _derived(
    query: Select[Any], count: Select[Any] | None, params: PageParams
) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of a kept query (its own ``count`` when it has one:
    a kept query always comes with the same): the page's limit written in
    (:func:`sql_number`), its offset bound by name when it is not 0 (a first page has
    none)."""
    kept = _DERIVED.get(query)
    if kept is None:
        kept = _DERIVED[query] = _Kept(count if count is not None else count_query(query))
    return kept.page(query, params.limit, not params.offset), kept.count


LIKE_ESCAPE = "/"
"""The escape character of :func:`starts_with`'s patterns."""


def starts_with(column: ColumnElement[str], name: str) -> ColumnElement[bool]:
    """``column`` starts with the value bound as ``name``, for a statement built once and
    kept: bind :func:`like_prefix` of what the caller typed (``startswith(...,
    autoescape=True)`` puts the typed text in the statement, one statement per search)."""
    return column.like(bindparam(name), escape=LIKE_ESCAPE)


def like_prefix(text: str) -> str:
    """The pattern :func:`starts_with` binds: what starts with ``text``, its ``%`` and
    ``_`` the characters typed, not wildcards."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return escaped + "%"


def count_query(query: Select[Any]) -> Select[Any]:
    """``count(*)`` of at most ``COUNT_LIMIT + 1`` rows of ``query``, selecting nothing
    but a constant when the query is not DISTINCT (the count needs no column)."""
    inner = query.order_by(None).limit(COUNT_STOP)
    if not inner._distinct and not inner._distinct_on:
        inner = inner.with_only_columns(literal_column("1"), maintain_column_froms=True)
    return select(func.count()).select_from(inner.subquery())


Key = tuple[ColumnElement[Any], bool]  # (column, descending)


def sort_keys(query: Select[Any]) -> list[Key] | None:
    """The query's ORDER BY as (column, descending), when it is a total order of plain
    columns ending in a primary key column; otherwise None (no cursor)."""
    keys: list[Key] = []
    for clause in query._order_by_clauses:
        element, descending = clause, False
        if isinstance(element, UnaryExpression):
            if element.modifier not in (operators.desc_op, operators.asc_op):
                return None  # NULLS FIRST / LAST: not a plain order
            descending = element.modifier is operators.desc_op
            element = element.element
        if not hasattr(element, "table") or not hasattr(element, "primary_key"):
            return None
        keys.append((element, descending))
    if not keys or not keys[-1][0].primary_key:
        return None
    return keys


def after_clause(keys: list[Key], values: list[Any]) -> ColumnElement[bool]:
    """Rows after ``values`` in the order ``keys``: a row comparison when every key runs
    the same way, else the first key's bound (an index range) and the tie-breaks."""
    if all(d == keys[0][1] for _, d in keys):
        row = tuple_of(*(c for c, _ in keys))
        at = tuple_of(*(literal(v, c.type) for v, (c, _) in zip(values, keys, strict=True)))
        return row < at if keys[0][1] else row > at
    first, first_desc = keys[0]
    bound = first <= values[0] if first_desc else first >= values[0]
    branches = []
    for i, (column, descending) in enumerate(keys):
        ties = [keys[j][0] == values[j] for j in range(i)]
        branches.append(and_(*ties, column < values[i] if descending else column > values[i]))
    return and_(bound, or_(*branches))


def key_values(item: Any, keys: list[Key], *, rows: bool) -> list[Any] | None:
    """The sort key of one result (a Row, an ORM entity or a single value)."""
    values = []
    for column, _ in keys:
        if rows:
            try:
                value = item._mapping[column]
            except KeyError:  # a row of ORM entities: the column is one entity's attribute
                value = _entity_value(item, column)
        elif isinstance(item, str | int | float | dt.date | uuid.UUID) and len(keys) == 1:
            value = item
        else:
            mapper = inspect(item).mapper
            try:
                value = getattr(item, mapper.get_property_by_column(column).key)
            except Exception:
                return None
        if value is None:
            return None
        values.append(value)
    return values


_POSITIONS: weakref.WeakKeyDictionary[Select[Any], list[int] | None] = weakref.WeakKeyDictionary()


def _key_positions(query: Select[Any], keys: list[Key]) -> list[int] | None:
    """Where each sort key stands in ``query``'s rows, when each is one of its selected
    columns (a Core ``select`` of columns): the cursor is then read by position. Looking a
    row up by column (``row._mapping[column]``) compares annotated columns on every call
    (~1.5 % of a page of work orders' samples). None: keys not selected as such (ORM
    entities, labels), read by :func:`key_values`. Kept per query (weakly)."""
    if query in _POSITIONS:
        return _POSITIONS[query]
    columns = [c._deannotate() for c in query.selected_columns]
    at: list[int] | None = []
    for column, _ in keys:
        found = [i for i, c in enumerate(columns) if c is column._deannotate()]
        if len(found) != 1:
            at = None
            break
        at.append(found[0])  # type: ignore[union-attr]
    _POSITIONS[query] = at
    return at


def _entity_value(row: Any, column: ColumnElement[Any]) -> Any:
    """``column``'s value in the entity of ``row`` (``select(A, B)``) mapped to its table."""
    for part in row:
        state = inspect(part, raiseerr=False)
        mapper = getattr(state, "mapper", None)
        if mapper is not None and getattr(column, "table", None) in mapper.tables:
            return getattr(part, mapper.get_property_by_column(column).key)
    return None


def encode_cursor(values: list[Any] | None) -> str | None:
    if values is None:
        return None
    plain = [_plain(v) for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def offset_only() -> Problem:
    """The answer to a cursor given to a list that pages by offset only."""
    return Problem(
        400,
        "request.bad_cursor",
        "This list is paged by offset, not cursor",
        zh="该列表按页码翻页，不支持游标",
    )


def decode_cursor(cursor: str, keys: list[Key]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError("wrong length")
        return [_typed(value, column) for value, (column, _) in zip(raw, keys, strict=True)]
    except (ValueError, TypeError, decimal.InvalidOperation) as exc:
        raise Problem(
            400,
            "request.bad_cursor",
            "The cursor does not belong to this list",
            zh="翻页位置与该列表不符，请从第一页重新加载",
        ) from exc


def _typed(value: Any, column: ColumnElement[Any]) -> Any:
    python_type = column.type.python_type
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is decimal.Decimal:
        return decimal.Decimal(value)
    if python_type in (int, float, str, bool) and not isinstance(value, python_type):
        raise ValueError(f"{value!r} is not {python_type.__name__}")
    return value
