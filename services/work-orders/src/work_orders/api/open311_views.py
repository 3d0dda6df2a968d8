"""Shaping Open311 answers: rows to the spec's members, then JSON or XML (the spec's
examples: ``<service_requests><request>...``), and refusals as its error list."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import Response

from sc_core.errors import Problem
from work_orders.db.models import CaseType
from work_orders.domain import open311 as o311
from work_orders.usecases.open311 import RequestView

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 character
# the element of each item of a list, by the list's element
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


def service(ct: CaseType, locale: o311.Locale) -> dict[str, Any]:
    offer = o311.OFFERED[ct.code]
    return {
        "service_code": ct.code,
        "service_name": o311.say(locale, ct.name_zh, ct.name),
        "description": o311.say(locale, offer.zh, offer.en),
        "metadata": bool(offer.attributes),
        "type": "realtime",
        "keywords": offer.keywords,
        "group": o311.say(locale, offer.group_zh, offer.group_en),
    }


def definition(ct: CaseType, locale: o311.Locale) -> dict[str, Any]:
    offer = o311.OFFERED[ct.code]
    return {
        "service_code": ct.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": None,
                "order": a.order,
                "description": o311.say(locale, a.zh, a.en),
                "values": [{"key": c.key, "name": o311.say(locale, c.zh, c.en)} for c in a.values],
            }
            for a in offer.attributes
        ],
    }


def filed(view: RequestView, locale: o311.Locale) -> dict[str, Any]:
    tz = view.filed.timezone
    return {
        "service_request_id": view.case.number,
        "token": str(view.filed.token),
        "service_notice": o311.notice(view.case.resolution_due_at, tz, locale),
        "account_id": None,
    }


def token(view: RequestView) -> dict[str, Any]:
    return {"service_request_id": view.case.number, "token": str(view.filed.token)}


def request(view: RequestView, locale: o311.Locale) -> dict[str, Any]:
    wo, ct, row = view.case, view.case_type, view.filed
    tz = row.timezone
    return {
        "service_request_id": wo.number,
        "status": o311.status_of(wo.status),
        "status_notes": view.note or o311.status_words(wo.status, locale),
        "service_name": o311.say(locale, ct.name_zh, ct.name),
        "service_code": ct.code,
        "description": wo.description,
        "agency_responsible": row.agency,
        "service_notice": o311.notice(wo.resolution_due_at, tz, locale),
        "requested_datetime": o311.local_iso(wo.created_at, tz),
        "updated_datetime": o311.local_iso(wo.updated_at, tz),
        "expected_datetime": o311.local_iso(wo.resolution_due_at, tz),
        "address": wo.place,
        "address_id": row.address_id,
        "zipcode": None,
        "lat": wo.latitude,
        "long": wo.longitude,
        "media_url": row.media_url,
    }


def answer(fmt: str, root: str, items: list[dict[str, Any]], status: int = 200) -> Response:
    """A list of items as JSON or as XML under ``root`` (one element per item)."""
    if fmt == "xml":
        return Response(_xml(root, items), status_code=status, media_type=XML)
    body = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type=JSON)


def single(fmt: str, root: str, item: dict[str, Any]) -> Response:
    """One object (a service definition) as JSON or as the XML element ``root``."""
    if fmt == "xml":
        element = Element(root)
        _fill(element, item)
        return Response(_declared(element), media_type=XML)
    return Response(json.dumps(item, ensure_ascii=False), media_type=JSON)


def refusal(fmt: str, problem: Problem, locale: o311.Locale) -> Response:
    """The spec's error list (``code``: the HTTP status, ``description``), with the stable
    code beside it (``error_code``)."""
    words = problem.detail if locale == "en" or problem.zh is None else problem.zh
    item = {"code": problem.status, "description": words, "error_code": problem.code}
    response = answer(fmt, "errors", [item], problem.status)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def _xml(root: str, items: list[dict[str, Any]]) -> bytes:
    element = Element(root)
    for item in items:
        _fill(SubElement(element, ITEMS.get(root, "item")), item)
    return _declared(element)


def _declared(element: Element) -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode").encode()
    )


def _fill(element: Element, item: dict[str, Any]) -> None:
    for key, value in item.items():
        child = SubElement(element, key)
        if isinstance(value, list):
            for entry in value:
                _fill(SubElement(child, ITEMS.get(key, "item")), entry)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = NOT_XML.sub("", str(value))
