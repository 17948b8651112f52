"""Editing providers and calls: each function takes a frozen `Workspace` and returns a new one.

The TUI's tree and command palette call these; nothing here touches files or
the secret store. Private values are stored under the provider's and the
call's ids (given here to each new one), so an edit that duplicates or deletes
one also returns what the caller has to do in the store: `SecretCopy`s to give
a duplicate (a new id) the original's values, `SecretRemoval`s to forget a
deleted one's. A rename keeps the ids and moves nothing; only a provider or
call built in memory without an id is kept under its name, and its rename
returns `SecretMove`s carrying the values along.

Chained parameters (`chaining`) name their source call, so renaming a call or
a provider renames it in the parameters that take a value from it too, and a
call that other calls take values from cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from workbench.core.errors import WorkbenchError
from workbench.core.secrets.needed import provider_private_values
from workbench.core.secrets.store import SecretAddress
from workbench.core.workspace.chaining import (
    chained_from,
    full_name,
    retarget_provider_sources,
    retarget_sources,
)
from workbench.core.workspace.model import (
    Call,
    Parameter,
    Provider,
    Workspace,
    item_ids,
    new_item_id,
)

__all__ = [
    "EditError",
    "Renamed",
    "SecretChange",
    "SecretCopy",
    "SecretMove",
    "SecretRemoval",
    "add_call",
    "add_provider",
    "delete_call",
    "delete_provider",
    "duplicate_call",
    "duplicate_provider",
    "move_call",
    "move_provider",
    "rename_call",
    "rename_provider",
    "replace_call",
    "replace_provider",
    "unique_name",
]

_Item = TypeVar("_Item", Provider, Call)


class EditError(WorkbenchError):
    """An edit that would break the workspace: an empty, invalid or duplicate name, or
    deleting a call that chained parameters take their values from."""


@dataclass(frozen=True)
class SecretMove:
    """A stored private value that has to move because its provider or call was renamed."""

    old: SecretAddress
    new: SecretAddress


@dataclass(frozen=True)
class SecretCopy:
    """A stored private value to copy because its provider or call was duplicated."""

    source: SecretAddress
    copy: SecretAddress


@dataclass(frozen=True)
class SecretRemoval:
    """A stored private value to forget because its provider or call was deleted."""

    address: SecretAddress


@dataclass(frozen=True)
class EnvironmentRename:
    """Every stored private value of environment `old` moves to `new` (it was renamed)."""

    old: str
    new: str


# What an edit does to stored private values.
SecretChange = SecretMove | SecretCopy | SecretRemoval | EnvironmentRename


@dataclass(frozen=True)
class Renamed:
    """The workspace after an edit, and what it does to stored private values.

    `moves` holds the changes in the order they are to be made: moves for a
    rename, copies for a duplicate, removals for a delete (empty for other edits).
    """

    workspace: Workspace
    moves: tuple[SecretChange, ...] = ()


# --- names -------------------------------------------------------------------------------------


def unique_name(base: str, taken: Sequence[str]) -> str:
    """`base`, or `base 2`, `base 3`... whichever is not in `taken`."""
    if base not in taken:
        return base
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


def _provider_name(workspace: Workspace, name: str, current: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise EditError("A provider needs a name.")
    if "/" in name:
        # "Provider/Call" names and secret addresses split at the first "/".
        raise EditError(f"A provider name cannot contain '/': {name!r}.")
    if name != current and workspace.provider(name) is not None:
        raise EditError(f"There is already a provider named {name!r}.")
    return name


def _call_name(provider: Provider, name: str, current: str | None = None) -> str:
    name = name.strip()
    if not name:
        raise EditError("A call needs a name.")
    if name != current and provider.call(name) is not None:
        raise EditError(f"{provider.name!r} already has a call named {name!r}.")
    return name


# --- lookups -----------------------------------------------------------------------------------


def _provider(workspace: Workspace, name: str) -> Provider:
    provider = workspace.provider(name)
    if provider is None:
        raise EditError(f"No provider named {name!r} in {workspace.name!r}.")
    return provider


def _call(provider: Provider, name: str) -> Call:
    call = provider.call(name)
    if call is None:
        raise EditError(f"No call named {name!r} in {provider.name!r}.")
    return call


# --- sequence helpers --------------------------------------------------------------------------


def _index(items: Sequence[_Item], name: str) -> int:
    return next(i for i, item in enumerate(items) if item.name == name)


def _insert_after(items: tuple[_Item, ...], item: _Item, after: str | None) -> tuple[_Item, ...]:
    position = len(items) if after is None else _index(items, after) + 1
    return items[:position] + (item,) + items[position:]


def _replace_named(
    items: tuple[_Item, ...], name: str, change: Callable[[_Item], _Item]
) -> tuple[_Item, ...]:
    return tuple(change(item) if item.name == name else item for item in items)


def _moved(items: tuple[_Item, ...], name: str, offset: int) -> tuple[_Item, ...]:
    index = _index(items, name)
    target = max(0, min(len(items) - 1, index + offset))
    rest = [item for item in items if item.name != name]
    rest.insert(target, items[index])
    return tuple(rest)


def _with_provider(
    workspace: Workspace, name: str, change: Callable[[Provider], Provider]
) -> Workspace:
    _provider(workspace, name)
    return replace(workspace, providers=_replace_named(workspace.providers, name, change))


# --- providers ---------------------------------------------------------------------------------


def add_provider(workspace: Workspace, name: str, *, after: str | None = None) -> Workspace:
    """A new, empty provider, placed after `after` (or last)."""
    provider = Provider(name=_provider_name(workspace, name), id=new_item_id(item_ids(workspace)))
    return replace(workspace, providers=_insert_after(workspace.providers, provider, after))


def rename_provider(workspace: Workspace, old: str, new: str) -> Renamed:
    """Rename a provider; its stored private values, and the parameters chained from its
    calls, move with it."""
    provider = _provider(workspace, old)
    return replace_provider(workspace, old, replace(provider, name=new))


def duplicate_provider(workspace: Workspace, name: str) -> tuple[Renamed, str]:
    """A copy of the provider right after it, named "NAME copy", with copies of its stored
    private values; returns the copy's name too."""
    provider = _provider(workspace, name)
    copy_name = unique_name(f"{name} copy", [p.name for p in workspace.providers])
    taken = item_ids(workspace)
    copy = replace(
        provider,
        name=copy_name,
        id=_fresh_id(taken),
        calls=tuple(replace(call, id=_fresh_id(taken)) for call in provider.calls),
    )
    copies = tuple(
        SecretCopy(value.address, copied.address)
        for value, copied in zip(
            provider_private_values(provider), provider_private_values(copy), strict=True
        )
    )
    edited = replace(workspace, providers=_insert_after(workspace.providers, copy, name))
    return Renamed(edited, copies), copy_name


def delete_provider(workspace: Workspace, name: str) -> Renamed:
    """Delete a provider and its calls; its stored private values (and cached token) go too.

    EditError when a call of another provider takes a value from one of its calls.
    """
    provider = _provider(workspace, name)
    _refuse_if_chained(
        f"the provider {name!r}",
        [
            (dependent, call, parameter)
            for source in provider.calls
            for dependent, call, parameter in chained_from(workspace, name, source.name)
            if dependent.name != name
        ],
    )
    addresses = [value.address for value in provider_private_values(provider)]
    removals = tuple(SecretRemoval(a) for a in (*addresses, SecretAddress.token(provider)))
    edited = replace(workspace, providers=tuple(p for p in workspace.providers if p.name != name))
    return Renamed(edited, removals)


def move_provider(workspace: Workspace, name: str, offset: int) -> Workspace:
    """Move a provider `offset` places (negative: up), stopping at either end."""
    _provider(workspace, name)
    return replace(workspace, providers=_moved(workspace.providers, name, offset))


def replace_provider(workspace: Workspace, old_name: str, provider: Provider) -> Renamed:
    """Put an edited provider in place of `old_name`, keeping the workspace's own calls.

    The provider editor does not edit calls; keeping the workspace's calls means
    an editor that loaded the provider earlier can never undo a call edit.
    """
    _provider(workspace, old_name)
    new_name = _provider_name(workspace, provider.name, current=old_name)
    if new_name != old_name:
        workspace = retarget_provider_sources(workspace, old_name, new_name)
    current = _provider(workspace, old_name)
    # The id is the workspace's, whatever the editor made: it is what the values are kept by.
    edited = replace(provider, name=new_name, calls=current.calls, id=current.id)
    moves = tuple(
        SecretMove(old.address, new.address)
        for old, new in zip(
            provider_private_values(current), provider_private_values(edited), strict=True
        )
        if old.address.store_key != new.address.store_key
    )
    return Renamed(_with_provider(workspace, old_name, lambda _: edited), moves)


# --- calls -------------------------------------------------------------------------------------


def add_call(
    workspace: Workspace, provider_name: str, name: str, *, after: str | None = None
) -> Workspace:
    """A new GET call with an empty URL, placed after `after` (or last) in its provider."""
    provider = _provider(workspace, provider_name)
    call = Call(name=_call_name(provider, name), id=new_item_id(item_ids(workspace)))
    return _with_provider(
        workspace,
        provider_name,
        lambda p: replace(p, calls=_insert_after(p.calls, call, after)),
    )


def rename_call(workspace: Workspace, provider_name: str, old: str, new: str) -> Renamed:
    """Rename a call; its own stored private values, and the parameters chained from it,
    move with it."""
    call = _call(_provider(workspace, provider_name), old)
    return replace_call(workspace, provider_name, old, replace(call, name=new))


def duplicate_call(workspace: Workspace, provider_name: str, name: str) -> tuple[Renamed, str]:
    """A copy of the call right after it, named "NAME copy", with copies of its own stored
    private values; returns the copy's name too."""
    provider = _provider(workspace, provider_name)
    call = _call(provider, name)
    copy_name = unique_name(f"{name} copy", [c.name for c in provider.calls])
    copy = replace(call, name=copy_name, id=new_item_id(item_ids(workspace)))
    edited = _with_provider(
        workspace, provider_name, lambda p: replace(p, calls=_insert_after(p.calls, copy, name))
    )
    copies = tuple(
        SecretCopy(old, new)
        for old, new in zip(
            _call_addresses(provider, call), _call_addresses(provider, copy), strict=True
        )
    )
    return Renamed(edited, copies), copy_name


def delete_call(workspace: Workspace, provider_name: str, name: str) -> Renamed:
    """Delete a call; its own stored private values go too.

    EditError when another call takes a value from it.
    """
    provider = _provider(workspace, provider_name)
    call = _call(provider, name)
    dependents = chained_from(workspace, provider_name, name)
    _refuse_if_chained(f"the call {full_name(provider_name, name)!r}", dependents)
    edited = _with_provider(
        workspace,
        provider_name,
        lambda p: replace(p, calls=tuple(c for c in p.calls if c.name != name)),
    )
    removals = tuple(SecretRemoval(address) for address in _call_addresses(provider, call))
    return Renamed(edited, removals)


def move_call(workspace: Workspace, provider_name: str, name: str, offset: int) -> Workspace:
    """Move a call `offset` places within its provider (negative: up), stopping at either end."""
    _call(_provider(workspace, provider_name), name)
    return _with_provider(
        workspace, provider_name, lambda p: replace(p, calls=_moved(p.calls, name, offset))
    )


def replace_call(workspace: Workspace, provider_name: str, old_name: str, call: Call) -> Renamed:
    """Put an edited call in place of `old_name`; a new name moves the call's private values."""
    provider = _provider(workspace, provider_name)
    current = _call(provider, old_name)
    new_name = _call_name(provider, call.name, current=old_name)
    if new_name != old_name:
        workspace = retarget_sources(workspace, provider_name, old_name, new_name)
    edited = replace(call, name=new_name, id=current.id)  # the id is the workspace's
    moves = _call_moves(provider, current, edited)
    return Renamed(
        _with_provider(
            workspace,
            provider_name,
            lambda p: replace(p, calls=_replace_named(p.calls, old_name, lambda _: edited)),
        ),
        moves,
    )


def _call_moves(provider: Provider, current: Call, edited: Call) -> tuple[SecretMove, ...]:
    """Moves for `current`'s values that are kept under another key as `edited`'s: none
    for a call with an id, all of them for one without an id that was renamed."""
    return tuple(
        SecretMove(old, new)
        for old, new in zip(
            _call_addresses(provider, current),
            _call_addresses(provider, replace(current, name=edited.name)),
            strict=True,
        )
        if old.store_key != new.store_key
    )


def _call_addresses(provider: Provider, call: Call) -> list[SecretAddress]:
    """The addresses of the call's own private values."""
    return [SecretAddress.header(provider, h.name, call) for h in call.headers if h.private] + [
        SecretAddress.parameter(provider, p.name, call) for p in call.parameters if p.private
    ]


def _fresh_id(taken: set[str]) -> str:
    """A new id not in `taken`, which then holds it."""
    found = new_item_id(taken)
    taken.add(found)
    return found


# --- chains ------------------------------------------------------------------------------------

_LISTED_DEPENDENTS = 3


def _refuse_if_chained(what: str, dependents: Sequence[tuple[Provider, Call, Parameter]]) -> None:
    """EditError naming the chained parameters that would be left without a source."""
    if not dependents:
        return
    named = [
        f"{parameter.name!r} of {full_name(provider, call)!r}"
        for provider, call, parameter in dependents
    ]
    listed = ", ".join(named[:_LISTED_DEPENDENTS])
    if len(named) > _LISTED_DEPENDENTS:
        listed += f" and {len(named) - _LISTED_DEPENDENTS} more"
    if len(named) == 1:
        problem = f"the parameter {listed} takes its value from it"
        fix = "Chain that parameter from another call, or remove it, first."
    else:
        problem = f"{len(named)} parameters take their values from it: {listed}"
        fix = "Chain them from another call, or remove them, first."
    raise EditError(f"Cannot delete {what}: {problem}. {fix}")
