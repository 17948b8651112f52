"""Initializing the selected call: learn its shape, review it, keep it.

Initialize sends the call (asking first for an action call, showing the
response), then learns the shape of the answer's data (in a thread: a big
body takes a while) and asks the user to review it. From a sample, nothing
is sent: a pasted response is read as data. An accepted shape goes into the
document in memory, like every other edit, and is saved with the rest.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.shape.fields import Shape
from workbench.core.shape.initialize import (
    Learned,
    learn,
    not_initialized_reason,
    with_call_shape,
)
from workbench.core.workspace.chaining import full_name
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.editing import EditError, Renamed
from workbench.core.workspace.model import Call, Provider, ResponseType

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """The call being initialized: its document, provider and the call as it was sent."""

    document: WorkspaceDocument
    provider: Provider
    call: Call

    @property
    def name(self) -> str:
        return full_name(self.provider, self.call)

    @property
    def key(self) -> tuple[int, str, str]:
        return (id(self.document), self.provider.name, self.call.name)


class InitializeFlow:
    """Initialize (send and learn) and initialize from a sample."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        # The last sample pasted for each call, offered again when its dialog reopens.
        self._samples: dict[tuple[int, str, str], str] = {}

    async def initialize(self) -> None:
        """Send the selected call, then learn the shape of its answer and review it."""
        desk = self.desk
        item = desk.selected
        if item is None or item.call is None:
            desk.ask.tell("Select a call in the tree to initialize it.", severity="warning")
            return
        result = await desk.sending.send_selected(verb="Initialize")
        if result is None:
            return
        if result.data_error is not None:
            desk.ask.tell(
                not_initialized_reason(result), title="Not initialized", severity="warning"
            )
            return
        await self._review(Target(item.document, result.provider, result.call), result.data)

    async def initialize_from_sample(self) -> None:
        """Ask for a sample response of the selected call, then learn its shape; sends nothing."""
        desk = self.desk
        selected = desk.selected_call("to initialize it")
        if selected is None:
            return
        target = Target(*selected)
        if target.call.response_type is ResponseType.BINARY:
            desk.ask.tell(
                f"{target.name} has a binary response, which cannot be pasted: "
                "initialize it with F6 instead.",
                severity="warning",
            )
            return
        text = self._samples.get(target.key, "")
        sample, draft = await desk.ask.sample(target.name, target.call, text)
        self._samples[target.key] = draft  # what was pasted stays for next time
        if sample is not None:
            await self._review(target, sample.data, "sample")

    async def _review(self, target: Target, data: object, source: str = "response") -> None:
        desk = self.desk
        try:
            learned = await asyncio.to_thread(learn, target.call, data)
        except Exception as error:  # a bug, not a user error: say so; the log has details
            log.error("the shape could not be learned", exc_info=error)
            desk.ask.tell(f"The shape could not be learned: {error!r}", severity="error")
            return
        shape = await desk.ask.review_shape(target.name, learned, source)
        if shape is None:
            kept = "Kept the saved shape of" if not learned.is_first else "Not initialized:"
            desk.ask.tell(f"{kept} {target.name}.", timeout=3)
            return
        self._keep(target, learned, shape)

    def _keep(self, target: Target, learned: Learned, shape: Shape) -> None:
        desk, document = self.desk, target.document
        if shape == learned.saved:
            desk.ask.tell(f"No change to the shape of {target.name}.", timeout=3)
            return
        try:
            workspace = with_call_shape(
                document.workspace, target.provider.name, target.call.name, shape
            )
        except EditError as error:
            desk.ask.tell(str(error), title="Shape not kept", severity="error")
            return
        desk.apply_edit(document, Renamed(workspace), desk.selected)
        fields = len(shape)
        desk.ask.tell(
            f"{target.name}: {fields} field{'' if fields == 1 else 's'} in the shape "
            "(unsaved: ctrl+s saves).",
            title="Initialized",
        )
