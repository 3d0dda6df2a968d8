"""``python -m alarm [serve|migrate]``."""

from __future__ import annotations

from alarm.config import Settings
from alarm.main import MIGRATIONS, create_app
from sc_core.cli import run_service


def main(argv: list[str] | None = None) -> None:
    run_service(Settings, create_app, migrations_dir=MIGRATIONS, argv=argv)


if __name__ == "__main__":
    main()
