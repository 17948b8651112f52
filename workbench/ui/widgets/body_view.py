"""A virtualized text view for bodies of any size, and the line index behind it.

Built on Textual's Line API: `render_line(y)` slices the visible part of one
line out of a `TextDocument` (a text plus the offsets of its lines, indexed
in a thread), so a 14 MB body costs no more to show than a short one, where
a `TextArea` blocks the UI for seconds. Lines are never wrapped; long ones
scroll sideways. Search runs in a thread, scrolls to the match and
highlights it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, islice, repeat
from operator import add

from rich.segment import Segment
from textual import on, work
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.sending import PIECE, Abandoned, IsCancelled, never
from workbench.core.terminal_text import visible


@dataclass(frozen=True, eq=False)
class TextDocument:
    """A text and the offsets where its lines start, so any line is a cheap slice.

    `starts` holds each line's first offset and one sentinel: line `i` is
    `text[starts[i] : starts[i + 1] - 1]` (the `- 1` drops its newline).
    `width` is the longest line in characters.
    """

    text: str
    starts: array[int]
    width: int

    @classmethod
    def from_text(cls, text: str, is_cancelled: IsCancelled = never) -> TextDocument:
        starts, width, position = array("q", [0]), 0, 0
        while position < len(text):
            # Cut after a newline, so every piece but the last holds whole lines.
            cut = text.find("\n", min(position + PIECE, len(text)))
            end = len(text) if cut == -1 else cut + 1
            lines = text[position:end].split("\n")
            steps = map(add, map(len, lines[:-1]), repeat(1))
            starts.extend(islice(accumulate(steps, initial=position), 1, None))
            width = max(width, max(map(len, lines)))
            position = end
            if is_cancelled():
                raise Abandoned
        if not text.endswith("\n"):
            starts.append(len(text) + 1)
        return cls(text, starts, width)

    @property
    def line_count(self) -> int:
        return len(self.starts) - 1

    def line(self, index: int, start: int = 0, stop: int | None = None) -> str:
        """Characters `start:stop` of line `index`, without copying the rest of a long line."""
        first, end = self.starts[index], self.starts[index + 1] - 1
        piece = self.text[first + start : end if stop is None else min(end, first + stop)]
        return (
            piece[:-1] if piece.endswith("\r") and (stop is None or first + stop >= end) else piece
        )

    def position(self, offset: int) -> tuple[int, int]:
        """The line and column of a character offset."""
        line = bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


def find_text(text: str, query: str, start: int, *, backwards: bool = False) -> int:
    """The offset of the next (or previous) match of `query`, ignoring case; -1 when none.

    Searches windows of bounded size so one call never holds the GIL for long;
    windows overlap by the query's length so no match is cut in two.
    """
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    overlap = len(query) - 1
    if not backwards:
        for low in range(max(start, 0), len(text), PIECE):
            if found := pattern.search(text, low, low + PIECE + overlap):
                return found.start()
        return -1
    high = min(start, len(text))
    while high > 0:
        low = max(0, high - PIECE)
        starts = [
            m.start() for m in pattern.finditer(text, low, high + overlap) if m.start() < high
        ]
        if starts:
            return starts[-1]
        high = low
    return -1


def _shown(text: str) -> str:
    """A piece of a line as drawn: a tab is a space, control characters are visible escapes
    (a body may hold escape sequences that would act on the terminal)."""
    return visible(text.replace("\t", " "))


class BodyView(ScrollView, can_focus=True):
    """Shows a `TextDocument` (and, for JSON, its pretty form) with line numbers.

    Each form may come twice: with the private values it holds masked, and (`revealed`, only
    when it differs) as received; `revealing` chooses, masked by default.
    """

    BINDINGS = [
        Binding("p", "toggle_pretty", "Pretty/raw", id="body_pretty"),
        Binding("n", "next_match", "Next match", show=False, id="body_next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="body_previous_match"),
    ]
    COMPONENT_CLASSES = {"body-view--gutter", "body-view--match"}

    class _Found(Message, bubble=False):
        def __init__(self, document: TextDocument, query: str, offset: int) -> None:
            super().__init__()
            self.document, self.query, self.offset = document, query, offset

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._raw: TextDocument | None = None
        self._pretty: TextDocument | None = None
        self._raw_revealed: TextDocument | None = None
        self._pretty_revealed: TextDocument | None = None
        self._revealing = False
        self._formatting = False  # a pretty form is being made
        self.show_pretty = True  # the user's choice, kept from one response to the next
        self._description = ""
        self._query = ""
        self._match = -1  # offset of the current match in `document`
        self._searching = False
        self._gutter = 0

    @property
    def document(self) -> TextDocument | None:
        """What is shown: the pretty form when chosen and ready, else the raw text; revealed
        when `revealing` and it holds private values."""
        pretty = self.show_pretty and self._pretty is not None
        masked = self._pretty if pretty else self._raw
        revealed = self._pretty_revealed if pretty else self._raw_revealed
        return revealed if self._revealing and revealed is not None else masked

    @property
    def holds_private_values(self) -> bool:
        """Whether some form of the text had private values masked."""
        return self._raw_revealed is not None or self._pretty_revealed is not None

    @property
    def revealing(self) -> bool:
        return self._revealing

    @revealing.setter
    def revealing(self, revealing: bool) -> None:
        x, y = self.scroll_offset
        self._replace(lambda: setattr(self, "_revealing", revealing))
        self.scroll_to(x, y, animate=False, immediate=True)  # the same place, now (un)masked

    def show(
        self,
        document: TextDocument | None,
        *,
        revealed: TextDocument | None = None,
        description: str = "",
        formatting: bool = False,
    ) -> None:
        """Show `document` (`revealed`: the same as received, when private values were masked
        in it); `formatting` says a pretty form will follow (`set_pretty`)."""
        self._raw, self._raw_revealed = document, revealed
        self._pretty = self._pretty_revealed = None
        self._formatting = formatting
        self._description = description
        self._reset()

    def set_pretty(
        self, document: TextDocument | None, revealed: TextDocument | None = None
    ) -> None:
        """The pretty form is ready (or, with None, will not come)."""

        def take() -> None:
            self._pretty, self._pretty_revealed, self._formatting = document, revealed, False

        self._replace(take)

    def clear(self) -> None:
        self.show(None)

    def search(self, query: str) -> None:
        """Find `query` (any case) from the top of the screen on, in a thread."""
        self._query, self._match = query, -1
        document = self.document
        if document is not None and query:
            top = min(int(self.scroll_offset.y), document.line_count - 1)
            self._find(document, query, document.starts[top], False)
        self._describe()
        self.refresh()

    # Actions -------------------------------------------------------------------------------

    def action_toggle_pretty(self) -> None:
        if self._pretty is None and not self._formatting:
            self.notify("Only a JSON body has a pretty form.")
            return
        self._replace(lambda: setattr(self, "show_pretty", not self.show_pretty))

    def action_scroll_home(self) -> None:
        # At once, to the first column too: Textual's animated scroll takes about a second
        # over a body of a million lines, and drew each step of it.
        self.scroll_to(0, 0, animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        # At once; on a body of one line (raw JSON as most servers send it) the end is the
        # end of that line, where Textual's End would not move at all.
        document = self.document
        one_line = document is not None and document.line_count <= 1
        x = self.max_scroll_x if one_line else 0
        self.scroll_to(x, self.max_scroll_y, animate=False, immediate=True)

    def action_next_match(self) -> None:
        self._step(backwards=False)

    def action_previous_match(self) -> None:
        self._step(backwards=True)

    # Rendering -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        document, index = self.document, scroll_y + y
        if document is None or index >= document.line_count:
            return Strip.blank(width, base)
        gutter = self.get_component_rich_style("body-view--gutter")
        segments = [Segment(f"{index + 1:>{self._gutter - 1}} ", gutter)]
        text = document.line(index, scroll_x, scroll_x + width - self._gutter)
        start, end = self._match_columns(document, index, scroll_x, len(text))
        if start < end:
            found = self.get_component_rich_style("body-view--match")
            segments += [
                Segment(_shown(text[:start]), base),
                Segment(_shown(text[start:end]), found),
                Segment(_shown(text[end:]), base),
            ]
        else:
            segments.append(Segment(_shown(text), base))
        return Strip(segments).adjust_cell_length(width, base)

    def _match_columns(
        self, document: TextDocument, index: int, scroll_x: int, length: int
    ) -> tuple[int, int]:
        """Where the current match lies in the visible part of line `index` (empty if not)."""
        if self._match < 0:
            return 0, 0
        line, column = document.position(self._match)
        if line != index:
            return 0, 0
        start = max(column - scroll_x, 0)
        return start, min(column + len(self._query) - scroll_x, length)

    # Internals -----------------------------------------------------------------------------

    def _replace(self, change: Callable[[], None]) -> None:
        """Make `change` to what may be shown: start over at the top if another document is
        shown after it, else only update the description."""
        shown = self.document
        change()
        if self.document is not shown:
            self._reset()
        else:
            self._describe()

    def _reset(self) -> None:
        self._match, self._searching = -1, False
        document = self.document
        self._gutter = len(str(document.line_count)) + 1 if document else 0
        if document is None:
            self.virtual_size = Size(0, 0)
        else:
            self.virtual_size = Size(self._gutter + document.width, document.line_count)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._describe()
        self.refresh()

    def _describe(self) -> None:
        """The bottom border: what is shown, its size, and the search state."""
        document = self.document
        if document is None:
            self.border_subtitle = ""
            return
        parts = [self._description] if self._description else []
        if self._pretty is not None or self._formatting:
            mode = "pretty" if document is self._pretty else "raw"
            parts.append(f"{mode} (formatting…)" if self._formatting else mode)
        parts.append(f"{document.line_count:,} line{'s' if document.line_count != 1 else ''}")
        if self.holds_private_values:
            parts.append("private values shown" if self._revealing else "private values masked")
        if self._query:
            state = "…" if self._searching else "" if self._match >= 0 else ": no match"
            parts.append(f"/{self._query}{state}")
        # Plain text, not markup: the description is the server's media type, the query typed.
        self.border_subtitle = Content(visible(" · ".join(parts)))

    def _step(self, *, backwards: bool) -> None:
        document = self.document
        if document is None or not self._query:
            return
        if self._match >= 0:
            start = self._match if backwards else self._match + 1
        else:
            start = document.starts[min(int(self.scroll_offset.y), document.line_count - 1)]
        self._find(document, self._query, start, backwards)

    def _find(self, document: TextDocument, query: str, start: int, backwards: bool) -> None:
        self._searching = True
        self._describe()
        self._run_find(document, query, start, backwards)

    # A description of its own: by default Textual puts repr() of the arguments (the text) in it.
    @work(thread=True, exclusive=True, group="body-search", description="body search")
    def _run_find(self, document: TextDocument, query: str, start: int, backwards: bool) -> None:
        offset = find_text(document.text, query, start, backwards=backwards)
        if offset == -1:  # wrap around
            wrap = len(document.text) if backwards else 0
            offset = find_text(document.text, query, wrap, backwards=backwards)
        self.post_message(self._Found(document, query, offset))

    @on(_Found)
    def _show_found(self, message: _Found) -> None:
        if message.document is not self.document or message.query != self._query:
            return  # the text or the query changed meanwhile
        self._searching = False
        self._match = message.offset
        self._describe()
        if message.offset >= 0:
            self._scroll_to_match(message.document, message.offset, len(message.query))
        self.refresh()

    def _scroll_to_match(self, document: TextDocument, offset: int, length: int) -> None:
        line, column = document.position(offset)
        region = self.scrollable_content_region
        columns = max(region.width - self._gutter, 1)
        x, y = self.scroll_offset
        if not (x <= column and column + length <= x + columns):
            x = max(column - columns // 3, 0)
        if not y <= line < y + region.height:
            y = max(line - region.height // 3, 0)
        self.scroll_to(x, y, animate=False, immediate=True)
