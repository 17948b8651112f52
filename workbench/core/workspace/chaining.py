"""Chaining: a parameter that takes its value from a field of a data call's latest response.

In a workspace file a chained parameter names its source call and a path:

    { name = "id", from = "List users", path = "data[0].id" }

`from` is a call of the same provider, or `Provider/Call` for another
provider's (a call of the same provider with that very name wins). Only
data calls can be sources: a source without a response yet is sent first,
and workbench never sends an action call on its own. A call cannot take a
value from itself, and chains cannot go round in a circle.

This module finds source calls and checks those rules; the workspace reader
runs the checks on every chained parameter, so a workspace that loads (or
saves) follows them. `Session.run_call` resolves the values at send time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from workbench.core.errors import ChainError, WorkbenchError
from workbench.core.shape.json_path import Item, PathError, parse_path
from workbench.core.workspace.model import Call, Parameter, Provider, UseAs, ValueSource, Workspace
from workbench.core.workspace.values import did_you_mean

# (provider name, call name): calls are compared by name, the model objects are immutable.
CallKey = tuple[str, str]


def full_name(provider: Provider | str, call: Call | str) -> str:
    """`Provider/Call`, as the CLI and messages name a call."""
    provider_name = provider if isinstance(provider, str) else provider.name
    call_name = call if isinstance(call, str) else call.name
    return f"{provider_name}/{call_name}"


class CallNotFound(WorkbenchError):
    """A `Provider/Call` name that names nothing in the workspace."""


def locate_call(workspace: Workspace, name: str) -> tuple[Provider, Call] | None:
    """The provider and call `full_name` gives `name`, or None. Provider names hold no `/`
    (the loader and `editing` refuse it), so the first `/` ends the provider's name."""
    provider_name, _, call_name = name.partition("/")
    provider = workspace.provider(provider_name)
    call = provider.call(call_name) if provider else None
    return (provider, call) if provider and call else None


def find_call(workspace: Workspace, name: str) -> tuple[Provider, Call]:
    """`locate_call`, or `CallNotFound` listing the workspace's calls."""
    found = locate_call(workspace, name)
    if found is not None:
        return found
    known = [full_name(p, c) for p in workspace.providers for c in p.calls]
    listing = "\n  ".join(known) if known else "(the workspace has no calls)"
    raise CallNotFound(f"No call {name!r} in workspace {workspace.name!r}. Calls:\n  {listing}")


def resolve_source(
    workspace: Workspace, provider: Provider, source: ValueSource
) -> tuple[Provider, Call]:
    """The call `source` names, seen from a call of `provider`; ChainError when there is none."""
    own = provider.call(source.call)
    if own is not None:
        return provider, own
    provider_name, slash, call_name = source.call.partition("/")
    if slash:
        other = workspace.provider(provider_name)
        if other is not None:
            found = other.call(call_name)
            if found is not None:
                return other, found
            raise ChainError(_no_call(other, call_name))
        # Provider names never contain "/", so this can only be a call of `provider`.
        extra = f', nor is there a provider "{provider_name}"'
    else:
        extra = ' (a call of another provider is written "Provider/Call")'
    raise ChainError(_no_call(provider, source.call, extra))


def check_source(
    workspace: Workspace, provider: Provider, call: Call, parameter: Parameter
) -> tuple[Provider, Call]:
    """The source call of a chained `parameter` of `call`, checked against the rules above.

    ChainError when the source is missing, is an action, is the call itself,
    or takes a value (directly or further along) from `call`.
    """
    if parameter.source is None:
        raise ValueError(f"parameter {parameter.name!r} is not chained")
    source_provider, source_call = resolve_source(workspace, provider, parameter.source)
    target = (provider.name, call.name)
    if (source_provider.name, source_call.name) == target:
        raise ChainError("a call cannot take a value from its own response")
    if source_call.use_as is UseAs.ACTION:
        raise ChainError(
            f'"{full_name(source_provider, source_call)}" is an action call; a value can only '
            "come from a data call, since a source without a response yet is sent first and "
            "workbench never sends an action on its own"
        )
    circle = _circle(workspace, source_provider, source_call, target)
    if circle is not None:
        trail = " -> ".join(f'"{name}"' for name in (full_name(*target), *circle))
        raise ChainError(f"the values would go round in a circle: {trail}")
    return source_provider, source_call


def chain_parameter(
    workspace: Workspace,
    target: CallKey,
    parameter_name: str,
    source: CallKey,
    path: str,
) -> Workspace:
    """`workspace` with the parameter `parameter_name` of the call `target` taking its value
    from `path` in the response of the call `source` (both `(provider, call)` names).

    For the UI's "use this value in another call" on a node of a response: the
    parameter is added when the call has none of that name, and loses its test
    value and private flag (a chained parameter has neither). ChainError when
    the rules refuse the source; PathError when `path` is not a path.
    """
    check_source_path(path)
    provider = workspace.provider(target[0])
    call = provider.call(target[1]) if provider else None
    if provider is None or call is None:
        raise ChainError(f'there is no call "{full_name(*target)}"')
    named = source[1] if source[0] == provider.name else full_name(*source)
    chained = ValueSource(named, path)
    existing = next((p for p in call.parameters if p.name == parameter_name), None)
    if existing is None:
        parameter = Parameter(parameter_name, source=chained)
        parameters = (*call.parameters, parameter)
    else:
        parameter = replace(existing, value="", private=False, source=chained)
        parameters = tuple(parameter if p is existing else p for p in call.parameters)
    check_source(workspace, provider, call, parameter)
    edited = replace(call, parameters=parameters)
    calls = tuple(edited if c is call else c for c in provider.calls)
    providers = tuple(replace(p, calls=calls) if p is provider else p for p in workspace.providers)
    return replace(workspace, providers=providers)


def check_source_path(path: str) -> None:
    """PathError unless `path` leads to one value: a path whose list items have numbers."""
    segments = parse_path(path)
    if any(isinstance(s, Item) and s.index is None for s in segments):
        raise PathError(
            f"{path!r} names every item of a list; a value comes from one item, so give its "
            "number, like data[0].id"
        )


def chained_from(
    workspace: Workspace, provider_name: str, call_name: str
) -> list[tuple[Provider, Call, Parameter]]:
    """Every parameter that takes its value from the call `provider_name/call_name`.

    For the UI, to warn before that call is deleted or renamed: a workspace
    whose chained parameter names no call does not load or save.
    """
    found: list[tuple[Provider, Call, Parameter]] = []
    for provider, call, parameter in _chained_parameters(workspace):
        source = _resolved(workspace, provider, parameter)
        if source == (provider_name, call_name):
            found.append((provider, call, parameter))
    return found


def retarget_sources(
    workspace: Workspace, provider_name: str, old_call: str, new_call: str
) -> Workspace:
    """`workspace` with every parameter chained from `provider_name/old_call` naming
    `new_call` instead: call this with the workspace *before* renaming the call."""
    renamed = (provider_name, old_call)
    return _retarget(workspace, lambda key: (provider_name, new_call) if key == renamed else None)


def retarget_provider_sources(workspace: Workspace, old: str, new: str) -> Workspace:
    """`workspace` with every parameter chained from a call of the provider `old` naming
    that call as one of `new`: call this with the workspace *before* renaming the provider.

    Parameters of other providers name it `new/Call`; the provider's own use the
    short name, even those that spelled out `old/Call`.
    """
    return _retarget(workspace, lambda key: (new, key[1]) if key[0] == old else None)


def _retarget(workspace: Workspace, renamed: Callable[[CallKey], CallKey | None]) -> Workspace:
    """`workspace` with every chained parameter whose source call `renamed` gives a new
    `(provider, call)` naming that instead; untouched providers and calls stay the same objects.

    A source of the parameter's own provider is written with the call's short name,
    another provider's as `Provider/Call` (see `resolve_source`).
    """

    def retargeted(provider: Provider, parameter: Parameter) -> Parameter:
        key = _resolved(workspace, provider, parameter)
        new = None if key is None else renamed(key)
        if parameter.source is None or key is None or new is None:
            return parameter
        # Renaming never moves a call to another provider: "same provider" stays true.
        name = new[1] if key[0] == provider.name else full_name(*new)
        return replace(parameter, source=replace(parameter.source, call=name))

    def call_of(provider: Provider, call: Call) -> Call:
        parameters = tuple(retargeted(provider, p) for p in call.parameters)
        return call if parameters == call.parameters else replace(call, parameters=parameters)

    def provider_of(provider: Provider) -> Provider:
        calls = tuple(call_of(provider, c) for c in provider.calls)
        unchanged = all(new is old for new, old in zip(calls, provider.calls, strict=True))
        return provider if unchanged else replace(provider, calls=calls)

    providers = tuple(provider_of(p) for p in workspace.providers)
    if all(new is old for new, old in zip(providers, workspace.providers, strict=True)):
        return workspace
    return replace(workspace, providers=providers)


def _chained_parameters(workspace: Workspace) -> list[tuple[Provider, Call, Parameter]]:
    return [
        (provider, call, parameter)
        for provider in workspace.providers
        for call in provider.calls
        for parameter in call.parameters
        if parameter.source is not None
    ]


def _resolved(workspace: Workspace, provider: Provider, parameter: Parameter) -> CallKey | None:
    """The source of a chained parameter by name, or None when it names no call."""
    if parameter.source is None:
        return None
    try:
        source_provider, source_call = resolve_source(workspace, provider, parameter.source)
    except ChainError:
        return None  # reported for that parameter itself
    return source_provider.name, source_call.name


def _circle(
    workspace: Workspace, provider: Provider, call: Call, target: CallKey
) -> list[str] | None:
    """The names of a chain of sources from `call` back to `target`, or None when none leads
    there. Depth first over the sources' own chained parameters."""
    stack: list[tuple[Provider, Call, list[str]]] = [(provider, call, [full_name(provider, call)])]
    seen: set[CallKey] = set()
    while stack:
        current_provider, current, trail = stack.pop()
        if (current_provider.name, current.name) in seen:
            continue
        seen.add((current_provider.name, current.name))
        for parameter in current.parameters:
            key = _resolved(workspace, current_provider, parameter)
            if key is None:
                continue
            if key == target:
                return [*trail, full_name(*key)]
            next_provider = workspace.provider(key[0])
            next_call = next_provider.call(key[1]) if next_provider else None
            if next_provider is not None and next_call is not None:
                stack.append((next_provider, next_call, [*trail, full_name(*key)]))
    return None


def _no_call(provider: Provider, name: str, extra: str = "") -> str:
    message = f'provider "{provider.name}" has no call "{name}"'
    hint = did_you_mean(name, [c.name for c in provider.calls])
    return f"{message}; {hint}" if hint else message + extra
