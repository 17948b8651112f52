"""The events of a streamed answer, one a row: time since sending, event name, data compact.

Built on Textual's Line API, like the body view: the widget holds a reference to the
list of events (the desk's `LiveStream.events`, or an exchange's) and draws only the
rows on screen, so a list of a million events costs no more than ten. While a stream
arrives, `follow(count)` is called a few times a second with the new length: the
virtual size grows and, unless the user moved the cursor up, the view keeps to the
end. Moving the cursor posts `EventHighlighted`, for the detail below to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.secrets import Masker
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.sending import StreamEvent

NAME_WIDTH = 12  # columns for the event name; longer names are cut
DATA_SHOWN = 400  # characters of data a row shows at most (the detail shows it all)


def event_row(event: StreamEvent, masker: Masker) -> str:
    """One event as a row: `   0.102 s  tick         {"seq": 1}` (masked, controls visible)."""
    name = event.event[:NAME_WIDTH]
    data = " ".join(event.data[:DATA_SHOWN].split())  # SSE data may span lines
    return visible(masker.text(f"{event.time:8.3f} s  {name:<{NAME_WIDTH}} {data}"))


class EventList(ScrollView, can_focus=True):
    """A cursor over a list of stream events that may grow while it is shown."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous event", show=False),
        Binding("down", "move(1)", "Next event", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "go(0)", "First event", show=False),
        Binding("end", "go(-1)", "Last event", show=False),
    ]
    COMPONENT_CLASSES = {"event-list--cursor"}

    class EventHighlighted(Message):
        """The cursor is on `event` (the `index`th)."""

        def __init__(self, index: int, event: StreamEvent) -> None:
            super().__init__()
            self.index, self.event = index, event

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._events: Sequence[StreamEvent] = ()
        self._count = 0  # rows shown: the events' length at the last `follow`
        self._cursor = -1  # -1: none yet; the view follows the end
        self._masker = Masker(())

    @property
    def count(self) -> int:
        return self._count

    @property
    def cursor(self) -> int:
        return self._cursor

    def show(self, events: Sequence[StreamEvent], masker: Masker) -> None:
        """Show `events` (a list that may still grow: call `follow`), the latest in view."""
        self._events, self._masker, self._cursor = events, masker, -1
        self._count = 0
        self.follow()

    def clear(self) -> None:
        self.show((), Masker(()))

    def follow(self) -> None:
        """Take in the events added since the last call; keep to the end unless the user
        put the cursor on an event."""
        count = len(self._events)
        if count == self._count and self.virtual_size.height == count:
            return
        self._count = count
        size = Size(self.virtual_size.width, count)
        height = self.container_size.height
        if height and self.show_vertical_scrollbar == (count > height):
            # Setting `virtual_size` lays out the whole screen (20-40 ms at 80x24), a dozen
            # times a second while a stream arrives. When the scrollbar stays as it is, only
            # this widget changes: take the size without the layout and update the
            # scrollbar as the layout would (`_scroll_update`, Textual's own step for it).
            self.set_reactive(EventList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        if self._cursor < 0:
            if self.container_size.height:
                self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            else:  # not laid out yet (the tab just shown): once it is
                self.call_after_refresh(self.scroll_end, animate=False, x_axis=False)
        self.refresh()

    # Actions -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        start = self._count if self._cursor < 0 and step < 0 else self._cursor
        self._go(start + step)

    def action_page(self, step: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        start = self._count - 1 if self._cursor < 0 else self._cursor
        self._go(start + step * page)

    def action_go(self, index: int) -> None:
        self._go(self._count - 1 if index < 0 else index)

    def _go(self, index: int) -> None:
        if not self._count:
            return
        index = max(0, min(index, self._count - 1))
        self._cursor = index
        self._scroll_to_row(index)
        self.refresh()
        self.post_message(self.EventHighlighted(index, self._events[index]))

    def _scroll_to_row(self, index: int) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        self._go(int(self.scroll_offset.y) + event.y)

    # Rendering -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_offset.y) + y
        if index >= self._count:
            return Strip.blank(width, base)
        style = (
            self.get_component_rich_style("event-list--cursor") if index == self._cursor else base
        )
        row = event_row(self._events[index], self._masker)
        return Strip([Segment(row, style)]).adjust_cell_length(width, style)
