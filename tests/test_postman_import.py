"""Postman in: a collection and its environments become a provider, calls and environments,
their secrets private values, never file text."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cli_process import workbench_here

from tests.ui_app import stored_by_name
from workbench.core.interop import CollectionError, import_postman
from workbench.core.secrets import SecretAddress
from workbench.core.workspace import (
    Auth,
    BodyType,
    CallOptions,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    UseAs,
    load_workspace,
)
from workbench.demo.credentials import DemoCredentials

DATA = Path(__file__).parent / "data" / "postman"
SECRETS = ("dev-key-123", "staging-key-999", "dev-basic-pw", "dev-session-77", "dev-token-456")


def _collection(tmp_path: Path, base_url: str) -> Path:
    """The fixture collection with its baseUrl variable pointing at `base_url`."""
    collection = json.loads((DATA / "collection.json").read_text())
    collection["variable"][0]["value"] = base_url
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(collection))
    return path


def _import(demo_workspace: Path, collection: Path) -> str:
    imported = workbench_here(
        "import",
        "postman",
        str(collection),
        "--into",
        str(demo_workspace),
        "--environment",
        str(DATA / "development.postman_environment.json"),
        "--environment",
        str(DATA / "staging.postman_environment.json"),
    )
    assert imported.returncode == 0, imported.stderr
    return imported.stderr


def test_a_collection_becomes_a_provider_with_calls_auth_and_environments(
    demo_workspace: Path, tmp_path: Path, isolated_home: Path
) -> None:
    said = _import(demo_workspace, _collection(tmp_path, "http://127.0.0.1:8400"))
    assert "Added Demo API (8 calls)" in said
    text = demo_workspace.read_text()
    assert not [secret for secret in SECRETS if secret in text or secret in said]

    workspace = load_workspace(demo_workspace)
    assert workspace.environments == ("development", "live", "staging")
    provider = workspace.provider("Demo API")
    assert provider is not None
    assert provider.base_url == PerEnvironment(
        {
            "development": "http://127.0.0.1:8400",
            "live": "http://127.0.0.1:8400",
            "staging": "https://staging.example.com",
        }
    )
    assert provider.auth == Auth("header", {"header": "X-Api-Key"})
    assert [c.name for c in provider.calls] == [
        "Users / List users",
        "Users / Get user",
        "Users / Create user",
        "Users / Admin / Who am I",  # a folder in a folder
        "Check key",
        "Who am I (basic)",
        "Sign up",
        "Upload",
    ]
    listing, get, create, admin, _, basic, sign_up, upload = provider.calls
    assert (listing.url, listing.headers) == ("/users", (Header("Accept", "application/json"),))
    per_page = PerEnvironment({"development": "5", "staging": "50"})
    assert listing.parameters == (  # the disabled query parameter is left out
        Parameter("page", "1", location=Location.QUERY),
        Parameter("per_page", per_page, location=Location.QUERY),
    )
    assert (get.url, get.parameters) == (
        "/users/[id]",
        (Parameter("id", "1", location=Location.PATH),),
    )
    assert (create.method, create.use_as, create.body_type) == (
        Method.POST,
        UseAs.ACTION,
        BodyType.JSON,
    )
    assert create.body == '{"name": "<name>", "email": "ada@example.com"}'
    assert create.parameters == (Parameter("name", "Ada"),) and not create.headers
    # The collection's API key is the provider's; a folder's or a request's own
    # authentication goes with each of its calls, as a private header.
    assert basic.headers == admin.headers == (Header("Authorization", private=True),)
    # The request's settings are the call's options.
    assert basic.options == CallOptions(follow_redirects=False, verify_tls=False)
    assert admin.options == CallOptions()
    assert sign_up.body_type is BodyType.FORM
    assert sign_up.parameters[1] == Parameter("session", private=True, location=Location.BODY)
    assert upload.body_type is BodyType.MULTIPART
    assert Parameter("photo", "me.png", location=Location.BODY, file=True) in upload.parameters

    stored = stored_by_name(workspace)  # the store keeps them under ids
    assert stored[str(SecretAddress.auth("Demo API", "value"))] == {
        "development": "dev-key-123",
        "staging": "staging-key-999",
    }
    upload_header = stored[str(SecretAddress.header("Demo API", "Authorization", "Upload"))]
    assert upload_header["development"] == "Bearer dev-token-456"
    ada = "Basic " + base64.b64encode(b"ada:dev-basic-pw").decode()
    for call in (basic, admin):
        header = stored[str(SecretAddress.header("Demo API", "Authorization", call.name))]
        assert header["development"] == ada


def test_imported_calls_are_sent_with_their_environments_secrets(
    demo_workspace: Path,
    tmp_path: Path,
    demo_url: str,
    demo_credentials: DemoCredentials,
    isolated_home: Path,
) -> None:
    # The development environment holds the demo API's real basic password (a secret).
    development = json.loads((DATA / "development.postman_environment.json").read_text())
    for entry in development["values"]:
        if entry["key"] == "basicPassword":
            entry["value"] = demo_credentials.basic_password
    environment = tmp_path / "development.postman_environment.json"
    environment.write_text(json.dumps(development))
    imported = workbench_here(
        "import",
        "postman",
        str(_collection(tmp_path, demo_url)),
        "--into",
        str(demo_workspace),
        "--environment",
        str(environment),
    )
    assert imported.returncode == 0, imported.stderr
    assert demo_credentials.basic_password not in demo_workspace.read_text()

    def run(call: str) -> object:
        ran = workbench_here("run", str(demo_workspace), f"Demo API/{call}", "--env", "development")
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)

    # The collection's API key (an environment's secret), a request's and a folder's basic
    # authentication, and a path variable from a collection variable.
    assert run("Check key") == {
        "received": True,
        "length": len("dev-key-123"),
        "sha256": hashlib.sha256(b"dev-key-123").hexdigest(),
    }
    assert run("Who am I (basic)") == run("Users / Admin / Who am I")
    assert run("Users / Admin / Who am I") == {
        "authenticated": True,
        "method": "basic",
        "user": "ada",
    }
    assert run("Users / Get user")["id"] == 1  # type: ignore[index]


def test_what_is_not_a_collection_says_so(demo_workspace: Path, tmp_path: Path) -> None:
    before = demo_workspace.read_text()
    other = tmp_path / "other.json"
    other.write_text('{"openapi": "3.1.0"}')
    imported = workbench_here("import", "postman", str(other), "--into", str(demo_workspace))
    assert imported.returncode == 2
    assert "not a Postman collection" in imported.stderr
    other.write_text("{oops")
    imported = workbench_here("import", "postman", str(other), "--into", str(demo_workspace))
    assert imported.returncode == 2 and "is not JSON" in imported.stderr
    assert demo_workspace.read_text() == before


def test_a_variable_set_nowhere_is_left_as_it_is_with_a_note() -> None:
    workspace = load_workspace(Path(__file__).parents[1] / "workspaces" / "demo.toml")
    collection = {"item": [{"name": "Ping", "request": {"url": "https://h/ping?x={{x}}"}}]}
    imported = import_postman(workspace, collection)
    call = imported.workspace.providers[-1].calls[0]
    assert call.parameters == (Parameter("x", "{{x}}", location=Location.QUERY),)
    assert imported.notes == ("{{x}} is set in no environment: left as it is.",)
    with pytest.raises(CollectionError, match="no requests"):
        import_postman(workspace, {"item": []})


def test_without_collection_auth_a_request_without_any_gets_none() -> None:
    workspace = load_workspace(Path(__file__).parents[1] / "workspaces" / "demo.toml")
    bearer = {"type": "bearer", "bearer": [{"key": "token", "value": "tok-1"}]}
    collection = {
        "item": [
            {"name": "Open", "request": {"url": "https://h/open"}},
            {"name": "Closed", "request": {"url": "https://h/closed", "auth": bearer}},
        ]
    }
    imported = import_postman(workspace, collection)
    provider = imported.workspace.providers[-1]
    assert provider.auth == Auth()
    assert [c.headers for c in provider.calls] == [(), (Header("Authorization", private=True),)]
    assert [(str(s.address), s.value) for s in imported.secrets] == [
        ("Postman/Closed/header.Authorization", "Bearer tok-1")
    ]
