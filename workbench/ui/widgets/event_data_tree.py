"""The data of one stream event as a JSON tree, below the event list.

A `JsonTree` that keeps its cursor to itself: its paths are inside one event's data, not
paths of the call's data, so they must not reach the screen's "use this value" and
status handling, which take the response tree's paths for the call's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from workbench.core.secrets import Masker
from workbench.ui.widgets.json_tree import JsonTree

if TYPE_CHECKING:
    from workbench.core.sending import StreamEvent


class EventDataTree(JsonTree):
    """One event's data: its JSON value, else its text as a single value."""

    def show_event(self, event: StreamEvent, masker: Masker) -> None:
        from workbench.core.sending import NOT_JSON  # loaded by then: a stream was received

        value = event.value()
        self.load(event.data if value is NOT_JSON else value, masker)
        self.border_title = f"{event.event or 'line'} {event.id}".strip()

    def post_message(self, message: Message) -> bool:
        if isinstance(message, JsonTree.PathHighlighted | JsonTree.UseValueRequested):
            return False
        return super().post_message(message)
