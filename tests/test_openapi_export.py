"""OpenAPI out: a workspace as an OpenAPI 3.1 document, checked the way a reader of one would:
paths and their parameters, operations, request and response schemas, security schemes; the
documents pass openapi-spec-validator, and one imported again sends the same requests and
has the same shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_process import workbench_here
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from workbench.core.interop import export_openapi
from workbench.core.interop.openapi_out import shape_schema
from workbench.core.secrets import SecretAddress, SecretStore
from workbench.core.shape import Field, FieldType, Shape
from workbench.core.workspace import load_workspace
from workbench.demo.server import DemoServer

WORKSPACES = Path(__file__).parents[1] / "workspaces"
DATA = Path(__file__).parent / "data"
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


@pytest.mark.parametrize(
    "workspace", [WORKSPACES / "demo.toml", WORKSPACES / "auth.toml", DATA / "rich.toml"]
)
def test_exported_documents_pass_the_openapi_validator(workspace: Path) -> None:
    exported = workbench_here("export", "openapi", str(workspace))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    validate(document)  # raises with the validator's complaint
    # The validator does fail a document that breaks the rules: a path parameter undeclared.
    undeclared = {"/things/{id}": {"get": {"responses": {"200": {"description": "A thing."}}}}}
    with pytest.raises(OpenAPIValidationError, match="id"):
        validate({**document, "paths": {**document["paths"], **undeclared}})


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
    # Private: OpenAPI's mark for a value kept out of sight, and no example.
    assert key == [
        {
            "name": "X-Api-Key",
            "in": "header",
            "required": True,
            "schema": {"type": "string", "format": "password"},
        }
    ]
    # A JSON body's example is the body the call sends with its test values.
    assert create["requestBody"]["content"]["application/json"]["example"] == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "address": {
            "street": "12 St James's Square",
            "city": "London",
            "geo": {"lat": 51.5, "lng": -0.13},
        },
        "tags": ["demo"],
    }
    # The JSON an echoed text holds is the text's content schema.
    _, _, echo = operations["Echo"]
    echoed = echo["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert echoed["body"] == {
        "type": "string",
        "contentMediaType": "application/json",
        "contentSchema": {
            "type": "object",
            "properties": {"message": {"type": "string"}},
            "required": ["message"],
        },
    }


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
    client = schemes["OAuth2_client_credentials"]["flows"]["clientCredentials"]
    assert client["tokenUrl"] == "/oauth/token"
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


# Parameters that keep the round trip quick: no waiting, 1 MB instead of 14.
# Parameter values that answer at once: the demo's slow, large and streamed calls.
_QUICK = {
    "Slow": ["seconds=0"],
    "Large JSON": ["mb=1"],
    "Live events": ["interval_ms=0"],
    "Live readings": ["interval_ms=0"],
}


def _sent(workspace: Path, call: str, url: str) -> tuple[dict[str, Any], int]:
    """What `workbench run` sent for the call (method, URL, headers but the length, body as
    data) and the status it got."""
    extra = [a for value in _QUICK.get(call.split("/", 1)[1], []) for a in ("--param", value)]
    ran = workbench_here("run", str(workspace), call, "--base-url", url, "--exchange", *extra)
    exchange = json.loads(ran.stdout)
    request = exchange["request"]
    body = request["body"]
    headers = {k.lower(): v for k, v in request["headers"] if k.lower() != "content-length"}
    sent = {
        "method": request["method"],
        "url": request["url"],
        "headers": headers,
        "body": json.loads(body) if body and "json" in headers.get("content-type", "") else body,
    }
    return sent, exchange["response"]["status"]


def test_a_workspace_exported_and_imported_sends_the_same_and_has_no_drift(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    exported = workbench_here("export", "openapi", str(WORKSPACES / "demo.toml"))
    document = tmp_path / "demo.openapi.json"
    document.write_text(exported.stdout)
    imported = tmp_path / "round-trip.toml"
    imported.write_text('format = 1\nname = "Round trip"\n')
    result = workbench_here("import", "openapi", str(document), "--into", str(imported))
    assert result.returncode == 0, result.stderr

    original = load_workspace(WORKSPACES / "demo.toml").providers[0]
    provider = load_workspace(imported).providers[0]
    left_out = {"Find user", "Rename first user"}  # at the method and path of another call
    assert sorted(c.name for c in provider.calls) == sorted(
        c.name for c in original.calls if c.name not in left_out
    )  # in the document's order: by path
    # A private parameter stays private: nothing to send until the user gives it.
    check = provider.call("Check API key")
    assert check is not None and check.parameters[0].private
    names = [f"Demo/{c.name}" for c in provider.calls if c.name != "Check API key"]

    url = fresh_demo.base_url
    statuses = {}
    requests = {}
    for workspace in (WORKSPACES / "demo.toml", imported):
        fresh_demo.state.reset()  # each side sends from the same users (one is deleted)
        for name in names:
            requests[workspace, name], statuses[workspace, name] = _sent(workspace, name, url)
    # The demo asks every answer as JSON (a provider header); the document says what each
    # call answers, and the imported call asks for that.
    accepts = {"Demo/Image": "application/octet-stream", "Demo/XML": "application/xml"}
    for name in names:
        expected = requests[WORKSPACES / "demo.toml", name]
        expected["headers"]["accept"] = accepts.get(name, "application/json")
        assert requests[imported, name] == expected, name
        assert statuses[imported, name] == statuses[WORKSPACES / "demo.toml", name], name
    assert statuses[imported, "Demo/Create user"] == 201
    assert statuses[imported, "Demo/Not found"] == 404  # as the call's name says

    shaped = [f"Demo/{c.name}" for c in provider.calls if c.shape is not None]
    assert "Demo/Echo" in shaped and "Demo/Check API key" in shaped
    shaped.remove("Demo/Check API key")
    quick = [a for value in ("seconds=0", "mb=1", "interval_ms=0") for a in ("--param", value)]
    checked = workbench_here(
        "initialize", "--check", str(imported), *shaped, "--base-url", url, "--yes", *quick
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines() == [f"{name}: no drift" for name in shaped]
