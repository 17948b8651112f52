"""The response side of the screen: a status line over tabs for JSON, body, headers and request.

The shell calls `show_sending`, `show_exchange`, `show_problem`,
`show_cancelled` and `clear`; everything slow (decoding, parsing, pretty
printing, indexing lines) happens in one thread worker that hands each
finished piece back with a message, so the screen stays responsive while
a big response renders. Results of a replaced response are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.core.exchange import Exchange, SentRequest, format_size
from workbench.core.large_bodies import (
    LARGE_BODY,
    Abandoned,
    charset_of,
    decode_text,
    long_lived_data,
    parse_json,
)
from workbench.core.model import ResponseType
from workbench.ui.response_model import expects_json, pretty_json
from workbench.ui.widgets.body_view import BodyView, TextDocument
from workbench.ui.widgets.hex_preview import hex_dump, is_binary
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.status_line import StatusLine

# Tab names for `action_show_tab`, and the ids of their panes.
TABS = {"json": "tab-json", "body": "tab-body", "headers": "tab-headers", "request": "tab-request"}
NO_RESPONSE = "No response yet."
# `show_exchange`'s default: the body was not parsed yet, the view parses it.
UNPARSED: Any = object()


class ResponseView(Widget):
    """The last exchange: status line, then JSON tree, raw body, headers and the request sent."""

    BINDINGS = [
        Binding("slash", "start_search", "Search"),
        Binding("escape", "close_search", "Close search", show=False),
    ]

    class NodeSelected(Message):
        """The JSON tree's cursor moved to a value at `path` (like `data[3].address.city`)."""

        def __init__(self, path: str, value: object) -> None:
            super().__init__()
            self.path = path
            self.value = value

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
        yield Input(id="response-search")

    def on_mount(self) -> None:
        self.query_one("#response-headers", DataTable).add_columns("Name", "Value")
        self._clear_views(NO_RESPONSE)

    # The shell's API -------------------------------------------------------------------------

    def show_sending(self, method: str, url: str, environment: str) -> None:
        self._start_over("Waiting for the response…")
        self.query_one(StatusLine).show_sending(method, url, environment)

    def show_exchange(
        self,
        exchange: Exchange,
        *,
        environment: str,
        response_type: ResponseType,
        parsed_json: object = UNPARSED,
    ) -> None:
        """Show an answer; `parsed_json` is its body already parsed as JSON (by the session,
        which reads every answer into data), so that a big body is not parsed twice."""
        self._start_over("Reading the response…")
        self._showing_response = True
        self.query_one(StatusLine).show_exchange(exchange, environment)
        table = self.query_one("#response-headers", DataTable)
        table.add_rows((Text(name), Text(value)) for name, value in exchange.headers)
        self._prepare(exchange, response_type, parsed_json, self._generation)

    def show_problem(self, message: str) -> None:
        """The call was not sent, for the reason `message`. A response shown before stays in
        the tabs; with none, the JSON tab shows `message` in full (the status line may cut
        it short) instead of waiting for a response that will not come."""
        self.query_one(StatusLine).show_problem(message)
        if not self._showing_response:
            self._note(f"Not sent: {message}")

    def show_cancelled(self, environment: str) -> None:
        self._start_over("Cancelled: nothing was received.")
        self.query_one(StatusLine).show_cancelled(environment)

    def clear(self) -> None:
        self._start_over(NO_RESPONSE)
        self.query_one(StatusLine).clear()

    def action_show_tab(self, name: str) -> None:
        """Show the tab `json`, `body`, `headers` or `request` and focus its content."""
        pane = TABS.get(name.lower())
        if pane is None:
            raise ValueError(f"no tab {name!r}; the tabs are: {', '.join(TABS)}")
        self.query_one(TabbedContent).active = pane
        target = self._content(pane)
        if target is not None:
            self.call_after_refresh(target.focus)

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
        self, exchange: Exchange, response_type: ResponseType, parsed: object, generation: int
    ) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def deliver(apply: Callable[..., None], *args: Any) -> None:
            self.post_message(self._Prepared(generation, partial(apply, *args)))

        try:
            deliver(self._show_request, TextDocument.from_text(request_text(exchange.request)))
            body, media_type = exchange.body, exchange.content_type
            if not body:
                note = "Nothing was received." if exchange.status is None else "The body is empty."
                deliver(self._show_plain, note, TextDocument.from_text(""), "empty")
                return
            if is_binary(body, media_type, response_type):
                summary = f"{media_type or 'binary data'}, {format_size(len(body))}"
                dump = f"{summary} ({len(body):,} bytes)\n\n{hex_dump(body)}"
                note = f"The body is binary ({summary}): the Body tab shows its first bytes in hex."
                deliver(self._show_plain, note, TextDocument.from_text(dump), "binary", True)
                return
            text = decode_text(body, charset_of(exchange.header("content-type")))
            raw = TextDocument.from_text(text, cancelled)
            if not expects_json(media_type, response_type):
                kind = media_type or response_type.value
                note = f"The body is {kind}, not JSON: see the Body tab."
                deliver(self._show_plain, note, raw, kind, True)
                return
            deliver(self._show_raw_json, raw)
            if parsed is UNPARSED:
                # Small documents need no care from the GC (and should not wait for it).
                with long_lived_data() if len(body) >= LARGE_BODY else nullcontext():
                    parsed = parse_json(text, cancelled)
            deliver(self._show_json, parsed)
            pretty = TextDocument.from_text(pretty_json(parsed, cancelled), cancelled)
            deliver(self._show_pretty, pretty)
        except Abandoned:
            return
        except (json.JSONDecodeError, RecursionError) as error:
            reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
            deliver(self._show_invalid_json, f"The body is not valid JSON ({reason}).")

    def _show_request(self, document: TextDocument) -> None:
        self.query_one("#response-request", BodyView).show(document, description="as sent")

    def _show_plain(
        self, note: str, document: TextDocument, description: str = "", to_body: bool = False
    ) -> None:
        """A body without a tree: `to_body` switches to the Body tab, as the JSON tab is empty."""
        self._note(note)
        self.query_one("#response-body", BodyView).show(document, description=description)
        tabs = self.query_one(TabbedContent)
        if to_body and tabs.active == TABS["json"]:
            tabs.active = TABS["body"]

    def _show_raw_json(self, raw: TextDocument) -> None:
        self._note("Parsing the JSON…")
        self.query_one("#response-body", BodyView).show(raw, description="JSON", formatting=True)

    def _show_json(self, data: object) -> None:
        self._note("")
        self.query_one(JsonTree).load(data)

    def _show_pretty(self, pretty: TextDocument) -> None:
        self.query_one("#response-body", BodyView).set_pretty(pretty)

    def _show_invalid_json(self, note: str) -> None:
        self._note(note + " The Body tab shows it as received.")
        self.query_one("#response-body", BodyView).set_pretty(None)

    # Helpers ---------------------------------------------------------------------------------

    def _start_over(self, note: str) -> None:
        self._generation += 1
        self._showing_response = False
        self.workers.cancel_group(self, "parse")
        self._clear_views(note)

    def _clear_views(self, note: str) -> None:
        self.query_one(JsonTree).unload()
        self.query_one("#response-body", BodyView).clear()
        self.query_one("#response-request", BodyView).clear()
        self.query_one("#response-headers", DataTable).clear()
        self._note(note)

    def _note(self, note: str) -> None:
        """Show `note` in the JSON tab instead of the tree (an empty note shows the tree)."""
        static = self.query_one("#response-note", Static)
        static.update(note)
        static.display = bool(note)
        self.query_one(JsonTree).display = not note

    def _content(self, pane: str) -> Widget | None:
        """The widget that takes the focus (and searches) in the pane with id `pane`."""
        if pane == TABS["json"]:
            tree = self.query_one(JsonTree)
            return tree if tree.display else None
        ids = {TABS["body"]: "#response-body", TABS["headers"]: "#response-headers"}
        ids[TABS["request"]] = "#response-request"
        return self.query_one(ids[pane], Widget) if pane in ids else None


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
