"""Editing a workspace's providers and calls on the frozen model (`workbench.core.editing`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.core import editing
from workbench.core.editing import EditError, SecretMove
from workbench.core.model import Call, Header, Parameter, Provider, Workspace
from workbench.core.secrets import SecretAddress, SecretResolver, SecretStore
from workbench.core.workspace import dumps_workspace

WORKSPACE = Workspace(
    id="0" * 32,
    name="Team",
    providers=(
        Provider(
            name="Demo",
            headers=(Header("X-Sig", private=True),),
            calls=(
                Call("List"),
                Call(
                    "Check",
                    parameters=(Parameter("key", private=True), Parameter("page", "1")),
                    headers=(Header("X-Token", private=True),),
                ),
                Call("Echo"),
            ),
        ),
        Provider(name="Other"),
    ),
)


def names(workspace: Workspace, provider: str | None = None) -> list[str]:
    if provider is None:
        return [p.name for p in workspace.providers]
    found = workspace.provider(provider)
    assert found is not None
    return [c.name for c in found.calls]


def test_add_provider_and_call_after_the_selection() -> None:
    workspace = editing.add_provider(WORKSPACE, " New ", after="Demo")
    assert names(workspace) == ["Demo", "New", "Other"]
    workspace = editing.add_call(workspace, "Demo", "Ping", after="List")
    assert names(workspace, "Demo") == ["List", "Ping", "Check", "Echo"]
    assert editing.add_call(workspace, "Other", "Last").provider("Other").calls == (  # type: ignore[union-attr]
        Call("Last"),
    )
    dumps_workspace(workspace)  # still a valid workspace


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "needs a name"), ("  ", "needs a name"), ("Other", "already"), ("a/b", "'/'")],
)
def test_bad_provider_names_are_refused(name: str, problem: str) -> None:
    with pytest.raises(EditError, match=problem):
        editing.add_provider(WORKSPACE, name)


def test_bad_call_names_are_refused() -> None:
    with pytest.raises(EditError, match="already has a call named 'Echo'"):
        editing.rename_call(WORKSPACE, "Demo", "List", "Echo")
    with pytest.raises(EditError, match="needs a name"):
        editing.add_call(WORKSPACE, "Demo", "")
    with pytest.raises(EditError, match="No provider named 'Nope'"):
        editing.add_call(WORKSPACE, "Nope", "x")


def test_rename_call_moves_its_own_private_values() -> None:
    renamed = editing.rename_call(WORKSPACE, "Demo", "Check", "Verify")
    assert names(renamed.workspace, "Demo") == ["List", "Verify", "Echo"]
    assert set(renamed.moves) == {
        SecretMove(
            SecretAddress("Demo", "Check/param.key"), SecretAddress("Demo", "Verify/param.key")
        ),
        SecretMove(
            SecretAddress("Demo", "Check/header.X-Token"),
            SecretAddress("Demo", "Verify/header.X-Token"),
        ),
    }


def test_rename_provider_moves_all_its_private_values() -> None:
    renamed = editing.rename_provider(WORKSPACE, "Demo", "Service")
    assert names(renamed.workspace) == ["Service", "Other"]
    assert {(m.old.provider, m.new.provider) for m in renamed.moves} == {("Demo", "Service")}
    assert {m.new.field for m in renamed.moves} == {
        "header.X-Sig",
        "Check/param.key",
        "Check/header.X-Token",
    }


def test_rename_to_the_same_name_moves_nothing() -> None:
    assert editing.rename_call(WORKSPACE, "Demo", "Check", "Check").moves == ()
    assert editing.rename_provider(WORKSPACE, "Demo", "Demo").workspace == WORKSPACE


def test_duplicate_places_a_copy_after_the_original() -> None:
    workspace, name = editing.duplicate_call(WORKSPACE, "Demo", "List")
    assert name == "List copy"
    assert names(workspace, "Demo") == ["List", "List copy", "Check", "Echo"]
    workspace, name = editing.duplicate_call(workspace, "Demo", "List")
    assert name == "List copy 2"
    workspace, name = editing.duplicate_provider(WORKSPACE, "Demo")
    assert names(workspace) == ["Demo", "Demo copy", "Other"]
    assert names(workspace, "Demo copy") == names(workspace, "Demo")


def test_delete() -> None:
    assert names(editing.delete_call(WORKSPACE, "Demo", "Check"), "Demo") == ["List", "Echo"]
    assert names(editing.delete_provider(WORKSPACE, "Demo")) == ["Other"]
    with pytest.raises(EditError):
        editing.delete_call(WORKSPACE, "Demo", "Nope")


def test_move_stops_at_either_end() -> None:
    assert names(editing.move_call(WORKSPACE, "Demo", "Echo", -1), "Demo") == [
        "List",
        "Echo",
        "Check",
    ]
    assert editing.move_call(WORKSPACE, "Demo", "List", -1) == WORKSPACE
    assert editing.move_call(WORKSPACE, "Demo", "Echo", 1) == WORKSPACE
    assert names(editing.move_provider(WORKSPACE, "Demo", 1)) == ["Other", "Demo"]


def test_replace_provider_keeps_the_workspace_calls() -> None:
    stale = replace(WORKSPACE.providers[0], calls=(), base_url="http://x")
    workspace = editing.replace_provider(WORKSPACE, "Demo", stale).workspace
    provider = workspace.provider("Demo")
    assert provider is not None and provider.base_url == "http://x"
    assert provider.calls == WORKSPACE.providers[0].calls


def test_replace_call() -> None:
    edited = replace(WORKSPACE.providers[0].calls[0], url="/list")
    renamed = editing.replace_call(WORKSPACE, "Demo", "List", edited)
    assert renamed.workspace.providers[0].calls[0].url == "/list"
    assert renamed.moves == ()


def test_locate_call_tries_every_split() -> None:
    workspace = editing.add_call(WORKSPACE, "Other", "a/b")
    found = editing.locate_call(workspace, "Other/a/b")
    assert found is not None and found[1].name == "a/b"
    assert editing.locate_call(workspace, "Demo/Nope") is None
    assert editing.locate_call(workspace, "Demo") is None


def test_resolver_rename_moves_every_environment(isolated_home: object) -> None:
    store = SecretStore()
    old, new = SecretAddress("Demo", "auth.value"), SecretAddress("Service", "auth.value")
    resolver = SecretResolver("w1", store, environ={})
    resolver.set(old, "dev-key", "development")
    resolver.set(old, "any-key")
    resolver.rename(old, new)
    assert resolver.get(old, "development") is None
    assert resolver.get(new, "development").reveal() == "dev-key"  # type: ignore[union-attr]
    fresh = SecretResolver("w1", store, environ={})
    assert fresh.get(new, "live").reveal() == "any-key"  # type: ignore[union-attr]
    assert str(old) not in store.values("w1")
    resolver.rename(SecretAddress("Demo", "nothing"), SecretAddress("X", "nothing"))
    assert "X/nothing" not in store.values("w1")
