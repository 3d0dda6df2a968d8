"""Plate reads from ANPR cameras (车牌识别相机), as the cameras send them.

Two formats:

- the common HTTP push JSON ``{"AlarmInfoPlate": {..., "result": {"PlateResult":
  {"license", "colorType", "confidence", "timeStamp": {"Timeval": {"sec", "usec"}},
  "imageFile" (base64 JPEG), "imageFragmentFile"}}}}`` (colorType 0 unknown, 1 blue,
  2 yellow, 3 white, 4 black, 5 green, 6 yellow-green); the camera expects
  ``{"Response_AlarmInfoPlate": {...}}`` back;
- Hikvision ISAPI ``EventNotificationAlert`` with ``eventType`` ANPR: XML (namespace
  ``http://www.hikvision.com/ver20/XMLSchema``), usually in ``multipart/form-data`` with
  the pictures as further parts (licensePlatePicture.jpg, detectionPicture.jpg); newer
  firmware sends the same fields as JSON.

Both become one ``AnprRead``. Untrusted input: the XML goes through defusedxml; sizes
are bounded; anything unreadable raises ``AnprError`` with a stable reason.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException

from parking_payment.domain.plates import PlateColor, normalise

MAX_IMAGE = 4 * 1024 * 1024
_VZ_COLORS = {
    1: PlateColor.blue,
    2: PlateColor.yellow,
    3: PlateColor.white,
    4: PlateColor.black,
    5: PlateColor.green,
    6: PlateColor.yellow_green,
}
_HIK_COLORS = {
    "blue": PlateColor.blue,
    "yellow": PlateColor.yellow,
    "white": PlateColor.white,
    "black": PlateColor.black,
    "green": PlateColor.green,
    "newenergygreen": PlateColor.green,
    "yellowgreen": PlateColor.yellow_green,
    "newenergyyellowgreen": PlateColor.yellow_green,
}


class AnprError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


PLATE_MAX = 16  # the longest plate the passage events carry (and identity stores)


def _plate(raw: str) -> str | None:
    """The plate read, normalised; a read longer than any plate is refused (400
    ``parking.read_plate_too_long``), not carried into a passage no event can hold."""
    plate = normalise(raw)
    if plate is not None and len(plate) > PLATE_MAX:
        raise AnprError("plate_too_long")
    return plate


@dataclass(frozen=True, slots=True)
class Image:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class AnprRead:
    source: str  # "alarm_info_plate" | "isapi"
    camera: str  # the camera's own id: serial number, else MAC, else IP
    raw_plate: str
    plate: str | None  # normalised; None: the camera saw a car without a plate
    color: PlateColor | None
    confidence: int | None
    at: datetime
    direction: str | None = None  # Hikvision: forward / reverse
    images: list[Image] = field(default_factory=list)


# -- AlarmInfoPlate ------------------------------------------------------------------
def parse_alarm_info_plate(body: bytes | str | dict[str, Any]) -> AnprRead:
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else body
        info = data["AlarmInfoPlate"]
        result = info["result"]["PlateResult"]
    except (ValueError, KeyError, TypeError):
        raise AnprError("malformed") from None
    raw = str(result.get("license") or "")
    stamp = (result.get("timeStamp") or {}).get("Timeval") or {}
    try:
        at = datetime.fromtimestamp(int(stamp["sec"]) + int(stamp.get("usec", 0)) / 1e6, UTC)
    except (KeyError, ValueError, TypeError, OverflowError):
        raise AnprError("bad_timestamp") from None
    images = []
    for key, name in (("imageFile", "full.jpg"), ("imageFragmentFile", "plate.jpg")):
        if result.get(key):
            images.append(Image(name, "image/jpeg", _b64(str(result[key]))))
    camera = str(info.get("serialno") or info.get("ipaddr") or "")
    if not camera:
        raise AnprError("camera_unknown")
    return AnprRead(
        source="alarm_info_plate",
        camera=camera,
        raw_plate=raw,
        plate=_plate(raw),
        color=_VZ_COLORS.get(_int(result.get("colorType")) or 0),
        confidence=_int(result.get("confidence")),
        at=at,
        images=images,
    )


def alarm_info_plate_ack() -> dict[str, Any]:
    """Our answer to the camera: received, do not resend, and do not open by yourself
    (the barrier opens on our command through device-ingestion)."""
    return {"Response_AlarmInfoPlate": {"info": "no", "content": "retransfer_stop"}}


# -- Hikvision ISAPI -----------------------------------------------------------------
def parse_isapi(content_type: str, body: bytes) -> AnprRead:
    """An ``EventNotificationAlert``: multipart with pictures, bare XML, or JSON."""
    ctype = content_type.lower()
    images: list[Image] = []
    if ctype.startswith("multipart/"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        if not message.is_multipart():
            raise AnprError("malformed")
        document: bytes | None = None
        doc_type = ""
        for part in message.iter_parts():
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            kind = part.get_content_type()
            name = part.get_filename() or part.get_param("name", header="content-disposition")
            if kind in ("application/xml", "text/xml", "application/json") and document is None:
                document, doc_type = payload, kind
            elif kind.startswith("image/"):
                if len(payload) > MAX_IMAGE:
                    raise AnprError("image_too_large")
                images.append(Image(str(name or "picture.jpg"), kind, payload))
        if document is None:
            raise AnprError("malformed")
        read = _isapi_document(doc_type, document)
    else:
        read = _isapi_document(ctype, body)
    return AnprRead(**{**_fields(read), "images": images})


def _fields(read: AnprRead) -> dict[str, Any]:
    return {name: getattr(read, name) for name in AnprRead.__slots__}


def _isapi_document(content_type: str, body: bytes) -> AnprRead:
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            raise AnprError("malformed") from None
        return _isapi_values(data if isinstance(data, dict) else {})
    try:
        root = SafeXML.fromstring(body)
    except (SafeXML.ParseError, DefusedXmlException):
        raise AnprError("malformed") from None
    return _isapi_values(_xml_dict(root))


def _isapi_values(data: dict[str, Any]) -> AnprRead:
    if str(data.get("eventType", "")).upper() != "ANPR":
        raise AnprError("not_anpr")
    anpr = data.get("ANPR") or {}
    if not isinstance(anpr, dict):
        raise AnprError("malformed")
    raw = str(anpr.get("licensePlate") or "")
    try:
        at = datetime.fromisoformat(str(data["dateTime"]))
    except (KeyError, ValueError):
        raise AnprError("bad_timestamp") from None
    if at.tzinfo is None:
        raise AnprError("bad_timestamp")
    camera = str(data.get("macAddress") or data.get("ipAddress") or "")
    if not camera:
        raise AnprError("camera_unknown")
    color = str(anpr.get("plateColor") or "").replace("_", "").lower()
    return AnprRead(
        source="isapi",
        camera=camera,
        raw_plate=raw,
        plate=_plate(raw),
        color=_HIK_COLORS.get(color),
        confidence=_int(anpr.get("confidenceLevel")),
        at=at,
        direction=str(anpr["direction"]) if anpr.get("direction") else None,
    )


def _xml_dict(element: Element) -> dict[str, Any]:
    """Namespace-free dict of an element's children (first occurrence of each name)."""
    out: dict[str, Any] = {}
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in out:
            continue
        out[tag] = _xml_dict(child) if len(child) else (child.text or "").strip()
    return out


def _b64(text: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AnprError("bad_image") from None
    if len(data) > MAX_IMAGE:
        raise AnprError("image_too_large")
    return data


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
