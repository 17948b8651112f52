"""Editing a workspace's environments and the values that differ between them.

An environment is added, renamed, removed or made the default (the first);
a rename carries every per-environment value of the file along, and the
stored private values with it (`EnvironmentRename`, applied by the
document). `value_slots` lists every non-private value of the workspace that
can differ per environment (base URLs, authentication settings, headers,
parameters), and `set_slot` gives one of them a text in one environment: a
plain value becomes per-environment when the environments start to differ,
and plain again when they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from workbench.core.workspace.editing import EditError, EnvironmentRename, Renamed
from workbench.core.workspace.model import (
    Call,
    Header,
    Parameter,
    PerEnvironment,
    Provider,
    Value,
    Workspace,
)

Owner = TypeVar("Owner", Provider, Call)  # what has headers and parameters


# --- the list of environments ------------------------------------------------------------------


def environment_problem(workspace: Workspace, name: str, current: str | None = None) -> str | None:
    """Why `name` cannot name an environment (None: it can); `current` is the one renamed."""
    if not name.strip():
        return "An environment needs a name."
    if name != name.strip():
        return "An environment name has no spaces around it."
    if name != current and name in workspace.environments:
        return f"There is already an environment '{name}'."
    return None


def _checked(workspace: Workspace, name: str, current: str | None = None) -> None:
    problem = environment_problem(workspace, name, current)
    if problem is not None:
        raise EditError(problem)


def add_environment(workspace: Workspace, name: str) -> Workspace:
    """`workspace` with the environment `name` last (per-environment values have no entry for
    it until one is given)."""
    _checked(workspace, name)
    return replace(workspace, environments=(*workspace.environments, name))


def rename_environment(workspace: Workspace, old: str, new: str) -> Renamed:
    """`workspace` with `old` called `new` everywhere, and the stored values moved along."""
    _checked(workspace, new, old)
    if old == new:
        return Renamed(workspace)
    environments = tuple(new if name == old else name for name in workspace.environments)

    def renamed(value: Value) -> Value:
        if isinstance(value, PerEnvironment) and old in value.values:
            return PerEnvironment({new if k == old else k: v for k, v in value.values.items()})
        return value

    workspace = replace(map_values(workspace, renamed), environments=environments)
    return Renamed(workspace, (EnvironmentRename(old, new),))


def remove_environment(workspace: Workspace, name: str) -> Workspace:
    """`workspace` without `name` and its entries of per-environment values (its stored
    private values stay in the store, listed by `workbench secret list`)."""
    if len(workspace.environments) == 1:
        raise EditError("A workspace needs at least one environment.")
    environments = tuple(e for e in workspace.environments if e != name)

    def without(value: Value) -> Value:
        if isinstance(value, PerEnvironment) and name in value.values:
            return simplest({k: v for k, v in value.values.items() if k != name}, environments)
        return value

    return replace(map_values(workspace, without), environments=environments)


def make_default(workspace: Workspace, name: str) -> Workspace:
    """`workspace` with `name` first: the environment calls go to unless another is chosen."""
    others = tuple(e for e in workspace.environments if e != name)
    return replace(workspace, environments=(name, *others))


# --- values that differ per environment ----------------------------------------------------------


@dataclass(frozen=True)
class ValueSlot:
    """One non-private value of the workspace: where it is, and how it reads in a list."""

    provider: str
    call: str | None  # None: the provider's own
    kind: str  # "base_url", "auth", "header" or "parameter"
    name: str  # the setting, header or parameter name ("" for the base URL)

    @property
    def label(self) -> str:
        owner = f"{self.provider}/{self.call}" if self.call else self.provider
        what = {"base_url": "base URL", "parameter": "param"}.get(self.kind, self.kind)
        return f"{owner} · {what} {self.name}".rstrip()


def value_slots(workspace: Workspace) -> Iterator[tuple[ValueSlot, Value]]:
    """Every non-private value of the workspace, in file order, with its value."""
    for provider in workspace.providers:
        yield ValueSlot(provider.name, None, "base_url", ""), provider.base_url
        for setting, value in provider.auth.settings.items():
            yield ValueSlot(provider.name, None, "auth", setting), value
        yield from _row_slots(provider.name, None, provider.headers, provider.parameters)
        for call in provider.calls:
            yield from _row_slots(provider.name, call.name, call.headers, call.parameters)


def _row_slots(
    provider: str, call: str | None, headers: tuple[Header, ...], parameters: tuple[Parameter, ...]
) -> Iterator[tuple[ValueSlot, Value]]:
    for header in headers:
        if not header.private:
            yield ValueSlot(provider, call, "header", header.name), header.value
    for parameter in parameters:
        if not (parameter.private or parameter.source is not None):
            yield ValueSlot(provider, call, "parameter", parameter.name), parameter.value


def value_in(value: Value, environment: str) -> str:
    """The text of `value` in `environment` ("" when it has none there)."""
    if isinstance(value, PerEnvironment):
        return value.values.get(environment, "")
    return value


def with_text(value: Value, environment: str, text: str, environments: tuple[str, ...]) -> Value:
    """`value` once `environment` has `text`: the other environments keep what they had."""
    values = {e: value_in(value, e) for e in environments}
    values[environment] = text
    return simplest(values, environments)


def simplest(values: Mapping[str, str], environments: tuple[str, ...]) -> Value:
    """One text when every environment has the same, else the per-environment entries."""
    texts = {values.get(e, "") for e in environments}
    if len(texts) == 1 and all(e in values for e in environments):
        return texts.pop()
    return PerEnvironment({e: values[e] for e in environments if e in values})


def set_slot(workspace: Workspace, slot: ValueSlot, environment: str, text: str) -> Workspace:
    """`workspace` with `slot`'s value set to `text` in `environment`."""
    environments = workspace.environments

    def change(value: Value) -> Value:
        return with_text(value, environment, text, environments)

    return change_slot(workspace, slot, change)


def change_slot(
    workspace: Workspace, slot: ValueSlot, change: Callable[[Value], Value]
) -> Workspace:
    """`workspace` with `change` applied to `slot`'s value (nothing changes when the slot is
    not there)."""
    providers = tuple(
        _set_in_provider(p, slot, change) if p.name == slot.provider else p
        for p in workspace.providers
    )
    return replace(workspace, providers=providers)


def _set_in_provider(
    provider: Provider, slot: ValueSlot, change: Callable[[Value], Value]
) -> Provider:
    if slot.call is not None:
        calls = tuple(
            _set_in_rows(c, slot, change) if c.name == slot.call else c for c in provider.calls
        )
        return replace(provider, calls=calls)
    if slot.kind == "base_url":
        return replace(provider, base_url=change(provider.base_url))
    if slot.kind == "auth":
        settings = dict(provider.auth.settings)
        settings[slot.name] = change(settings.get(slot.name, ""))
        return replace(provider, auth=replace(provider.auth, settings=settings))
    return _set_in_rows(provider, slot, change)


def _set_in_rows(owner: Owner, slot: ValueSlot, change: Callable[[Value], Value]) -> Owner:
    if slot.kind == "header":
        headers = tuple(
            replace(h, value=change(h.value)) if h.name == slot.name else h for h in owner.headers
        )
        return replace(owner, headers=headers)
    parameters = tuple(
        replace(p, value=change(p.value)) if p.name == slot.name else p for p in owner.parameters
    )
    return replace(owner, parameters=parameters)


def map_values(workspace: Workspace, change: Callable[[Value], Value]) -> Workspace:
    """`workspace` with `change` applied to every value that may be per-environment."""

    def rows(owner: Owner) -> Owner:
        return replace(
            owner,
            headers=tuple(replace(h, value=change(h.value)) for h in owner.headers),
            parameters=tuple(replace(p, value=change(p.value)) for p in owner.parameters),
        )

    providers = tuple(
        replace(
            rows(provider),
            base_url=change(provider.base_url),
            auth=replace(
                provider.auth,
                settings={name: change(value) for name, value in provider.auth.settings.items()},
            ),
            calls=tuple(rows(call) for call in provider.calls),
        )
        for provider in workspace.providers
    )
    return replace(workspace, providers=providers)
