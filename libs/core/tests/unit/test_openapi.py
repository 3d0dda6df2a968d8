"""What every service's OpenAPI document says, whatever the service: readable operationIds,
the security each route really needs, every problem answer, tags and body examples."""

from __future__ import annotations

from typing import Annotated, Any

import jsonschema
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from sc_core.auth import CurrentPrincipal, OptionalPrincipal, Principal, require_roles
from sc_core.errors import PROBLEM_MEDIA_TYPE
from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings

Admin = Annotated[Principal, Depends(require_roles("community_admin", "platform_admin"))]


class GateCreate(BaseModel):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{2,15}$", min_length=3)
    floors: int = Field(ge=1, le=200)
    opened_on: str | None = None


router = APIRouter(prefix="/api/v1/gates", tags=["gates"])


@router.post("", status_code=201)
async def create_gate(body: GateCreate, who: Admin) -> dict[str, str]:
    return {"code": body.code}


@router.post("/{gate_id}/close", responses={409: {"description": "`gate.already_closed`"}})
async def close_gate(gate_id: int, who: CurrentPrincipal) -> dict[str, int]:
    return {"id": gate_id}


@router.get("/{gate_id}")
async def get_gate(gate_id: int, who: CurrentPrincipal) -> dict[str, int]:
    """One gate, if it is in the caller's scope."""
    return {"id": gate_id}


@router.get("/{gate_id}/status")
async def gate_status(gate_id: int, who: OptionalPrincipal) -> dict[str, int]:
    return {"id": gate_id}


@router.post("/{gate_id}/verify")
async def verify_pass(gate_id: int, body: dict[str, Any]) -> dict[str, int]:
    return {"id": gate_id}


def _doc() -> dict[str, Any]:
    app = create_service_app(ServiceSettings(service_name="gates"), title="g", routers=[router])
    return app.openapi()


def _op(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return doc["paths"][path][method]


def test_operation_ids_are_resource_and_function() -> None:
    doc = _doc()
    assert _op(doc, "/api/v1/gates", "post")["operationId"] == "gates_createGate"
    assert _op(doc, "/api/v1/gates/{gate_id}", "get")["operationId"] == "gates_getGate"
    assert _op(doc, "/api/v1/gates/{gate_id}/status", "get")["operationId"] == "gates_gateStatus"


def test_security_follows_the_route_dependencies() -> None:
    doc = _doc()
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    create = _op(doc, "/api/v1/gates", "post")
    assert create["security"] == [{"bearerAuth": []}]
    assert create["x-required-roles"] == ["community_admin", "platform_admin"]
    assert "`community_admin`" in create["description"]
    assert _op(doc, "/api/v1/gates/{gate_id}", "get")["security"] == [{"bearerAuth": []}]
    assert _op(doc, "/api/v1/gates/{gate_id}/status", "get")["security"] == [
        {"bearerAuth": []},
        {},
    ]
    public = _op(doc, "/api/v1/gates/{gate_id}/verify", "post")
    assert public["security"] == []
    assert "401" not in public["responses"]


def test_every_problem_answer_is_documented_as_problem_json() -> None:
    doc = _doc()
    create = _op(doc, "/api/v1/gates", "post")["responses"]
    assert set(create) == {"201", "400", "401", "403", "409", "413", "422", "503"}
    read = _op(doc, "/api/v1/gates/{gate_id}", "get")["responses"]
    assert set(read) == {"200", "401", "403", "404", "422", "503"}
    assert read["404"] == {"$ref": "#/components/responses/Problem404"}
    answers = doc["components"]["responses"]
    for status in (400, 401, 403, 404, 409, 413, 422, 503):
        media = answers[f"Problem{status}"]["content"][PROBLEM_MEDIA_TYPE]
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}
        for example in media["examples"].values():  # each a stable code, valid
            _validate(doc, {"$ref": "#/components/schemas/Problem"}, example["value"])
            assert example["value"]["status"] == status
    codes = [
        e["value"]["code"]
        for e in answers["Problem422"]["content"][PROBLEM_MEDIA_TYPE]["examples"].values()
    ]
    assert "request.validation_failed" in codes
    # a route names its own codes; its answer is problem+json like the shared ones
    own = _op(doc, "/api/v1/gates/{gate_id}/close", "post")["responses"]["409"]
    assert own["description"] == "`gate.already_closed`"
    assert own["content"] == {
        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    # FastAPI's own 422 (application/json, HTTPValidationError) is gone
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_tags_are_listed_with_descriptions_and_bodies_have_valid_examples() -> None:
    doc = _doc()
    assert doc["tags"] == [{"name": "gates", "description": doc["tags"][0]["description"]}]
    assert doc["tags"][0]["description"].startswith("What every service's OpenAPI document")
    assert _op(doc, "/api/v1/gates/{gate_id}", "get")["description"] == (
        "One gate, if it is in the caller's scope."
    )
    media = _op(doc, "/api/v1/gates", "post")["requestBody"]["content"]["application/json"]
    _validate(doc, media["schema"], media["example"])
    assert media["example"]["floors"] == 1


def _validate(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    root = {"$id": "urn:doc", "components": doc["components"], **schema}
    jsonschema.Draft202012Validator(root).validate(value)
