"""The gateway's merged OpenAPI document, built offline from every service's app (no
server started), and its check with Spectral's `oas` ruleset.

    uv run python helm/apidoc.py                # write build/openapi.json, run Spectral
    uv run python helm/apidoc.py --out x.json   # only write the document

Spectral is the npm package @stoplight/spectral-cli, run through `npx --yes` (it installs
itself into the npm cache the first time; Node.js is on every machine of this project).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
RULESET = ROOT / "helm" / ".spectral.yaml"


def merged_document(root: Path = ROOT) -> dict[str, Any]:
    """What the gateway serves at /openapi.json with every service up, as
    sc_devstack.openapi builds it for the typed client (one mechanism: the gateway's
    merged_document), with the production example's address as `servers`."""
    from gateway.app import merged_document as gateway_merge
    from gateway.routing import RouteTable
    from gateway.security import DEFAULT_PUBLIC_PATHS, PublicPaths
    from sc_devstack.openapi import gateway_document, service_documents

    logging.disable(logging.WARNING)  # "already instrumented" and start-up chatter
    try:
        table = RouteTable()
        for name, document in service_documents(root).items():
            table.load(name, document)
        own = gateway_document()
    finally:
        logging.disable(logging.NOTSET)
    return gateway_merge(
        table,
        own,
        server_url="https://api.community.example.com",
        is_public=PublicPaths(DEFAULT_PUBLIC_PATHS).__contains__,
    )


def spectral(document: Path) -> tuple[int, str]:
    """Spectral's `oas` ruleset on ``document``: (number of errors, its report)."""
    npx = shutil.which("npx")
    if npx is None:
        return 1, "npx not found: Node.js is needed to run Spectral"
    cmd = [
        npx,
        "--yes",
        SPECTRAL,
        "lint",
        str(document),
        "--ruleset",
        str(RULESET),
        "--format",
        "json",
        "--quiet",
    ]
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1", "npm_config_fund": "false"}
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return 1, (result.stdout + result.stderr)[-3000:]
    errors = [f for f in findings if f.get("severity") == 0]
    lines = [
        f"{'/'.join(str(p) for p in f.get('path', []))}: {f.get('code')}: {f.get('message')}"
        for f in findings
    ]
    warnings = len(findings) - len(errors)
    return len(errors), f"{len(errors)} error(s), {warnings} warning(s)\n" + "\n".join(lines[:40])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the merged document here and stop")
    args = parser.parse_args(argv)
    document = merged_document()
    if args.out:
        args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "openapi.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        errors, report = spectral(path)
    print(report)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
