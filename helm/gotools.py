"""Go programs the checks use, built once into $SC_CACHE_DIR/go-bin through the Go module
proxy (Go is on every machine of this project; `go` from PATH or /usr/local/go/bin)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("SC_CACHE_DIR", Path.home() / ".cache" / "sc-tools"))
BIN = CACHE / "go-bin"
ROOT = Path(__file__).resolve().parents[1]


def go() -> str:
    found = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None
    )
    if found is None:
        raise RuntimeError("Go is needed to build the checks' tools (go install ...)")
    return found


def installed(module: str) -> Path:
    """`go install module@version` once; the binary is named after the last path element
    and the version, so a new pin installs afresh."""
    path, _, version = module.partition("@")
    target = BIN / f"{path.rsplit('/', 1)[-1]}-{version}"
    if not target.exists():
        BIN.mkdir(parents=True, exist_ok=True)
        with_tmp = BIN / ".install"
        env = {**os.environ, "GOBIN": str(with_tmp), "GOFLAGS": "-mod=mod"}
        subprocess.run([go(), "install", module], check=True, env=env, capture_output=True)
        (with_tmp / path.rsplit("/", 1)[-1]).rename(target)
    return target


def composecheck() -> Path:
    """deploy/composecheck (compose-go, the library of `docker compose`), built once per
    version of its sources."""
    source = ROOT / "deploy" / "composecheck"
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum", "main.go"):
        digest.update((source / name).read_bytes())
    target = BIN / f"composecheck-{digest.hexdigest()[:12]}"
    if not target.exists():
        BIN.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [go(), "build", "-o", str(target), "."],
            check=True,
            cwd=source,
            capture_output=True,
            env={**os.environ, "GOFLAGS": "-mod=mod"},
        )
    return target
