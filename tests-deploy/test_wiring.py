"""services/ <-> chart values <-> compose file, and the image pattern."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from deploy_helpers import ck

PARTS = ["services", str(ck.CHART_REL / "values.yaml"), str(ck.COMPOSE_REL)]


def test_the_real_tree_is_wired():
    assert ck.wiring_problems() == []
    assert ck.compose_problems() == []
    assert ck.catalogue_problems() == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the parts of the repository the wiring checks read."""
    return ck.copy_tree_for_test(ck.ROOT, tmp_path, PARTS)


def _add_service_dir(root: Path, name: str, *, entry_point: bool = True) -> None:
    pkg = root / "services" / name
    src = pkg / "src" / name.replace("-", "_")
    src.mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0.1.0"\n')
    if entry_point:
        (src / "main.py").write_text("")


def test_a_package_with_only_its_domain_is_not_deployed_yet(tree: Path):
    _add_service_dir(tree, "fake-svc", entry_point=False)
    assert ck.wiring_problems(tree) == []


def test_a_service_without_its_blocks_fails(tree: Path):
    _add_service_dir(tree, "fake-svc")
    problems = ck.wiring_problems(tree)
    assert "services/fake-svc has no block under `services:` in " in problems[0]
    assert any("no `fake-svc:` service in deploy/docker-compose.yml" in p for p in problems)
    assert any("no `migrate-fake-svc:`" in p for p in problems)


def test_a_service_with_its_blocks_passes(tree: Path):
    _add_service_dir(tree, "fake-svc")
    values = tree / ck.CHART_REL / "values.yaml"
    text = values.read_text()
    if "\nservices: {}\n" in text:
        text = text.replace("\nservices: {}\n", "\nservices:\n")
    assert "\nservices:\n" in text
    values.write_text(text.replace("\nservices:\n", "\nservices:\n  fake-svc: {}\n", 1))
    compose = tree / ck.COMPOSE_REL
    text = compose.read_text()
    blocks = """  migrate-fake-svc:
    <<: *migrate
    image: ${IMAGE_PREFIX:-smart-community}/fake-svc:${IMAGE_TAG:-local}
    labels:
      org.smart-community.service: fake-svc
      org.smart-community.role: migrate
    environment:
      <<: *app-env
      SERVICE_NAME: fake-svc
      DATABASE_URL: postgresql+asyncpg://fake_svc:${SC_DB_PASSWORD}@postgres:5432/fake_svc

  fake-svc:
    <<: *app
    image: ${IMAGE_PREFIX:-smart-community}/fake-svc:${IMAGE_TAG:-local}
    labels:
      org.smart-community.service: fake-svc
      org.smart-community.role: app
    environment:
      <<: *app-env
      SERVICE_NAME: fake-svc
      DATABASE_URL: postgresql+asyncpg://fake_svc:${SC_DB_PASSWORD}@postgres:5432/fake_svc
    depends_on:
      topics-init:
        condition: service_completed_successfully
      migrate-fake-svc:
        condition: service_completed_successfully

"""
    marker = "  # ------------------------------------------------------------------ gateway\n"
    text = text.replace(marker, blocks + marker)
    # before the databases and upstreams are listed, the compose checks object
    compose.write_text(text)
    assert ck.wiring_problems(tree) == []
    problems = ck.compose_problems(tree)
    assert any("SC_DATABASES lacks fake_svc" in p for p in problems)
    assert any("UPSTREAMS lacks fake-svc" in p for p in problems)
    # whatever services are listed already
    text = re.sub(r'SC_DATABASES: "([^"]*)"', r'SC_DATABASES: "\1 fake_svc"', text)
    text = text.replace(
        "      UPSTREAMS: >-\n        {",
        '      UPSTREAMS: >-\n        {"fake-svc": "http://fake-svc:8080", ',
    ).replace('"http://fake-svc:8080", }', '"http://fake-svc:8080"}')
    compose.write_text(text)
    assert ck.compose_problems(tree) == []


def test_a_values_block_without_its_service_fails(tree: Path):
    values = tree / ck.CHART_REL / "values.yaml"
    text = values.read_text().replace("\nservices: {}\n", "\nservices:\n")
    values.write_text(text.replace("\nservices:\n", "\nservices:\n  ghost: {}\n", 1))
    assert ck.wiring_problems(tree) == [
        "helm/smart-community/values.yaml has a block `ghost` but no services/ghost"
    ]


def test_dockerfile_pattern():
    text = (ck.ROOT / "docker/service.Dockerfile").read_text()
    for needle in (
        "ARG SERVICE_DIR",
        "ARG PACKAGE",
        "uv sync --frozen --no-dev --no-editable --package",
        "USER 10001:10001",
        "HEALTHCHECK",
        "/healthz",
        "UV_PROJECT_ENVIRONMENT=/app/.venv",
    ):
        assert needle in text, needle
    assert text.count("\nFROM ") >= 3, "multi-stage: uv, build, runtime"


def test_build_images_without_a_daemon_says_so_and_succeeds(tmp_path: Path):
    if shutil.which("docker") is None:
        pytest.skip("no docker CLI")
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no-daemon.sock"}
    result = subprocess.run(
        ["bash", str(ck.ROOT / "docker/build-images.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "no Docker daemon answers" in result.stdout


def test_compose_runs_as_documented(tree: Path):
    compose = tree / ck.COMPOSE_REL
    text = compose.read_text()
    assert ck.compose_problems(tree) == []
    text = text.replace('      - "127.0.0.1:${GATEWAY_PORT:-8080}:8080"', '      - "8080:8080"')
    text = text.replace("${IMAGE_TAG:-local}", "${IMAGE_TAG:-latest}", 1)
    kafka_limits = (
        '    deploy:\n      resources:\n        limits:\n          cpus: "2"\n'
        "          memory: 1536M\n"
    )
    text = text.replace(kafka_limits, "")
    compose.write_text(text)
    problems = ck.compose_problems(tree)
    assert any("the gateway publishes 8080:8080" in p for p in problems)
    assert any("must use ${IMAGE_TAG:-local}" in p for p in problems)
    assert any("`kafka` needs deploy.resources.limits" in p for p in problems)
