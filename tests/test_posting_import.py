"""Posting in: a folder of .posting.yaml requests and its .env files become a provider, calls
and environments, the passwords and keys private values, never file text."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from cli_process import workbench_here

from workbench.core.secrets import SecretAddress, SecretStore
from workbench.core.workspace import (
    Auth,
    BodyType,
    Header,
    Location,
    Parameter,
    PerEnvironment,
    load_workspace,
)

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
    assert "Added Demo API (5 calls)" in imported.stderr
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
        "users / List users",
        "users / Sign up",
        "Who am I",
    ]
    check, create, listing, sign_up, whoami = provider.calls
    assert check.headers == (Header("X-Api-Key", private=True),)
    assert check.notes == "Proves the key arrived."
    assert (create.body_type, create.body) == (
        BodyType.JSON,
        '{"name": "Ada", "email": "ada@example.com"}',
    )
    assert listing.parameters == (
        Parameter("page", "1", location=Location.QUERY),
        Parameter(
            "per_page", PerEnvironment({"development": "5", "live": "20"}), location=Location.QUERY
        ),
    )
    assert sign_up.body_type is BodyType.FORM
    assert sign_up.parameters == (Parameter("name", "Grace", location=Location.BODY),)
    assert whoami.url == "/auth/basic/whoami"  # $BASE_URL and ${BASE_URL} are one base

    stored = SecretStore().values(workspace.id)
    key = stored[str(SecretAddress.header("Demo API", "X-Api-Key", "Check key"))]
    assert key == {"development": "dev-key-123", "live": "live-key-456"}
    bearer = stored[str(SecretAddress.header("Demo API", "Authorization", sign_up.name))]
    assert bearer["live"] == "Bearer live-key-456"


def test_an_imported_posting_call_is_sent_with_its_environments_key(
    demo_workspace: Path, tmp_path: Path, demo_url: str, isolated_home: Path
) -> None:
    folder = _folder(tmp_path, demo_url)
    imported = workbench_here("import", "posting", str(folder), "--into", str(demo_workspace))
    assert imported.returncode == 0, imported.stderr
    for env, key in (("development", b"dev-key-123"), ("live", b"live-key-456")):
        ran = workbench_here("run", str(demo_workspace), "Demo API/Check key", "--env", env)
        assert ran.returncode == 0, ran.stderr
        assert json.loads(ran.stdout)["sha256"] == hashlib.sha256(key).hexdigest()


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
