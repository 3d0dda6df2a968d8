"""Open311 GeoReport v2 (issue 25 item 3, ADR 0035): a city platform or a 12345 hotline
lists the case types it may file, files a request (a work order of that type in the
community the place falls in) and follows the requests it filed, by its API key.

Every refusal is a :class:`~sc_core.errors.Problem` with a stable code; the routes
(``api/open311.py``) answer it in the spec's error shape."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from sc_core.auth import Anonymous, Caller, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from sc_core.places import Places
from sc_core.privacy.masking import mask_email, mask_mobile, mask_name
from work_orders.db.models import (
    CaseType,
    Open311Client,
    Open311Place,
    Open311Request,
    Open311Usage,
)
from work_orders.domain import open311 as o311
from work_orders.domain.cases import NewCase
from work_orders.usecases.lifecycle import Lifecycle, now_utc
from work_orders.usecases.open311_reads import RequestQuery, RequestView, read_requests

__all__ = [
    "Admitted",
    "Filing",
    "GeoReport",
    "RequestQuery",
    "RequestView",
    "location_invalid",
]
LIMITS = {"description": 4000, "address_string": 200, "first_name": 50, "last_name": 50}
CONTACT_LIMITS = {"phone": 32, "email": 254, "media_url": 500, "address_id": 64}


@dataclass(frozen=True)
class Admitted:
    """A client whose key was right, as the caller its audit records name."""

    client: Open311Client
    who: Caller


@dataclass
class Filing:
    """What a request carries (form fields, as sent)."""

    service_code: str | None = None
    jurisdiction_id: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    description: str | None = None
    media_url: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def bad(code: str, en: str, zh: str, status: int = 400) -> Problem:
    return Problem(status, f"open311.{code}", en, zh=zh)


def key_invalid() -> Problem:
    return bad(
        "key_invalid", "api_key is missing, unknown or revoked", "api_key 缺失、无效或已吊销", 403
    )


def location_invalid() -> Problem:
    return bad(
        "location_invalid",
        "lat and long must both be WGS-84 degrees (lat -90..90, long -180..180)",
        "lat、long 须同时提供，且为 WGS-84 经纬度（纬度 -90 至 90，经度 -180 至 180）",
    )


def service_unknown(status: int = 400) -> Problem:
    return bad(
        "service_unknown",
        "service_code names no service offered here",
        "service_code 不是此处提供的服务类型",
        status,
    )


class GeoReport:
    def __init__(
        self,
        db: Database,
        places: Places,
        lifecycle: Lifecycle,
        *,
        rate_limit: int,
        rate_window_s: int,
    ) -> None:
        self.db = db
        self.places = places
        self.lifecycle = lifecycle
        self.rate_limit = rate_limit
        self.rate_window_s = rate_window_s

    # the key ---------------------------------------------------------------------------
    async def admit(self, who: Anonymous, api_key: str | None) -> Admitted:
        """The client of an active key, its call counted in the current rate window
        (429 past ``rate_limit`` calls in it, across replicas)."""
        if not api_key or len(api_key) > 200 or not api_key.isprintable():
            raise key_invalid()
        at = now_utc()
        epoch = math.floor(at.timestamp() / self.rate_window_s) * self.rate_window_s
        start = datetime.fromtimestamp(epoch, at.tzinfo)
        async with self.db.uow() as uow:
            client = await uow.session.scalar(
                select(Open311Client).where(
                    Open311Client.key_hash == o311.key_hash(api_key),
                    Open311Client.active.is_(True),
                )
            )
            if client is None:
                raise key_invalid()
            counted = insert(Open311Usage).values(client_id=client.id, window_start=start, calls=1)
            calls = await uow.session.scalar(
                counted.on_conflict_do_update(
                    index_elements=["client_id", "window_start"],
                    set_={"calls": Open311Usage.calls + 1},
                ).returning(Open311Usage.calls)
            )
            await uow.session.execute(
                delete(Open311Usage).where(
                    Open311Usage.client_id == client.id, Open311Usage.window_start < start
                )
            )
            client.last_used_at = at
            await uow.commit()
        if calls is not None and calls > self.rate_limit:
            wait = max(1, math.ceil(epoch + self.rate_window_s - at.timestamp()))
            raise Problem(
                429,
                "open311.rate_limited",
                f"Too many calls with this key; try again in {wait} s",
                zh=f"该 api_key 调用过于频繁，请 {wait} 秒后再试",
                headers={"Retry-After": str(wait)},
            )
        principal = Principal(
            subject=f"open311:{client.id}",
            kind="service",
            name=client.name,
            roles=frozenset({"open311_client"}),
        )
        return Admitted(client, who.signed_in(principal))

    # services --------------------------------------------------------------------------
    async def services(self) -> list[CaseType]:
        """The active case types offered to Open311 clients."""
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.session.scalars(
                select(CaseType)
                .where(CaseType.code.in_(sorted(o311.OFFERED)), CaseType.active.is_(True))
                .order_by(CaseType.code)
            )
            return list(rows)

    async def service(self, code: str) -> CaseType:
        async with self.db.uow(read_only=True) as uow:
            ct = await uow.session.get(CaseType, code) if code in o311.OFFERED else None
        if ct is None or not ct.active:
            raise NotFound(
                "open311.service_unknown",
                "No service with this service_code is offered here",
                zh="此处没有这个服务类型",
            )
        return ct

    # filing ----------------------------------------------------------------------------
    async def file(self, admitted: Admitted, filing: Filing) -> RequestView:
        """A work order of the service's case type, in the community its place falls in."""
        _check_text(filing)
        offer = o311.OFFERED.get(filing.service_code or "")
        attributes = _attributes(offer, filing.attributes) if offer else {}
        async with self.db.uow() as uow:
            ct = await uow.session.get(CaseType, filing.service_code) if offer else None
            if offer is None or ct is None or not ct.active:
                raise service_unknown()
            place, community = await self._place(uow, filing)
            if filing.jurisdiction_id and filing.jurisdiction_id != place.community_id:
                raise bad(
                    "jurisdiction_mismatch",
                    "The location is not in jurisdiction_id",
                    "位置不在 jurisdiction_id 所指的社区内",
                )
            if place.community_id not in admitted.client.community_ids:
                raise bad(
                    "community_forbidden",
                    "This key may not file cases in the community of this location",
                    "该 api_key 无权向此位置所在社区提交工单",
                    403,
                )
            lat, lon = _coordinates(filing)
            description = (filing.description or "").strip()
            ref = next((v for a, v in attributes.items() if _is_ref(offer, a)), None)
            details: dict[str, str | int | float | bool] = {
                "title_en": f"{ct.name}: {' '.join(description.split())[:60]}"[:200],
                "open311_client": admitted.client.name,
                **{f"attribute_{k}": v for k, v in attributes.items()},
            }
            contact = _masked_contact(filing)
            if contact:
                details["contact_masked"] = contact
            new = NewCase(
                case_type=ct.code,
                title=o311.title(ct.name_zh, description)[:200],
                description=description,
                community_id=place.community_id,
                grid_id=await self.places.grid_of(uow, place.building_id),
                building_id=place.building_id,
                place=(filing.address_string or "").strip() or place.name,
                longitude=lon if lon is not None else place.longitude,
                latitude=lat if lat is not None else place.latitude,
                external_ref=ref,
                details=details,
                source="open311",
            )
            wo = await self.lifecycle.open(uow, new, actor_id=admitted.who.subject)
            filed = Open311Request(
                work_order_id=wo.id,
                client_id=admitted.client.id,
                token=uuid.uuid4(),
                address_id=filing.address_id or None,
                media_url=filing.media_url or None,
                timezone=place.timezone,
                agency=place.agency or (community.agency if community else None),
                first_name=filing.first_name or None,
                last_name=filing.last_name or None,
                phone=filing.phone or None,
                email=filing.email or None,
                created_at=wo.created_at,
            )
            uow.session.add(filed)
            await uow.session.flush()
            await uow.audit(
                admitted.who,
                "workorder.create",
                "work_order",
                str(wo.id),
                community_id=wo.community_id,
                detail={"case_type": wo.case_type, "via": "open311"},
            )
            await uow.commit()
            return RequestView(wo, ct, filed, None)

    async def _place(
        self, uow: UnitOfWork, filing: Filing
    ) -> tuple[Open311Place, Open311Place | None]:
        """The registered place of the request and its community's row."""
        place: Open311Place | None
        lat, lon = _coordinates(filing)
        if filing.address_id:
            place = await uow.session.scalar(
                select(Open311Place).where(Open311Place.address_code == filing.address_id)
            )
            if place is None:
                raise bad(
                    "address_unknown",
                    "address_id is no standard address code known here",
                    "address_id 不是此处登记的标准地址编码",
                )
        elif lat is not None and lon is not None:
            place = await self._nearest(uow, lat, lon)
        elif filing.address_string and filing.address_string.strip():
            place = await uow.session.scalar(
                select(Open311Place).where(Open311Place.name == filing.address_string.strip())
            )
            if place is None:
                raise bad(
                    "address_unresolved",
                    "address_string names no place known here; send lat and long or address_id",
                    "无法识别 address_string 所指的地点，请提供经纬度（lat、long）或 address_id",
                )
        else:
            raise bad(
                "location_required",
                "A request needs lat and long, address_string or address_id",
                "请求须提供经纬度（lat、long）、address_string 或 address_id 之一",
            )
        community = await uow.session.get(Open311Place, place.community_id)
        return place, community

    async def _nearest(self, uow: UnitOfWork, lat: float, lon: float) -> Open311Place:
        span = 0.05  # degrees of latitude (~5.5 km): more than any place's reach
        query = select(Open311Place).where(Open311Place.latitude.between(lat - span, lat + span))
        if abs(lat) < 80:
            wide = span / math.cos(math.radians(abs(lat) + span))
            query = query.where(Open311Place.longitude.between(lon - wide, lon + wide))
        rows = {r.place_id: r for r in await uow.session.scalars(query)}
        spots = [
            o311.Spot(
                r.place_id,
                r.community_id,
                r.building_id,
                r.name,
                r.longitude,
                r.latitude,
                r.radius_m,
            )
            for r in rows.values()
        ]
        try:
            return rows[o311.locate(spots, lat, lon).place_id]
        except o311.Unplaceable as found:
            if found.kind == "ambiguous":
                raise bad(
                    "place_ambiguous",
                    "The location is on the edge of two communities; send address_id",
                    "该位置处于两个社区交界处，无法确定归属，请提供 address_id",
                ) from found
            raise bad(
                "place_unknown",
                "The location is in no community served here",
                "该位置不在本平台服务的任何社区内",
            ) from found

    # reading ---------------------------------------------------------------------------
    async def requests(self, admitted: Admitted, query: RequestQuery) -> list[RequestView]:
        """The requests this client filed (and only those), newest first."""
        async with self.db.uow(read_only=True) as uow:
            found = await read_requests(uow, admitted.client.id, query, now_utc())
            await uow.audit(
                admitted.who,
                "open311_request.read",
                "open311_client",
                str(admitted.client.id),
                detail={"count": str(len(found))},
            )
            await uow.commit()
            return found

    async def by_token(self, admitted: Admitted, token: str) -> RequestView:
        try:
            wanted = uuid.UUID(token)
        except ValueError:
            wanted = None
        found = (
            await self.requests(admitted, RequestQuery(token=wanted)) if wanted is not None else []
        )
        if not found:
            raise NotFound(
                "open311.token_unknown",
                "No request of yours has this token",
                zh="没有以此 token 提交的请求",
            )
        return found[0]


def _check_text(filing: Filing) -> None:
    """Lengths, and no control characters (NUL cannot be stored) but line breaks in the
    description."""
    for name, limit in {**LIMITS, **CONTACT_LIMITS}.items():
        value = getattr(filing, name) or ""
        allowed = value.replace("\n", "").replace("\r", "").replace("\t", "")
        if len(value) > limit or not allowed.isprintable():
            raise bad(
                "field_invalid",
                f"{name} is too long (at most {limit} characters) or holds control characters",
                f"{name} 过长（最多 {limit} 个字符）或含有控制字符",
            )
    url = filing.media_url or ""
    if url and not url.startswith(("https://", "http://")):
        raise bad(
            "field_invalid", "media_url must be an http(s) URL", "media_url 须为 http(s) 网址"
        )


def _coordinates(filing: Filing) -> tuple[float | None, float | None]:
    lat, lon = filing.lat, filing.long
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise location_invalid()
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise location_invalid()
    return lat, lon


def _attributes(offer: o311.Offer, sent: dict[str, str]) -> dict[str, str]:
    """The service's attributes from ``attribute[code]``; required ones present, listed
    ones one of their keys; others ignored."""
    out: dict[str, str] = {}
    for a in offer.attributes:
        value = (sent.get(a.code) or "").strip()
        if not value:
            if a.required:
                raise bad(
                    "attribute_required",
                    f"attribute[{a.code}] ({a.en}) is required",
                    f"须填写 attribute[{a.code}]（{a.zh}）",
                )
            continue
        if len(value) > 64 or not value.isprintable():
            raise bad(
                "attribute_invalid",
                f"attribute[{a.code}] is too long or holds control characters",
                f"attribute[{a.code}] 过长或含有控制字符",
            )
        if a.values and value not in {c.key for c in a.values}:
            raise bad(
                "attribute_invalid",
                f"attribute[{a.code}] must be one of its listed keys",
                f"attribute[{a.code}] 须为列出的选项之一",
            )
        out[a.code] = value
    return out


def _is_ref(offer: o311.Offer | None, code: str) -> bool:
    return offer is not None and any(a.code == code and a.to_external_ref for a in offer.attributes)


def _masked_contact(filing: Filing) -> str:
    """The filer's contact as staff see it on the case (the full values are encrypted
    with the request)."""
    name = f"{filing.last_name or ''}{filing.first_name or ''}".strip()
    parts = [
        mask_name(name) if name else None,
        mask_mobile(filing.phone) if filing.phone else None,
        mask_email(filing.email) if filing.email else None,
    ]
    return " ".join(p for p in parts if p)[:200]
