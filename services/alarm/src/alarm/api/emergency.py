"""Emergency management (filled in below)."""

from fastapi import APIRouter

router = APIRouter(tags=["emergency"])
