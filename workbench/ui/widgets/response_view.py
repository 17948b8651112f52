"""The response side of the screen: a status line over tabs for JSON, body, headers and request,
and for a streamed answer its events.

The shell calls `show_sending`, `show_stream`, `show_exchange`, `show_problem`,
`show_cancelled` and `clear`. A stream arriving is redrawn every REFRESH_SECONDS
from the desk's `LiveStream` (its new rows and the status line's time and count),
never once per event. Everything slow (decoding, parsing, pretty
printing, indexing lines) happens in one thread worker that hands each
finished piece back with a message, so the screen stays responsive while
a big response renders. Results of a replaced response are dropped.

Private values known to the process that come back in a response (an echo, an error page)
are masked in the body, the JSON tree and the headers: the worker masks each text once (and
keeps it as received only when that differs), tree labels are masked as they are made.
ctrl+r shows them as received, until the next response. Text from the server reaches the
screen with its control characters shown as escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.core.desk import UNPARSED, LiveStream
from workbench.core.secrets import Masker
from workbench.core.sending import (
    LARGE_BODY,
    Abandoned,
    Exchange,
    SentRequest,
    charset_of,
    decode_text,
    format_size,
    long_lived_data,
    parse_json,
)
from workbench.core.terminal_text import visible
from workbench.core.workspace import ResponseType
from workbench.ui.key_names import key_name
from workbench.ui.response_model import expects_json, pretty_json
from workbench.ui.widgets.body_view import BodyView, TextDocument
from workbench.ui.widgets.event_data_tree import EventDataTree
from workbench.ui.widgets.event_list import EventList
from workbench.ui.widgets.hex_preview import hex_dump, is_binary, row_size_for
from workbench.ui.widgets.json_tree import JsonTree, TreeView
from workbench.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from workbench.core.sending import StreamEvent

# Tab names for `action_show_tab`, and the ids of their panes.
TABS = {
    "json": "tab-json",
    "body": "tab-body",
    "headers": "tab-headers",
    "request": "tab-request",
    "events": "tab-events",
}
# How often a stream arriving is redrawn: often enough to look live, seldom enough that
# thousands of events a second cost a few redraws, not thousands.
REFRESH_SECONDS = 0.08
NO_RESPONSE = "No response yet."
# Copying goes to the terminal as an OSC 52 sequence (base64); terminals and tmux drop or
# choke on very long ones, and over SSH it is slow.
COPY_LIMIT = 1_000_000


@dataclass(frozen=True)
class Binary:
    """A binary body: its media type and size, its bytes masked, and as received when that
    differs (a private value came back in it)."""

    media_type: str
    size: int
    masked: bytes
    received: bytes | None

    def dumps(self, row_size: int) -> tuple[str, str | None]:
        """The masked preview in hex, and the received one (None when the same)."""
        head = f"{self.media_type or 'binary data'}, {self.size:,} bytes\n\n"

        def dump(data: bytes) -> str:
            return head + hex_dump(data, row_size=row_size)

        return dump(self.masked), None if self.received is None else dump(self.received)


@dataclass(frozen=True)
class ShownView:
    """How an answer was left: the tab shown and the JSON tree's state."""

    tab: str
    tree: TreeView | None


class ResponseView(Widget):
    """The last exchange: status line, then JSON tree, raw body, headers and the request sent."""

    BINDINGS = [
        Binding("slash", "start_search", "Search", id="response_search"),
        Binding("1", "show_tab('json')", "JSON tab", show=False, id="response_json_tab"),
        Binding("2", "show_tab('body')", "Body tab", show=False, id="response_body_tab"),
        Binding("3", "show_tab('headers')", "Headers tab", show=False, id="response_headers_tab"),
        Binding("4", "show_tab('request')", "Request tab", show=False, id="response_request_tab"),
        Binding("5", "show_tab('events')", "Events tab", show=False, id="response_events_tab"),
        Binding("escape", "close_search", "Close search", show=False),
        Binding(
            "y",
            "copy",
            "Copy",
            tooltip="Copy the JSON value, the body or the header",
            id="response_copy",
        ),
        Binding(
            "w",
            "save_body",
            "Save body",
            tooltip="Save the response body to a file",
            id="response_save_body",
        ),
        Binding(
            "ctrl+r",
            "toggle_reveal",
            "Reveal",
            tooltip="Show or hide private values that came back in the response",
            show=False,  # the footer keeps room for "/ Search" at 80 columns
            id="response_reveal",
        ),
    ]

    class NodeSelected(Message):
        """The JSON tree's cursor moved to a value at `path` (like `data[3].address.city`)."""

        def __init__(self, path: str, value: object) -> None:
            super().__init__()
            self.path = path
            self.value = value

    class SaveBodyRequested(Message):
        """The user asked to save the body shown to a file (`revealing`: as received)."""

        def __init__(self, revealing: bool) -> None:
            super().__init__()
            self.revealing = revealing

    class _Prepared(Message, bubble=False):
        """A piece of the response finished in the worker, to be applied on the event loop."""

        def __init__(self, generation: int, apply: Callable[[], None]) -> None:
            super().__init__()
            self.generation, self.apply = generation, apply

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._generation = 0  # bumped by every show_*: late pieces of older ones are ignored
        self._search_target: JsonTree | BodyView | None = None
        self._showing_response = False  # an exchange is shown (or being prepared)
        self._own_note = ""  # which values sent were the person's own, above the request
        self._headers: tuple[tuple[str, str], ...] = ()
        self._masker = Masker(())  # the private values masked in the response shown
        self._revealing = False
        self._restoring: ShownView | None = None  # applied once the JSON tree is loaded
        self._exchange: Exchange | None = None  # the exchange shown
        self._binary: Binary | None = None  # a binary body shown in hex, dumped again on resize
        self._hex_row_size = 0  # bytes a line in the hex shown
        self._live: LiveStream | None = None  # the stream arriving (or stopped) shown
        self._live_environment = ""
        self._ticker: Timer | None = None  # redraws the stream arriving

    def compose(self) -> ComposeResult:
        yield StatusLine(id="response-status")
        with TabbedContent(id="response-tabs", initial=TABS["json"]):
            with TabPane("JSON", id=TABS["json"]):
                yield JsonTree(id="response-tree")
                yield Static(NO_RESPONSE, id="response-note", markup=False)
            with TabPane("Body", id=TABS["body"]):
                yield BodyView(id="response-body")
            with TabPane("Headers", id=TABS["headers"]):
                yield DataTable(id="response-headers", cursor_type="row", zebra_stripes=True)
            with TabPane("Request", id=TABS["request"]):
                yield BodyView(id="response-request")
            # Last: `query_one(JsonTree)` finds the response's tree, not an event's data.
            with TabPane("Events", id=TABS["events"]):
                yield EventList(id="response-events")
                yield EventDataTree(id="response-event-data")
        yield Input(id="response-search")

    def on_mount(self) -> None:
        self.query_one("#response-headers", DataTable).add_columns("Name", "Value")
        self._clear_views(NO_RESPONSE)
        self.query_one(TabbedContent).hide_tab(TABS["events"])

    # The shell's API -------------------------------------------------------------------------

    def show_sending(self, method: str, url: str, environment: str) -> None:
        self._start_over("Waiting for the response…")
        self.query_one(StatusLine).show_sending(method, url, environment)

    def show_stream(self, live: LiveStream, environment: str) -> None:
        """A streamed answer arriving: its events so far, redrawn as more come until the
        answer is shown; a stopped one as it was left."""
        if live is not self._live:
            self._start_over("", events=True)
            self._live, self._live_environment = live, environment
            self._masker = Masker.known()
            self._show_events(live.events, to_events=True)
        if not live.stopped and self._ticker is None:
            self._ticker = self.set_interval(REFRESH_SECONDS, self._redraw_stream)
        elif live.stopped:
            self._stop_ticker()
        self._redraw_stream()

    def _redraw_stream(self) -> None:
        live = self._live
        if live is None:
            return
        self.query_one(EventList).follow()
        status = self.query_one(StatusLine)
        status.show_streaming(live.count, live.elapsed, self._live_environment, live.stopped)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _show_events(self, events: Sequence[StreamEvent], *, to_events: bool) -> None:
        """Show the Events tab with `events` (`to_events`: and bring it forward)."""
        tabs = self.query_one(TabbedContent)
        tabs.show_tab(TABS["events"])
        if to_events:
            tabs.active = TABS["events"]
        self.query_one(EventList).show(events, self._masker)

    @on(EventList.EventHighlighted)
    def _show_event(self, message: EventList.EventHighlighted) -> None:
        message.stop()
        tree = self.query_one(EventDataTree)
        tree.display = True
        tree.show_event(message.event, self._masker)

    def show_exchange(
        self,
        exchange: Exchange,
        *,
        environment: str,
        response_type: ResponseType,
        parsed_json: object = UNPARSED,
        wrapped_data: object = UNPARSED,
        view: ShownView | None = None,
        own_note: str = "",
    ) -> None:
        """Show an answer; `parsed_json` is its body already parsed as JSON (by the session,
        which reads every answer into data), so that a big body is not parsed twice.
        `wrapped_data`: the call's data when its options wrap the body (status, headers,
        body); the JSON tab shows it instead of the body, so that its paths are the data's
        (chaining, the shape), whatever the body is. `view`: how the user left this answer
        before (its tab, the JSON tree's nodes and scroll). `own_note`: which values sent
        were the person's own (local), said above the request."""
        self._own_note = own_note
        self._start_over("Reading the response…", events=exchange.stream is not None)
        self._restoring = view
        self._showing_response, self._exchange = True, exchange
        self._masker = Masker.known()
        if exchange.stream is not None:
            self._show_events(exchange.events, to_events=view is None)
        if view is not None:
            self.query_one(TabbedContent).active = view.tab
        self.query_one(StatusLine).show_exchange(exchange, environment)
        self._headers = exchange.headers
        self._show_headers()
        self._prepare(
            exchange, response_type, parsed_json, wrapped_data, self._masker, self._generation
        )

    def show_problem(self, message: str) -> None:
        """The call was not sent, for the reason `message`. A response shown before stays in
        the tabs; with none, the JSON tab shows `message` in full (the status line may cut
        it short) instead of waiting for a response that will not come. Known private
        values in the message are masked, its control characters shown."""
        self.query_one(StatusLine).show_problem(message)
        if not self._showing_response:
            self._note(f"Not sent: {Masker.known().text(message)}")
            self._to_note()

    def show_not_sent(self, environment: str) -> None:
        """The selected call (named in the border) has no answer in `environment` yet."""
        self._start_over(
            f"Not sent yet in {environment}: {key_name(self.screen, 'send')} sends it."
        )
        self.query_one(StatusLine).clear()
        self._to_note()

    def view_state(self) -> ShownView:
        """How the user looks at the answer shown, to come back to it."""
        tree = self.query_one("#response-tree", JsonTree)
        return ShownView(self._active_pane(), tree.view() if tree.display else None)

    def show_cancelled(self, environment: str) -> None:
        self._start_over("Cancelled: nothing was received.")
        self.query_one(StatusLine).show_cancelled(environment)
        self._to_note()

    def clear(self) -> None:
        self._start_over(NO_RESPONSE)
        self.query_one(StatusLine).clear()
        self._to_note()

    def action_show_tab(self, name: str) -> None:
        """Show the tab `json`, `body`, `headers` or `request` and focus its content."""
        pane = TABS.get(name.lower())
        if pane is None:
            raise ValueError(f"no tab {name!r}; the tabs are: {', '.join(TABS)}")
        self.query_one(TabbedContent).active = pane
        target = self._content(pane)
        if target is not None:
            self.call_after_refresh(target.focus)

    def pager_text(self) -> str | None:
        """The answer as the tabs show it (masked unless revealed), for a pager: the status
        and headers, then the body (the request, on the Request tab); None with no answer."""
        exchange = self._exchange
        if exchange is None:
            return None
        if self._active_pane() == TABS["request"]:
            request = self.query_one("#response-request", BodyView).document
            return request.text if request else None
        status = f"{exchange.http_version} {exchange.status or ''} {exchange.reason}".strip()
        headers = "".join(f"{name}: {value}\n" for name, value in self._shown_headers())
        body = self.query_one("#response-body", BodyView).document
        return f"{status}\n{headers}\n{body.text if body else ''}"

    def action_copy(self) -> None:
        """Copy what the cursor is on (over SSH too: OSC 52): the JSON value (a subtree as
        JSON), the body as shown, the header row, the request; masked unless revealed."""
        pane = self._active_pane()
        if pane == TABS["json"]:
            copied = self.query_one("#response-tree", JsonTree).copy_value()
            if copied is not None:
                self._copy(*copied)
            return
        if pane == TABS["headers"]:
            table = self.query_one("#response-headers", DataTable)
            headers = self._shown_headers()
            if 0 <= table.cursor_row < len(headers):
                name, value = headers[table.cursor_row]
                raw = self._headers[table.cursor_row]
                self._copy(f"{name}: {value}", f"the header {visible(name)}", (name, value) != raw)
            return
        which = "#response-request" if pane == TABS["request"] else "#response-body"
        body = self.query_one(which, BodyView)
        document = body.document
        if document is not None and document.text:
            what = "the request as sent" if pane == TABS["request"] else "the body as shown"
            self._copy(document.text, what, body.holds_private_values and not self._revealing)

    def _copy(self, text: str, what: str, masked: bool) -> None:
        size = format_size(len(text.encode()))
        if len(text) > COPY_LIMIT:
            self.notify(
                f"{what.capitalize()} is {size}: too much to copy through the terminal. "
                "w saves the body to a file.",
                severity="warning",
            )
            return
        self.app.copy_to_clipboard(text)
        note = " (private values masked: ctrl+r reveals them)" if masked else ""
        self.notify(f"Copied {what}, {size}{note}.", markup=False)

    def action_save_body(self) -> None:
        if self._exchange is None or not self._exchange.body:
            self.notify("No response body to save.", severity="warning")
            return
        self.post_message(self.SaveBodyRequested(self._revealing))

    def focus_content(self) -> None:
        """Focus the content of the tab shown (the JSON tree, a body, the headers)."""
        self.action_show_tab(next(k for k, v in TABS.items() if v == self._active_pane()))

    def _active_pane(self) -> str:
        return self.query_one(TabbedContent).active

    def action_toggle_reveal(self) -> None:
        """Show the private values that came back in the response as received, or mask them."""
        body = self.query_one("#response-body", BodyView)
        if not (body.holds_private_values or self._headers_hold_private_values()):
            self.notify("No private value came back in this response: nothing is masked.")
            return
        self._revealing = not self._revealing
        body.revealing = self._revealing
        self.query_one("#response-tree", JsonTree).revealing = self._revealing
        self._show_headers()
        if self._revealing:
            self.notify("Private values in the response are shown as received (ctrl+r masks).")
        else:
            self.notify("Private values in the response are masked again.")

    # Search ----------------------------------------------------------------------------------

    def action_start_search(self) -> None:
        target = self._content(self.query_one(TabbedContent).active)
        if not isinstance(target, JsonTree | BodyView):
            self.notify("Search works in the JSON, Body and Request tabs.")
            return
        self._search_target = target
        search = self.query_one("#response-search", Input)
        what = "a key or value" if isinstance(target, JsonTree) else "text"
        search.placeholder = f"Find {what} (enter: find, n / N: next / previous, escape: close)"
        search.add_class("-open")
        search.focus()

    def action_close_search(self) -> None:
        self.query_one("#response-search", Input).remove_class("-open")
        if self._search_target is not None:
            self._search_target.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_search":
            # Otherwise escape goes on to the shell.
            return self.query_one("#response-search", Input).has_class("-open")
        return True

    @on(Input.Submitted, "#response-search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        target = self._search_target
        self.action_close_search()
        if target is not None:
            target.search(event.value)

    # Pieces from the worker ------------------------------------------------------------------

    @on(JsonTree.PathHighlighted)
    def _report_node(self, event: JsonTree.PathHighlighted) -> None:
        event.stop()
        self.post_message(self.NodeSelected(event.path, event.value))

    @on(_Prepared)
    def _apply(self, message: _Prepared) -> None:
        if message.generation == self._generation:
            message.apply()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "parse" and event.state is WorkerState.ERROR:
            self._note(f"Could not show this response: {event.worker.error}")

    # A description of its own: by default Textual puts repr() of the arguments (the body) in it.
    @work(thread=True, exclusive=True, group="parse", exit_on_error=False, description="parse")
    def _prepare(
        self,
        exchange: Exchange,
        response_type: ResponseType,
        parsed: object,
        wrapped: object,
        masker: Masker,
        generation: int,
    ) -> None:
        """Prepare the tabs in this thread. The JSON tab shows `wrapped` data when there is
        some, whatever the body is, without notes about the body; otherwise the body parsed
        as JSON, or a note saying why there is none (and the Body tab comes forward)."""
        worker = get_current_worker()
        shows_data = wrapped is not UNPARSED

        def cancelled() -> bool:
            return worker.is_cancelled

        def deliver(apply: Callable[..., None], *args: Any) -> None:
            self.post_message(self._Prepared(generation, partial(apply, *args)))

        def noted(note: str) -> str:
            """The JSON tab's note about the body: none while the tab shows the data."""
            return "" if shows_data else note

        def documents(text: str) -> tuple[TextDocument, TextDocument | None]:
            """`text` masked, and as received when that differs (None when it does not)."""
            masked = masker.text(text)
            shown = TextDocument.from_text(masked, cancelled)
            return shown, None if masked is text else TextDocument.from_text(text, cancelled)

        try:
            sent = (f"{self._own_note}\n\n" if self._own_note else "") + request_text(
                exchange.request
            )
            sent += redirects_text(exchange)
            sent += cookies_text(exchange)
            deliver(self._show_request, TextDocument.from_text(sent))
            if shows_data:
                deliver(self._show_json, wrapped)
            body, media_type = exchange.body, exchange.content_type
            if not body:
                note = "Nothing was received." if exchange.status is None else "The body is empty."
                deliver(self._show_plain, noted(note), TextDocument.from_text(""), "empty")
                return
            if is_binary(body, media_type, response_type):
                masked = masker.bytes(body)  # a secret inside binary data shows in hex too
                binary = Binary(media_type, len(body), masked, None if masked == body else body)
                deliver(self._show_binary, binary, noted, not shows_data)
                return
            text = decode_text(body, charset_of(exchange.header("content-type")))
            raw, raw_revealed = documents(text)
            if exchange.stream is not None:
                # The Body tab shows the stream as it came; the JSON tab its events' data
                # (by event name), which the session has read already: nothing to format.
                deliver(self._show_plain, "", raw, f"{exchange.stream} stream", False, raw_revealed)
                if not shows_data:
                    if parsed is UNPARSED:
                        deliver(self._note, "The events are in the Events tab.")
                    else:
                        deliver(self._show_json, parsed)
                return
            if not expects_json(media_type, response_type):
                kind = media_type or response_type.value
                note = f"The body is {kind}, not JSON: see the Body tab."
                deliver(self._show_plain, noted(note), raw, kind, not shows_data, raw_revealed)
                return
            deliver(self._show_raw_json, noted("Parsing the JSON…"), raw, raw_revealed)
            if parsed is UNPARSED:
                # Small documents need no care from the GC (and should not wait for it).
                with long_lived_data() if len(body) >= LARGE_BODY else nullcontext():
                    parsed = parse_json(text, cancelled)
            if not shows_data:
                deliver(self._show_json, parsed)
            deliver(self._show_pretty, *documents(pretty_json(parsed, cancelled)))
        except Abandoned:
            return
        except (json.JSONDecodeError, RecursionError) as error:
            reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
            note = f"The body is not valid JSON ({reason}). The Body tab shows it as received."
            deliver(self._show_invalid_json, noted(note))

    def _show_request(self, document: TextDocument) -> None:
        self.query_one("#response-request", BodyView).show(document, description="as sent")

    def _show_plain(
        self,
        note: str,
        document: TextDocument,
        description: str = "",
        to_body: bool = False,
        revealed: TextDocument | None = None,
    ) -> None:
        """A body the JSON tab cannot show: `to_body` switches to the Body tab (when the JSON
        tab has nothing else to show)."""
        self._note(note)
        body = self.query_one("#response-body", BodyView)
        body.show(document, revealed=revealed, description=description)
        tabs = self.query_one(TabbedContent)
        if to_body and tabs.active == TABS["json"]:
            tabs.active = TABS["body"]

    def _show_binary(self, binary: Binary, noted: Callable[[str], str], to_body: bool) -> None:
        """A binary body in hex; `noted` gives the JSON tab's note (none when it shows the
        call's data), `to_body` switches to the Body tab."""
        self._binary = binary
        summary = f"{binary.media_type or 'binary data'}, {format_size(binary.size)}"
        note = f"The body is binary ({summary}): the Body tab shows its first bytes in hex."
        dump, revealed = self._hex_documents(binary)
        self._show_plain(noted(note), dump, "binary", to_body=to_body, revealed=revealed)

    def _hex_documents(self, binary: Binary) -> tuple[TextDocument, TextDocument | None]:
        """`binary` in hex as wide as the pane: masked, and as received when that differs."""
        self._hex_row_size = self._row_size_that_fits()
        masked, received = binary.dumps(self._hex_row_size)
        revealed = None if received is None else TextDocument.from_text(received)
        return TextDocument.from_text(masked), revealed

    def _row_size_that_fits(self) -> int:
        """How many bytes a line of hex the pane's width holds."""
        body = self.query_one("#response-body", BodyView)
        # The body's line numbers (up to 4 digits and a space) and its scrollbar take room.
        return row_size_for(self.size.width - 5 - body.styles.scrollbar_size_vertical)

    def on_resize(self) -> None:
        binary = self._binary
        if binary is not None and self._row_size_that_fits() != self._hex_row_size:
            dump, revealed = self._hex_documents(binary)
            body = self.query_one("#response-body", BodyView)
            body.show(dump, revealed=revealed, description="binary")

    def _show_raw_json(self, note: str, raw: TextDocument, revealed: TextDocument | None) -> None:
        self._note(note)
        body = self.query_one("#response-body", BodyView)
        body.show(raw, revealed=revealed, description="JSON", formatting=True)

    def _show_json(self, data: object) -> None:
        self._note("")
        tree = self.query_one("#response-tree", JsonTree)
        tree.load(data, self._masker)
        if self._restoring is not None and self._restoring.tree is not None:
            tree.restore(self._restoring.tree)
        self._restoring = None

    def _show_pretty(self, pretty: TextDocument, revealed: TextDocument | None) -> None:
        self.query_one("#response-body", BodyView).set_pretty(pretty, revealed)

    def _show_invalid_json(self, note: str) -> None:
        self._note(note)
        self.query_one("#response-body", BodyView).set_pretty(None)

    # Helpers ---------------------------------------------------------------------------------

    def _start_over(self, note: str, *, events: bool = False) -> None:
        """Forget the response shown, show `note`; `events`: the Events tab stays (a stream
        is shown next: hiding the tab and showing it again would lay the screen out twice)."""
        self._generation += 1
        self._stop_ticker()
        self._live = None
        self._binary = None
        self._showing_response, self._exchange = False, None
        self._headers, self._masker = (), Masker(())
        if self._revealing:  # each response starts masked: a reveal was for the one shown then
            self._revealing = False
            self.query_one("#response-body", BodyView).revealing = False
            self.query_one("#response-tree", JsonTree).revealing = False
        self.workers.cancel_group(self, "parse")
        self._clear_views(note, events)

    def _show_headers(self) -> None:
        """The response headers, masked unless revealing, control characters made visible."""
        table = self.query_one("#response-headers", DataTable)
        table.clear()
        table.add_rows(
            (Text(visible(name)), Text(visible(value))) for name, value in self._shown_headers()
        )

    def _shown_headers(self) -> list[tuple[str, str]]:
        """The response headers, masked unless revealing."""
        mask = self._masker.text if not self._revealing else str
        return [(mask(name), mask(value)) for name, value in self._headers]

    def _headers_hold_private_values(self) -> bool:
        return any(self._masker.text(value) is not value for _, value in self._headers)

    def _clear_views(self, note: str, keep_events: bool = False) -> None:
        if not keep_events:
            tabs = self.query_one(TabbedContent)
            if tabs.active == TABS["events"]:
                tabs.active = TABS["json"]
            tabs.hide_tab(TABS["events"])
            self.query_one(EventList).clear()
        event_data = self.query_one(EventDataTree)
        event_data.unload()
        event_data.display = False
        self.query_one("#response-tree", JsonTree).unload()
        self.query_one("#response-body", BodyView).clear()
        self.query_one("#response-request", BodyView).clear()
        self.query_one("#response-headers", DataTable).clear()
        self._note(note)

    def _note(self, note: str) -> None:
        """Show `note` in the JSON tab instead of the tree (an empty note shows the tree)."""
        static = self.query_one("#response-note", Static)
        static.update(visible(note, keep_newlines=True))  # it may quote the server's words
        static.display = bool(note)
        self.query_one("#response-tree", JsonTree).display = not note

    def _to_note(self) -> None:
        """Show the JSON tab, where the note is: with no answer the other tabs are empty."""
        self.query_one(TabbedContent).active = TABS["json"]

    def _content(self, pane: str) -> Widget | None:
        """The widget that takes the focus (and searches) in the pane with id `pane`."""
        if pane == TABS["json"]:
            tree = self.query_one("#response-tree", JsonTree)
            return tree if tree.display else None
        ids = {TABS["body"]: "#response-body", TABS["headers"]: "#response-headers"}
        ids[TABS["events"]] = "#response-events"
        ids[TABS["request"]] = "#response-request"
        return self.query_one(ids[pane], Widget) if pane in ids else None


def redirects_text(exchange: Exchange) -> str:
    """The redirects followed before the answer, and where the answer came from ("" when
    none were followed). URLs are masked already (see `core.client`)."""
    if not exchange.redirects:
        return ""
    lines = ["", "", "Redirects followed:"]
    lines += [f"  {status} from {url}" for status, url in exchange.redirects]
    lines.append(f"Answered by {exchange.url}" if exchange.url else "No answer after them.")
    return "\n".join(lines)


def cookies_text(exchange: Exchange) -> str:
    """The cookies the provider holds for the environment after the exchange, which go back
    with its next calls ("" when none): names and where they go, never values."""
    if not exchange.cookies:
        return ""
    lines = ["", "", "Cookies kept for this provider and environment:"]
    return "\n".join(lines + [f"  {cookie}" for cookie in exchange.cookies])


def request_text(request: SentRequest) -> str:
    """The request as sent, as an HTTP-like text: request line, headers, blank line, body."""
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), "")
    media_type = content_type.split(";")[0].strip().lower()
    if request.body:
        lines.append("")
        if is_binary(request.body, media_type, ResponseType.TEXT):
            lines.append(hex_dump(request.body))
        else:
            lines.append(decode_text(request.body, charset_of(content_type)))
    return "\n".join(lines)
