"""``python -m audit`` serves; ``migrate`` migrates; ``verify`` and ``retention`` are the
store's own commands (see audit.commands)."""

from __future__ import annotations

import sys

from audit.commands import COMMANDS, run_command
from audit.config import Settings
from sc_core.cli import run_service


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in COMMANDS:
        return run_command(args)
    from audit.main import MIGRATIONS, create_app  # the app only when serving or migrating

    run_service(Settings, create_app, migrations_dir=MIGRATIONS, argv=args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
