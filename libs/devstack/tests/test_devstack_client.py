"""The typed client is checked like the event contracts, and the console is built only when
its sources changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sc_devstack import console, openapi
from sc_devstack.discover import repo_root


def test_committed_client_matches_the_merged_openapi_of_this_checkout() -> None:
    assert openapi.check(repo_root()) == []


def test_a_route_the_client_does_not_reflect_fails_the_check(tmp_path: Path) -> None:
    root = repo_root()
    shutil.copytree(root / openapi.CLIENT_DIR, tmp_path / openapi.CLIENT_DIR)
    document = json.loads((root / openapi.CLIENT_DIR / openapi.DOCUMENT).read_text())
    document["paths"]["/api/v1/parking-lots"] = {"get": {"responses": {"200": {}}}}
    problems = openapi.check(tmp_path, openapi.render(document))
    assert any("openapi.json" in p for p in problems)
    assert any("schema.d.ts" in p for p in problems)


def test_form_rules_carry_the_api_constraints() -> None:
    rules = json.loads((repo_root() / openapi.CLIENT_DIR / openapi.RULES).read_text())
    building = rules["BuildingCreate"]
    assert building["name"] == {**building["name"], "required": True, "maxLength": 100}
    assert building["floors"]["minimum"] == 1 and building["floors"]["maximum"] == 200
    assert building["grid_id"]["required"] is False and building["grid_id"]["nullable"] is True
    # a model a body nests is there too: a tariff's rules (TariffWrite.rules)
    tariff = rules["TariffRules"]
    assert tariff["unit_minutes"]["minimum"] == 1 and tariff["unit_minutes"]["maximum"] == 1440
    assert tariff["unit_price"]["required"] is True


def test_console_sources_hash_changes_with_a_source(tmp_path: Path) -> None:
    (tmp_path / "console" / "src").mkdir(parents=True)
    (tmp_path / "clients" / "typescript" / "src").mkdir(parents=True)
    (tmp_path / "console" / "src" / "main.ts").write_text("a")
    (tmp_path / "console" / "package-lock.json").write_text("{}")
    first = console.sources_hash(tmp_path)
    assert console.sources_hash(tmp_path) == first
    (tmp_path / "console" / "src" / "main.ts").write_text("b")
    assert console.sources_hash(tmp_path) != first
    (tmp_path / "console" / "src" / "main.ts").write_text("a")
    (tmp_path / "clients" / "typescript" / "src" / "schema.d.ts").write_text("x")
    assert console.sources_hash(tmp_path) != first


def test_node_is_new_enough_from_path_or_the_wheel() -> None:
    node = console.find_node()
    version = console._version(str(node.node))
    assert version is not None and version >= console.MIN_NODE
