"""Per-person overrides: one person's base URLs, environments and parameter test values, laid
over a shared workspace, and taken apart from it again when that person edits.

The shared file is what a team keeps in git. `NAME.local.toml` beside it, and a section of
the user's config file (`local_file` reads both), hold values for one person only.
`apply_overrides` lays them over the shared workspace: the result is what is shown, edited
and sent. `separate` takes an edited result back apart: the edit of an overridden value
changes the person's value, any other edit the shared workspace, so that saving never moves
an override into the shared file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType
from typing import TypeVar

from workbench.core.workspace.environments import (
    ValueSlot,
    change_slot,
    map_values,
    rename_environment,
    simplest,
    value_slots,
)
from workbench.core.workspace.model import (
    Call,
    Parameter,
    PerEnvironment,
    Provider,
    Value,
    Workspace,
    value_for,
)

# The values a person may override: a provider's base URL and parameters' test values.
OVERRIDABLE = ("base_url", "parameter")


@dataclass(frozen=True)
class Overrides:
    """One person's values for a workspace.

    `environments`: environments of this person's own, after the shared ones. `values`: base
    URLs and parameter values (`ValueSlot`s of kind "base_url" or "parameter"), each the same
    in every environment (a text) or for the environments it names (the others keep the
    shared value).
    """

    environments: tuple[str, ...] = ()
    values: Mapping[ValueSlot, Value] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __bool__(self) -> bool:
        return bool(self.environments or self.values)

    def covers(self, slot: ValueSlot, environment: str) -> bool:
        """Whether `slot` has this person's value in `environment`."""
        value = self.values.get(slot)
        if isinstance(value, PerEnvironment):
            return environment in value.values
        return value is not None


def slot_value(workspace: Workspace, slot: ValueSlot) -> Value | None:
    """The value of `slot` in `workspace`; None when it has no such slot that a person may
    override (no such provider, call or parameter, or a private or chained parameter)."""
    provider = workspace.provider(slot.provider)
    if provider is None or slot_problem(workspace, slot) is not None:
        return None
    if slot.kind == "base_url":
        return provider.base_url
    parameter = _parameter(provider, slot)
    return parameter.value if parameter is not None else None


def slot_problem(workspace: Workspace, slot: ValueSlot) -> str | None:
    """Why `slot` cannot take a person's value in `workspace` (None: it can)."""
    provider = workspace.provider(slot.provider)
    if provider is None:
        return f'the workspace has no provider "{slot.provider}"'
    if slot.kind == "base_url":
        return None
    if slot.call is not None and provider.call(slot.call) is None:
        return f'the provider "{slot.provider}" has no call "{slot.call}"'
    parameter = _parameter(provider, slot)
    owner = f'the call "{slot.provider}/{slot.call}"' if slot.call else f'"{slot.provider}"'
    if parameter is None:
        return f'{owner} has no parameter "{slot.name}"'
    if parameter.private:
        return f'the parameter "{slot.name}" of {owner} is private'
    if parameter.source is not None:
        return f'the parameter "{slot.name}" of {owner} takes its value from another call'
    return None


def _parameter(provider: Provider, slot: ValueSlot) -> Parameter | None:
    owner: Provider | Call | None = provider if slot.call is None else provider.call(slot.call)
    if owner is None:
        return None
    return next((p for p in owner.parameters if p.name == slot.name), None)


def environments_with(workspace: Workspace, overrides: Overrides) -> tuple[str, ...]:
    """The workspace's environments, then the person's own."""
    own = tuple(e for e in overrides.environments if e not in workspace.environments)
    return (*workspace.environments, *own)


def overlay(value: Value, over: Value, environments: Sequence[str]) -> Value:
    """`value` with `over` laid on it: a text everywhere, or the environments `over` names."""
    if isinstance(over, str):
        return over
    texts = {e: over.values[e] if e in over.values else value_for(value, e) for e in environments}
    return simplest({e: t for e, t in texts.items() if t is not None}, tuple(environments))


def apply_overrides(shared: Workspace, overrides: Overrides) -> Workspace:
    """The workspace a person uses: `shared` with their environments added and their values
    laid over the shared ones (an override of a slot that is not there is left out: see
    `slot_problem`)."""
    if not overrides:
        return shared
    environments = environments_with(shared, overrides)
    workspace = replace(shared, environments=environments)
    for slot, over in overrides.values.items():
        if slot_value(workspace, slot) is not None:
            workspace = change_slot(
                workspace, slot, partial(overlay, over=over, environments=environments)
            )
    return workspace


def combined(shared: Workspace, personal: Overrides, local: Overrides) -> Overrides:
    """The config file's overrides (`personal`) with the local file's laid on them."""
    own = Overrides(tuple(dict.fromkeys((*personal.environments, *local.environments))))
    return merge_overrides(personal, local, environments_with(shared, own))


def merge_overrides(under: Overrides, over: Overrides, environments: Sequence[str]) -> Overrides:
    """`under` (the config file's) with `over` (the local file's) laid on it."""
    values = dict(under.values)
    for slot, value in over.values.items():
        values[slot] = overlay(values[slot], value, environments) if slot in values else value
    added = tuple(e for e in over.environments if e not in under.environments)
    return Overrides((*under.environments, *added), values)


# --- taking an edited workspace apart ------------------------------------------------------------


def separate(
    old: Workspace,
    new: Workspace,
    shared: Workspace,
    overrides: Overrides,
    local: Overrides,
    renamed_environments: Iterable[tuple[str, str]] = (),
) -> tuple[Workspace, Overrides]:
    """The shared workspace and the person's local overrides after an edit.

    `old` is what the person used (`shared` with `overrides`, the config's and the local
    file's together, laid on it), `new` the same once edited; `local` the local file's own
    part, which gets the person's edits. An edit of a value (in an environment) that an
    override covers, or in an environment of the person's own, changes the local value;
    every other edit goes to `shared`. Renamed, moved and duplicated providers, calls and
    parameters take their overrides along. `renamed_environments`: (old, new) names of the
    environments the edit renamed.
    """
    if new == old:
        return shared, local
    for before, after in renamed_environments:
        if before in shared.environments:
            shared = rename_environment(shared, before, after).workspace
        old = rename_environment(old, before, after).workspace
        overrides = _renamed_environment(overrides, before, after)
        local = _renamed_environment(local, before, after)
    own = tuple(e for e in old.environments if e not in shared.environments)
    kept_own = tuple(e for e in own if e in new.environments)
    environments = new.environments
    moves = _slot_moves(old, new)
    merged = _moved(overrides.values, moves)
    person = dict(_moved(local.values, moves))
    result = new
    for slot, over in merged.items():
        edited = slot_value(new, slot)
        if edited is None:
            person.pop(slot, None)  # gone, or private or chained now: the override goes
            continue
        before_slot = moves.origin[slot]
        was = slot_value(old, before_slot)
        in_shared = slot_value(shared, before_slot)
        if was is None or in_shared is None:
            continue
        shared_value, change = _split(edited, was, in_shared, over, environments, own)
        result = change_slot(result, slot, _always(shared_value))
        if change is not None:
            person[slot] = overlay(person[slot], change, environments) if slot in person else change
    shared_environments = tuple(e for e in environments if e not in kept_own)
    for slot, edited in value_slots(new):
        if slot.kind not in OVERRIDABLE or slot in merged or not kept_own:
            continue
        origin = moves.origin.get(slot)
        was = slot_value(old, origin) if origin is not None else None
        change = _own_environment_edit(edited, was, kept_own)
        if change is None:
            continue
        person[slot] = overlay(person[slot], change, environments) if slot in person else change
        in_shared = slot_value(shared, origin) if origin is not None else None
        if in_shared is not None and all(
            value_for(edited, e) == value_for(in_shared, e) for e in shared_environments
        ):
            # Only the person's environments changed: the shared value stays as it was written.
            result = change_slot(result, slot, _always(in_shared))
    result = replace(_without(result, kept_own), environments=shared_environments)
    local_environments = tuple(e for e in local.environments if e in environments)
    return result, Overrides(local_environments, person)


def _split(
    edited: Value,
    was: Value,
    in_shared: Value,
    over: Value,
    environments: Sequence[str],
    own: Sequence[str],
) -> tuple[Value, Value | None]:
    """The shared value and the person's change of one overridden slot after an edit."""
    if edited == was:
        return in_shared, None
    to_person: dict[str, str] = {}
    to_shared: dict[str, str] = {}
    for environment in environments:
        now, before = value_for(edited, environment), value_for(was, environment)
        if now == before:
            continue
        if environment in own or _covers(over, environment):
            to_person[environment] = now or ""
        else:
            to_shared[environment] = now or ""
    shared_value = in_shared
    if to_shared:
        shared_environments = tuple(e for e in environments if e not in own)
        texts = {e: to_shared.get(e, value_for(in_shared, e)) for e in shared_environments}
        shared_value = simplest(
            {e: t for e, t in texts.items() if t is not None}, shared_environments
        )
    change: Value | None = None
    if to_person:
        everywhere = isinstance(edited, str) and len(to_person) == len(environments)
        change = edited if everywhere else PerEnvironment(to_person)
    return shared_value, change


def _own_environment_edit(edited: Value, was: Value | None, own: Sequence[str]) -> Value | None:
    """What the person gave a value that no override covers in their own environments."""
    if not isinstance(edited, PerEnvironment):
        return None
    changed = {
        e: edited.values[e]
        for e in own
        if e in edited.values and (was is None or value_for(was, e) != edited.values[e])
    }
    return PerEnvironment(changed) if changed else None


def _always(value: Value) -> Callable[[Value], Value]:
    return lambda _: value


def _covers(over: Value, environment: str) -> bool:
    return not isinstance(over, PerEnvironment) or environment in over.values


def _without(workspace: Workspace, environments: Sequence[str]) -> Workspace:
    """`workspace` with no entry for `environments` in its values (the person's own
    environments never reach the shared file)."""
    if not environments:
        return workspace
    shared = tuple(e for e in workspace.environments if e not in environments)

    def without(value: Value) -> Value:
        if isinstance(value, PerEnvironment) and any(e in value.values for e in environments):
            kept = {k: v for k, v in value.values.items() if k in shared}
            return simplest(kept, shared) if kept else ""
        return value

    return map_values(workspace, without)


def _renamed_environment(overrides: Overrides, before: str, after: str) -> Overrides:
    def renamed(value: Value) -> Value:
        if isinstance(value, PerEnvironment) and before in value.values:
            return PerEnvironment({after if k == before else k: v for k, v in value.values.items()})
        return value

    return Overrides(
        tuple(after if e == before else e for e in overrides.environments),
        {slot: renamed(value) for slot, value in overrides.values.items()},
    )


# --- where each slot went -------------------------------------------------------------------------


@dataclass(frozen=True)
class _SlotMoves:
    """Each slot of the edited workspace that was in the workspace before, with where it was
    (its provider, call or parameter renamed, or copied from it)."""

    origin: Mapping[ValueSlot, ValueSlot]

    def targets(self) -> dict[ValueSlot, list[ValueSlot]]:
        found: dict[ValueSlot, list[ValueSlot]] = {}
        for new, old in self.origin.items():
            found.setdefault(old, []).append(new)
        return found


def _moved(values: Mapping[ValueSlot, Value], moves: _SlotMoves) -> dict[ValueSlot, Value]:
    """`values` under the slots' names after the edit (a deleted slot's value is dropped)."""
    targets = moves.targets()
    return {new: value for old, value in values.items() for new in targets.get(old, ())}


def _slot_moves(old: Workspace, new: Workspace) -> _SlotMoves:
    origin: dict[ValueSlot, ValueSlot] = {}
    for before, after in _pairs(old.providers, new.providers):
        origin[ValueSlot(after.name, None, "base_url", "")] = ValueSlot(
            before.name, None, "base_url", ""
        )
        origin.update(_parameter_moves(before.name, after.name, None, None, before, after))
        for call_before, call_after in _pairs(before.calls, after.calls):
            origin.update(
                _parameter_moves(
                    before.name,
                    after.name,
                    call_before.name,
                    call_after.name,
                    call_before,
                    call_after,
                )
            )
    return _SlotMoves(origin)


def _parameter_moves(
    provider_before: str,
    provider_after: str,
    call_before: str | None,
    call_after: str | None,
    before: Provider | Call,
    after: Provider | Call,
) -> Iterator[tuple[ValueSlot, ValueSlot]]:
    for parameter_before, parameter_after in _pairs(before.parameters, after.parameters):
        yield (
            ValueSlot(provider_after, call_after, "parameter", parameter_after.name),
            ValueSlot(provider_before, call_before, "parameter", parameter_before.name),
        )


Item = TypeVar("Item", Provider, Call, Parameter)


def _as(item: Item, other: Item) -> Item:
    """`item` with `other`'s name, and id where items have one."""
    if isinstance(item, Parameter):
        return replace(item, name=other.name)
    return replace(item, name=other.name, id=other.id)


def _pairs(olds: Sequence[Item], news: Sequence[Item]) -> Iterator[tuple[Item, Item]]:
    """Each item after an edit with the item it was: the same name; else, the lists being as
    long, the item at the same place whose name is gone (renamed); else an item equal but
    for the name and the id (duplicated: a copy gets an id of its own)."""
    old_names = {item.name for item in olds}
    new_names = {item.name for item in news}
    by_name = {item.name: item for item in olds}
    for index, item in enumerate(news):
        if item.name in by_name:
            yield by_name[item.name], item
        elif len(olds) == len(news) and olds[index].name not in new_names:
            yield olds[index], item
        else:
            copied = next((o for o in olds if _as(item, o) == o), None)
            if copied is not None and copied.name in old_names:
                yield copied, item
