"""kubeconform on the rendered chart: every object against the Kubernetes schemas of the
oldest and the newest version we support (the ones the PyPI package kubernetes-validate
bundles, read from disk: no download) and the custom resources against their CRD schemas
(helm/crdschemas.py). Part of `make helm-check`.

kubeconform is a Go program: `go install github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0`
through the Go module proxy, into $SC_CACHE_DIR/go-bin, the first time. The CRD schemas
are generated once per version of this file's pins into $SC_CACHE_DIR/crd-schemas.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

KUBECONFORM = "github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0"
KUBE_VERSIONS = ("1.25.0", "1.37.0")
CRD_PACKAGES = ("cloudcoil-models-keda==2.16.1.0", "cloudcoil-models-prometheus-operator==0.80.1.0")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = Path(os.environ.get("SC_CACHE_DIR", Path.home() / ".cache" / "sc-tools"))


def binary() -> Path:
    """kubeconform, installed with `go install` when missing."""
    import gotools

    return gotools.installed(KUBECONFORM)


def crd_schemas() -> Path:
    """The CRD schema directory, generated when missing (or when the vendored ones change)."""
    digest = hashlib.sha256(repr(CRD_PACKAGES).encode())
    digest.update((HERE / "crdschemas.py").read_bytes())
    for path in sorted((HERE / "schemas").glob("*/*.json")):
        digest.update(path.read_bytes())
    out = CACHE / "crd-schemas" / digest.hexdigest()[:12]
    if (out / "keda.sh").exists():
        return out
    uv = shutil.which("uv") or str(CACHE / "uv-venv" / "bin" / "uv")
    cmd = [uv, "run", "--quiet"]
    for package in CRD_PACKAGES:
        cmd += ["--with", package]
    cmd += ["python", str(HERE / "crdschemas.py"), str(out)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=HERE.parent)
    return out


def core_schemas() -> Path:
    """kubernetes-validate's schemas, copied once with their references made relative:
    each names itself https://kubernetes.io/api/... (`$id`) and points at
    "/api/_definitions.json", which a validator would try to download."""
    import kubernetes_validate

    source = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    stamp = getattr(kubernetes_validate, "__version__", "") or str(source.stat().st_mtime_ns)
    out = CACHE / "k8s-schemas" / f"{stamp}-2"
    for version in KUBE_VERSIONS:
        target = out / f"v{version}-local-strict"
        if (target / "_definitions.json").exists():
            continue
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for path in (source / target.name).glob("*.json"):
            schema = json.loads(
                path.read_text(encoding="utf-8").replace(
                    '"/api/_definitions.json#', '"_definitions.json#'
                )
            )
            schema.pop("$id", None)
            (tmp / path.name).write_text(json.dumps(schema), encoding="utf-8")
        tmp.rename(target)
    return out


def validate(documents: str) -> list[str]:
    """Problems kubeconform finds in ``documents`` (YAML, several objects), per version."""
    exe, crds, core = binary(), crd_schemas(), core_schemas()
    problems: list[str] = []
    for version in KUBE_VERSIONS:
        cmd = [
            str(exe),
            "-strict",
            "-summary",
            "-output",
            "json",
            "-kubernetes-version",
            version,
            "-schema-location",
            str(core) + "/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/"
            "{{ .ResourceKind }}{{ .KindSuffix }}.json",
            "-schema-location",
            str(crds) + "/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json",
            "-",
        ]
        result = subprocess.run(cmd, input=documents, capture_output=True, text=True, check=False)
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            return [f"kubeconform {version}: {result.stdout[-500:]}{result.stderr[-500:]}"]
        for item in report.get("resources", []):
            if item.get("status") in ("statusInvalid", "statusError", "statusSkipped"):
                problems.append(
                    f"k8s {version}: {item.get('kind')}/{item.get('name')}: "
                    f"{item.get('status')}: {item.get('msg')}"
                )
        summary = report.get("summary", {})
        if summary.get("valid", 0) == 0:
            problems.append(f"k8s {version}: kubeconform validated nothing ({summary})")
    return problems


if __name__ == "__main__":
    print("\n".join(validate(sys.stdin.read())) or "valid")
