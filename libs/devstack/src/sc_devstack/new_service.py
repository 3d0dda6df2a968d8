"""``make new-service NAME=care``: a new service in the shape of ``services/README.md``.

Renders ``templates/service`` into ``services/<name>`` (``{{name}}`` kebab-case,
``{{pkg}}`` snake_case, ``{{Name}}`` CamelCase in paths and text; ``.tmpl`` dropped) and
registers the service wherever a service must be registered:

- ``contracts/``: its first event type (``<Name>EntryRecordedV1`` on ``<name>.events.v1``):
  the model, its registry line, its example, its topic in ``topics.yaml`` and in the
  registry test's list;
- ``helm/smart-community/values.yaml``: its block under ``services:``;
- ``deploy/docker-compose.yml``: its ``migrate-<name>`` and ``<name>`` blocks, its database
  in db-init's ``SC_DATABASES``, its upstream in the gateway's ``UPSTREAMS``.

``make run``, the isolation check and ``make test`` find it by themselves. The Makefile
target then locks and syncs the workspace, regenerates the contract documents, the typed
client (its routes join the merged OpenAPI) and the chart's copy of the catalogue, and
formats what was touched.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

NAME_RE = re.compile(r"^[a-z]+(-[a-z]+)*$")  # letters: event types are community.<pkg>_...
TEMPLATE_SUFFIX = ".tmpl"


@dataclass(frozen=True)
class Names:
    name: str  # kebab-case: directory, distribution, topic prefix
    pkg: str  # snake_case: import package, database
    camel: str  # CamelCase: class names

    @classmethod
    def of(cls, name: str) -> Names:
        if not NAME_RE.match(name):
            raise ValueError(f"{name!r}: a service name is kebab-case letters, e.g. gov-affairs")
        pkg = name.replace("-", "_")
        if keyword.iskeyword(pkg) or pkg in sys.stdlib_module_names:
            raise ValueError(f"{name!r}: {pkg} is a Python name already")
        return cls(name, pkg, "".join(part.capitalize() for part in name.split("-")))

    def render(self, text: str) -> str:
        return (
            text.replace("{{name}}", self.name)
            .replace("{{pkg}}", self.pkg)
            .replace("{{Name}}", self.camel)
        )


class Failure(Exception):
    """The repository is not as the generator expects (nothing is half-written: every
    change is computed before the first file is written)."""


def _insert_before(text: str, anchor: str, addition: str, where: str) -> str:
    at = text.find(anchor)
    if at < 0:
        raise Failure(f"{where}: cannot find {anchor!r}")
    return text[:at] + addition + text[at:]


def plan(root: Path, names: Names) -> dict[Path, str]:
    """Every file to write (path -> content), computed without writing anything."""
    target = root / "services" / names.name
    if target.exists():
        raise Failure(f"services/{names.name} exists already")
    out: dict[Path, str] = {}
    template = root / "templates" / "service"
    for source in sorted(template.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = names.render(str(source.relative_to(template)))[: -len(TEMPLATE_SUFFIX)]
        out[target / relative] = names.render(source.read_text(encoding="utf-8"))

    contracts = root / "contracts"
    pieces = root / "templates" / "contracts"
    event_module = contracts / "src" / "sc_contracts" / "events" / f"{names.pkg}.py"
    if event_module.exists():
        raise Failure(f"{event_module.relative_to(root)} exists already")
    out[event_module] = names.render((pieces / "event.py.tmpl").read_text(encoding="utf-8"))
    model = f"{names.camel}EntryRecordedV1"
    event_type = f"community.{names.pkg}_entry.recorded.v1"
    topic = f"{names.name}.events.v1"

    init = contracts / "src" / "sc_contracts" / "events" / "__init__.py"
    text = init.read_text(encoding="utf-8")
    text = _insert_before(
        text, "\n__all__ = [", f"from sc_contracts.events.{names.pkg} import {model}\n", "events"
    )
    text = _insert_before(text, "\n]", f'\n    "{model}",', "events __all__")
    out[init] = text

    registry = contracts / "src" / "sc_contracts" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    text = _insert_before(text, "    EventData,\n", f"    {model},\n", "registry imports")
    spec = names.render((pieces / "spec.tmpl").read_text(encoding="utf-8"))
    text = _insert_before(text, ")\n\n\ndef build_registry", spec, "registry _SPECS")
    out[registry] = text

    examples = contracts / "src" / "sc_contracts" / "examples.py"
    example = names.render((pieces / "example.tmpl").read_text(encoding="utf-8"))
    out[examples] = _insert_before(
        examples.read_text(encoding="utf-8"),
        "    }\n)\n\n\ndef example_headers",
        example,
        "examples",
    )

    catalogue = contracts / "topics.yaml"
    out[catalogue] = (
        catalogue.read_text(encoding="utf-8").rstrip("\n")
        + "\n"
        + names.render((pieces / "topic.yaml.tmpl").read_text(encoding="utf-8"))
    )

    registry_test = contracts / "tests" / "test_registry.py"
    out[registry_test] = _insert_before(
        registry_test.read_text(encoding="utf-8"),
        "}\n\n\ndef test_registry_holds",
        f'    "{event_type}": "{topic}",\n',
        "the registry test's EXPECTED",
    )

    pyproject = root / "pyproject.toml"
    out[pyproject] = _first_party(pyproject.read_text(encoding="utf-8"), names)
    deploy = root / "templates" / "deploy"
    values = root / "helm" / "smart-community" / "values.yaml"
    block = names.render((deploy / "values.yaml.tmpl").read_text(encoding="utf-8"))
    out[values] = _values(values.read_text(encoding="utf-8"), block)
    compose = root / "deploy" / "docker-compose.yml"
    blocks = names.render((deploy / "compose.yml.tmpl").read_text(encoding="utf-8"))
    out[compose] = _compose(compose.read_text(encoding="utf-8"), names, blocks)
    return out


def _first_party(text: str, names: Names) -> str:
    """The package and its test helpers sorted with the other services' (ruff's isort)."""
    match = re.search(r"^known-first-party = \[(.*)\]$", text, re.MULTILINE)
    if match is None:
        raise Failure("pyproject.toml: no known-first-party")
    added = f'"{names.pkg}", "{names.pkg}_helpers", '
    return text[: match.start(1)] + added + text[match.start(1) :]


def _values(text: str, block: str) -> str:
    """The service's block at the end of ``services:`` (before the next top-level key)."""
    match = re.search(r"^services:\n", text, re.MULTILINE)
    if match is None:
        raise Failure("values.yaml: no `services:`")
    rest = re.search(r"^\S", text[match.end() :], re.MULTILINE)
    at = match.end() + rest.start() if rest else len(text)
    head = text[:at].rstrip("\n") + "\n"
    return head + block + "\n" + text[at:]


def _compose(text: str, names: Names, blocks: str) -> str:
    n, pkg = names.name, names.pkg
    text = _insert_before(text, "  gateway:\n", blocks, "docker-compose.yml services")
    databases = re.search(r'(SC_DATABASES: ")([^"]*)(")', text)
    if databases is None:
        raise Failure("docker-compose.yml: no SC_DATABASES")
    text = text[: databases.end(2)] + f" {pkg}" + text[databases.end(2) :]
    upstreams = re.search(r"UPSTREAMS: >-\n((?:\s{8}.*\n)+)", text)
    if upstreams is None:
        raise Failure("docker-compose.yml: no gateway UPSTREAMS")
    value = upstreams.group(1)
    end = upstreams.start(1) + value.rstrip().rfind("}")
    return text[:end] + f',\n        "{n}": "http://{n}:8080"' + text[end:]


def write(files: dict[Path, str]) -> None:
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("name", help="kebab-case service name, e.g. care or gov-affairs")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository")
    args = parser.parse_args(argv)
    try:
        names = Names.of(args.name)
        files = plan(args.root.resolve(), names)
    except (ValueError, Failure) as exc:
        print(f"new-service: {exc}", file=sys.stderr)
        return 2
    write(files)
    for path in sorted(files):
        print(f"  {path.relative_to(args.root.resolve())}")
    print(f"services/{names.name} created; next: `make test` and services/{names.name}/README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
