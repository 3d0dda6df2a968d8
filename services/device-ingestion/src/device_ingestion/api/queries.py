"""Queries: latest values, time series and roll-ups, energy statistics."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["telemetry"])
