"""``python -m care`` serves the app."""

from __future__ import annotations

from typing import cast

from care.config import Settings
from care.main import create_app
from sc_core.cli import run_service

if __name__ == "__main__":
    run_service(Settings, lambda s: create_app(cast(Settings, s)))
