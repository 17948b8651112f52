"""Initializing the selected call from the main screen: learn its shape, review it, keep it.

Initialize sends the call through `SendFlow` (which asks first for an
action call and shows the response), then learns the shape of the answer's
data (`workbench.core.shape.initialize.learn`, in a thread: a big body takes a
while) and opens the shape dialog. From a sample, nothing is sent: the
sample dialog reads a pasted response as data. An accepted shape goes into
the document in memory, like every other edit, and is saved with ctrl+s.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.core.shape import Learned, Shape, learn, with_call_shape
from workbench.core.workspace import (
    Call,
    EditError,
    Provider,
    Renamed,
    ResponseType,
    WorkspaceDocument,
    full_name,
)
from workbench.ui.screens.sample_prompt import SamplePromptScreen
from workbench.ui.screens.shape_review import ShapeReviewScreen

if TYPE_CHECKING:
    from workbench.core.sending import CallResult
    from workbench.ui.screens.main import MainScreen


def not_initialized_reason(result: CallResult) -> str:
    """Why an answer gave no data to learn from, with what to do about an error status."""
    exchange = result.exchange
    reason = "it got no complete answer" if exchange.failure else str(result.data_error)
    if exchange.failure is None and exchange.status is not None and exchange.status >= 400:
        reason += " (to learn the shape of error answers, turn on the call's include errors option)"
    return f"{result.name} was not initialized: {reason}."


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
    """Initialize (send and learn) and initialize from a sample, for the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        # The last sample pasted for each call, offered again when its dialog reopens.
        self._samples: dict[tuple[int, str, str], str] = {}

    def _notify(self, message: str, **options: Any) -> None:
        # Not markup: names and answers from the server may hold [brackets].
        self.screen.notify(message, markup=False, **options)

    def initialize(self) -> None:
        """Send the selected call, then learn the shape of its answer and review it."""
        item = self.screen.selected
        if item is None or item.call is None:
            self._notify("Select a call in the tree to initialize it.", severity="warning")
            return
        document = item.document

        def answered(result: CallResult) -> None:
            if result.data_error is not None:
                self._notify(
                    not_initialized_reason(result), title="Not initialized", severity="warning"
                )
                return
            target = Target(document, result.provider, result.call)
            self.screen.run_dialog(lambda: self._review(target, result.data, "response"))

        self.screen.sender.send_selected(answered, verb="Initialize")

    def initialize_from_sample(self) -> None:
        """Ask for a sample response of the selected call, then learn its shape; sends nothing."""
        selected = self.screen.selected_call("to initialize it")
        if selected is None:
            return
        document, provider, call = selected
        if call.response_type is ResponseType.BINARY:
            self._notify(
                f"{full_name(provider, call)} has a binary response, which cannot be pasted: "
                "initialize it with F6 instead.",
                severity="warning",
            )
            return
        target = Target(document, provider, call)
        self.screen.run_dialog(lambda: self._from_sample(target))

    async def _from_sample(self, target: Target) -> None:
        text = self._samples.get(target.key, "")
        prompt = SamplePromptScreen(target.name, target.call, text)
        sample = await self.screen.app.push_screen_wait(prompt)
        if sample is None:
            self._samples[target.key] = prompt.draft  # what was pasted stays for next time
            return
        self._samples[target.key] = sample.text
        await self._review(target, sample.data, "sample")

    async def _review(self, target: Target, data: object, source: str) -> None:
        try:
            learned = await asyncio.to_thread(learn, target.call, data)
        except Exception as error:  # a bug, not a user error: say so; the log has details
            self.screen.log.error(error)
            self._notify(f"The shape could not be learned: {error!r}", severity="error")
            return
        shape = await self.screen.app.push_screen_wait(
            ShapeReviewScreen(target.name, learned, source)
        )
        if shape is None:
            kept = "Kept the saved shape of" if not learned.is_first else "Not initialized:"
            self._notify(f"{kept} {target.name}.", timeout=3)
            return
        self._keep(target, learned, shape)

    def _keep(self, target: Target, learned: Learned, shape: Shape) -> None:
        screen = self.screen
        document = target.document
        if shape == learned.saved:
            self._notify(f"No change to the shape of {target.name}.", timeout=3)
            return
        screen.sync_editor()  # the editor's edits first: reloading it shows the new shape
        try:
            workspace = with_call_shape(
                document.workspace, target.provider.name, target.call.name, shape
            )
        except EditError as error:
            self._notify(str(error), title="Shape not kept", severity="error")
            return
        screen.apply_edit(document, Renamed(workspace), screen.selected)
        fields = len(shape)
        self._notify(
            f"{target.name}: {fields} field{'' if fields == 1 else 's'} in the shape "
            "(unsaved: ctrl+s saves).",
            title="Initialized",
        )
