"""Annotated dependencies shared by the routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from work_orders.config import Settings
from work_orders.events import Topics
from work_orders.storage import ObjectStore


@dataclass
class Parts:
    settings: Settings
    topics: Topics
    store: ObjectStore


def get_parts(request: Request) -> Parts:
    parts: Parts = request.app.state.parts
    return parts


PartsDep = Annotated[Parts, Depends(get_parts)]
