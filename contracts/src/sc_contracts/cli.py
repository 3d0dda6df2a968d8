"""Event contracts: generate documents, check compatibility, create Kafka topics."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sc_contracts.catalogue import contracts_root, load_catalogue
from sc_contracts.generate import diff, render, write
from sc_contracts.history import check_git_history, read_waivers

WAIVER_FILE = "compat-waivers.txt"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sc_contracts", description=__doc__)
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="contracts folder (topics.yaml, generated/); default: this checkout's",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write contracts/generated/")
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is stale"
    )
    commands.add_parser("compat", help="check schemas against their git history")
    create = commands.add_parser("create-topics", help="create every topic and its DLQ")
    create.add_argument(
        "--bootstrap",
        default=None,
        help="HOST:PORT of a broker (default: KAFKA_BOOTSTRAP_SERVERS); the connection's "
        "security comes from KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*",
    )
    create.add_argument("--replication-factor", type=_positive, default=1)
    create.add_argument(
        "--partitions-override",
        type=_positive,
        default=None,
        help="use N partitions for every topic (e.g. 1 on a development broker)",
    )
    acls = commands.add_parser(
        "acls", help="Kafka ACLs of the platform and of outside readers, from an agreement"
    )
    acls.add_argument("action", choices=["plan", "apply"], help="plan: print; apply: set them")
    acls.add_argument("--agreement", type=Path, required=True, help="the agreement (YAML)")
    acls.add_argument(
        "--bootstrap", default=None, help="HOST:PORT (default: KAFKA_BOOTSTRAP_SERVERS)"
    )
    principal = commands.add_parser(
        "principal", help="create or change a SCRAM principal (the password from stdin or env)"
    )
    principal.add_argument("name")
    principal.add_argument("--mechanism", choices=["SCRAM-SHA-512", "SCRAM-SHA-256"],
                           default="SCRAM-SHA-512")  # fmt: skip
    principal.add_argument(
        "--password-env", default=None, help="the variable holding the password (else stdin)"
    )
    principal.add_argument("--bootstrap", default=None)
    args = parser.parse_args(argv)
    root: Path = args.root or contracts_root()
    if args.command == "generate":
        return _generate(root, args.check)
    if args.command == "compat":
        return _compat(root)
    if args.command == "acls":
        return _acls(root, args)
    if args.command == "principal":
        return _principal(args)
    return _create_topics(root, args)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _generate(root: Path, check: bool) -> int:
    try:
        files = render(load_catalogue(root / "topics.yaml"))
    except ValueError as exc:  # includes pydantic's ValidationError
        print(f"cannot generate: {exc}", file=sys.stderr)
        return 1
    out_dir = root / "generated"
    if check:
        differences = diff(out_dir, files)
        if differences:
            print("generated files are out of date; run `python -m sc_contracts generate`:")
            for d in differences:
                print(f"  {d.reason}: {(out_dir / d.path).as_posix()}")
            return 1
        print(f"generated files are up to date ({len(files)} files)")
        return 0
    changed = write(out_dir, files)
    for d in changed:
        action = "removed" if d.reason == "unexpected" else "wrote"
        print(f"{action} {(out_dir / d.path).as_posix()}")
    print(f"{len(changed)} of {len(files)} generated files changed")
    return 0


def _compat(root: Path) -> int:
    report = check_git_history(root / "generated", read_waivers(root / WAIVER_FILE))
    print(report.render())
    return 0 if report.ok else 1


def kafka_connection(bootstrap: str | None) -> tuple[str, dict[str, Any]]:
    """The bootstrap (given, else KAFKA_BOOTSTRAP_SERVERS) and the security options.

    Built by sc_core's one function from the same environment variables every service
    reads. sc_core depends on this package, so it is imported here, where a command talks
    to Kafka: every image that runs these commands (the gateway's, any service's) has it.
    """
    from sc_core.kafka import kafka_client_options
    from sc_core.settings import KafkaSettings

    settings = KafkaSettings()
    return bootstrap or settings.kafka_bootstrap_servers, kafka_client_options(settings)


def _create_topics(root: Path, args: argparse.Namespace) -> int:
    from sc_contracts.admin import create_topics

    bootstrap, options = kafka_connection(args.bootstrap)
    result = asyncio.run(
        create_topics(
            bootstrap,
            replication_factor=args.replication_factor,
            partitions_override=args.partitions_override,
            catalogue=load_catalogue(root / "topics.yaml"),
            client_options=options,
        )
    )
    for name in result.created:
        print(f"created {name}")
    for name in result.existing:
        print(f"exists  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _acls(root: Path, args: argparse.Namespace) -> int:
    from sc_contracts import acls

    try:
        agreement = acls.load_agreement(args.agreement)
        bindings = acls.plan(agreement, load_catalogue(root / "topics.yaml"))
    except (OSError, ValueError) as exc:  # includes pydantic's ValidationError
        print(f"cannot plan ACLs: {exc}", file=sys.stderr)
        return 1
    if args.action == "plan":
        for binding in bindings:
            print(binding.describe())
        return 0
    bootstrap, options = kafka_connection(args.bootstrap)

    async def run() -> acls.ApplyResult:
        admin = acls.admin_client(bootstrap, options)
        await admin.start()
        try:
            return await acls.apply(admin, bindings, agreement.principals())
        finally:
            await admin.close()

    result = asyncio.run(run())
    for binding in result.created:
        print(f"created {binding.describe()}")
    for binding in result.deleted:
        print(f"deleted {binding.describe()}")
    print(f"{len(result.kept)} already there")
    return 0


def _principal(args: argparse.Namespace) -> int:
    import os

    from sc_contracts import acls

    password = os.environ.get(args.password_env, "") if args.password_env else sys.stdin.readline()
    password = password.rstrip("\n")
    if not password:
        print("no password given (stdin or --password-env)", file=sys.stderr)
        return 1
    bootstrap, options = kafka_connection(args.bootstrap)

    async def run() -> None:
        admin = acls.admin_client(bootstrap, options)
        await admin.start()
        try:
            await acls.set_scram_credential(admin, args.name, password, mechanism=args.mechanism)
        finally:
            await admin.close()

    try:
        asyncio.run(run())
    except ValueError as exc:
        print(f"cannot set the credential: {exc}", file=sys.stderr)
        return 1
    print(f"{args.mechanism} credential of {args.name} set")
    return 0
