"""A workspace file open in the TUI (`WorkspaceDocument`): unsaved, saving, changed on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from workbench.core.secrets import address_named
from workbench.core.secrets.store import SecretAddress, SecretResolver
from workbench.core.workspace import editing
from workbench.core.workspace.document import ChangedOnDisk, WorkspaceDocument

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    copy = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", copy)
    return copy


def test_edits_mark_unsaved_until_saved(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    assert not document.dirty and document.title == "Demo"
    document.update(editing.add_provider(document.workspace, "New"))
    assert document.dirty and document.title == "Demo *"
    document.save()
    assert not document.dirty
    assert WorkspaceDocument.load(path).workspace == document.workspace


def test_undoing_an_edit_by_hand_is_not_unsaved(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    original = document.workspace
    document.update(editing.add_provider(original, "New"))
    document.update(original)
    assert not document.dirty


def test_saving_over_an_external_change_is_refused(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    document.update(editing.add_provider(document.workspace, "New"))
    external = path.read_text() + "\n# edited elsewhere\n"
    path.write_text(external)
    assert document.changed_on_disk()
    with pytest.raises(ChangedOnDisk, match="changed by another program"):
        document.save()
    assert path.read_text() == external
    document.save(overwrite=True)
    assert not document.changed_on_disk()
    assert "New" in path.read_text()


def test_a_removed_file_is_a_change(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    path.unlink()
    with pytest.raises(ChangedOnDisk, match="was removed"):
        document.save()


def test_touching_the_file_is_no_change(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert not document.changed_on_disk()


def test_reload_drops_edits_and_reads_the_file(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    document.update(editing.add_provider(document.workspace, "New"))
    path.write_text(path.read_text().replace('name = "Demo"\n', 'name = "Renamed"\n', 1))
    document.reload()
    assert document.workspace.name == "Renamed" and not document.dirty
    document.save()  # what was reloaded is what is on disk: no conflict


CHECK_KEY = "Demo/Check API key/param.X-Api-Key"


def named(document: WorkspaceDocument, name: str) -> SecretAddress:
    """The address of the private value `name` (as `workbench secret set` takes it) in the
    document's workspace now: its key has the provider's and the call's ids."""
    address = address_named(document.workspace, name)
    assert address is not None, name
    return address


def test_renaming_moves_no_private_value_and_discarding_changes_nothing(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    document.secrets.set(named(document, CHECK_KEY), "k")
    renamed = editing.rename_call(document.workspace, "Demo", "Check API key", "Key")
    assert renamed.moves == ()  # kept under the call's id, which the rename keeps
    document.update(renamed.workspace, renamed.moves)
    new = named(document, "Demo/Key/param.X-Api-Key")
    assert document.secrets.get(new, "development") is not None
    document.discard()
    assert document.secrets.get(named(document, CHECK_KEY), "development") is not None
    assert not document.dirty


def test_a_saved_rename_keeps_private_values(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    document.secrets.set(named(document, CHECK_KEY), "k")
    renamed = editing.rename_provider(document.workspace, "Demo", "Service")
    document.update(renamed.workspace, renamed.moves)
    document.save()
    document.discard()  # nothing left to undo
    found = named(document, "Service/Check API key/param.X-Api-Key")
    assert document.secrets.get(found, "development") is not None


def test_a_renamed_provider_keeps_its_approved_origins(path: Path) -> None:
    from workbench.core.secrets.trust import Trust, TrustBook

    document = WorkspaceDocument.load(path)
    assert document.secrets.store is not None
    book = TrustBook(document.secrets.store.home)
    demo = document.workspace.providers[0]
    book.approve_origins(document.workspace.id, demo.key, ["https://api.example.com:443"])
    renamed = editing.rename_provider(document.workspace, "Demo", "Service")
    document.update(renamed.workspace, renamed.moves)
    service = document.workspace.providers[0]
    trust = Trust(document.workspace.id, path.parent, book)
    assert trust.approved(service) == {"https://api.example.com:443"}


def stored(document: WorkspaceDocument, address: SecretAddress) -> bool:
    """Whether the address has a value, both in the document's resolver and in the store file."""
    fresh = SecretResolver(document.workspace.id, document.secrets.store, environ={})
    in_memory = document.secrets.get(address, "development") is not None
    assert in_memory == (fresh.get(address, "development") is not None)
    return in_memory


def test_duplicating_copies_private_values_at_once_and_discarding_drops_them(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    check_key = named(document, CHECK_KEY)
    document.secrets.set(check_key, "k")
    duplicated, name = editing.duplicate_call(document.workspace, "Demo", "Check API key")
    document.update(duplicated.workspace, duplicated.moves)
    copy = named(document, f"Demo/{name}/param.X-Api-Key")
    assert copy.key != check_key.key  # a duplicate gets ids of its own
    assert stored(document, copy)  # the copy can be sent before saving
    document.discard()
    assert not stored(document, copy) and stored(document, check_key)

    duplicated, _ = editing.duplicate_provider(document.workspace, "Demo")
    document.update(duplicated.workspace, duplicated.moves)
    document.save()
    document.discard()  # nothing left to undo
    assert stored(document, named(document, "Demo copy/Check API key/param.X-Api-Key"))
    assert stored(document, check_key)


def test_deleting_forgets_private_values_when_saved(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    check_key = named(document, CHECK_KEY)
    document.secrets.set(check_key, "k")
    deleted = editing.delete_call(document.workspace, "Demo", "Check API key")
    document.update(deleted.workspace, deleted.moves)
    assert stored(document, check_key)  # until saved
    document.save()
    assert not stored(document, check_key)


def test_discarding_a_delete_keeps_private_values(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    check_key = named(document, CHECK_KEY)
    document.secrets.set(check_key, "k")
    deleted = editing.delete_provider(document.workspace, "Demo")
    document.update(deleted.workspace, deleted.moves)
    document.discard()
    document.save()
    assert stored(document, check_key)


def test_deleting_a_provider_forgets_its_token_too(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    token = SecretAddress.token(document.workspace.providers[0])
    document.secrets.set(token, '{"access_token": "t"}', "development")
    deleted = editing.delete_provider(document.workspace, "Demo")
    document.update(deleted.workspace, deleted.moves)
    document.save()
    assert not stored(document, token)


def test_values_the_saved_workspace_uses_again_are_kept(path: Path) -> None:
    document = WorkspaceDocument.load(path)
    original = document.workspace
    check_key = named(document, CHECK_KEY)
    document.secrets.set(check_key, "k")
    deleted = editing.delete_call(original, "Demo", "Check API key")
    document.update(deleted.workspace, deleted.moves)
    document.update(original)  # the call is back, say by undoing the delete by hand
    document.save()
    assert stored(document, check_key)


def test_create_empty_workspace(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "default.toml"
    WorkspaceDocument.create_empty(path)
    document = WorkspaceDocument.load(path)
    assert document.workspace.providers == () and document.workspace.name == "My workspace"


async def test_session_is_made_at_the_first_send_and_follows_edits(path: Path) -> None:
    document = WorkspaceDocument.load(path, base_url="http://127.0.0.1:1")
    session = document.session()
    assert session.base_url == "http://127.0.0.1:1"
    document.update(editing.add_provider(document.workspace, "New"))
    assert document.session() is session and session.workspace == document.workspace
    await document.aclose()


def test_a_file_without_id_gets_its_id_before_a_private_value_is_stored(path: Path) -> None:
    """A value typed in the TUI is stored under the workspace's id: a file without one gets
    it written at once (one line), or the value would be lost at the next load."""
    text = path.read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("id = ")) + "\n"
    path.write_text(without, encoding="utf-8")
    document = WorkspaceDocument.load(path)
    assert document.ensure_id()
    assert f'id = "{document.workspace.id}"' in path.read_text(encoding="utf-8")
    assert not document.changed_on_disk()  # its own change: saving does not complain
    assert not document.ensure_id()  # once is enough
    assert WorkspaceDocument.load(path).workspace.id == document.workspace.id
