"""The gateway's merged OpenAPI document of the real services, as SDK generators and API
gateways read it (Spectral's `oas` ruleset runs on it in `make helm-check`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helm"))

import apidoc

from gateway.security import DEFAULT_PUBLIC_PATHS, PublicPaths

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
OPERATION_ID = re.compile(r"^[a-z][A-Za-z0-9]*_[a-z][A-Za-z0-9]*$")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return apidoc.merged_document()


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_operation_ids_are_readable_and_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(document)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    by_route = {(p, m): op["operationId"] for p, m, op in _operations(document)}
    assert by_route[("/api/v1/alarm-rules", "post")] == "alarmRules_createRule"
    assert by_route[("/api/v1/auth/token", "post")] == "auth_token"


def test_every_route_the_gateway_guards_declares_the_bearer_token(document: dict[str, Any]):
    public = PublicPaths(DEFAULT_PUBLIC_PATHS)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, method, op in _operations(document):
        if path in public:
            assert {"bearerAuth": []} not in op["security"] or {} in op["security"], path
        else:
            assert op["security"] == [{"bearerAuth": []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_every_problem_answer_is_documented(document: dict[str, Any]) -> None:
    answers = document["components"]["responses"]
    for path, method, op in _operations(document):
        responses = op["responses"]
        assert {"429", "502", "503", "504"} <= set(responses), (method, path)
        if op.get("parameters") or "requestBody" in op:
            assert responses["422"] == {"$ref": "#/components/responses/Problem422"}
        if "{" in path:
            assert "404" in responses, (method, path)
        for status, answer in responses.items():
            if status.startswith(("4", "5")) and "$ref" in answer:
                name = answer["$ref"].rsplit("/", 1)[1]
                assert "application/problem+json" in answers[name]["content"]


def test_every_json_request_body_has_a_valid_example(document: dict[str, Any]) -> None:
    checked = 0
    for path, method, op in _operations(document):
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            if "json" not in media_type:
                continue
            example = media.get("example")
            assert example is not None, (method, path)
            root = {"$id": "urn:doc", "components": document["components"], **media["schema"]}
            errors = list(jsonschema.Draft202012Validator(root).iter_errors(example))
            assert not errors, (method, path, errors[0].message)
            checked += 1
    assert checked > 50


def test_tags_servers_and_descriptions(document: dict[str, Any]) -> None:
    tags = {t["name"]: t["description"] for t in document["tags"]}
    for _, _, op in _operations(document):
        assert op["description"]
        for tag in op["tags"]:
            assert tags.get(tag), tag
    assert document["servers"] == [
        {"url": "https://api.community.example.com", "description": "this gateway"}
    ]
