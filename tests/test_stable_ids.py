"""Stable ids: private values are kept under the ids of providers and calls, so a rename in
git (here: the file's text edited by hand) keeps them; a file without ids gets one line per
table; values stored under names by an older workbench move to the ids, saying so once."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_process import workbench

from tests.desk_script import ScriptedUser
from tests.ui_app import SIZE, notified
from tests.ui_wait import wait_for
from workbench.core.desk import Answered, Desk, TreeItem
from workbench.core.errors import WorkspaceError
from workbench.core.secrets import SecretAddress, SecretStore, address_named
from workbench.core.secrets.trust import Trust, TrustBook
from workbench.core.workspace import WorkspaceDocument, load_workspace
from workbench.core.workspace.io import loads_workspace
from workbench.ui.app import WorkbenchApp

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workspaces" / "demo.toml"
KEY = "Demo/Check API key/param.X-Api-Key"
RENAMED_KEY = "Demo service/Verify key/param.X-Api-Key"
TABLE_ID = re.compile(rb'^id = "[a-z2-7]{8}"\r?$')


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def rename_by_hand(path: Path) -> None:
    """Rename the provider Demo and its call "Check API key" in the file's text, as a
    teammate's commit pulled from git would."""
    text = path.read_text()
    provider = re.compile(r'(\[\[providers\]\]\nid = "\w+"\n)name = "Demo"\n')
    assert len(provider.findall(text)) == 1 and text.count('name = "Check API key"\n') == 1
    text = provider.sub(r'\1name = "Demo service"\n', text)
    path.write_text(text.replace('name = "Check API key"\n', 'name = "Verify key"\n'))


def without_table_ids(path: Path) -> bytes:
    """The file as a workbench before ids wrote it: no provider or call ids."""
    lines = path.read_bytes().split(b"\n")
    return b"\n".join(line for line in lines if not TABLE_ID.match(line))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    shutil.copy(DEMO, path)
    return path


@pytest.fixture
async def renamed_document(
    workspace: Path, demo_url: str
) -> AsyncIterator[tuple[WorkspaceDocument, ScriptedUser, Desk]]:
    """The workspace with a private value stored, then renamed by hand, opened in a desk
    that asks nothing (a question fails the test)."""
    stored = workbench("secret", "set", str(workspace), KEY, stdin="the-key")
    assert stored.returncode == 0, stored.stderr
    rename_by_hand(workspace)
    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    user = ScriptedUser([])
    desk = Desk([document], user, selected=TreeItem(document, "Demo service", "Verify key"))
    yield document, user, desk
    await document.aclose()


def test_a_renamed_provider_and_call_send_the_stored_value_from_the_command_line(
    workspace: Path, demo_url: str
) -> None:
    stored = workbench("secret", "set", str(workspace), KEY, stdin="the-key")
    assert stored.returncode == 0, stored.stderr
    rename_by_hand(workspace)
    # stdin is empty: a prompt for the value would fail the run.
    result = workbench("run", str(workspace), "Demo service/Verify key", "--base-url", demo_url)
    assert result.returncode == 0, result.stderr
    assert f'"sha256": "{sha256_of("the-key")}"' in result.stdout
    listed = workbench("secret", "list", str(workspace))
    assert f"{RENAMED_KEY}\tset for all environments" in listed.stdout


async def test_a_renamed_provider_and_call_send_the_stored_value_from_the_desk(
    renamed_document: tuple[WorkspaceDocument, ScriptedUser, Desk],
) -> None:
    document, user, desk = renamed_document
    assert await desk.sending.send_selected() is not None
    assert isinstance(desk.response, Answered), desk.response
    data = desk.response.result.data
    assert isinstance(data, dict) and data["sha256"] == sha256_of("the-key")
    assert user.asked == []  # no question: neither the value nor its origin


def test_approved_origins_survive_a_rename_by_hand(workspace: Path) -> None:
    provider = load_workspace(workspace).providers[0]
    assert workbench("trust", str(workspace), "Demo", "--origin", "https://a.test").returncode == 0
    rename_by_hand(workspace)
    renamed = load_workspace(workspace)
    trust = Trust(renamed.id, workspace.parent, TrustBook(SecretStore().home))
    assert renamed.providers[0].id == provider.id
    assert "https://a.test:443" in trust.approved(renamed.providers[0])


def test_a_file_without_ids_gets_one_added_line_per_table_at_its_first_save(
    workspace: Path,
) -> None:
    old = without_table_ids(workspace)
    workspace.write_bytes(old)
    document = WorkspaceDocument.load(workspace)
    assert not document.dirty  # the ids it was given do not count as an edit
    document.save()
    new = workspace.read_bytes()
    old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
    added = [line for line in new_lines if line not in old_lines]
    tables = old.count(b"[[providers]]\n") + old.count(b"[[providers.calls]]\n")
    assert tables > 10 and len(added) == tables and all(map(TABLE_ID.match, added))
    assert [line for line in new_lines if line not in added] == old_lines  # nothing else
    # Each id sits right under its table's header.
    for index, line in enumerate(new_lines):
        if line in (b"[[providers]]", b"[[providers.calls]]"):
            assert TABLE_ID.match(new_lines[index + 1])
    # Teammates giving the same file its ids write the same ones: no conflict in git.
    assert loads_workspace(old.decode(), "theirs.toml") == load_workspace(workspace)


def test_duplicate_ids_are_refused_naming_both_tables(workspace: Path) -> None:
    text = workspace.read_text()
    first, second = re.findall(r'\[\[providers\.calls\]\]\nid = "([a-z2-7]{8})"', text)[:2]
    workspace.write_text(text.replace(f'id = "{second}"', f'id = "{first}"'))
    with pytest.raises(WorkspaceError) as raised:
        load_workspace(workspace)
    message = str(raised.value)
    assert f'"{first}" is already the id of providers[0] "Demo" > calls[0] "List users"' in message
    assert 'calls[1] "Get user" > id' in message and "remove this line" in message


def test_a_value_stored_under_its_name_moves_to_the_ids_once_saying_so(
    workspace: Path, demo_url: str
) -> None:
    loaded = load_workspace(workspace)
    store = SecretStore()
    # As a workbench before ids stored it: under the names.
    store.set(loaded.id, SecretAddress.parse(KEY), "old-key")
    store.set(loaded.id, SecretAddress.parse("Demo/auth.token"), '{"access_token": "t"}')
    TrustBook(store.home).approve_origins(loaded.id, "Demo", ["https://a.test:443"])

    first = workbench("run", str(workspace), "Demo/Check API key", "--base-url", demo_url)
    assert first.returncode == 0, first.stderr
    assert f'"sha256": "{sha256_of("old-key")}"' in first.stdout
    moved = "Moved 2 stored private values of Demo to the provider's id"
    assert moved in first.stderr
    address = address_named(loaded, KEY)
    assert address is not None
    assert set(store.values(loaded.id)) == {address.key, f"{loaded.providers[0].id}/auth.token"}
    assert TrustBook(store.home).origins(loaded.id, loaded.providers[0].id) == {
        "https://a.test:443"
    }

    second = workbench("run", str(workspace), "Demo/Check API key", "--base-url", demo_url)
    assert second.returncode == 0 and "Moved" not in second.stderr  # said once
    rename_by_hand(workspace)  # and now a rename keeps it
    renamed = workbench("run", str(workspace), "Demo service/Verify key", "--base-url", demo_url)
    assert f'"sha256": "{sha256_of("old-key")}"' in renamed.stdout


async def test_opening_a_workspace_in_the_tui_moves_its_values_and_tells(
    workspace: Path,
) -> None:
    loaded = load_workspace(workspace)
    SecretStore().set(loaded.id, SecretAddress.parse(KEY), "old-key")
    document = WorkspaceDocument.load(workspace)
    moved = (
        "Moved 1 stored private value of Demo to the provider's id (a rename in git no "
        "longer loses them)."
    )
    assert document.notices == (moved,)
    app = WorkbenchApp([document])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: moved in notified(app), what="the notice")
    assert WorkspaceDocument.load(workspace).notices == ()
