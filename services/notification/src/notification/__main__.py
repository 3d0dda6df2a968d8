"""``python -m notification [serve|migrate]``."""

from __future__ import annotations

from notification.config import Settings
from notification.main import MIGRATIONS, create_app
from sc_core.cli import run_service


def main(argv: list[str] | None = None) -> None:
    run_service(Settings, create_app, migrations_dir=MIGRATIONS, argv=argv)


if __name__ == "__main__":
    main()
