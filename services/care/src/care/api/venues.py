"""Activity venues (活动场所): the community's staff keep them and bind their devices;
residents and staff list them with the live status (closed, quiet ... busy, full) and the
people now in words."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from care.api.deps import usecases
from care.domain.venues import CROWD_WORDS, VenueDeviceKind
from care.usecases.venues import Venues, VenueView
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging

router = APIRouter(prefix="/api/v1/care/venues", tags=["venues"])

DEVICE_WORDS = {"occupancy": ("客流计数器", "people counter"), "door": ("门磁", "door contact")}


async def _venues(request: Request) -> Venues:
    return usecases(request).venues


VenuesDep = Annotated[Venues, Depends(_venues)]


class VenueCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100, examples=["老年活动室"])
    place: str = Field(min_length=1, max_length=200, examples=["社区服务中心二楼"])
    capacity: int = Field(ge=1, le=10_000, examples=[30])
    opens: time | None = Field(default=None, description="None with closes: around the clock")
    closes: time | None = None


class VenueUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    place: str | None = Field(default=None, min_length=1, max_length=200)
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    around_the_clock: bool | None = Field(default=None, description="True clears the hours")
    opens: time | None = None
    closes: time | None = None


class VenueDeviceBind(BaseModel):
    device_id: str = Field(min_length=1, max_length=64)
    kind: VenueDeviceKind = Field(description="occupancy: people counter; door: door contact")


class VenueDeviceRead(BaseModel):
    device_id: str
    kind: str
    kind_text: str = Field(description="zh-CN")
    kind_text_en: str


class VenueRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    place: str
    opens: str | None
    closes: str | None
    hours_text: str = Field(description="zh-CN: 08:00–21:00, 全天开放")
    hours_text_en: str
    capacity: int
    status: str = Field(description="closed, unknown, quiet, moderate, busy or full")
    status_text: str = Field(description="zh-CN: 未开放, 暂无实时数据, 空闲, 适中, 较拥挤, 已满")
    status_text_en: str
    people_now: int | None = Field(description="None: closed, or no count for 30 minutes")
    words: str = Field(description="zh-CN: 老年活动室：较拥挤（约9人，可容纳10人）")
    words_en: str
    people_at: datetime | None
    devices: list[VenueDeviceRead]
    updated_at: datetime


def _read(view: VenueView) -> VenueRead:
    r, live = view.row, view.live
    zh, en = CROWD_WORDS[live.crowd]
    said = live.words(view.venue)
    hours = (f"{r.opens}–{r.closes}",) * 2 if r.opens else ("全天开放", "open around the clock")
    return VenueRead(
        id=r.id, community_id=r.community_id, name=r.name, place=r.place, opens=r.opens,
        closes=r.closes, hours_text=hours[0], hours_text_en=hours[1], capacity=r.capacity,
        status=live.crowd.value, status_text=zh, status_text_en=en, people_now=live.people,
        words=said[0], words_en=said[1], people_at=r.people_at,
        devices=[VenueDeviceRead(device_id=d.device_id, kind=d.kind,
                                 kind_text=DEVICE_WORDS[d.kind][0],
                                 kind_text_en=DEVICE_WORDS[d.kind][1]) for d in view.devices],
        updated_at=r.updated_at,
    )  # fmt: skip


@router.post("", status_code=201, response_model=VenueRead)
async def create_venue(body: VenueCreate, who: CurrentCaller, venues: VenuesDep) -> VenueRead:
    """The community's admins, caregivers and property managers add a venue."""
    return _read(
        await venues.create(
            who, body.community_id, body.name, body.place, body.capacity, body.opens,
            body.closes,
        )
    )  # fmt: skip


@router.patch("/{venue_id}", response_model=VenueRead)
async def update_venue(
    venue_id: uuid.UUID, body: VenueUpdate, who: CurrentCaller, venues: VenuesDep
) -> VenueRead:
    hours: tuple[time | None, time | None] | None = None
    if body.around_the_clock:
        hours = (None, None)
    elif body.opens is not None or body.closes is not None:
        hours = (body.opens, body.closes)
    return _read(await venues.update(who, venue_id, body.name, body.place, body.capacity, hours))


@router.post("/{venue_id}/devices", response_model=VenueRead)
async def bind_device(
    venue_id: uuid.UUID, body: VenueDeviceBind, who: CurrentCaller, venues: VenuesDep
) -> VenueRead:
    """Bind an occupancy counter or a door contact; its reports move the live status."""
    return _read(await venues.bind(who, venue_id, body.device_id, body.kind))


@router.delete("/{venue_id}/devices/{device_id}", response_model=VenueRead)
async def unbind_device(
    venue_id: uuid.UUID, device_id: Annotated[str, Path(min_length=1, max_length=64)],
    who: CurrentCaller, venues: VenuesDep,
) -> VenueRead:  # fmt: skip
    return _read(await venues.unbind(who, venue_id, device_id))


@router.get("", response_model=Page[VenueRead])
async def list_venues(
    who: CurrentCaller, venues: VenuesDep, paging: Paging,
    community_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Page[VenueRead]:  # fmt: skip
    """The venues of the caller's communities (their homes', and where they work), by
    name, each with its live status in words."""
    views, total = await venues.page(who, community_id, paging)
    return Page[VenueRead].of([_read(x) for x in views], total, paging)


@router.get("/{venue_id}", response_model=VenueRead)
async def get_venue(venue_id: uuid.UUID, who: CurrentCaller, venues: VenuesDep) -> VenueRead:
    return _read(await venues.get(who, venue_id))
