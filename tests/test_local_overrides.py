"""A person's own values (`NAME.local.toml`, the config file's `[overrides]`): they change what
is sent for that person only, and saving never moves them into the shared file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.cli_process import workbench_here
from tests.desk_script import ScriptedUser
from tests.test_cli import free_port  # a loopback port nobody answers on
from workbench.core.desk import Answered, Desk, TreeItem
from workbench.core.errors import WorkspaceError
from workbench.core.workspace import (
    ChangedOnDisk,
    WorkspaceDocument,
    load_in_use,
    load_workspace,
    remove_environment,
    rename_environment,
    save_workspace,
)
from workbench.core.workspace.editing import duplicate_call
from workbench.core.workspace.model import PerEnvironment, Workspace

WORKSPACE_ID = "0b7e1c2d3a4f5e6a7b8c9d0e1f2a3b4c"


def shared_text(base_url: str) -> str:
    return f"""format = 1
id = "{WORKSPACE_ID}"
name = "Team"

[[providers]]
name = "Demo"
base_url = "{base_url}"
parameters = [
    {{ name = "per_page", value = "10", in = "query" }},
]

[[providers.calls]]
name = "List users"
url = "/users"
parameters = [
    {{ name = "page", value = "1" }},
]

[[providers.calls]]
name = "Health"
url = "/health"
"""


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    return team_workspace(tmp_path)


def team_workspace(folder: Path) -> Path:
    """A team's workspace whose base URL nobody answers on, in canonical form (as workbench
    writes it)."""
    path = folder / "team.toml"
    path.write_text(shared_text(f"http://127.0.0.1:{free_port()}"), encoding="utf-8")
    save_workspace(load_workspace(path), path)
    return path


def local_file(shared: Path, text: str) -> Path:
    local = shared.with_name("team.local.toml")
    local.write_text(text, encoding="utf-8")
    return local


def body(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


# --- the command line ----------------------------------------------------------------------------


def test_the_local_base_url_is_where_run_sends(shared: Path, demo_url: str) -> None:
    refused = workbench_here("run", str(shared), "Demo/List users")
    assert refused.returncode != 0  # the shared URL answers nobody
    local_file(shared, f'[providers.Demo]\nbase_url = "{demo_url}"\n')
    before = shared.read_bytes()
    data = body(workbench_here("run", str(shared), "Demo/List users"))
    assert data["page"] == 1 and data["per_page"] == 10
    assert shared.read_bytes() == before


def test_parameter_values_provider_wide_and_per_call(shared: Path, demo_url: str) -> None:
    local_file(
        shared,
        f"""[providers.Demo]
base_url = "{demo_url}"
parameters = {{ per_page = "3" }}

[providers.Demo.calls."List users".parameters]
page = {{ development = "2" }}
""",
    )
    data = body(workbench_here("run", str(shared), "Demo/List users"))
    assert (data["page"], data["per_page"]) == (2, 3)
    # Only development is overridden: live keeps the shared page.
    data = body(workbench_here("run", str(shared), "Demo/List users", "--env", "live"))
    assert (data["page"], data["per_page"]) == (1, 3)


def test_an_environment_of_ones_own(shared: Path, demo_url: str) -> None:
    local_file(
        shared,
        f"""environments = ["mine"]

[providers.Demo]
base_url = {{ mine = "{demo_url}" }}

[providers.Demo.calls."List users".parameters]
page = {{ mine = "3" }}
""",
    )
    data = body(workbench_here("run", str(shared), "Demo/List users", "--env", "mine"))
    assert data["page"] == 3
    assert workbench_here("run", str(shared), "Demo/List users").returncode != 0


def test_the_config_files_overrides_and_the_local_file_over_them(
    shared: Path, demo_url: str, isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text(
        f"""[overrides."{WORKSPACE_ID}".providers.Demo]
base_url = "{demo_url}"
parameters = {{ per_page = "4" }}
""",
        encoding="utf-8",
    )
    data = body(workbench_here("run", str(shared), "Demo/List users"))
    assert data["per_page"] == 4
    local_file(shared, '[providers.Demo.parameters]\nper_page = "5"\n')
    assert body(workbench_here("run", str(shared), "Demo/List users"))["per_page"] == 5


def test_export_curl_shows_what_is_really_sent(shared: Path, demo_url: str) -> None:
    local_file(shared, f'[providers.Demo]\nbase_url = "{demo_url}"\n')
    exported = workbench_here("export", "curl", str(shared), "Demo/List users")
    assert exported.returncode == 0, exported.stderr
    assert f"{demo_url}/users" in exported.stdout


def test_an_override_of_something_gone_is_a_warning(shared: Path, demo_url: str) -> None:
    local_file(
        shared,
        f"""[providers.Demo]
base_url = "{demo_url}"

[providers.Demo.calls."Old name".parameters]
page = "2"
""",
    )
    result = workbench_here("run", str(shared), "Demo/List users")
    assert result.returncode == 0
    assert (
        "team.local.toml: providers > Demo > calls > Old name > parameters > page" in result.stderr
    )
    assert 'has no call "Old name"; this override is left out' in result.stderr


# --- mistakes in the file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[providers.Demo]\nbase_ur = "x"\n',
            'base_ur: unknown key "base_ur"; did you mean "base_url"?',
        ),
        (
            '[providers.Demo.auth]\nvalue = "Bearer x"\n',
            '"auth" cannot be overridden here: keep private values in the secret store',
        ),
        ("[providers.Demo]\nbase_url = 3\n", "expected text, or a value per environment"),
        ('environments = "mine"\n', 'expected a list of names like ["mine"]'),
        (
            '[providers.Demo.parameters]\nper_page = "ghp_0123456789abcdefABCDEFghijkl"\n',
            "this looks like a GitHub personal access token (ghp_…): private values never go "
            "in this file",
        ),
    ],
)
def test_a_mistake_names_the_file_the_key_and_what_to_do(
    shared: Path, text: str, expected: str
) -> None:
    local = local_file(shared, text)
    with pytest.raises(WorkspaceError) as raised:
        load_in_use(shared)
    assert str(raised.value).startswith(str(local))
    assert expected in str(raised.value)
    assert "ghp_0123456789" not in str(raised.value)


def test_a_private_parameter_is_refused_with_the_command_that_stores_it(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(
        shared_text("http://127.0.0.1:1").replace(
            '{ name = "per_page", value = "10", in = "query" }',
            '{ name = "token", private = true, in = "header" }',
        ),
        encoding="utf-8",
    )
    local_file(path, '[providers.Demo.parameters]\ntoken = "abc"\n')
    with pytest.raises(WorkspaceError) as raised:
        load_in_use(path)
    message = str(raised.value)
    assert "providers > Demo > parameters > token" in message
    assert "workbench secret set" in message and '"Demo/param.token"' in message


# --- editing and saving --------------------------------------------------------------------------


@pytest.fixture
async def document(shared: Path, demo_url: str) -> AsyncIterator[WorkspaceDocument]:
    local_file(
        shared,
        f"""environments = ["mine"]

[providers.Demo]
base_url = "{demo_url}"

[providers.Demo.calls."List users".parameters]
page = {{ development = "2" }}
""",
    )
    document = WorkspaceDocument.load(shared)
    yield document
    await document.aclose()


def edited_call_url(workspace: Workspace, url: str) -> Workspace:
    provider = workspace.providers[0]
    calls = (replace(provider.calls[0], url=url), *provider.calls[1:])
    return replace(workspace, providers=(replace(provider, calls=calls),))


def edited_base_url(workspace: Workspace, base_url: str) -> Workspace:
    provider = replace(workspace.providers[0], base_url=base_url)
    return replace(workspace, providers=(provider,))


async def test_the_desk_sends_to_the_local_url_and_saving_an_edit_writes_only_it(
    document: WorkspaceDocument, shared: Path, demo_url: str
) -> None:
    desk = Desk([document], ScriptedUser(), selected=TreeItem(document, "Demo", "List users"))
    await desk.sending.send_selected()
    assert isinstance(desk.response, Answered), desk.response
    assert desk.response.result.exchange.request.url == f"{demo_url}/users?per_page=10&page=2"
    before = shared.read_text(encoding="utf-8")
    local_before = document.local_path.read_bytes()
    desk.edit_call(
        TreeItem(document, "Demo", "List users"),
        replace(document.workspace.providers[0].calls[0], url="/users/"),
    )
    await desk.saving.save()
    after = shared.read_text(encoding="utf-8")
    assert after == before.replace('url = "/users"', 'url = "/users/"')
    assert demo_url not in after and "mine" not in after
    assert document.local_path.read_bytes() == local_before


async def test_editing_an_overridden_value_edits_the_local_value(
    document: WorkspaceDocument, shared: Path
) -> None:
    before = shared.read_bytes()
    document.update(edited_base_url(document.workspace, "http://127.0.0.1:1234"))
    assert document.dirty
    assert document.save() is None  # not in a git repository: nothing to tell
    assert shared.read_bytes() == before
    assert 'base_url = "http://127.0.0.1:1234"' in document.local_path.read_text()
    again = load_in_use(shared)
    assert again.workspace.providers[0].base_url == "http://127.0.0.1:1234"
    assert again.shared == document.shared


async def test_a_value_of_ones_own_environment_goes_to_the_local_file(
    document: WorkspaceDocument, shared: Path
) -> None:
    before = shared.read_bytes()
    call = document.workspace.providers[0].calls[0]
    page = call.parameters[0]
    assert page.value == PerEnvironment({"development": "2", "live": "1", "mine": "1"})
    edited = replace(page, value=PerEnvironment({**page.value.values, "mine": "7"}))  # type: ignore[union-attr]
    document.update(
        replace(
            document.workspace,
            providers=(
                replace(
                    document.workspace.providers[0],
                    calls=(
                        replace(call, parameters=(edited,)),
                        *document.workspace.providers[0].calls[1:],
                    ),
                ),
            ),
        )
    )
    document.save()
    assert shared.read_bytes() == before
    assert load_in_use(shared).local.values[
        next(iter(k for k in document.local.values if k.kind == "parameter"))
    ] == PerEnvironment({"development": "2", "mine": "7"})


async def test_a_renamed_call_keeps_its_override_and_ctrl_z_brings_it_back(
    document: WorkspaceDocument, shared: Path
) -> None:
    desk = Desk([document], ScriptedUser(), selected=TreeItem(document, "Demo", "List users"))
    desk.edit_call(
        TreeItem(document, "Demo", "List users"),
        replace(document.workspace.providers[0].calls[0], name="All users"),
    )
    page = document.workspace.providers[0].calls[0].parameters[0]
    assert document.workspace.providers[0].calls[0].name == "All users"
    assert page.value == PerEnvironment({"development": "2", "live": "1", "mine": "1"})
    document.save()
    text = shared.read_text(encoding="utf-8")
    assert 'name = "All users"' in text and '"2"' not in text
    assert '[providers.Demo.calls."All users".parameters.page]' in document.local_path.read_text()


async def test_undoing_a_delete_keeps_the_override_apart(
    document: WorkspaceDocument, shared: Path
) -> None:
    desk = Desk(
        [document], ScriptedUser(["yes"]), selected=TreeItem(document, "Demo", "List users")
    )
    before = shared.read_bytes()
    await desk.tree.delete()
    assert document.workspace.providers[0].calls[0].name == "Health"
    desk.undo()
    assert document.workspace.providers[0].calls[0].parameters[0].value == PerEnvironment(
        {"development": "2", "live": "1", "mine": "1"}
    )
    assert not document.dirty
    assert shared.read_bytes() == before


# --- git ---------------------------------------------------------------------------------------


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=True
    ).stdout


def test_a_local_file_workbench_makes_is_kept_out_of_git(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    git(repository, "init", "-q")
    path = repository / "team.toml"
    path.write_text(shared_text("http://127.0.0.1:1"), encoding="utf-8")
    git(repository, "add", "team.toml")
    git(repository, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "team")
    result = workbench_here("local", "set", str(path), "Demo/base_url", "http://127.0.0.1:2")
    assert result.returncode == 0, result.stderr
    assert "Added *.local.toml to" in result.stderr
    assert (repository / "team.local.toml").is_file()
    assert git(repository, "status", "--porcelain").splitlines() == ["?? .gitignore"]
    # Made again (the file removed), it is already ignored: nothing is added or said twice.
    (repository / "team.local.toml").unlink()
    again = workbench_here("local", "set", str(path), "Demo/base_url", "http://127.0.0.1:3")
    assert again.returncode == 0 and "Added" not in again.stderr
    assert (repository / ".gitignore").read_text() == "*.local.toml\n"


def test_local_set_env_and_show(shared: Path, demo_url: str) -> None:
    assert workbench_here("local", "show", str(shared)).stdout.startswith("No values of your own")
    assert workbench_here("local", "env", str(shared), "mine").returncode == 0
    made = workbench_here("local", "set", str(shared), "Demo/base_url", demo_url, "--env", "mine")
    assert made.returncode == 0, made.stderr
    paged = workbench_here("local", "set", str(shared), "Demo/List users/param.page", "4")
    assert paged.returncode == 0, paged.stderr
    assert body(workbench_here("run", str(shared), "Demo/List users", "--env", "mine"))["page"] == 4
    shown = workbench_here("local", "show", str(shared)).stdout
    assert f"Demo/base_url = mine: '{demo_url}'" in shown
    assert "Demo/List users/param.page = '4'" in shown and "environment mine" in shown
    refused = workbench_here("local", "set", str(shared), "Demo/List users/param.nope", "1")
    assert refused.returncode == 2
    assert 'the call "Demo/List users" has no parameter "nope"' in refused.stderr
    wrong = workbench_here("local", "set", str(shared), "Demo/url", "x")
    assert wrong.returncode == 2 and "PROVIDER/base_url, PROVIDER/param.NAME" in wrong.stderr


def test_initialize_sends_to_the_local_url_and_writes_only_the_shape(
    shared: Path, demo_url: str
) -> None:
    local_file(shared, f'[providers.Demo]\nbase_url = "{demo_url}"\n')
    result = workbench_here("initialize", str(shared), "Demo/List users")
    assert result.returncode == 0, result.stderr
    text = shared.read_text(encoding="utf-8")
    assert '"data[].email" = "text"' in text
    assert demo_url not in text


def test_a_mistake_in_the_config_files_overrides_names_that_file(
    shared: Path, isolated_home: Path
) -> None:
    config = isolated_home / "config.toml"
    config.write_text(
        f'[overrides."{WORKSPACE_ID}".providers.Demo]\nheaders = []\n', encoding="utf-8"
    )
    result = workbench_here("run", str(shared), "Demo/List users")
    assert result.returncode == 3
    assert f"{config}: overrides > {WORKSPACE_ID} > providers > Demo > headers" in result.stderr
    assert '"headers" cannot be overridden here' in result.stderr


def test_the_documented_example_loads(shared: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "local-values.md").read_text()
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    local_file(shared, example)
    layers = load_in_use(shared)
    assert layers.warnings == ()
    provider = layers.workspace.providers[0]
    assert layers.workspace.environments == ("development", "live", "mine")
    assert provider.base_url == "http://127.0.0.1:8400"
    assert provider.parameters[0].value == PerEnvironment(
        {"development": "5", "live": "10", "mine": "10"}
    )
    assert provider.calls[0].parameters[0].value == PerEnvironment(
        {"development": "1", "live": "1", "mine": "3"}
    )


async def test_a_hand_edit_of_the_local_file_is_not_overwritten(
    document: WorkspaceDocument, shared: Path
) -> None:
    document.update(edited_base_url(document.workspace, "http://127.0.0.1:1234"))
    document.local_path.write_text('[providers.Demo]\nbase_url = "http://mine"\n')
    with pytest.raises(ChangedOnDisk):
        document.save()
    assert "http://mine" in document.local_path.read_text()
    document.save(overwrite=True)
    assert "1234" in document.local_path.read_text()


async def test_ones_own_environment_renamed_or_removed_stays_out_of_the_shared_file(
    document: WorkspaceDocument, shared: Path
) -> None:
    before = shared.read_bytes()
    renamed = rename_environment(document.workspace, "mine", "me")
    document.update(renamed.workspace, renamed.moves)
    assert document.workspace.environments == ("development", "live", "me")
    document.save()
    assert shared.read_bytes() == before
    assert load_in_use(shared).local.environments == ("me",)
    document.update(remove_environment(document.workspace, "me"))
    document.save()
    assert shared.read_bytes() == before
    assert load_in_use(shared).workspace.environments == ("development", "live")


async def test_a_duplicated_call_gets_a_copy_of_the_override(
    document: WorkspaceDocument, shared: Path
) -> None:
    duplicated, name = duplicate_call(document.workspace, "Demo", "List users")
    document.update(duplicated.workspace, duplicated.moves)
    document.save()
    assert '"2"' not in shared.read_text(encoding="utf-8")  # the copy's page is the shared 1
    copy = load_in_use(shared).workspace.providers[0].call(name)
    assert copy is not None
    assert copy.parameters[0].value == PerEnvironment(
        {"development": "2", "live": "1", "mine": "1"}
    )


def test_an_empty_value_of_ones_own_is_kept(shared: Path) -> None:
    made = workbench_here("local", "set", str(shared), "Demo/base_url", "")
    assert made.returncode == 0, made.stderr
    assert load_in_use(shared).workspace.providers[0].base_url == ""
