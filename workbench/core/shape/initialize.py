"""Initializing a call: learn its response shape from data, compare it with the saved one, keep it.

The steps the CLI (`workbench initialize`) and the TUI share:

1. get response data: `Session.run_call(...)` (a real answer) or
   `manual_data(call, text)` (a pasted sample);
2. `learn(call, data)`: the fresh shape, what to keep (`reconcile` with the
   saved shape, so the user's exclusions and pinned types stay) and the drift;
3. keep it: `with_call_shape(workspace, ...)` for a workspace held in memory,
   or `store_shape(path, ...)`, which reloads the file and saves it
   atomically with only that call's shape changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.sending.response_data import parse_manual_response
from workbench.core.shape.drift import Drift, diff_shapes, reconcile
from workbench.core.shape.fields import Shape
from workbench.core.shape.infer import infer_shape
from workbench.core.shape.json_path import label
from workbench.core.shape.toml import shape_to_toml_data
from workbench.core.workspace.editing import EditError, replace_call
from workbench.core.workspace.io import load_workspace, save_workspace
from workbench.core.workspace.model import Call, Workspace

if TYPE_CHECKING:
    from workbench.core.sending.session import CallResult


@dataclass(frozen=True)
class Learned:
    """What initializing a call learned from one response.

    `fresh` is the shape of this response alone; `shape` is what to keep:
    `fresh` reconciled with `saved` (exactly `fresh` on a first initialize).
    `drift` goes from `saved` to it (empty on a first initialize).
    """

    saved: Shape | None
    fresh: Shape
    shape: Shape
    drift: Drift

    @property
    def is_first(self) -> bool:
        """The call had no saved shape."""
        return self.saved is None

    @property
    def drifted(self) -> bool:
        """The response no longer matches the saved shape (a change the user should accept)."""
        return not self.drift.is_empty

    @property
    def changes_saved(self) -> bool:
        """Keeping `shape` changes the workspace: a first shape, drift, or fields within
        excluded ones (which are not drift)."""
        return self.shape != self.saved


def learn(call: Call, data: object) -> Learned:
    """Learn the shape of `data` (a response of `call`) and compare it with the saved one."""
    fresh = infer_shape(data)
    if call.shape is None:
        return Learned(None, fresh, fresh, Drift())
    return Learned(call.shape, fresh, reconcile(call.shape, fresh), diff_shapes(call.shape, fresh))


def manual_data(call: Call, text: str) -> object:
    """The data of a pasted sample response of `call`: read as its response type and
    wrapped as its options say, like a successful answer. ResponseDataError when the
    sample does not parse."""
    return parse_manual_response(
        text,
        call.response_type,
        include_errors=call.options.include_errors,
        capture_headers=call.options.capture_headers,
    )


def with_call_shape(
    workspace: Workspace, provider_name: str, call_name: str, shape: Shape | None
) -> Workspace:
    """`workspace` with the shape of the call `provider_name/call_name` replaced (None:
    not initialized). `EditError` when there is no such call."""
    provider = workspace.provider(provider_name)
    call = provider.call(call_name) if provider else None
    if call is None:
        raise EditError(f'There is no call "{provider_name}/{call_name}" in {workspace.name!r}.')
    return replace_call(workspace, provider_name, call_name, replace(call, shape=shape)).workspace


def store_shape(path: Path, provider_name: str, call_name: str, shape: Shape | None) -> Workspace:
    """Save `shape` as the call's shape in the workspace file at `path`, atomically.

    The file is read again first, so edits made to it since it was loaded
    are kept; only the call's shape changes (in a file in canonical form,
    only its shape lines). Returns the saved workspace.
    """
    workspace = with_call_shape(load_workspace(path), provider_name, call_name, shape)
    save_workspace(workspace, path)
    return workspace


def shape_lines(shape: Shape) -> list[str]:
    """The shape for people, one field a line, the types in a column: `data[].email  text`."""
    entries = [(label(path), text) for path, text in shape_to_toml_data(shape).items()]
    width = max((len(path) for path, _ in entries), default=0)
    return [f"{path:<{width}}  {text}" for path, text in entries]


def not_initialized_reason(result: CallResult) -> str:
    """Why an answer gave no data to learn from, with what to do about an error status."""
    exchange = result.exchange
    reason = "it got no complete answer" if exchange.failure else str(result.data_error)
    if exchange.failure is None and exchange.status is not None and exchange.status >= 400:
        reason += " (to learn the shape of error answers, turn on the call's include_errors option)"
    return f"{result.name} was not initialized: {reason}."
