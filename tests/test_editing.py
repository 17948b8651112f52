"""Editing providers and calls on the frozen model (`workbench.core.workspace.editing`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench.core.secrets.store import SecretAddress, SecretResolver, SecretStore
from workbench.core.workspace import chaining, editing
from workbench.core.workspace.editing import EditError, SecretCopy, SecretMove, SecretRemoval
from workbench.core.workspace.io import dumps_workspace, loads_workspace
from workbench.core.workspace.model import (
    Call,
    Header,
    Parameter,
    Provider,
    ValueSource,
    Workspace,
    with_derived_ids,
)

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
    (last,) = editing.add_call(workspace, "Other", "Last").provider("Other").calls  # type: ignore[union-attr]
    assert replace(last, id="") == Call("Last")
    # Each new provider and call gets an id of its own, written with it.
    ids = [workspace.providers[1].id, workspace.providers[0].calls[1].id, last.id]
    assert all(len(found) == 8 for found in ids) and len(set(ids)) == 3
    text = dumps_workspace(workspace)  # still a valid workspace
    assert f'id = "{ids[0]}"' in text and f'id = "{ids[1]}"' in text


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
    duplicated, name = editing.duplicate_call(WORKSPACE, "Demo", "List")
    assert name == "List copy"
    assert names(duplicated.workspace, "Demo") == ["List", "List copy", "Check", "Echo"]
    assert duplicated.moves == ()  # "List" has no private values
    duplicated, name = editing.duplicate_call(duplicated.workspace, "Demo", "List")
    assert name == "List copy 2"
    duplicated, name = editing.duplicate_provider(WORKSPACE, "Demo")
    assert names(duplicated.workspace) == ["Demo", "Demo copy", "Other"]
    assert names(duplicated.workspace, "Demo copy") == names(duplicated.workspace, "Demo")


def test_duplicating_a_call_copies_its_own_private_values() -> None:
    duplicated, name = editing.duplicate_call(WORKSPACE, "Demo", "Check")
    assert name == "Check copy"
    copy = duplicated.workspace.providers[0].calls[2]
    assert copy.name == "Check copy" and copy.id  # a duplicate gets an id of its own
    assert duplicated.moves == (
        SecretCopy(
            SecretAddress("Demo", "Check/header.X-Token"),
            SecretAddress.header(WORKSPACE.providers[0], "X-Token", copy),
        ),
        SecretCopy(
            SecretAddress("Demo", "Check/param.key"),
            SecretAddress.parameter(WORKSPACE.providers[0], "key", copy),
        ),
    )
    assert duplicated.moves[1].copy.store_key == f"Demo/{copy.id}/param.key"  # type: ignore[union-attr]


def test_duplicating_a_provider_copies_all_its_private_values() -> None:
    duplicated, _ = editing.duplicate_provider(WORKSPACE, "Demo")
    assert all(isinstance(m, SecretCopy) for m in duplicated.moves)
    copy = duplicated.workspace.providers[1]
    assert [(m.source, str(m.copy)) for m in duplicated.moves if isinstance(m, SecretCopy)] == [
        (SecretAddress("Demo", field), f"Demo copy/{field}")
        for field in ("header.X-Sig", "Check/header.X-Token", "Check/param.key")
    ]
    # The copy and each of its calls have new ids: its values are its own.
    assert copy.id and all(c.id for c in copy.calls)
    assert {copy.id, *(c.id for c in copy.calls)}.isdisjoint(
        c.id for c in WORKSPACE.providers[0].calls
    )
    assert all(
        isinstance(m, SecretCopy) and m.copy.store_key.startswith(copy.id) for m in duplicated.moves
    )


def test_delete() -> None:
    assert names(editing.delete_call(WORKSPACE, "Demo", "Check").workspace, "Demo") == [
        "List",
        "Echo",
    ]
    assert names(editing.delete_provider(WORKSPACE, "Demo").workspace) == ["Other"]
    with pytest.raises(EditError):
        editing.delete_call(WORKSPACE, "Demo", "Nope")


def test_deleting_a_call_forgets_its_own_private_values() -> None:
    assert editing.delete_call(WORKSPACE, "Demo", "Check").moves == (
        SecretRemoval(SecretAddress("Demo", "Check/header.X-Token")),
        SecretRemoval(SecretAddress("Demo", "Check/param.key")),
    )
    assert editing.delete_call(WORKSPACE, "Demo", "List").moves == ()


def test_deleting_a_provider_forgets_all_its_private_values_and_its_token() -> None:
    assert editing.delete_provider(WORKSPACE, "Demo").moves == tuple(
        SecretRemoval(SecretAddress("Demo", field))
        for field in ("header.X-Sig", "Check/header.X-Token", "Check/param.key", "auth.token")
    )


# --- chained parameters ------------------------------------------------------------------------

# As read from a file (with ids), so that the round trips below keep them.
CHAINED = with_derived_ids(
    Workspace(
        id="1" * 32,
        name="Chains",
        providers=(
            Provider(
                name="Demo",
                calls=(
                    Call("List"),
                    Call(
                        "Get",
                        parameters=(Parameter("id", source=ValueSource("List", "data[0].id")),),
                    ),
                    # The provider's own call, spelled out as "Provider/Call".
                    Call(
                        "Own", parameters=(Parameter("id", source=ValueSource("Demo/List", "x")),)
                    ),
                ),
            ),
            Provider(
                name="Billing",
                calls=(
                    Call(
                        "Invoices",
                        parameters=(
                            Parameter("user", source=ValueSource("Demo/List", "data[0].id")),
                        ),
                    ),
                ),
            ),
        ),
    )
)


def sources(workspace: Workspace) -> dict[str, str]:
    """`Provider/Call/parameter` -> the call its value comes from, as written."""
    return {
        f"{p.name}/{c.name}/{parameter.name}": parameter.source.call
        for p in workspace.providers
        for c in p.calls
        for parameter in c.parameters
        if parameter.source is not None
    }


def test_renaming_a_call_renames_it_in_the_parameters_chained_from_it() -> None:
    renamed = editing.rename_call(CHAINED, "Demo", "List", "All")
    assert sources(renamed.workspace) == {
        "Demo/Get/id": "All",
        "Demo/Own/id": "All",
        "Billing/Invoices/user": "Demo/All",
    }
    assert loads_workspace(dumps_workspace(renamed.workspace), "w.toml") == renamed.workspace


def test_an_edited_call_with_a_new_name_renames_it_in_chained_parameters() -> None:
    edited = replace(CHAINED.providers[0].calls[0], name="All", url="/all")
    workspace = editing.replace_call(CHAINED, "Demo", "List", edited).workspace
    assert sources(workspace)["Billing/Invoices/user"] == "Demo/All"
    assert workspace.providers[0].calls[0] == edited
    same_name = replace(CHAINED.providers[0].calls[0], url="/all")
    assert sources(editing.replace_call(CHAINED, "Demo", "List", same_name).workspace) == sources(
        CHAINED
    )


def test_renaming_a_provider_renames_it_in_the_parameters_chained_from_its_calls() -> None:
    renamed = editing.rename_provider(CHAINED, "Demo", "Service")
    assert sources(renamed.workspace) == {
        "Service/Get/id": "List",
        "Service/Own/id": "List",
        "Billing/Invoices/user": "Service/List",
    }
    assert loads_workspace(dumps_workspace(renamed.workspace), "w.toml") == renamed.workspace
    # The provider editor's version has the calls it loaded; the chains are renamed anyway.
    edited = replace(CHAINED.providers[0], name="Service", base_url="http://x")
    workspace = editing.replace_provider(CHAINED, "Demo", edited).workspace
    assert sources(workspace) == sources(renamed.workspace)


def test_deleting_a_call_that_others_take_values_from_is_refused() -> None:
    with pytest.raises(EditError) as refused:
        editing.delete_call(CHAINED, "Demo", "List")
    assert str(refused.value) == (
        "Cannot delete the call 'Demo/List': 3 parameters take their values from it: "
        "'id' of 'Demo/Get', 'id' of 'Demo/Own', 'user' of 'Billing/Invoices'. "
        "Chain them from another call, or remove them, first."
    )
    assert names(editing.delete_call(CHAINED, "Demo", "Get").workspace, "Demo") == ["List", "Own"]


def test_deleting_a_provider_is_refused_only_for_other_providers_chains() -> None:
    with pytest.raises(EditError) as refused:
        editing.delete_provider(CHAINED, "Demo")
    assert str(refused.value) == (
        "Cannot delete the provider 'Demo': the parameter 'user' of 'Billing/Invoices' takes "
        "its value from it. Chain that parameter from another call, or remove it, first."
    )
    without_billing = editing.delete_provider(CHAINED, "Billing").workspace
    assert names(editing.delete_provider(without_billing, "Demo").workspace) == []


def test_a_refusal_lists_the_first_few_parameters() -> None:
    many = tuple(
        Call(f"Get {n}", parameters=(Parameter("id", source=ValueSource("List", "id")),))
        for n in range(5)
    )
    workspace = Workspace(
        id="2" * 32, name="W", providers=(Provider("P", calls=(Call("List"), *many)),)
    )
    with pytest.raises(EditError, match=r"'id' of 'P/Get 2' and 2 more\. Chain them"):
        editing.delete_call(workspace, "P", "List")


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


def test_locate_call_splits_at_the_providers_name() -> None:
    workspace = editing.add_call(WORKSPACE, "Other", "a/b")
    found = chaining.locate_call(workspace, "Other/a/b")
    assert found is not None and found[1].name == "a/b"
    assert chaining.locate_call(workspace, "Demo/Nope") is None
    assert chaining.locate_call(workspace, "Demo") is None


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


def test_resolver_copy_copies_every_environment(isolated_home: object) -> None:
    store = SecretStore()
    source, copy = SecretAddress("Demo", "C/param.k"), SecretAddress("Demo", "C copy/param.k")
    resolver = SecretResolver("w1", store, environ={})
    resolver.set(source, "dev-key", "development")
    resolver.set(source, "any-key")
    resolver.copy(source, copy)
    for address in (source, copy):
        assert resolver.get(address, "development").reveal() == "dev-key"  # type: ignore[union-attr]
        fresh = SecretResolver("w1", store, environ={})
        assert fresh.get(address, "live").reveal() == "any-key"  # type: ignore[union-attr]
    resolver.copy(SecretAddress("Demo", "nothing"), SecretAddress("X", "nothing"))
    assert "X/nothing" not in store.values("w1")
