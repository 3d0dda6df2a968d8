"""Query parameters the list routes share, each with the bound its OpenAPI document states
(issue 30): an id or a type at most 64 characters, an instant or a day in 1900-2200. A
value beyond is a 422 from the schema, never a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from sc_core.schema import Day, Instant

IdFilter = Annotated[str | None, Query(max_length=64)]
"""A community, building, room or device type, or an alarm or incident type."""
CategoryFilter = Annotated[str | None, Query(max_length=32)]
"""A supply's category (as a supply holds it: at most 32 characters)."""
InstantFilter = Annotated[Instant | None, Query()]
DayFilter = Annotated[Day | None, Query()]
