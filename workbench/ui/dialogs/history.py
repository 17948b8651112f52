"""The history list: past exchanges of a call (or of every call), filtered as you type.

Enter opens the highlighted entry in the response area; ctrl+t marks an entry, and ctrl+t
on a second one compares the two responses; ctrl+r sends the entry's call again. The list
is the desk's (`Listing`); the dialog only filters and answers with what was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.desk import Listing
from workbench.core.history import HistorySummary, local_time
from workbench.core.terminal_text import visible

HINT = (
    "type to filter · ↑↓ choose · enter open · ctrl+t mark, ctrl+t on another: compare · "
    "ctrl+r send again (with today's private values: the history keeps them masked) · "
    "esc close"
)


@dataclass(frozen=True)
class HistoryChoice:
    """What the user chose: open one entry, compare two, or send one again."""

    action: Literal["open", "compare", "resend"]
    ids: tuple[int, ...]


def entry_line(entry: HistorySummary, *, with_call: bool) -> str:
    """One line of the list: id, time, (call,) environment, status, duration."""
    outcome = str(entry.status) if entry.status is not None else entry.failure or "no answer"
    call = f"  {entry.where.name}" if with_call else ""
    line = (
        f"#{entry.id:<5} {local_time(entry.sent_at)}{call}  {entry.where.environment}  "
        f"{outcome}  {entry.total_time * 1000:.0f} ms"
    )
    return visible(line)


class HistoryScreen(ModalScreen[HistoryChoice | None]):
    """The entries of `listing`, newest first; see the module's docstring for the keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close the history"),
        Binding("enter", "open", "Open the entry in the response area", priority=True),
        Binding("ctrl+t", "mark", "Mark the entry; on a second one: compare", priority=True),
        Binding("ctrl+r", "resend", "Send the entry's call again", priority=True),
        Binding("up", "move(-1)", "Previous entry", show=False, priority=True),
        Binding("down", "move(1)", "Next entry", show=False, priority=True),
        Binding("pageup", "move(-10)", "Ten entries up", show=False, priority=True),
        Binding("pagedown", "move(10)", "Ten entries down", show=False, priority=True),
    ]

    def __init__(self, listing: Listing) -> None:
        super().__init__(classes="dialog-screen")
        self.listing = listing
        self.marked: int | None = None
        self._lines = {
            entry.id: entry_line(entry, with_call=not listing.of_call) for entry in listing.entries
        }

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history"):
            yield Static(visible(self.listing.title), classes="dialog-title", markup=False)
            yield Input(placeholder="filter: call, environment, status, time…", id="history-filter")
            yield OptionList(id="history-entries")
            yield Static(HINT, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    @property
    def entries(self) -> OptionList:
        return self.query_one(OptionList)

    def _fill(self, text: str) -> None:
        """The entries whose line holds every word of `text` (any case)."""
        words = text.lower().split()
        entries = self.entries
        highlighted = self.highlighted_id
        entries.clear_options()
        shown = [
            Option(Content(("● " if i == self.marked else "  ") + line), id=str(i))
            for i, line in self._lines.items()
            if all(word in line.lower() for word in words)
        ]
        entries.add_options(shown)
        if not shown:
            return
        ids = [option.id for option in shown]
        entries.highlighted = ids.index(str(highlighted)) if str(highlighted) in ids else 0

    @property
    def highlighted_id(self) -> int | None:
        entries = self.entries
        if entries.highlighted is None or not entries.option_count:
            return None
        option_id = entries.get_option_at_index(entries.highlighted).id
        return int(option_id) if option_id is not None else None

    @on(Input.Changed, "#history-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        entries = self.entries
        if entries.option_count:
            current = entries.highlighted or 0
            entries.highlighted = min(max(current + step, 0), entries.option_count - 1)

    def action_open(self) -> None:
        if self.highlighted_id is not None:
            self.dismiss(HistoryChoice("open", (self.highlighted_id,)))

    def action_mark(self) -> None:
        chosen = self.highlighted_id
        if chosen is None:
            return
        if self.marked is not None and self.marked != chosen:
            self.dismiss(HistoryChoice("compare", (self.marked, chosen)))
            return
        self.marked = None if self.marked == chosen else chosen
        self._fill(self.query_one(Input).value)

    def action_resend(self) -> None:
        if self.highlighted_id is not None:
            self.dismiss(HistoryChoice("resend", (self.highlighted_id,)))

    def action_close(self) -> None:
        self.dismiss(None)
