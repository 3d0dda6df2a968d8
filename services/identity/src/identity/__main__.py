"""``python -m identity [serve|migrate|rotate-keys|generate-signing-key]``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from identity.config import Settings
from identity.main import MIGRATIONS, create_app
from sc_core.cli import run_service


async def rotate_keys(settings: Settings, activate_in: int | None) -> str:
    """Add a key to the database ring; the running replicas pick it up by themselves."""
    from identity.auth.keystore import KeyStore
    from identity.db.models import metadata
    from sc_core.db import Database, platform_tables
    from sc_core.db.uow import Outbound
    from sc_core.privacy import configure_cipher

    configure_cipher(settings)
    outbound = Outbound(settings.service_name, settings.topic)
    db = Database(settings.database_url, platform_tables(metadata), pool_size=1, outbound=outbound)
    try:
        keystore = KeyStore(settings, db)
        async with db.uow() as uow:
            key = await keystore.rotate(uow, actor="cli", activate_in=activate_in)
            await uow.audit(None, "auth.keys_rotate", "signing_key", key.kid)
            await uow.commit()
        return f"new signing key {key.kid}, signing from {key.activates_at:%Y-%m-%d %H:%M:%S %Z}"
    finally:
        await db.dispose()


def rotate_keys_command(settings: Settings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m identity rotate-keys")
    parser.add_argument("--activate-in", type=int, default=None, help="seconds until it signs")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(rotate_keys(settings, args.activate_in)))
    except Exception as exc:  # a Problem (keys from config) or a database error
        print(f"rotate-keys failed: {getattr(exc, 'detail', exc)}", file=sys.stderr)
        return 1
    return 0


def generate_key_command(settings: Settings, argv: list[str]) -> int:
    from identity.auth.keys import format_entry, generate_key

    print(format_entry(generate_key()))
    return 0


def main(argv: list[str] | None = None) -> None:
    run_service(
        Settings,
        create_app,
        migrations_dir=MIGRATIONS,
        argv=argv,
        commands={
            "rotate-keys": rotate_keys_command,
            "generate-signing-key": generate_key_command,
        },
    )


if __name__ == "__main__":
    main()
