"""The gateway's merged OpenAPI without a running stack, and the TypeScript client from it.

Each service's app is built with its own ``create_app`` (nothing starts: no database, no
broker) and asked for ``.openapi()``; the documents go through the gateway's own
``RouteTable.merged_openapi`` (the one merging implementation, the same the running
gateway serves at ``/openapi.json``), together with the gateway's own routes.

``python -m sc_devstack.openapi write``  writes ``clients/typescript/openapi.json`` and
                                         regenerates ``src/schema.d.ts`` with openapi-typescript
``python -m sc_devstack.openapi check``  exit 1 when either is stale (``make contracts-check``)

``schema.d.ts`` starts with the SHA-256 of the document it was generated from, so the
check needs no Node.js: a route change shows in ``openapi.json``, and a document changed
without regenerating the types shows in the hash.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sc_devstack.discover import discover_services, repo_root

CLIENT_DIR = Path("clients") / "typescript"
DOCUMENT = "openapi.json"
TYPES = Path("src") / "schema.d.ts"
RULES = Path("src") / "rules.json"
_HASH_PREFIX = "// openapi.json sha256: "


def service_documents(root: Path) -> dict[str, dict[str, Any]]:
    """Every service's OpenAPI document, by service name, from its create_app."""
    os.environ.setdefault("ENVIRONMENT", "dev")
    documents: dict[str, dict[str, Any]] = {}
    for info in discover_services(root):
        main = importlib.import_module(f"{info.package}.main")
        config = importlib.import_module(f"{info.package}.config")
        with contextlib.redirect_stdout(io.StringIO()):
            app = main.create_app(config.Settings())
        documents[info.name] = app.openapi()
    return documents


def gateway_document() -> dict[str, Any]:
    from gateway.app import create_app
    from gateway.config import GatewaySettings

    app = create_app(GatewaySettings())
    return app.openapi()


def merged(root: Path | None = None) -> dict[str, Any]:
    """What the gateway serves at /openapi.json (without ``servers``: that is the address
    a gateway is reached at)."""
    from gateway.app import merged_document
    from gateway.routing import RouteTable
    from gateway.security import DEFAULT_PUBLIC_PATHS, PublicPaths

    root = root or repo_root()
    table = RouteTable()
    for name, document in service_documents(root).items():
        table.load(name, document)
    public = PublicPaths(DEFAULT_PUBLIC_PATHS)
    return merged_document(
        table, gateway_document(), server_url=None, is_public=public.__contains__
    )


def _field_rule(schema: dict[str, Any]) -> dict[str, Any]:
    """The constraints of one property (the non-null branch of an optional one)."""
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    branch = branches[0] if branches else schema
    rule: dict[str, Any] = {"nullable": len(branches) < len(schema.get("anyOf", [schema]))}
    for key in (
        "type",
        "maxLength",
        "minLength",
        "minimum",
        "maximum",
        "pattern",
        "enum",
        "format",
        "maxItems",
    ):
        if key in branch:
            rule[key] = branch[key]
    return rule


def form_rules(document: dict[str, Any]) -> dict[str, Any]:
    """Request-body constraints by schema name (required, lengths, ranges, patterns, enums):
    the console validates its forms with exactly what the API validates."""
    schemas = document.get("components", {}).get("schemas", {})
    names: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref.startswith("#/components/schemas/"):
                    names.add(ref.rsplit("/", 1)[1])
    # and the models a body nests (a tariff's rules), so a form of nested fields checks them too
    pending = sorted(names)
    while pending:
        for prop in schemas.get(pending.pop(), {}).get("properties", {}).values():
            for branch in [prop, *prop.get("anyOf", []), prop.get("items", {})]:
                ref = branch.get("$ref", "")
                name = ref.rsplit("/", 1)[1] if ref.startswith("#/components/schemas/") else ""
                if name and name not in names and schemas.get(name, {}).get("properties"):
                    names.add(name)
                    pending.append(name)
    rules: dict[str, Any] = {}
    for name in sorted(names):
        schema = schemas.get(name, {})
        required = set(schema.get("required", []))
        rules[name] = {
            field: {**_field_rule(prop), "required": field in required}
            for field, prop in schema.get("properties", {}).items()
        }
    return rules


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def generate_types(root: Path, document_text: str) -> None:
    from sc_devstack.console import console_dir, find_node, npm_install

    node = find_node()
    npm_install(node, console_dir(root))
    client = root / CLIENT_DIR
    cli = console_dir(root) / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
    subprocess.run(
        [str(node.node), str(cli), DOCUMENT, "-o", str(TYPES)],
        cwd=client,
        env=node.env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    types = client / TYPES
    body = types.read_text()
    types.write_text(f"{_HASH_PREFIX}{digest(document_text)}\n{body}")


def check(root: Path, text: str | None = None) -> list[str]:
    """What is stale in the committed client against ``text`` (default: the merged OpenAPI
    of this checkout's services and gateway)."""
    client = root / CLIENT_DIR
    text = render(merged(root)) if text is None else text
    problems = []
    try:
        committed = (client / DOCUMENT).read_text()
    except OSError:
        committed = ""
    if committed != text:
        problems.append(f"{CLIENT_DIR / DOCUMENT} differs from the services' routes")
    try:
        first = (client / TYPES).read_text().splitlines()[0]
    except (OSError, IndexError):
        first = ""
    try:
        rules = (client / RULES).read_text()
    except OSError:
        rules = ""
    if rules != render(form_rules(json.loads(text))):
        problems.append(f"{CLIENT_DIR / RULES} differs from the request schemas")
    if first != f"{_HASH_PREFIX}{digest(text)}":
        problems.append(f"{CLIENT_DIR / TYPES} was not generated from the current document")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sc_devstack.openapi", description=__doc__)
    parser.add_argument("command", choices=["write", "check", "print"])
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    root = repo_root()
    if args.command == "print":
        sys.stdout.write(render(merged(root)))
        return 0
    if args.command == "check":
        problems = check(root)
        for problem in problems:
            print(f"typed client out of date: {problem}; run `make contracts`")
        if not problems:
            print("typed client is up to date with the merged OpenAPI")
        return 1 if problems else 0
    text = render(merged(root))
    (root / CLIENT_DIR).mkdir(parents=True, exist_ok=True)
    (root / CLIENT_DIR / DOCUMENT).write_text(text)
    (root / CLIENT_DIR / RULES).parent.mkdir(parents=True, exist_ok=True)
    (root / CLIENT_DIR / RULES).write_text(render(form_rules(json.loads(text))))
    generate_types(root, text)
    print(f"wrote {CLIENT_DIR / DOCUMENT} and {CLIENT_DIR / TYPES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
