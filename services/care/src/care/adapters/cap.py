"""CAP 1.2 (OASIS Common Alerting Protocol) parser: XML in, :class:`CapAlert` out.

Parsed with ``defusedxml`` (no entity expansion, no external references: the XML comes
from outside). Checked against the standard: the ``urn:oasis:names:tc:emergency:cap:1.2``
namespace, the required elements of ``alert``, ``info`` and ``area``, the value lists
(status, msgType, scope, category, urgency, severity, certainty), date-times with a
numeric offset (CAP forbids "Z"), ``references`` as sender,identifier,sent triples,
polygons as closed rings of at least four "lat,lon" pairs and circles as "lat,lon radius"
with the radius in kilometres. Anything else is refused with a stable code and words.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from care.domain.geo import Circle, PolygonArea
from care.domain.warnings import (
    CATEGORIES,
    CERTAINTIES,
    MSG_TYPES,
    SCOPES,
    SEVERITIES,
    STATUSES,
    URGENCIES,
    CapAlert,
    CapArea,
    CapInfo,
)

NS = "urn:oasis:names:tc:emergency:cap:1.2"
_Q = "{" + NS + "}"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
MAX_BYTES = 1_000_000


class CapError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def _bad(what: str, en: str) -> CapError:
    return CapError(
        "care.cap_invalid", f"预警消息格式不正确：{what}", f"The CAP message is not valid: {en}"
    )


def _text(el: Element, name: str, *, required: bool = False, where: str = "alert") -> str | None:
    child = el.find(_Q + name)
    value = (child.text or "").strip() if child is not None else ""
    if not value:
        if required:
            raise _bad(f"{where} 缺少 {name}", f"{where} has no {name}")
        return None
    return value


def _req(el: Element, name: str, where: str) -> str:
    value = _text(el, name, required=True, where=where)
    assert value is not None
    return value


def _one_of(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise _bad(f"{name} 的取值 “{value}” 不在标准之内", f"{name} {value!r} is not a CAP value")
    return value


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    if not _DATETIME.match(value):
        raise _bad(
            f"{name} 时间格式应为 2026-12-03T08:00:00+08:00",
            f"{name} must look like 2026-12-03T08:00:00+08:00",
        )
    return datetime.fromisoformat(value)


def _pairs(text: str) -> list[tuple[float, float]]:
    out = []
    for pair in text.split():
        lat, _, lng = pair.partition(",")
        out.append((float(lat), float(lng)))
    return out


def _polygon(text: str) -> PolygonArea:
    try:
        pts = _pairs(text)
    except ValueError:
        raise _bad("polygon 坐标无法识别", "a polygon's coordinates cannot be read") from None
    if len(pts) < 4 or pts[0] != pts[-1]:
        raise _bad(
            "polygon 须为首尾相同的至少四个坐标",
            "a polygon needs at least four pairs, the last equal to the first",
        )
    try:
        return PolygonArea(tuple(pts))
    except ValueError as exc:
        raise _bad("polygon 不是有效的区域", f"a polygon is not a valid area ({exc})") from None


def _circle(text: str) -> Circle:
    try:
        point, radius = text.split()
        (lat, lng) = _pairs(point)[0]
        return Circle(lat, lng, float(radius) * 1000)
    except ValueError:
        raise _bad(
            "circle 应为“纬度,经度 半径(公里)”", "a circle must be 'lat,lon radius_km'"
        ) from None


def _area(el: Element) -> CapArea:
    return CapArea(
        description=_req(el, "areaDesc", "area"),
        polygons=tuple(_polygon((p.text or "").strip()) for p in el.findall(_Q + "polygon")),
        circles=tuple(_circle((c.text or "").strip()) for c in el.findall(_Q + "circle")),
        geocodes=tuple(
            (_req(g, "valueName", "geocode"), _req(g, "value", "geocode"))
            for g in el.findall(_Q + "geocode")
        ),
    )


def _info(el: Element) -> CapInfo:
    cats = [(c.text or "").strip() for c in el.findall(_Q + "category")]
    if not cats:
        raise _bad("info 缺少 category", "info has no category")
    return CapInfo(
        language=_text(el, "language") or "en-US",
        categories=tuple(_one_of(c, CATEGORIES, "category") for c in cats),
        event=_req(el, "event", "info"),
        urgency=_one_of(_req(el, "urgency", "info"), URGENCIES, "urgency"),
        severity=_one_of(_req(el, "severity", "info"), SEVERITIES, "severity"),
        certainty=_one_of(_req(el, "certainty", "info"), CERTAINTIES, "certainty"),
        headline=_text(el, "headline"),
        description=_text(el, "description"),
        instruction=_text(el, "instruction"),
        sender_name=_text(el, "senderName"),
        effective=_time(_text(el, "effective"), "effective"),
        onset=_time(_text(el, "onset"), "onset"),
        expires=_time(_text(el, "expires"), "expires"),
        areas=tuple(_area(a) for a in el.findall(_Q + "area")),
        parameters=tuple(
            (_req(p, "valueName", "parameter"), _req(p, "value", "parameter"))
            for p in el.findall(_Q + "parameter")
        ),
    )


def _references(text: str | None) -> tuple[tuple[str, str, str], ...]:
    if text is None:
        return ()
    out = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) != 3:
            raise _bad(
                "references 应为“发送方,标识,时间”",
                "references must be sender,identifier,sent triples",
            )
        _time(parts[2], "references")
        out.append((parts[0], parts[1], parts[2]))
    return tuple(out)


def parse_cap(document: bytes | str) -> CapAlert:
    """Parse and check one CAP 1.2 alert; raise :class:`CapError`."""
    raw = document.encode() if isinstance(document, str) else document
    if len(raw) > MAX_BYTES:
        raise CapError("care.cap_too_large", "预警消息过大。", "The CAP message is too large.")
    try:
        root = fromstring(raw, forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        raise CapError(
            "care.cap_not_xml",
            "预警消息不是有效的 XML。",
            "The CAP message is not well-formed XML.",
        ) from None
    if root.tag != _Q + "alert":
        raise CapError(
            "care.cap_not_cap12",
            "不是 CAP 1.2 预警消息（根元素须为 urn:oasis:names:tc:emergency:cap:1.2 的 alert）。",
            "Not a CAP 1.2 alert (the root must be alert in urn:oasis:names:tc:emergency:cap:1.2).",
        )
    msg_type = _one_of(_req(root, "msgType", "alert"), MSG_TYPES, "msgType")
    references = _references(_text(root, "references"))
    if msg_type in ("Update", "Cancel") and not references:
        raise _bad(
            f"{msg_type} 须引用原预警（references）",
            f"an {msg_type} must name what it replaces in references",
        )
    sent = _time(_req(root, "sent", "alert"), "sent")
    assert sent is not None
    return CapAlert(
        identifier=_req(root, "identifier", "alert"),
        sender=_req(root, "sender", "alert"),
        sent=sent,
        status=_one_of(_req(root, "status", "alert"), STATUSES, "status"),
        msg_type=msg_type,
        scope=_one_of(_req(root, "scope", "alert"), SCOPES, "scope"),
        references=references,
        infos=tuple(_info(i) for i in root.findall(_Q + "info")),
        note=_text(root, "note"),
    )
