"""OpenAPI out: a workspace as an OpenAPI 3.1 document, checked the way a reader of one would:
paths and their parameters, operations, request and response schemas, security schemes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cli_process import workbench_here

from workbench.core.interop import export_openapi
from workbench.core.interop.openapi_out import shape_schema
from workbench.core.secrets import SecretAddress, SecretStore
from workbench.core.shape import Field, FieldType, Shape
from workbench.core.workspace import load_workspace

WORKSPACES = Path(__file__).parents[1] / "workspaces"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _export(name: str) -> tuple[dict[str, Any], str]:
    exported = workbench_here("export", "openapi", str(WORKSPACES / name))
    assert exported.returncode == 0, exported.stderr
    return json.loads(exported.stdout), exported.stderr


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every operation by its summary (the call's name): (path, method, operation)."""
    return {
        operation["summary"]: (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_demo_workspace_is_a_well_formed_openapi_document() -> None:
    document, notes = _export("demo.toml")
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Demo", "version": "1"}
    assert document["servers"] == [{"url": "http://127.0.0.1:8400"}]
    assert [tag["name"] for tag in document["tags"]] == ["Demo"]
    ids = []
    for path, item in document["paths"].items():
        assert path.startswith("/") and "[" not in path
        for method, operation in item.items():
            assert method in METHODS, method
            ids.append(operation["operationId"])
            assert "200" in operation["responses"]
            assert operation["responses"]["200"]["description"]
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"\{([^}]+)\}", path)), (path, method)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                assert parameter["in"] != "path" or parameter["required"] is True
    assert len(ids) == len(set(ids))
    # Every call is an operation, or stderr says why it is not.
    workspace = load_workspace(WORKSPACES / "demo.toml")
    operations = _operations(document)
    for call in workspace.providers[0].calls:
        assert call.name in operations or f"Demo/{call.name} is left out" in notes


def test_calls_become_operations_with_parameters_bodies_and_learned_shapes() -> None:
    document, _ = _export("demo.toml")
    operations = _operations(document)
    path, method, listing = operations["List users"]
    assert (path, method) == ("/users", "get")
    assert [(p["name"], p["in"], p["required"]) for p in listing["parameters"]] == [
        ("page", "query", False),
        ("per_page", "query", False),
    ]
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
    user = schema["properties"]["data"]["items"]
    assert schema["properties"]["data"]["type"] == "array"
    assert user["properties"]["birthday"] == {"type": ["string", "null"], "format": "date"}
    assert user["properties"]["created_at"] == {"type": "string", "format": "date-time"}
    assert user["properties"]["address"]["properties"]["geo"]["required"] == ["lat", "lng"]
    assert "phone" in user["properties"] and "phone" not in user["required"]  # optional
    assert user["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}

    path, method, get_user = operations["Get user"]
    assert (path, method) == ("/users/{id}", "get")
    assert get_user["parameters"][0] == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "example": "1",
    }
    _, method, create = operations["Create user"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert method == "post" and body["type"] == "object"
    assert body["properties"]["name"] == {"type": "string"}
    assert body["properties"]["address"]["properties"]["geo"]["properties"]["lat"] == {
        "type": "number"
    }
    _, _, check = operations["Check API key"]
    key = [p for p in check["parameters"] if p["name"] == "X-Api-Key"]
    assert key == [
        {"name": "X-Api-Key", "in": "header", "required": True, "schema": {"type": "string"}}
    ]


def test_authentication_becomes_security_schemes_without_values(isolated_home: Path) -> None:
    workspace = load_workspace(WORKSPACES / "auth.toml")
    SecretStore().set(workspace.id, SecretAddress.auth("Basic", "password"), "s3cret-basic-pw")
    exported = workbench_here("export", "openapi", str(WORKSPACES / "auth.toml"))
    assert exported.returncode == 0 and "s3cret-basic-pw" not in exported.stdout
    document = json.loads(exported.stdout)
    schemes = document["components"]["securitySchemes"]
    assert schemes["Basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["Key_in_header"] == {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    assert schemes["Key_in_URL"] == {"type": "apiKey", "in": "query", "name": "api_key"}
    assert schemes["OAuth2_password"]["flows"]["password"]["tokenUrl"] == "/oauth/token"
    assert schemes["Client_certificate"] == {"type": "mutualTLS"}
    basic = document["paths"]["/auth/basic/whoami"]["get"]
    assert basic["security"] == [{"Basic": []}]
    assert "security" not in document["paths"]["/auth/none/whoami"]["get"]


def test_a_shape_of_a_list_and_marks_become_a_schema() -> None:
    shape = Shape(
        (
            Field("", FieldType.LIST),
            Field("[]", FieldType.OBJECT),
            Field("[].id", FieldType.INTEGER),
            Field("[].note", FieldType.TEXT, optional=True, nullable=True),
            Field("[].secret", FieldType.TEXT, excluded=True),
        )
    )
    assert shape_schema(shape) == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "note": {"type": ["string", "null"]}},
            "required": ["id"],
        },
    }
    assert export_openapi(load_workspace(WORKSPACES / "demo.toml")).notes
