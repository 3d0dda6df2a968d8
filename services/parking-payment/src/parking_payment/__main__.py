"""``python -m parking_payment`` serves the app; ``... migrate`` migrates and exits."""

from __future__ import annotations

from typing import cast

from parking_payment.config import Settings
from parking_payment.main import MIGRATIONS, create_app
from sc_core.cli import run_service

if __name__ == "__main__":
    run_service(Settings, lambda s: create_app(cast(Settings, s)), migrations_dir=MIGRATIONS)
