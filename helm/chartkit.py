"""Shared by helm/check.py and tests-deploy/: render the chart with the Helm 4 SDK
(helm-python-sdk, no `helm` binary), validate manifests offline, and check that every
service under services/ is wired into the chart values and the compose file.

Everything takes a repository root, so tests can point it at a temporary copy.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHART_REL = Path("helm/smart-community")
BUNDLE_REL = Path("helm/smart-community-bundle")
COMPOSE_REL = Path("deploy/docker-compose.yml")
CATALOGUE_REL = Path("contracts/topics.yaml")
CHART_CATALOGUE_REL = CHART_REL / "files/topics.yaml"
PRODUCTION_VALUES_REL = CHART_REL / "values-production.yaml"

RELEASE = "sc"
NAMESPACE = "community"
KUBE_VERSION = "1.33.0"  # oldest Kubernetes minor we validate against

# Custom resources: kubernetes-validate has no schema for them; a minimal check instead.
CRD_REQUIRED_SPEC = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ("selector", "endpoints"),
    ("kafka.strimzi.io/v1", "KafkaTopic"): ("partitions", "replicas"),
    ("monitoring.coreos.com/v1", "PrometheusRule"): ("groups",),
    ("keda.sh/v1alpha1", "ScaledObject"): ("scaleTargetRef", "triggers"),
}
# Stand-ins for services that are not written yet, so every template path is exercised:
# identity signs tokens, work-orders owns a database, notification owns none.
SAMPLE_SERVICES: dict[str, Any] = {
    "identity": {"signingKeys": True, "networkPolicy": {"allowFromReleasePods": True}},
    "work-orders": {"networkPolicy": {"allowFromServices": ["identity"]}},
    "notification": {"database": {"enabled": False}},
}
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DNS_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class Manifest:
    template: str
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.doc.get("metadata", {}).get("name", ""))

    @property
    def annotations(self) -> dict[str, str]:
        return self.doc.get("metadata", {}).get("annotations") or {}

    @property
    def labels(self) -> dict[str, str]:
        return self.doc.get("metadata", {}).get("labels") or {}


def render(
    values: dict[str, Any] | None = None,
    chart_dir: Path | None = None,
    *,
    is_upgrade: bool = False,
) -> list[Manifest]:
    """Render the chart offline (install by default) and parse every document."""
    import helm_python as helm

    chart_dir = chart_dir or ROOT / CHART_REL
    with helm.Chart.load(chart_dir) as chart:
        chart.validate_schema(values)
        rendered = chart.render(
            values=values,
            name=RELEASE,
            namespace=NAMESPACE,
            is_install=not is_upgrade,
            is_upgrade=is_upgrade,
        )
    manifests: list[Manifest] = []
    for template, text in sorted(rendered.items()):
        if template.endswith("NOTES.txt") or not text.strip():
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                manifests.append(Manifest(template, doc))
    return manifests


def lint(chart_dir: Path, values: dict[str, Any] | None = None) -> dict[str, Any]:
    import helm_python as helm

    return helm.lint(
        str(chart_dir), values, strict=True, namespace=NAMESPACE, kube_version=f"v{KUBE_VERSION}"
    )


def production_values(root: Path = ROOT) -> dict[str, Any]:
    values: dict[str, Any] = load_yaml(root / PRODUCTION_VALUES_REL)
    return values


# --------------------------------------------------------------------------- validate


def validate_manifest(manifest: Manifest) -> list[str]:
    """Problems of one rendered object against the Kubernetes schemas (offline, strict)."""
    import kubernetes_validate

    doc = manifest.doc
    where = f"{manifest.template}: {doc.get('kind')}/{manifest.name}"
    key = (doc.get("apiVersion"), doc.get("kind"))
    if key in CRD_REQUIRED_SPEC:
        problems = []
        if not DNS_SUBDOMAIN_RE.match(manifest.name) or len(manifest.name) > 253:
            problems.append(f"{where}: metadata.name is not a DNS subdomain")
        spec = doc.get("spec") or {}
        for field in CRD_REQUIRED_SPEC[key]:  # type: ignore[index]
            if field not in spec:
                problems.append(f"{where}: spec.{field} missing")
        return problems
    try:
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        path = "/".join(str(p) for p in exc.path)
        return [f"{where}: {path}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"{where}: {exc.message}"]
    return []


# --------------------------------------------------------------------------- services


def service_dirs(root: Path = ROOT) -> list[str]:
    """Names of the services: directories under services/ holding a pyproject.toml and an
    entry point (src/<package>/main.py); a package with only its domain so far is not
    deployed (sc_devstack.discover says the same)."""
    base = root / "services"
    if not base.is_dir():
        return []
    return sorted(
        p.name
        for p in base.iterdir()
        if (p / "pyproject.toml").is_file()
        and (p / "src" / p.name.replace("-", "_") / "main.py").is_file()
    )


def _service_blocks(root: Path) -> dict[str, dict[str, Any]]:
    values = load_yaml(root / CHART_REL / "values.yaml") or {}
    return {name: (block or {}) for name, block in (values.get("services") or {}).items()}


def _owns_database(block: dict[str, Any], defaults: dict[str, Any]) -> bool:
    db = {**(defaults.get("database") or {}), **(block.get("database") or {})}
    return bool(db.get("enabled", True))


def snake(name: str) -> str:
    return name.replace("-", "_")


def wiring_problems(root: Path = ROOT) -> list[str]:
    """Every services/<name> has its values block and its compose blocks, and back."""
    problems: list[str] = []
    values = load_yaml(root / CHART_REL / "values.yaml") or {}
    defaults = values.get("serviceDefaults") or {}
    blocks = _service_blocks(root)
    compose = load_yaml(root / COMPOSE_REL) or {}
    compose_services: dict[str, Any] = compose.get("services") or {}
    dirs = service_dirs(root)

    for name in dirs:
        pyproject = (root / "services" / name / "pyproject.toml").read_text(encoding="utf-8")
        match = re.search(r'^name\s*=\s*"([^"]+)"', pyproject, re.MULTILINE)
        if not match or match.group(1) != name:
            problems.append(f"services/{name}: pyproject name must equal the directory name")
        if not NAME_RE.match(name):
            problems.append(f"services/{name}: directory name must be kebab-case")
        if name not in blocks:
            problems.append(
                f"services/{name} has no block under `services:` in {CHART_REL}/values.yaml"
            )
        if name not in compose_services:
            problems.append(f"services/{name} has no `{name}:` service in {COMPOSE_REL}")
        block = blocks.get(name, {})
        if _owns_database(block, defaults) and f"migrate-{name}" not in compose_services:
            problems.append(
                f"services/{name} owns a database but {COMPOSE_REL} has no `migrate-{name}:`"
            )
    for name in blocks:
        if name not in dirs:
            problems.append(f"{CHART_REL}/values.yaml has a block `{name}` but no services/{name}")
    for name, svc in compose_services.items():
        app = (svc or {}).get("labels", {}) or {}
        owner = app.get("org.smart-community.service") if isinstance(app, dict) else None
        if owner and owner != "gateway" and owner not in dirs:
            problems.append(f"{COMPOSE_REL}: `{name}` runs services/{owner}, which does not exist")
    return problems


# --------------------------------------------------------------------------- compose


def compose_problems(root: Path = ROOT) -> list[str]:
    """Structural checks of the one-machine compose file."""
    problems: list[str] = []
    compose = load_yaml(root / COMPOSE_REL) or {}
    services: dict[str, Any] = compose.get("services") or {}
    for required in ("kafka", "postgres", "db-init", "topics-init", "gateway", "tls-proxy"):
        if required not in services:
            problems.append(f"{COMPOSE_REL}: service `{required}` missing")
    if "apache/kafka" not in str((services.get("kafka") or {}).get("image", "")):
        problems.append(f"{COMPOSE_REL}: kafka must run the apache/kafka image (KRaft)")
    if "KAFKA_PROCESS_ROLES" not in ((services.get("kafka") or {}).get("environment") or {}):
        problems.append(f"{COMPOSE_REL}: kafka must run in KRaft mode (KAFKA_PROCESS_ROLES)")

    problems += _operations_problems(services)
    declared_volumes = set((compose.get("volumes") or {}).keys())
    databases = str(((services.get("db-init") or {}).get("environment") or {}).get("SC_DATABASES"))
    upstreams = str(((services.get("gateway") or {}).get("environment") or {}).get("UPSTREAMS"))

    for name, svc in services.items():
        svc = svc or {}
        for dep in _depends_on(svc):
            if dep not in services:
                problems.append(f"{COMPOSE_REL}: `{name}` depends on unknown `{dep}`")
        for vol in svc.get("volumes") or []:
            src = vol.split(":", 1)[0] if isinstance(vol, str) else vol.get("source", "")
            if src and not src.startswith((".", "/", "$")) and src not in declared_volumes:
                problems.append(f"{COMPOSE_REL}: `{name}` mounts undeclared volume `{src}`")
        labels = svc.get("labels") or {}
        owner = labels.get("org.smart-community.service") if isinstance(labels, dict) else None
        if not owner:
            continue
        role = labels.get("org.smart-community.role")
        image = str(svc.get("image", ""))
        if not re.search(rf"/{re.escape(owner)}:", image):
            problems.append(f"{COMPOSE_REL}: `{name}` must run the image of {owner}, not {image}")
        env = svc.get("environment") or {}
        if env.get("SERVICE_NAME") != owner:
            problems.append(f"{COMPOSE_REL}: `{name}` needs SERVICE_NAME={owner}")
        if not svc.get("read_only"):
            problems.append(f"{COMPOSE_REL}: `{name}` must set read_only: true")
        command = svc.get("command")
        if role == "migrate":
            if command != ["migrate"]:
                problems.append(f"{COMPOSE_REL}: `{name}` must run command [migrate]")
            if "db-init" not in _depends_on(svc):
                problems.append(f"{COMPOSE_REL}: `{name}` must wait for db-init")
            if snake(owner) not in databases.split():
                problems.append(f"{COMPOSE_REL}: db-init SC_DATABASES lacks {snake(owner)}")
            if f"/{snake(owner)}" not in str(env.get("DATABASE_URL", "")):
                problems.append(f"{COMPOSE_REL}: `{name}` DATABASE_URL must name {snake(owner)}")
        elif role == "app":
            if command not in (None, []):
                problems.append(f"{COMPOSE_REL}: `{name}` must not override the command")
            if "topics-init" not in _depends_on(svc):
                problems.append(f"{COMPOSE_REL}: `{name}` must wait for topics-init")
            if f"migrate-{owner}" in services and f"migrate-{owner}" not in _depends_on(svc):
                problems.append(f"{COMPOSE_REL}: `{name}` must wait for migrate-{owner}")
            if f"migrate-{owner}" in services and env.get("DATABASE_URL") != (
                (services[f"migrate-{owner}"].get("environment") or {}).get("DATABASE_URL")
            ):
                problems.append(f"{COMPOSE_REL}: `{name}` and migrate-{owner} use different DBs")
            if owner != "gateway" and f'"{owner}"' not in upstreams:
                problems.append(f"{COMPOSE_REL}: gateway UPSTREAMS lacks {owner}")
        elif role == "transport":  # device-ingestion's MQTT transport (ADR 0038)
            if command != ["transport"]:
                problems.append(f"{COMPOSE_REL}: `{name}` must run command [transport]")
            if "topics-init" not in _depends_on(svc):
                problems.append(f"{COMPOSE_REL}: `{name}` must wait for topics-init")
            if f"migrate-{owner}" not in _depends_on(svc):
                problems.append(f"{COMPOSE_REL}: `{name}` must wait for migrate-{owner}")
            if env.get("DATABASE_URL") != (
                (services.get(f"migrate-{owner}") or {}).get("environment") or {}
            ).get("DATABASE_URL"):
                problems.append(f"{COMPOSE_REL}: `{name}` and migrate-{owner} use different DBs")
        else:
            problems.append(f"{COMPOSE_REL}: `{name}` needs label org.smart-community.role")
    return problems


def _operations_problems(services: dict[str, Any]) -> list[str]:
    """What running it as documented needs: limits on every long-running container, the
    gateway only behind TLS, the image tag `make images` gives."""
    problems: list[str] = []
    for name, svc in services.items():
        svc = svc or {}
        if svc.get("restart") in ("unless-stopped", "always"):
            limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
            if not {"cpus", "memory"} <= set(limits):
                problems.append(f"{COMPOSE_REL}: `{name}` needs deploy.resources.limits")
        image = str(svc.get("image", ""))
        if "${IMAGE_TAG" in image and "${IMAGE_TAG:-local}" not in image:
            problems.append(f"{COMPOSE_REL}: `{name}` must use ${{IMAGE_TAG:-local}}")
    for port in (services.get("gateway") or {}).get("ports") or []:
        if not str(port).startswith("127.0.0.1:"):
            problems.append(f"{COMPOSE_REL}: the gateway publishes {port}; clients go through TLS")
    return problems


def _depends_on(svc: dict[str, Any]) -> list[str]:
    deps = svc.get("depends_on") or []
    return list(deps.keys()) if isinstance(deps, dict) else list(deps)


# --------------------------------------------------------------------------- topics


def catalogue_problems(root: Path = ROOT) -> list[str]:
    """The chart's copy of the topic catalogue must equal contracts/topics.yaml."""
    source = root / CATALOGUE_REL
    copy = root / CHART_CATALOGUE_REL
    if not source.exists():
        return []  # not written yet; the chart ships an empty catalogue
    if not copy.exists() or copy.read_bytes() != source.read_bytes():
        return [
            f"{CHART_CATALOGUE_REL} differs from {CATALOGUE_REL}: "
            "run `uv run python helm/check.py --sync-topics`"
        ]
    return []


def sync_catalogue(root: Path = ROOT) -> bool:
    source = root / CATALOGUE_REL
    if not source.exists():
        return False
    shutil.copyfile(source, root / CHART_CATALOGUE_REL)
    return True


# --------------------------------------------------------------------------- copies


def copy_tree_for_test(root: Path, dest: Path, parts: Iterable[str]) -> Path:
    """Copy the given top-level parts of the repository into dest (for tests)."""
    for part in parts:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest / part)
    return dest
