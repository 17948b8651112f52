"""Chaining from the TUI: `u` on a value of the JSON tree makes it a parameter of another call.

The response view shows the result of the call `SendFlow` sent last
(`SendFlow.shown`); a node of its JSON tree is a path into that call's data.
Two palettes (fuzzy, keys only) pick the call that takes the value, then
which of its parameters, or a new one; `workbench.core.workspace.chaining.chain_parameter`
makes the edit, applied to the document like every other edit: in memory,
written by ctrl+s. Only a data call's response can be a source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from workbench.core.errors import ChainError
from workbench.core.secrets import SecretAddress, parameter_field
from workbench.core.shape import JsonPath, PathError, lookup, path_text
from workbench.core.workspace import (
    Call,
    CallKey,
    Parameter,
    Renamed,
    SecretChange,
    SecretRemoval,
    UseAs,
    WorkspaceDocument,
    chain_parameter,
    full_name,
    value_for,
)
from workbench.ui.commands import Candidate

if TYPE_CHECKING:
    from workbench.core.sending import CallResult
    from workbench.ui.screens.main import MainScreen


@dataclass(frozen=True)
class ChainSource:
    """A value to chain: the data call whose response holds it and its path in that data."""

    document: WorkspaceDocument
    provider: str
    call: str
    path: str  # into the call's data, which wraps the body with include_errors/capture_headers
    environment: str

    @property
    def key(self) -> CallKey:
        return self.provider, self.call

    @property
    def described(self) -> str:
        """Like `Demo/List users data[0].id`."""
        return f"{full_name(self.provider, self.call)} {self.path or '(the whole response)'}"


def chain_source(
    shown: tuple[WorkspaceDocument, CallResult] | None, path: JsonPath | None
) -> ChainSource | str:
    """The source for the value at `path` of the JSON tree, or why it cannot be one."""
    if shown is None:
        return "No response to take a value from: send a data call, then press u on a value."
    document, result = shown
    name = result.name
    if path is None:
        return f"Put the JSON tree's cursor on a value of {name}'s response first."
    provider = document.workspace.provider(result.provider.name)
    call = provider.call(result.call.name) if provider else None
    if call is None:
        return f"{name} is not in the workspace any more: send the call again."
    if UseAs.ACTION in (call.use_as, result.call.use_as):
        return (
            f"This response is from {name}, an action call: only a data call's response can "
            "give a parameter its value (workbench never sends an action on its own)."
        )
    if not result.has_data:
        return f"{name}'s response has no data to take a value from: {result.data_error}"
    options = result.call.options
    wrapped = (options.include_errors or options.capture_headers) and isinstance(result.data, dict)
    data_path = path_text(("body", *path) if wrapped else path)
    try:
        lookup(result.data, data_path)
    except PathError as error:
        return f"{name}'s data has no value at {data_path or 'the root'}: {error}"
    provider_name, environment = result.provider.name, result.environment
    return ChainSource(document, provider_name, result.call.name, data_path, environment)


def default_name(path: JsonPath) -> str:
    """The parameter name a value suggests: its key (`id` for `data[0].id`)."""
    return next((part for part in reversed(path) if isinstance(part, str)), "value")


def choices(
    candidates: Sequence[Candidate], typed: Callable[[str], Candidate | None]
) -> type[Provider]:
    """A palette provider offering `candidates`, plus what `typed` makes of the query."""

    class Choices(Provider):
        async def discover(self) -> Hits:
            for candidate in candidates:
                # Names and URLs are not markup: `[id]` is a placeholder, not a style.
                shown, help = Content(candidate.text), escape(candidate.help)
                yield DiscoveryHit(shown, candidate.run, text=candidate.text, help=help)

        async def search(self, query: str) -> Hits:
            matcher = self.matcher(query)
            for candidate in candidates:
                score = matcher.match(candidate.text)
                if score > 0:
                    text = matcher.highlight(candidate.text)
                    yield Hit(score, text, candidate.run, help=escape(candidate.help))
            extra = typed(query)
            if extra is not None:  # last: a name typed is a new one
                shown, help = Content(extra.text), escape(extra.help)
                yield Hit(0.01, shown, extra.run, text=extra.text, help=help)

    return Choices


def _no_typed(query: str) -> None:
    return None


class ChainFlow:
    """Picks the call and parameter that take a value of the shown response, and chains them."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def use_value(self, path: JsonPath | None) -> None:
        """Start from the value at `path` of the JSON tree (None: the cursor is on none)."""
        self.screen.sync_editor()
        source = chain_source(self.screen.sender.shown, path)
        if isinstance(source, str):
            self.screen.notify(source, severity="warning", markup=False)
            return
        assert path is not None
        targets = list(self._targets(source, default_name(path)))
        if not targets:
            self.screen.notify(
                f"No other call of {source.document.workspace.name} can take this value.",
                severity="warning",
                markup=False,
            )
            return
        placeholder = f"Use {source.described} in which call?"
        self._palette(choices(targets, _no_typed), placeholder)

    def _targets(self, source: ChainSource, name: str) -> Iterable[Candidate]:
        """The calls that may take the value: all but the source and those it would circle."""
        workspace = source.document.workspace
        for provider in workspace.providers:
            for call in provider.calls:
                target = (provider.name, call.name)
                try:
                    chain_parameter(workspace, target, name, source.key, source.path)
                except (ChainError, PathError):
                    continue
                takes = ", ".join(p.name for p in call.parameters) or "no parameters yet"
                yield Candidate(
                    full_name(provider.name, call.name),
                    f"{call.method.value} {call.url} · {call.use_as.value} · {takes}",
                    partial(self._pick_parameter, source, target, call, name),
                )

    def _pick_parameter(self, source: ChainSource, target: CallKey, call: Call, name: str) -> None:
        taken = {p.name for p in call.parameters}
        environment = source.environment
        candidates = [
            Candidate(p.name, _replaces(p, environment), self._chainer(source, target, p.name))
            for p in call.parameters
        ]
        if name not in taken:
            candidates.append(self._new(source, target, name))

        def typed(query: str) -> Candidate | None:
            query = query.strip()
            if not query or query in taken or query == name:
                return None
            return self._new(source, target, query)

        self._palette(choices(candidates, typed), f"…as which parameter of {full_name(*target)}?")

    def _new(self, source: ChainSource, target: CallKey, name: str) -> Candidate:
        help = f"adds the parameter {name} to {full_name(*target)}"
        return Candidate(f"New parameter named {name}", help, self._chainer(source, target, name))

    def _chainer(self, source: ChainSource, target: CallKey, name: str) -> Callable[[], None]:
        return partial(self._chain, source, target, name)

    def _palette(self, provider: type[Provider], placeholder: str) -> None:
        self.screen.app.push_screen(CommandPalette([provider], placeholder=placeholder))

    def _chain(self, source: ChainSource, target: CallKey, name: str) -> None:
        screen, document = self.screen, source.document
        screen.sync_editor()
        workspace = document.workspace
        try:
            chained = chain_parameter(workspace, target, name, source.key, source.path)
        except (ChainError, PathError) as error:
            screen.notify(f"Not chained: {error}", severity="error", markup=False)
            return
        # A private parameter that is chained now has no stored value: forget it at save.
        provider = workspace.provider(target[0])
        call = provider.call(target[1]) if provider else None
        was = next((p for p in call.parameters if p.name == name), None) if call else None
        moves: tuple[SecretChange, ...] = ()
        if was is not None and was.private:
            moves = (SecretRemoval(SecretAddress(target[0], parameter_field(name, target[1]))),)
        screen.apply_edit(document, Renamed(chained, moves), screen.selected)
        screen.notify(
            f"{full_name(*target)}: {name} ← {source.described} (ctrl+s saves it)", markup=False
        )


def _replaces(parameter: Parameter, environment: str) -> str:
    """What chaining does to an existing parameter, for its help line."""
    if parameter.source is not None:
        return f"now from {parameter.source.call} {parameter.source.path}"
    if parameter.private:
        return "private now: its stored value is forgotten when you save"
    value = value_for(parameter.value, environment)
    return f"replaces its value {value}" if value else "has no value now"
