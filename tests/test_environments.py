"""Editing environments and per-environment values: the model, the file, the stored values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.core.secrets import SecretAddress, SecretStore
from workbench.core.workspace import (
    EditError,
    PerEnvironment,
    ValueSlot,
    WorkspaceDocument,
    add_environment,
    environment_problem,
    load_workspace,
    make_default,
    remove_environment,
    rename_environment,
    save_workspace,
    set_slot,
    value_in,
    value_slots,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def document(tmp_path: Path) -> WorkspaceDocument:
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    return WorkspaceDocument.load(path, store=SecretStore(tmp_path / "home"))


def slot_named(document: WorkspaceDocument, label: str) -> ValueSlot:
    return next(slot for slot, _ in value_slots(document.workspace) if slot.label == label)


def test_a_value_differs_per_environment_once_one_environment_changes(
    document: WorkspaceDocument, tmp_path: Path
) -> None:
    base_url = slot_named(document, "Demo · base URL")
    workspace = set_slot(document.workspace, base_url, "live", "https://api.example.com")
    demo = workspace.providers[0]
    assert demo.base_url == PerEnvironment(
        {"development": "http://127.0.0.1:8400", "live": "https://api.example.com"}
    )
    save_workspace(workspace, tmp_path / "out.toml")
    assert load_workspace(tmp_path / "out.toml") == workspace  # the file reads back the same
    same = set_slot(workspace, base_url, "live", "http://127.0.0.1:8400")
    assert same.providers[0].base_url == "http://127.0.0.1:8400"  # plain again


def test_parameters_and_headers_are_slots_but_private_and_chained_ones_are_not(
    document: WorkspaceDocument,
) -> None:
    labels = [slot.label for slot, _ in value_slots(document.workspace)]
    assert "Demo/Get user · param id" in labels
    assert "Demo · header Accept" in labels
    assert "Demo/Check API key · param X-Api-Key" not in labels  # private
    assert "Demo/Rename first user · param id" not in labels  # chained
    page = slot_named(document, "Demo/List users · param page")
    workspace = set_slot(document.workspace, page, "live", "2")
    call = workspace.providers[0].call("List users")
    assert call is not None
    parameter = call.parameters[0]
    assert (value_in(parameter.value, "development"), value_in(parameter.value, "live")) == (
        "1",
        "2",
    )


def test_a_renamed_environment_carries_its_values_and_stored_private_values(
    document: WorkspaceDocument,
) -> None:
    base_url = slot_named(document, "Demo · base URL")
    document.update(set_slot(document.workspace, base_url, "live", "https://live.test"))
    key = SecretAddress.parameter("Demo", "X-Api-Key", "Check API key")
    document.secrets.set(key, "live-key-1", "live")

    renamed = rename_environment(document.workspace, "live", "production")
    document.update(renamed.workspace, renamed.moves)
    assert document.workspace.environments == ("development", "production")
    assert value_in(document.workspace.providers[0].base_url, "production") == "https://live.test"
    assert document.secrets.get(key, "production") is not None
    assert document.secrets.get(key, "live") is None
    document.save()
    assert 'production = "https://live.test"' in document.path.read_text()

    again = rename_environment(document.workspace, "production", "prod")
    document.update(again.workspace, again.moves)
    document.discard()  # the unsaved rename is undone, stored values included
    assert document.secrets.get(key, "production") is not None
    assert document.workspace.environments == ("development", "production")


def test_environments_are_added_removed_and_made_default(document: WorkspaceDocument) -> None:
    workspace = add_environment(document.workspace, "staging")
    assert workspace.environments == ("development", "live", "staging")
    workspace = make_default(workspace, "staging")
    assert workspace.default_environment == "staging"
    base_url = next(slot for slot, _ in value_slots(workspace) if slot.kind == "base_url")
    workspace = set_slot(workspace, base_url, "staging", "https://staging.test")
    workspace = remove_environment(workspace, "staging")
    assert workspace.environments == ("development", "live")
    assert workspace.providers[0].base_url == "http://127.0.0.1:8400"  # plain again
    assert environment_problem(workspace, "live") == "There is already an environment 'live'."
    assert environment_problem(workspace, " ") is not None
    with pytest.raises(EditError, match="at least one environment"):
        remove_environment(remove_environment(workspace, "live"), "development")
