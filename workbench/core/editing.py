"""Editing providers and calls: each function takes a frozen `Workspace` and returns a new one.

The TUI's tree and command palette call these; nothing here touches files or
the secret store. Private values are stored under the provider's and the
call's names, so a rename also returns the `SecretMove`s that let the caller
carry the stored values along.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from workbench.core.errors import WorkbenchError
from workbench.core.model import Call, Provider, Workspace
from workbench.core.private_values import provider_private_values
from workbench.core.secrets import SecretAddress, header_field, parameter_field

__all__ = [
    "EditError",
    "Renamed",
    "SecretMove",
    "add_call",
    "add_provider",
    "delete_call",
    "delete_provider",
    "duplicate_call",
    "duplicate_provider",
    "locate_call",
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
    """An edit that would break the workspace: an empty, invalid or duplicate name."""


@dataclass(frozen=True)
class SecretMove:
    """A stored private value that has to move because its provider or call was renamed."""

    old: SecretAddress
    new: SecretAddress


@dataclass(frozen=True)
class Renamed:
    """The workspace after an edit that may rename something, and the private values to move."""

    workspace: Workspace
    moves: tuple[SecretMove, ...] = ()


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


def locate_call(workspace: Workspace, name: str) -> tuple[Provider, Call] | None:
    """The provider and call named `Provider/Call`; names may hold `/`, so every split is tried."""
    for index, char in enumerate(name):
        if char != "/":
            continue
        provider = workspace.provider(name[:index])
        call = provider.call(name[index + 1 :]) if provider else None
        if provider and call:
            return provider, call
    return None


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
    provider = Provider(name=_provider_name(workspace, name))
    return replace(workspace, providers=_insert_after(workspace.providers, provider, after))


def rename_provider(workspace: Workspace, old: str, new: str) -> Renamed:
    """Rename a provider; its stored private values move with it."""
    provider = _provider(workspace, old)
    return replace_provider(workspace, old, replace(provider, name=new))


def duplicate_provider(workspace: Workspace, name: str) -> tuple[Workspace, str]:
    """A copy of the provider right after it, named "NAME copy"; returns the copy's name."""
    provider = _provider(workspace, name)
    copy_name = unique_name(f"{name} copy", [p.name for p in workspace.providers])
    copy = replace(provider, name=copy_name)
    return replace(workspace, providers=_insert_after(workspace.providers, copy, name)), copy_name


def delete_provider(workspace: Workspace, name: str) -> Workspace:
    _provider(workspace, name)
    return replace(workspace, providers=tuple(p for p in workspace.providers if p.name != name))


def move_provider(workspace: Workspace, name: str, offset: int) -> Workspace:
    """Move a provider `offset` places (negative: up), stopping at either end."""
    _provider(workspace, name)
    return replace(workspace, providers=_moved(workspace.providers, name, offset))


def replace_provider(workspace: Workspace, old_name: str, provider: Provider) -> Renamed:
    """Put an edited provider in place of `old_name`, keeping the workspace's own calls.

    The provider editor does not edit calls; keeping the workspace's calls means
    an editor that loaded the provider earlier can never undo a call edit.
    """
    current = _provider(workspace, old_name)
    new_name = _provider_name(workspace, provider.name, current=old_name)
    edited = replace(provider, name=new_name, calls=current.calls)
    moves = tuple(
        SecretMove(value.address, SecretAddress(new_name, value.address.field))
        for value in provider_private_values(current)
        if new_name != old_name
    )
    return Renamed(_with_provider(workspace, old_name, lambda _: edited), moves)


# --- calls -------------------------------------------------------------------------------------


def add_call(
    workspace: Workspace, provider_name: str, name: str, *, after: str | None = None
) -> Workspace:
    """A new GET call with an empty URL, placed after `after` (or last) in its provider."""
    provider = _provider(workspace, provider_name)
    call = Call(name=_call_name(provider, name))
    return _with_provider(
        workspace,
        provider_name,
        lambda p: replace(p, calls=_insert_after(p.calls, call, after)),
    )


def rename_call(workspace: Workspace, provider_name: str, old: str, new: str) -> Renamed:
    """Rename a call; its own stored private values move with it."""
    call = _call(_provider(workspace, provider_name), old)
    return replace_call(workspace, provider_name, old, replace(call, name=new))


def duplicate_call(workspace: Workspace, provider_name: str, name: str) -> tuple[Workspace, str]:
    """A copy of the call right after it, named "NAME copy"; returns the copy's name."""
    provider = _provider(workspace, provider_name)
    call = _call(provider, name)
    copy_name = unique_name(f"{name} copy", [c.name for c in provider.calls])
    copy = replace(call, name=copy_name)
    edited = _with_provider(
        workspace, provider_name, lambda p: replace(p, calls=_insert_after(p.calls, copy, name))
    )
    return edited, copy_name


def delete_call(workspace: Workspace, provider_name: str, name: str) -> Workspace:
    _call(_provider(workspace, provider_name), name)
    return _with_provider(
        workspace,
        provider_name,
        lambda p: replace(p, calls=tuple(c for c in p.calls if c.name != name)),
    )


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
    edited = replace(call, name=new_name)
    moves = () if new_name == old_name else _call_moves(provider.name, current, new_name)
    return Renamed(
        _with_provider(
            workspace,
            provider_name,
            lambda p: replace(p, calls=_replace_named(p.calls, old_name, lambda _: edited)),
        ),
        moves,
    )


def _call_moves(provider: str, call: Call, new_name: str) -> tuple[SecretMove, ...]:
    fields = [
        (header_field(h.name, call.name), header_field(h.name, new_name))
        for h in call.headers
        if h.private
    ] + [
        (parameter_field(p.name, call.name), parameter_field(p.name, new_name))
        for p in call.parameters
        if p.private
    ]
    return tuple(
        SecretMove(SecretAddress(provider, old), SecretAddress(provider, new))
        for old, new in fields
    )
