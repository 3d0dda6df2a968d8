"""Which services this checkout has: every ``services/<name>/pyproject.toml`` whose package
has an entry point (``src/<package>/main.py``).

A new service lands its domain first (models, rules, adapters: phase A in
services/README.md) before the service kit's composition gives it a ``main.py``; such a
package is a workspace member with tests, but not a process to start, route or deploy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # distribution name, kebab-case: "work-orders"
    package: str  # import package, snake_case: "work_orders"
    directory: Path
    has_database: bool
    has_demo: bool


def repo_root(start: Path | None = None) -> Path:
    here = (start or Path(__file__)).resolve()
    for parent in [here, *here.parents]:
        if (parent / "services").is_dir() and (parent / "contracts").is_dir():
            return parent
    raise RuntimeError("cannot find the repository root (a folder with services/ and contracts/)")


def discover_services(root: Path) -> list[ServiceInfo]:
    found = []
    for pyproject in sorted((root / "services").glob("*/pyproject.toml")):
        with pyproject.open("rb") as f:
            name = tomllib.load(f)["project"]["name"]
        package = name.replace("-", "_")
        src = pyproject.parent / "src" / package
        if not (src / "main.py").is_file():
            continue  # domain only so far: nothing to start
        found.append(
            ServiceInfo(
                name=name,
                package=package,
                directory=pyproject.parent,
                has_database=(src / "db" / "migrations").is_dir(),
                has_demo=(src / "demo.py").is_file(),
            )
        )
    return found
