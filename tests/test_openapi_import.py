"""OpenAPI in: a 3.0 YAML or 3.1 JSON document becomes a provider whose calls run at once and
carry the document's response shapes, which the first real initialize compares."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_process import workbench_here

from workbench.core.interop import OpenApiError, import_openapi, openapi_document, openapi_shape
from workbench.core.shape import Field, FieldType
from workbench.core.workspace import (
    Auth,
    BodyType,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    ResponseType,
    UseAs,
    Workspace,
)
from workbench.core.workspace.io import load_workspace, save_workspace
from workbench.demo.credentials import DemoCredentials
from workbench.demo.server import DemoServer

DATA = Path(__file__).parent / "data"
YAML_3_0 = DATA / "openapi_users.yaml"
JSON_3_1 = DATA / "openapi_users.json"


def _imported(workspace: Path, document: Path | str) -> str:
    result = workbench_here("import", "openapi", str(document), "--into", str(workspace))
    assert result.returncode == 0, result.stderr
    return result.stderr


def _shape_texts(workspace: Path, provider: str, call: str) -> dict[str, str]:
    found = load_workspace(workspace).provider(provider)
    shape = found.call(call).shape if found and found.call(call) else None
    assert shape is not None
    return {f.path: f.type_text for f in shape}


def test_a_3_0_yaml_document_becomes_a_provider_with_its_calls(demo_workspace: Path) -> None:
    summary = _imported(demo_workspace, YAML_3_0)
    workspace = load_workspace(demo_workspace)
    provider = workspace.provider("Demo users")
    assert provider is not None
    # Two servers: one environment each ("development" is the workspace's own).
    assert workspace.environments == ("development", "live", "staging")
    assert provider.base_url == PerEnvironment(
        {
            "development": "http://127.0.0.1:8400",
            "live": "http://127.0.0.1:8400",
            "staging": "https://users.example.com/v1",
        }
    )
    assert [(c.name, c.method, c.url, c.use_as) for c in provider.calls] == [
        ("List users", Method.GET, "/users", UseAs.DATA),
        ("createUser", Method.POST, "/users", UseAs.ACTION),
        ("Get user", Method.GET, "/users/[id]", UseAs.DATA),
        ("DELETE /users/{id}", Method.DELETE, "/users/[id]", UseAs.ACTION),
    ]
    listing, create, get, delete = provider.calls
    assert listing.parameters == (
        Parameter("page", "1", optional=True, location=Location.QUERY),  # schema default
        Parameter("per_page", "10", optional=True, location=Location.QUERY),  # $ref, example
    )
    assert listing.notes == "One page of users."
    assert get.parameters == delete.parameters == (Parameter("id", "1", location=Location.PATH),)
    assert create.body_type is BodyType.JSON
    assert json.loads(create.body.replace("<tags>", '["demo"]')) == {
        "name": "<name>",
        "email": "<email>",
        "tags": ["demo"],
    }
    assert [(p.name, p.value, p.location) for p in create.parameters] == [
        ("name", "Ada Lovelace", Location.BODY),
        ("email", "ada@example.com", Location.BODY),
        ("tags", '["demo"]', Location.BODY),
    ]
    assert delete.shape is None and delete.response_type is ResponseType.JSON
    assert "Added the provider Demo users to" in summary and "with 4 calls, 3 of them" in summary
    assert "Added the environments staging" in summary
    assert provider.headers == (Header("Accept", "application/json"),)  # what it answers
    # The security scheme: the provider's authentication, its key for the user to give.
    assert provider.auth == Auth("header", {"header": "X-Api-Key"})
    assert (
        f"  Give its value (kept privately): workbench secret set {demo_workspace} "
        "'Demo users/auth.value'" in summary.splitlines()
    )
    assert (
        "#/paths/~1users/get/parameters/2: 'session' is a cookie parameter: workbench sends "
        "none." in summary
    )


def test_the_response_schemas_are_the_calls_shapes(demo_workspace: Path) -> None:
    _imported(demo_workspace, YAML_3_0)
    shape = _shape_texts(demo_workspace, "Demo users", "List users")
    assert shape["data"] == "list" and shape["data[]"] == "object"
    assert shape["data[].created_at"] == "date-time"
    assert shape["data[].birthday"] == "date|null"  # nullable: true
    assert shape["data[].manager_id"] == "integer|null"
    assert shape["data[].phone"] == "text?"  # not required
    assert shape["data[].address.geo.lat"] == "number"
    assert shape["data[].tags[]"] == "text" and shape["total_pages"] == "integer"
    assert "" not in shape  # an object answer has no field of its own, as a learned shape


def test_a_3_1_json_document_reads_type_lists_any_of_and_2xx(demo_workspace: Path) -> None:
    _imported(demo_workspace, JSON_3_1)
    provider = load_workspace(demo_workspace).provider("Demo users (3.1)")
    assert provider is not None and provider.base_url == "http://127.0.0.1:8400"
    # Grouped by their first tag, in the order the document declares its tags.
    assert [c.name for c in provider.calls] == [
        "admin / Replace user",
        "users / listUsers",
        "users / GET /users/{id}",
    ]
    put, listing, get = provider.calls
    assert provider.auth == Auth(
        "oauth2_password", {"token_url": "/oauth/token", "scope": "users:read"}
    )
    assert listing.parameters == (
        Parameter("page", "2", optional=True, location=Location.QUERY),  # schema examples
        Parameter("per_page", "", location=Location.QUERY),  # required, no example: to fill
    )
    shape = _shape_texts(demo_workspace, "Demo users (3.1)", "users / GET /users/{id}")
    assert shape["birthday"] == "date|null" and shape["manager_id"] == "integer|null"
    assert _shape_texts(demo_workspace, "Demo users (3.1)", "admin / Replace user") == shape
    # Built from the properties: examples and defaults, required ones left to fill in.
    assert put.body == (
        '{\n  "name": "<name>",\n  "email": "<email>",\n  "active": <active>,\n'
        '  "tags": <tags>\n}\n'
    )
    assert [(p.name, p.value) for p in put.parameters] == [
        ("id", ""),
        ("name", "Grace Hopper"),
        ("email", ""),
        ("active", ""),
        ("tags", '["vip"]'),
    ]


def test_imported_calls_run_and_the_first_check_compares_the_document(
    demo_workspace: Path, fresh_demo: DemoServer
) -> None:
    _imported(demo_workspace, YAML_3_0)
    url = fresh_demo.base_url
    key = workbench_here(
        "secret", "set", str(demo_workspace), "Demo users/auth.value", stdin="demo-key-123\n"
    )
    assert key.returncode == 0, key.stderr
    ran = workbench_here("run", str(demo_workspace), "Demo users/List users", "--base-url", url)
    assert ran.returncode == 0, ran.stderr
    assert len(json.loads(ran.stdout)["data"]) == 10
    curl = workbench_here("export", "curl", str(demo_workspace), "Demo users/List users")
    assert "X-Api-Key: ${WORKBENCH_SECRET__" in curl.stdout  # the key goes with each call

    names = ("Demo users/List users", "Demo users/Get user")
    check = workbench_here("initialize", "--check", str(demo_workspace), *names, "--base-url", url)
    # A page of users is as documented; user 1 has a birthday and a phone, which the
    # document says may be null and may be missing: the first initialize says so.
    assert check.returncode == 8, check.stderr
    assert check.stdout.splitlines() == [
        "Demo users/List users: no drift",
        "Demo users/Get user: drifted",
        "  ? phone: no longer optional",
        "  ? birthday: no longer nullable",
    ]


def test_a_3_1_document_checked_against_the_demo_api_reports_its_drift(
    demo_workspace: Path, fresh_demo: DemoServer, demo_credentials: DemoCredentials
) -> None:
    summary = _imported(demo_workspace, JSON_3_1)
    provider = "Demo users (3.1)"
    # What the summary asks for: the OAuth2 settings in the file, the secrets privately.
    assert "  Set its username in the file (or F3 on it in the TUI)." in summary.splitlines()
    workspace = load_workspace(demo_workspace)
    found = workspace.provider(provider)
    assert found is not None
    settings = {**found.auth.settings, "username": "ada", "client_id": "workbench-demo"}
    given = replace(found, auth=replace(found.auth, settings=settings))
    providers = tuple(given if p.name == provider else p for p in workspace.providers)
    save_workspace(replace(workspace, providers=providers), demo_workspace)
    for setting, value in (
        ("password", demo_credentials.oauth_password),
        ("client_secret", demo_credentials.client_secret),
    ):
        stored = workbench_here(
            "secret", "set", str(demo_workspace), f"{provider}/auth.{setting}", stdin=value + "\n"
        )
        assert stored.returncode == 0, stored.stderr

    names = (f"{provider}/users / listUsers", f"{provider}/users / GET /users/{{id}}")
    check = workbench_here(
        "initialize",
        "--check",
        str(demo_workspace),
        *names,
        "--base-url",
        fresh_demo.base_url,
        *("--param", "page=1", "--param", "per_page=10", "--param", "id=1"),
    )
    # The first page is as documented (a token was obtained: the calls were sent); user 1
    # has a birthday and a phone, which the document says may be null and may be missing.
    assert check.returncode == 8, check.stderr
    assert check.stdout.splitlines() == [
        f"{provider}/users / listUsers: no drift",
        f"{provider}/users / GET /users/{{id}}: drifted",
        "  ? phone: no longer optional",
        "  ? birthday: no longer nullable",
    ]
    assert demo_credentials.oauth_password not in check.stdout + check.stderr


RECURSIVE = """
openapi: 3.1.0
info: {title: Tree}
servers: [{url: /api}]
paths:
  x-internal: {get: {summary: hidden}}
  /nodes/{id}:
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
    trace: {}
  /remote:
    get:
      parameters: [{$ref: 'other.yaml#/parameters/Id'}]
      requestBody:
        content:
          application/xml: {}
components:
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {oneOf: [{type: string}, {type: integer}]}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Loop'}
    Loop: {$ref: '#/components/schemas/Loop'}
"""


def test_a_schema_that_holds_itself_is_listed_once_and_the_rest_is_noted() -> None:
    imported = import_openapi(Workspace("w", "W"), RECURSIVE, "tree.yaml")
    call, remote = imported.workspace.providers[0].calls
    assert (remote.name, remote.parameters, remote.body_type) == ("GET /remote", (), BodyType.NONE)
    assert call.url == "/nodes/[id]" and call.shape is not None
    assert list(call.shape) == [
        Field("name", FieldType.TEXT),
        Field("kind", FieldType.ANY, optional=True),
        Field("children", FieldType.LIST, optional=True),
        Field("children[]", FieldType.OBJECT),  # Node again: not followed further
        Field("parent", FieldType.ANY, optional=True),
    ]
    assert imported.notes == (
        "#/servers/0: the URL is relative: put the API's origin in front of it.",
        "#/components/schemas/Loop: the $ref '#/components/schemas/Loop' refers to itself: "
        "not followed.",
        "#/paths/~1nodes~1{id}/trace: workbench sends no TRACE: left out.",
        "#/paths/~1remote/get/parameters/0: the $ref 'other.yaml#/parameters/Id' is not in "
        "this document: not followed.",
        "#/paths/~1remote/get/requestBody: the body is application/xml: not mapped, write "
        "the call's body yourself.",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"swagger": "2.0"}', "is Swagger 2.0: workbench reads OpenAPI 3.0 and 3.1"),
        ("openapi: 2.5\n", "(openapi: 2.5); one starts with `openapi: 3.0.3`"),
        ("a: [b\n", "cannot be read (line 2)"),
        ("- a list\n", "is not an OpenAPI document (it is not a mapping)"),
    ],
)
def test_what_is_not_an_openapi_3_document_says_why(
    text: str, message: str, tmp_path: Path, demo_workspace: Path
) -> None:
    with pytest.raises(OpenApiError, match="x.yaml"):
        import_openapi(Workspace("w", "W"), text, "x.yaml")
    (tmp_path / "x.yaml").write_text(text)
    before = demo_workspace.read_bytes()
    result = workbench_here(
        "import", "openapi", str(tmp_path / "x.yaml"), "--into", str(demo_workspace)
    )
    assert result.returncode == 2 and message in result.stderr
    assert demo_workspace.read_bytes() == before


SCHEMES = """
openapi: 3.0.0
info: {title: Keys}
servers: [{url: 'https://api.example.com'}]
security: [{cookie: []}, {bearer: []}, {client: []}]
paths: {}
components:
  securitySchemes:
    cookie: {type: apiKey, in: cookie, name: sid}
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
    client: {type: oauth2, flows: {clientCredentials: {tokenUrl: /t, scopes: {}}}}
    unused: {type: openIdConnect, openIdConnectUrl: 'https://id.example.com'}
"""


def test_the_first_security_scheme_that_maps_is_the_authentication() -> None:
    imported = import_openapi(Workspace("w", "W"), SCHEMES)
    assert imported.workspace.providers[0].auth == Auth("header", {"header": "Authorization"})
    schemes = "#/components/securitySchemes"
    assert imported.notes == (
        "#/paths: no operations.",
        f"{schemes}/cookie: an API key in a cookie: workbench sends none.",
        f"{schemes}/client: left out: a provider has one authentication, {schemes}/bearer.",
    )
    summary = imported.summary("w.toml")
    assert f"Authentication: Private key in header, from {schemes}/bearer." in summary
    assert "  Its value is the whole header, e.g. Bearer TOKEN." in summary


HIDDEN = """
openapi: 3.1.0
info: {title: Hidden}
servers: [{url: 'https://api.example.com'}]
paths:
  /login:
    post:
      parameters:
        - {name: X-Device-Key, in: header, required: true, example: dk-1,
           schema: {type: string, format: password}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                user: {type: string}
                password: {type: string, format: password}
            example: {user: ada, password: hunter2}
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                required: [payload]
                properties:
                  payload:
                    type: string
                    contentMediaType: application/json
                    contentSchema:
                      type: object
                      required: [token_type]
                      properties: {token_type: {type: string}}
  /form:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              properties:
                name: {type: string}
                pin: {type: string, format: password}
            example: {name: ada, pin: '1234'}
      responses:
        '200': {content: {application/json: {}}}
  /report:
    get:
      responses:
        '200': {content: {text/csv: {}}}
  /token:
    post:
      responses:
        '200': {content: {application/json: {}}}
components:
  securitySchemes:
    client: {type: oauth2, flows: {clientCredentials: {tokenUrl: /token, scopes: {read: ''}}}}
"""


def test_passwords_are_private_a_json_text_has_fields_and_calls_ask_for_their_media() -> None:
    imported = import_openapi(Workspace("w", "W"), HIDDEN)
    provider = imported.workspace.providers[0]
    login, form, report, _ = provider.calls
    # `format: password` is a private value: its example is never kept.
    assert login.parameters == (
        Parameter("X-Device-Key", private=True, location=Location.HEADER),
        Parameter("user", "ada", location=Location.BODY),
        Parameter("password", private=True, location=Location.BODY),
    )
    assert form.parameters == (
        Parameter("name", "ada", optional=True, location=Location.BODY),
        Parameter("pin", private=True, optional=True, location=Location.BODY),
    )
    assert "hunter2" not in repr(imported) and "1234" not in repr(imported)
    # A text that holds JSON, with the fields of what it holds.
    assert login.shape is not None
    assert [(f.path, f.type_text) for f in login.shape] == [
        ("payload", "json-text"),
        ("payload(json)", "object"),
        ("payload(json).token_type", "text"),
    ]
    # What most calls answer is asked for by the provider; the CSV report asks for its own.
    assert provider.headers == (Header("Accept", "application/json"),)
    assert (login.headers, report.headers) == ((), (Header("Accept", "text/csv"),))
    assert provider.auth == Auth("oauth2_client", {"token_url": "/token", "scope": "read"})


LAUGHS = "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 10)}]\n"
    for before, name in zip("abcdef", "bcdefg", strict=True)
)


def test_a_document_too_big_to_read_and_a_shape_too_big_to_list_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chain = {
        f"S{n}": {"properties": {"x": {"$ref": f"#/components/schemas/S{n + 1}"}}}
        for n in range(3000)
    }
    schema = {"$ref": "#/components/schemas/S0"}
    media = {"application/json": {"schema": schema}}
    document = {
        "openapi": "3.1.0",
        "paths": {"/": {"get": {"responses": {"200": {"content": media}}}}},
        "components": {"schemas": chain},
    }
    deep = import_openapi(Workspace("w", "W"), json.dumps(document))
    shape = deep.workspace.providers[0].calls[0].shape
    assert shape is not None and len(shape) == 40  # x, x.x, ... 40 levels
    assert "the shape is cut (at most 1000 fields, 40 levels deep)" in deep.notes[-1]
    monkeypatch.setattr(openapi_document, "MAX_VALUES", 10_000)  # 10 million with the aliases
    with pytest.raises(OpenApiError, match="laughs.yaml holds more than 10,000 values"):
        import_openapi(Workspace("w", "W"), LAUGHS, "laughs.yaml")
    for nested in ("[" * 5000 + "]" * 5000, "a: " + "[" * 5000 + "]" * 5000):
        with pytest.raises(OpenApiError, match="is nested too deeply"):
            import_openapi(Workspace("w", "W"), nested, "deep")

    monkeypatch.setattr(openapi_shape, "MAX_FIELDS", 3)
    imported = import_openapi(Workspace("w", "W"), YAML_3_0.read_text())
    listing = imported.workspace.providers[0].calls[0]
    assert listing.shape is not None and len(listing.shape) == 3
    assert (
        "#/paths/~1users/get/responses/200/content/application~1json/schema: the shape is cut "
        "(at most 3 fields, 40 levels deep)." in imported.notes
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log on the test's stderr."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over loopback HTTP, and its URL."""
    folder = tmp_path / "served"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_a_document_at_a_url_is_fetched_and_its_relative_server_read_against_it(
    served: tuple[Path, str], demo_workspace: Path
) -> None:
    folder, url = served
    shutil.copy(YAML_3_0, folder / "users.yaml")
    document = json.loads(JSON_3_1.read_text())
    document["servers"] = [{"url": "/api/v2"}]
    (folder / "docs").mkdir()
    (folder / "docs" / "relative.json").write_text(json.dumps(document))

    _imported(demo_workspace, f"{url}/users.yaml")
    _imported(demo_workspace, f"{url}/docs/relative.json")
    workspace = load_workspace(demo_workspace)
    assert [p.name for p in workspace.providers[-2:]] == ["Demo users", "Demo users (3.1)"]
    assert workspace.providers[-1].base_url == f"{url}/api/v2"

    before = demo_workspace.read_bytes()
    missing = workbench_here(
        "import", "openapi", f"{url}/nothing.yaml", "--into", str(demo_workspace)
    )
    assert missing.returncode == 4
    assert f"{url}/nothing.yaml answered 404 File not found: no document there." in missing.stderr
    with socket.socket() as unused:  # a port nothing listens on once closed
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}/openapi.json"
    refused = workbench_here("import", "openapi", closed, "--into", str(demo_workspace))
    assert refused.returncode == 6 and f"{closed} could not be fetched" in refused.stderr
    assert demo_workspace.read_bytes() == before
