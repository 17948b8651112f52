"""Chaining from the response: a value of the shown answer becomes a parameter of another call.

The response area shows the selected call's latest result (`Desk.shown_answer`);
a value in it is a path into that call's data. The user picks the call that
takes the value, then which of its parameters (or a new one);
`workbench.core.workspace.chaining.chain_parameter` makes the edit, applied
to the document like every other edit: in memory, saved with the rest.
Only a data call's response can be a source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.desk.ask import Candidate
from workbench.core.errors import ChainError
from workbench.core.secrets.store import SecretAddress
from workbench.core.shape.json_path import JsonPath, PathError, lookup, path_text
from workbench.core.workspace.chaining import CallKey, chain_parameter, full_name
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.editing import Renamed, SecretChange, SecretRemoval
from workbench.core.workspace.model import Call, Parameter, UseAs, value_for

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk
    from workbench.core.sending.session import CallResult


@dataclass(frozen=True)
class ChainSource:
    """A value to chain: the data call whose response holds it and its path in that data."""

    document: WorkspaceDocument
    provider: str
    call: str
    path: str  # into the call's data (which wraps the body with include_errors/capture_headers)
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
    """The source for the value at `path` of the shown data, or why it cannot be one."""
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
    data_path = path_text(path)  # the JSON tab shows the call's data, wrapped or not
    try:
        lookup(result.data, data_path)
    except PathError as error:
        return f"{name}'s data has no value at {data_path or 'the root'}: {error}"
    provider_name, environment = result.provider.name, result.environment
    return ChainSource(document, provider_name, result.call.name, data_path, environment)


def default_name(path: JsonPath) -> str:
    """The parameter name a value suggests: its key (`id` for `data[0].id`)."""
    return next((part for part in reversed(path) if isinstance(part, str)), "value")


class ChainFlow:
    """Picks the call and parameter that take a value of the shown response, and chains them."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def use_value(self, path: JsonPath | None) -> None:
        """Start from the value at `path` of the shown data (None: no value under the cursor)."""
        desk = self.desk
        source = chain_source(desk.shown_answer, path)
        if isinstance(source, str):
            desk.ask.tell(source, severity="warning")
            return
        assert path is not None
        suggested = default_name(path)
        targets = list(self._targets(source, suggested))
        if not targets:
            desk.ask.tell(
                f"No other call of {source.document.workspace.name} can take this value.",
                severity="warning",
            )
            return
        picked = await desk.ask.pick(f"Use {source.described} in which call?", targets)
        if picked is None:
            return
        target, call = picked
        name = await self._pick_parameter(source, target, call, suggested)
        if name is not None:
            self._chain(source, target, name)

    def _targets(self, source: ChainSource, name: str) -> Iterable[Candidate[tuple[CallKey, Call]]]:
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
                    (target, call),
                )

    async def _pick_parameter(
        self, source: ChainSource, target: CallKey, call: Call, name: str
    ) -> str | None:
        taken = {p.name for p in call.parameters}
        environment = source.environment
        candidates = [Candidate(p.name, _replaces(p, environment), p.name) for p in call.parameters]
        if name not in taken:
            candidates.append(_new(target, name))

        def typed(query: str) -> Candidate[str] | None:
            query = query.strip()
            if not query or query in taken or query == name:
                return None
            return _new(target, query)

        placeholder = f"…as which parameter of {full_name(*target)}?"
        return await self.desk.ask.pick(placeholder, candidates, typed)

    def _chain(self, source: ChainSource, target: CallKey, name: str) -> None:
        desk, document = self.desk, source.document
        workspace = document.workspace
        try:
            chained = chain_parameter(workspace, target, name, source.key, source.path)
        except (ChainError, PathError) as error:
            desk.ask.tell(f"Not chained: {error}", severity="error")
            return
        # A private parameter that is chained now has no stored value: forget it at save.
        provider = workspace.provider(target[0])
        call = provider.call(target[1]) if provider else None
        was = next((p for p in call.parameters if p.name == name), None) if call else None
        moves: tuple[SecretChange, ...] = ()
        if was is not None and was.private:
            moves = (SecretRemoval(SecretAddress.parameter(target[0], name, target[1])),)
        desk.apply_edit(document, Renamed(chained, moves), desk.selected)
        desk.ask.tell(f"{full_name(*target)}: {name} ← {source.described} (ctrl+s saves it)")


def _new(target: CallKey, name: str) -> Candidate[str]:
    help = f"adds the parameter {name} to {full_name(*target)}"
    return Candidate(f"New parameter named {name}", help, name)


def _replaces(parameter: Parameter, environment: str) -> str:
    """What chaining does to an existing parameter, for its help line."""
    if parameter.source is not None:
        return f"now from {parameter.source.call} {parameter.source.path}"
    if parameter.private:
        return "private now: its stored value is forgotten when you save"
    value = value_for(parameter.value, environment)
    return f"replaces its value {value}" if value else "has no value now"
