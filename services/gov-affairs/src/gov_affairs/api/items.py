"""The catalogue of the service hall (事项): what a community offers, with each service's
conditions, materials and form (JSON Schema the console renders)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from gov_affairs.api.deps import HallDep
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/hall", tags=["service hall"])


@router.get("/items", summary="Services of a community (the hall's catalogue)")
async def list_items(
    who: CurrentCaller, hall: HallDep, community_id: str = Query(min_length=1, max_length=64)
) -> list[dict[str, Any]]:
    items = await hall.items(who, community_id)
    return [
        i.model_dump(
            mode="json",
            include={
                "code",
                "version",
                "name",
                "category",
                "description",
                "conditions",
                "materials",
                "form",
                "promised_days",
            },
        )
        for i in items
    ]
