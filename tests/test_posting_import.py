"""Posting in: a folder of .posting.yaml requests and its .env files become a provider, calls
and environments, the passwords and keys private values, never file text."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from cli_process import workbench_here

from tests.ui_app import stored_by_name
from workbench.core.secrets import SecretAddress
from workbench.core.workspace import (
    Auth,
    BodyType,
    CallOptions,
    Header,
    Location,
    Parameter,
    PerEnvironment,
    load_workspace,
)
from workbench.demo.credentials import DemoCredentials

DATA = Path(__file__).parent / "data" / "posting"
SECRETS = ("dev-key-123", "live-key-456", "dev-basic-pw", "live-basic-pw")


def _folder(tmp_path: Path, base_url: str) -> Path:
    """A copy of the fixture collection, named "Demo API", with BASE_URL at `base_url`."""
    folder = tmp_path / "Demo API"
    shutil.copytree(DATA, folder)
    (folder / ".env").write_text(f"BASE_URL={base_url}\n")
    return folder


def test_a_posting_folder_becomes_a_provider_with_calls_and_environments(
    demo_workspace: Path, tmp_path: Path, isolated_home: Path
) -> None:
    folder = _folder(tmp_path, "http://127.0.0.1:8400")
    imported = workbench_here("import", "posting", str(folder), "--into", str(demo_workspace))
    assert imported.returncode == 0, imported.stderr
    assert "Added Demo API (6 calls)" in imported.stderr
    text = demo_workspace.read_text()
    assert not [s for s in SECRETS if s in text or s in imported.stderr]

    workspace = load_workspace(demo_workspace)
    assert workspace.environments == ("development", "live")
    provider = workspace.provider("Demo API")
    assert provider is not None
    assert provider.base_url == "http://127.0.0.1:8400"
    # The requests differ in authentication: each keeps its own, none is the provider's.
    assert provider.auth == Auth()
    names = [c.name for c in provider.calls]
    assert names == [
        "Check key",
        "users / Create user",
        "users / Get user",
        "users / List users",
        "users / Sign up",
        "Who am I",
    ]
    check, create, get, listing, sign_up, whoami = provider.calls
    assert check.headers == (Header("X-Api-Key", private=True),)
    assert check.notes == "Proves the key arrived."
    assert (create.body_type, create.body) == (
        BodyType.JSON,
        '{"name": "Ada", "email": "ada@example.com"}',
    )
    # A path parameter (`:id`), a description over several lines, options of its own.
    assert (get.url, get.parameters) == (
        "/users/[id]",
        (Parameter("id", "1", location=Location.PATH),),
    )
    assert get.notes == "One user by id.\n\nThe id is a path parameter (`:id` in the URL)."
    assert (get.options.follow_redirects, get.options.timeout) == (False, 12.5)
    assert listing.options == CallOptions()  # Posting's defaults are not written in a file
    assert listing.parameters == (
        Parameter("page", "1", location=Location.QUERY),
        Parameter(
            "per_page", PerEnvironment({"development": "5", "live": "20"}), location=Location.QUERY
        ),
    )
    assert sign_up.body_type is BodyType.FORM
    assert sign_up.parameters == (Parameter("name", "Grace", location=Location.BODY),)
    assert whoami.url == "/auth/basic/whoami"  # $BASE_URL and ${BASE_URL} are one base

    stored = stored_by_name(workspace)  # the store keeps them under ids
    key = stored[str(SecretAddress.header("Demo API", "X-Api-Key", "Check key"))]
    assert key == {"development": "dev-key-123", "live": "live-key-456"}
    bearer = stored[str(SecretAddress.header("Demo API", "Authorization", sign_up.name))]
    assert bearer["live"] == "Bearer live-key-456"


def test_imported_posting_calls_are_sent_with_their_environments_secrets(
    demo_workspace: Path,
    tmp_path: Path,
    demo_url: str,
    demo_credentials: DemoCredentials,
    isolated_home: Path,
) -> None:
    folder = _folder(tmp_path, demo_url)
    # The development environment holds the demo API's real basic password.
    development = (folder / "development.env").read_text()
    password = demo_credentials.basic_password
    (folder / "development.env").write_text(development.replace("dev-basic-pw", password))
    imported = workbench_here("import", "posting", str(folder), "--into", str(demo_workspace))
    assert imported.returncode == 0, imported.stderr
    assert password not in demo_workspace.read_text()

    def run(call: str, env: str = "development") -> Any:
        ran = workbench_here("run", str(demo_workspace), f"Demo API/{call}", "--env", env)
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)

    for env, key in (("development", b"dev-key-123"), ("live", b"live-key-456")):
        assert run("Check key", env)["sha256"] == hashlib.sha256(key).hexdigest()
    assert run("Who am I") == {"authenticated": True, "method": "basic", "user": "ada"}
    assert run("users / Get user")["id"] == 1
    assert len(run("users / List users")["data"]) == 5  # PER_PAGE of development.env


def test_a_folder_without_requests_or_with_a_broken_one_says_so(
    demo_workspace: Path, tmp_path: Path
) -> None:
    before = demo_workspace.read_text()
    imported = workbench_here("import", "posting", str(tmp_path), "--into", str(demo_workspace))
    assert imported.returncode == 2 and "no .posting.yaml request files" in imported.stderr
    (tmp_path / "bad.posting.yaml").write_text("name: [unclosed\n")
    imported = workbench_here("import", "posting", str(tmp_path), "--into", str(demo_workspace))
    assert imported.returncode == 2 and "is not YAML" in imported.stderr
    assert demo_workspace.read_text() == before
