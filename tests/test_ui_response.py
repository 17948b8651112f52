"""The response side of the TUI: status line, lazy JSON tree, virtualized body, search, tabs."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable, Static, TabbedContent

import workbench.ui
from tests.ui_app import screen_text
from tests.ui_keys import type_fast, type_text
from tests.ui_wait import settle
from workbench.core.secrets.store import MASK
from workbench.core.sending import large_bodies
from workbench.core.sending.exchange import Exchange, Failure, FailureKind, SentRequest
from workbench.core.sending.large_bodies import (
    Owned,
    decode_text,
    discard,
    parse_json,
    release_discarded,
)
from workbench.core.shape import path_text
from workbench.core.shape.json_path import BinaryBody
from workbench.core.workspace.model import ResponseType
from workbench.ui.response_model import pretty_json, search_json
from workbench.ui.widgets.body_view import BodyView, TextDocument, find_text
from workbench.ui.widgets.hex_preview import hex_dump, is_binary
from workbench.ui.widgets.json_tree import (
    EXPAND_ALL_LIMIT,
    PAGE_SIZE,
    JsonEntry,
    JsonNode,
    JsonTree,
    MoreEntry,
)
from workbench.ui.widgets.response_view import ResponseView
from workbench.ui.widgets.status_line import StatusLine

CSS = Path(workbench.ui.__file__).parent / "response.tcss"
USERS = {
    "data": [
        {"id": 1, "name": "Ada", "address": {"city": "London", "zip": "N1"}, "my key": None},
        {"id": 2, "name": "Grace", "address": {"city": "Arlington", "zip": "22201"}},
    ],
    "count": 2,
}


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """Hand what `long_lived_data` froze back to the GC, so later tests collect normally."""
    yield
    gc.unfreeze()


class Host(App[None]):
    """A screen with only the response view; it records the paths the tree reports."""

    CSS_PATH = CSS

    def __init__(self) -> None:
        super().__init__()
        self.selected: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        yield ResponseView()

    def on_response_view_node_selected(self, message: ResponseView.NodeSelected) -> None:
        self.selected.append((message.path, message.value))


def make_exchange(
    body: bytes | str | object = b"",
    *,
    status: int | None = 200,
    reason: str = "OK",
    content_type: str = "application/json",
    failure: Failure | None = None,
    request: SentRequest | None = None,
) -> Exchange:
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return Exchange(
        request=request or SentRequest("GET", "http://127.0.0.1:8400/users", (), b""),
        status=status,
        reason=reason,
        http_version="HTTP/1.1",
        headers=(("Content-Type", content_type),) if status is not None else (),
        body=body,
        time_to_headers=0.003,
        total_time=0.0123,
        failure=failure,
    )


async def show(
    app: Host,
    pilot: Pilot[None],
    exchange: Exchange,
    response_type: ResponseType = ResponseType.JSON,
) -> ResponseView:
    view = app.query_one(ResponseView)
    view.show_exchange(exchange, environment="development", response_type=response_type)
    await settle(pilot, app)
    return view


def last_selected(app: Host) -> tuple[str, object]:
    """The path and value the tree reported last (a call, so mypy does not narrow it)."""
    return app.selected[-1]


def all_nodes(tree: JsonTree) -> list[JsonNode]:
    nodes, found = [tree.root], []
    while nodes:
        node = nodes.pop()
        found.append(node)
        nodes.extend(node.children)
    return found


def node_at(tree: JsonTree, path: str) -> JsonNode:
    return next(
        n
        for n in all_nodes(tree)
        if isinstance(n.data, JsonEntry) and path_text(n.data.path) == path
    )


# Status line ---------------------------------------------------------------------------------


async def test_status_line_shows_success_time_size_and_environment() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        status = app.query_one(StatusLine)
        assert status.has_class("-success")
        assert "200 OK" in status.text
        assert "12 ms" in status.text
        assert f"{len(json.dumps(USERS))} B" in status.text
        assert "env: development" in status.text


@pytest.mark.parametrize("width", [54, 40, 32])
async def test_the_status_line_keeps_the_protocol_in_a_narrow_pane(width: int) -> None:
    """At 80 columns the response pane is 54 wide: the environment's label, then the reason
    phrase give way before the protocol (the pane's border names the environment too)."""
    app = Host()
    async with app.run_test(size=(width, 24)) as pilot:
        exchange = replace(make_exchange(b"{}", status=404, reason="Not Found"), total_time=1.234)
        await show(app, pilot, exchange)
        line = next(line for line in screen_text(app).splitlines() if "404" in line)
        assert "1,234 ms · 2 B · HTTP/1.1" in line
        if width == 54:
            assert "404 Not Found" in line and "development" in line


async def test_404_shows_status_and_body() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        error = {"error": "user 999 not found"}
        await show(app, pilot, make_exchange(error, status=404, reason="Not Found"))
        status = app.query_one(StatusLine)
        assert status.has_class("-client-error") and not status.has_class("-success")
        assert "404 Not Found" in status.text
        tree = app.query_one(JsonTree)
        assert tree.display
        assert "user 999 not found" in str(node_at(tree, "error").label)
        body = app.query_one("#response-body", BodyView).document
        assert body is not None and "user 999 not found" in body.text


@pytest.mark.parametrize(("status", "outcome"), [(302, "-redirect"), (503, "-server-error")])
async def test_status_classes_by_hundreds(status: int, outcome: str) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(b"", status=status, reason="Whatever"))
        assert app.query_one(StatusLine).has_class(outcome)


async def test_failure_shows_its_message() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        message = "Connection refused by 127.0.0.1:9: nothing is listening there."
        failure = Failure(FailureKind.REFUSED, message)
        await show(app, pilot, make_exchange(status=None, failure=failure))
        status = app.query_one(StatusLine)
        assert status.has_class("-failed")
        assert "No answer" in status.text and message in status.text
        assert status.query_one("#status-message").display


async def test_sending_problem_and_cancelled() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(app, pilot, make_exchange(USERS))
        view.show_problem(
            "The private value Demo/auth.value is missing: run `workbench secret set`"
        )
        await pilot.pause()
        status = app.query_one(StatusLine)
        assert status.has_class("-problem") and "missing" in status.text
        assert "env: development" in status.text
        assert app.query_one(JsonTree).root.children, "a problem loses nothing shown before"

        view.show_sending("GET", "http://127.0.0.1:8400/users/[id]", "live")
        await pilot.pause()
        assert status.has_class("-sending") and "Sending…" in status.text
        assert "/users/[id]" in status.text and "env: live" in status.text
        assert not app.query_one(JsonTree).root.children

        view.show_problem("Connection refused by 127.0.0.1:9: nothing is listening there.")
        await pilot.pause()
        note = str(app.query_one("#response-note", Static).content)
        assert note == "Not sent: Connection refused by 127.0.0.1:9: nothing is listening there."

        view.show_cancelled("live")
        await pilot.pause()
        assert status.has_class("-cancelled") and "Cancelled" in status.text

        view.clear()
        await pilot.pause()
        assert "No response yet" in str(app.query_one("#response-note", Static).content)


# JSON tree -----------------------------------------------------------------------------------


async def test_children_are_made_only_on_expand() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        tree = app.query_one(JsonTree)
        assert len(all_nodes(tree)) == 3  # the root, "data" and "count"
        data = node_at(tree, "data")
        assert not data.children

        tree.focus()
        tree.move_cursor(data)
        await pilot.press("right")
        await pilot.pause()
        assert len(data.children) == 2
        assert len(all_nodes(tree)) == 5

        await pilot.press("right", "right")  # to the first item, then expand it
        await pilot.pause()
        city = node_at(tree, "data[0].address")
        assert "{…} 2 keys" in str(city.label)
        tree.move_cursor(city)
        await pilot.press("enter")
        await pilot.pause()
        assert 'city: "London"' in str(node_at(tree, "data[0].address.city").label)


@pytest.mark.parametrize(
    ("keys", "cursor"),
    [
        (("right", "right"), "data[0]"),  # expand, then into the first child
        (("right", "down"), "data[0]"),
        (("enter", "right", "right", "right"), "data[0].id"),
        (("space", "down", "right", "down"), "data[0].id"),
    ],
)
async def test_keys_right_after_an_expansion_apply_to_its_children(
    keys: tuple[str, ...], cursor: str
) -> None:
    """Typed at once (as a fast typist or a held key does): none waits for the children."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        tree = app.query_one(JsonTree)
        tree.focus()
        tree.move_cursor(node_at(tree, "data"))
        await pilot.pause()
        type_fast(app, *keys)
        for _ in range(len(keys) + 2):  # the keys, and what each posted, handled
            await pilot.pause()
        entry = tree.cursor_node.data if tree.cursor_node else None
        assert isinstance(entry, JsonEntry) and path_text(entry.path) == cursor


async def test_long_arrays_come_in_pages() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(list(range(3000))))
        tree = app.query_one(JsonTree)
        children = tree.root.children
        assert len(children) == PAGE_SIZE + 1
        more = children[-1]
        assert isinstance(more.data, MoreEntry) and "2,500 more (500–2,999)" in str(more.label)

        tree.focus()
        tree.move_cursor(more)
        await pilot.press("enter")
        await pilot.pause()
        assert len(tree.root.children) == 2 * PAGE_SIZE + 1
        assert (
            str(tree.cursor_node.label if tree.cursor_node else "") == f"{PAGE_SIZE}: {PAGE_SIZE}"
        )

        tree.select_path((2600,))  # a jump loads just the page it needs
        labels = [str(node.label) for node in tree.root.children]
        assert len(labels) == 2 * PAGE_SIZE + 1 + PAGE_SIZE
        assert labels[2 * PAGE_SIZE].startswith("… 1,500 more (1,000–2,499)")
        assert labels[-1] == "2999: 2999"
        assert tree.cursor_node is not None and str(tree.cursor_node.label) == "2600: 2600"


async def test_cursor_reports_the_path_and_copy_puts_it_on_the_clipboard() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        tree = app.query_one(JsonTree)
        tree.focus()
        tree.select_path(("data", 0, "address", "city"))
        await pilot.pause()
        assert last_selected(app) == ("data[0].address.city", "London")
        await pilot.press("c")
        assert app.clipboard == "data[0].address.city"

        tree.select_path(("data", 0, "my key"))
        await pilot.pause()
        assert last_selected(app) == ("data[0]['my key']", None)
        await pilot.press("c")
        assert app.clipboard == "data[0]['my key']"


async def test_search_finds_a_nested_value_and_selects_it() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        tree = app.query_one(JsonTree)
        tree.focus()
        await pilot.press("slash")
        await type_text(pilot, "arlington")
        await pilot.press("enter")
        await settle(pilot, app)
        assert last_selected(app) == ("data[1].address.city", "Arlington")
        assert "match 1 of 1" in str(tree.border_subtitle)

        await pilot.press("slash")
        await type_text(pilot, "CITY")  # keys match too, in any case
        await pilot.press("enter")
        await settle(pilot, app)
        assert last_selected(app)[0] == "data[0].address.city"
        await pilot.press("n")
        assert last_selected(app)[0] == "data[1].address.city"
        await pilot.press("N", "N")
        assert last_selected(app)[0] == "data[1].address.city"  # wrapped around

        await pilot.press("slash")
        await type_text(pilot, "nowhere")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "no match" in str(tree.border_subtitle)

        search = app.query_one("#response-search")
        await pilot.press("slash")
        assert search.has_focus and search.display
        await pilot.press("escape")  # closes the search; otherwise escape is the shell's
        assert tree.has_focus and not search.display
        assert not app.query_one(ResponseView).check_action("close_search", ())


async def test_expand_all_is_bounded() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        wide = {"groups": [{"members": [{"id": i} for i in range(50)]} for _ in range(100)]}
        await show(app, pilot, make_exchange(wide))
        tree = app.query_one(JsonTree)
        tree.focus()
        await pilot.press("e")
        await pilot.pause()
        made = len(all_nodes(tree))
        assert EXPAND_ALL_LIMIT <= made <= EXPAND_ALL_LIMIT + PAGE_SIZE + 10
        assert any("stopped" in str(n.message) for n in app._notifications)
        await pilot.press("E")
        assert not tree.root.is_expanded


# Body ----------------------------------------------------------------------------------------


async def test_body_renders_only_visible_lines() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        text = "\n".join(f"line {n}" for n in range(200_000))
        await show(app, pilot, make_exchange(text, content_type="text/plain"), ResponseType.TEXT)
        body = app.query_one("#response-body", BodyView)
        assert app.query_one(TabbedContent).active == "tab-body"  # no tree for text
        rendered: list[int] = []
        render_line = body.render_line

        def counting(y: int) -> Strip:
            rendered.append(y)
            return render_line(y)

        body.render_line = counting  # type: ignore[method-assign]
        body.scroll_to(y=100_000, animate=False)
        await pilot.pause()
        height = body.scrollable_content_region.height
        assert 0 < len(rendered) <= 2 * height  # the rows on screen, painted once or twice
        assert max(rendered) < height
        assert render_line(0).text.split() == ["100001", "line", "100000"]

        body.focus()
        await pilot.press("end")  # at once: no animation to wait for
        assert body.scroll_y == body.max_scroll_y
        assert render_line(height - 1).text.split() == ["200000", "line", "199999"]
        assert body.document is not None and body.document.line_count == 200_000
        await pilot.press("home")
        assert body.scroll_y == 0
        assert render_line(0).text.split() == ["1", "line", "0"]


async def test_end_on_a_body_of_one_line_goes_to_the_end_of_that_line() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        text = "".join(f"item{n}," for n in range(20_000)) + "THE END"
        await show(app, pilot, make_exchange(text, content_type="text/plain"), ResponseType.TEXT)
        body = app.query_one("#response-body", BodyView)
        body.focus()
        await pilot.press("end")
        assert body.max_scroll_x > 0 and body.scroll_x == body.max_scroll_x
        await pilot.pause()
        assert body.render_line(0).text.rstrip().endswith("THE END")
        await pilot.press("home")
        assert body.scroll_x == 0


async def test_pretty_and_raw() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange(USERS))
        body = app.query_one("#response-body", BodyView)
        view = app.query_one(ResponseView)
        view.action_show_tab("body")
        await pilot.pause()
        assert body.document is not None
        assert body.document.line_count == pretty_json(USERS).count("\n") + 1
        assert "pretty" in str(body.border_subtitle)
        await pilot.press("p")
        assert body.document.line_count == 1
        assert body.document.text == json.dumps(USERS)
        assert "raw" in str(body.border_subtitle)
        await pilot.press("p")
        assert body.document.line_count > 1


async def test_body_search_scrolls_to_and_highlights_the_match() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        text = "\n".join(f"line {n}" for n in range(5000)) + "\nthe needle is here\n"
        await show(app, pilot, make_exchange(text, content_type="text/plain"), ResponseType.TEXT)
        body = app.query_one("#response-body", BodyView)
        body.focus()
        await pilot.press("slash")
        await type_text(pilot, "NEEDLE")
        await pilot.press("enter")
        await settle(pilot, app)
        assert body.scroll_y <= 5000 < body.scroll_y + body.scrollable_content_region.height
        row = 5000 - int(body.scroll_y)
        strip = body.render_line(row)
        assert "the needle is here" in strip.text
        highlighted = [s for s in strip if s.text == "needle"]
        assert highlighted and highlighted[0].style != strip._segments[-1].style
        assert "/NEEDLE" in str(body.border_subtitle)


async def test_binary_body_shows_a_hex_preview() -> None:
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        exchange = make_exchange(bytes(range(256)) * 40, content_type="application/octet-stream")
        await show(app, pilot, exchange, ResponseType.BINARY)
        body = app.query_one("#response-body", BodyView).document
        assert body is not None
        assert "application/octet-stream, 10,240 bytes" in body.text
        assert "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|" in (
            body.text
        )
        assert "more bytes not shown" in body.text
        note = str(app.query_one("#response-note", Static).content)
        assert "binary" in note and not app.query_one(JsonTree).display


async def test_wrapped_data_is_shown_whatever_the_body() -> None:
    """A call whose options wrap the body: the JSON tab shows its data (a binary body as its
    description) with no note about the body, and stays in front; the Body tab has the hex."""
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        exchange = make_exchange(bytes(range(256)), content_type="image/png")
        data = {"headers": {"content-type": "image/png"}, "body": BinaryBody("image/png", 256)}
        view = app.query_one(ResponseView)
        view.show_exchange(
            exchange,
            environment="development",
            response_type=ResponseType.BINARY,
            wrapped_data=data,
        )
        await settle(pilot, app)
        tree = app.query_one(JsonTree)
        assert tree.display and not app.query_one("#response-note", Static).display
        assert app.query_one(TabbedContent).active == "tab-json"
        assert str(node_at(tree, "body").label) == "body: image/png, 256 bytes"
        tree.select_path(("headers", "content-type"))
        await pilot.pause()
        assert last_selected(app) == ("headers['content-type']", "image/png")
        body = app.query_one("#response-body", BodyView).document
        assert body is not None and "00000000  00 01 02 03" in body.text


async def test_the_hex_preview_fits_the_pane() -> None:
    """16 bytes a line take 78 columns: a narrower pane (54 at 80 columns beside the tree)
    shows 8 a line, and 16 again once it is wide enough (the tree hidden, F9...)."""
    app = Host()
    async with app.run_test(size=(54, 24)) as pilot:
        exchange = make_exchange(bytes(range(256)) * 40, content_type="application/octet-stream")
        await show(app, pilot, exchange, ResponseType.BINARY)
        eight = "00000008  08 09 0a 0b 0c 0d 0e 0f  |........|"
        assert any(line.endswith(eight) for line in screen_text(app).splitlines()), screen_text(app)
        body = app.query_one("#response-body", BodyView)
        assert body.virtual_size.width <= body.scrollable_content_region.width  # nothing cut

        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        sixteen = "00000010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  |................|"
        assert any(line.endswith(sixteen) for line in screen_text(app).splitlines())


async def test_xml_goes_to_the_body_tab() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        xml = '<?xml version="1.0"?><catalog><book id="1"/></catalog>'
        await show(app, pilot, make_exchange(xml, content_type="application/xml"), ResponseType.XML)
        assert "not JSON" in str(app.query_one("#response-note", Static).content)
        assert app.query_one(TabbedContent).active == "tab-body"
        body = app.query_one("#response-body", BodyView).document
        assert body is not None and body.text == xml


async def test_invalid_json_says_where() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await show(app, pilot, make_exchange('{"a": 1,'))
        note = str(app.query_one("#response-note", Static).content)
        assert "not valid JSON" in note and "line 1 column 9" in note
        assert app.query_one("#response-body", BodyView).document is not None


# Headers, request, tabs --------------------------------------------------------------------


async def test_request_tab_shows_the_masked_request() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        request = SentRequest(
            "POST",
            f"http://127.0.0.1:8400/users?api_key={MASK}",
            (("Content-Type", "application/json"), ("X-Api-Key", MASK)),
            json.dumps({"name": "Ada", "token": MASK}).encode(),
        )
        view = await show(app, pilot, make_exchange({"id": 26}, status=201, request=request))
        view.action_show_tab("request")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "tab-request"
        sent = app.query_one("#response-request", BodyView)
        assert sent.has_focus
        assert sent.document is not None
        lines = sent.document.text.splitlines()
        assert lines[0] == f"POST http://127.0.0.1:8400/users?api_key={MASK}"
        assert f"X-Api-Key: {MASK}" in lines
        assert lines[-1] == json.dumps({"name": "Ada", "token": MASK})
        assert sent.render_line(2).text.split() == ["3", "X-Api-Key:", MASK]


async def test_headers_tab_and_tab_names() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show(app, pilot, make_exchange(USERS))
        view.action_show_tab("Headers")
        await pilot.pause()
        table = app.query_one("#response-headers", DataTable)
        assert table.has_focus and table.row_count == 1
        assert str(table.get_row_at(0)[1]) == "application/json"
        view.action_show_tab("json")
        assert app.query_one(TabbedContent).active == "tab-json"
        with pytest.raises(ValueError, match="the tabs are: json, body, headers, request"):
            view.action_show_tab("cookies")


async def test_a_14_mb_json_body_renders_and_expands() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        items = [
            {"id": n, "email": f"user{n}@example.com", "tags": ["red", "blue"], "nested": {"a": n}}
            for n in range(170_000)
        ]
        body = json.dumps({"items": items, "count": len(items)}).encode()
        assert len(body) > 14 * 1024 * 1024
        del items
        await show(app, pilot, make_exchange(body))
        tree = app.query_one(JsonTree)
        tree.focus()
        items_node = node_at(tree, "items")
        tree.move_cursor(items_node)
        await pilot.press("space")
        await pilot.pause()
        assert len(items_node.children) == PAGE_SIZE + 1
        await pilot.press("down", "space")
        await pilot.pause()
        assert 'email: "user0@example.com"' in [
            str(n.label) for n in all_nodes(tree) if n is not tree.root
        ]
        pretty = app.query_one("#response-body", BodyView).document
        assert pretty is not None and pretty.line_count == 11 * 170_000 + 5  # the pretty form


# Pure helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\n"], "b": {}}',
        json.dumps({"big": [{"n": n, "s": "y" * 500} for n in range(400)], "z": "w" * 100_000}),
        json.dumps([[["deep"] * 3000] * 10]),
        '  "a lone string"  ',
        "12345678901234567890",
    ],
)
def test_stepwise_parse_matches_json_loads(text: str) -> None:
    assert parse_json(text) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1,}', "[1, 2", '{"a" 1}', "", " 1 2", "[" + "1," * 40_000])
def test_stepwise_parse_reports_errors_like_json_loads(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        parse_json(text)
    assert (got.value.msg, got.value.pos) == (expected.value.msg, expected.value.pos)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("\n\nc", ["", "", "c"]),
    ],
)
def test_text_document_lines(text: str, lines: list[str]) -> None:
    document = TextDocument.from_text(text)
    assert [document.line(i) for i in range(document.line_count)] == lines


def test_text_document_slices_long_lines_and_finds_positions() -> None:
    text = "x" * 3_000_000 + "\nshort\n" + "tail"
    document = TextDocument.from_text(text)
    assert document.line_count == 3 and document.width == 3_000_000
    assert document.line(0, 10, 15) == "xxxxx"
    assert document.line(1, 2) == "ort"
    assert document.position(text.index("tail")) == (2, 0)


def test_find_text_both_ways_across_piece_edges() -> None:
    text = "a" * ((1 << 20) - 2) + "Needle" + "b" * 10 + "needle"
    first = text.index("Needle")
    assert find_text(text, "NEEDLE", 0) == first
    assert find_text(text, "needle", first + 1) == text.rindex("needle")
    assert find_text(text, "needle", len(text), backwards=True) == text.rindex("needle")
    assert find_text(text, "needle", first, backwards=True) == -1
    assert find_text(text, "absent", 0) == -1


def test_paths_search_and_hex() -> None:
    assert path_text(("data", 3, "address", "city")) == "data[3].address.city"
    assert path_text((0, "content-type")) == "[0]['content-type']"
    assert path_text(()) == ""
    assert search_json(USERS, "ada") == [("data", 0, "name")]
    assert search_json(USERS, "zip") == [
        ("data", 0, "address", "zip"),
        ("data", 1, "address", "zip"),
    ]
    assert search_json({"n": None, "ok": True}, "null") == [("n",)]
    row = hex_dump(b"Hi!\x00")
    assert row.startswith("00000000  48 69 21 00 ") and row.endswith("  |Hi!.|")
    assert row.index("|") == hex_dump(bytes(16)).index("|")  # the ASCII column stays in place


def test_binary_detection_and_decoding() -> None:
    assert is_binary(b"\x89PNG", "image/png", ResponseType.JSON)
    assert is_binary(b"plain", "text/plain", ResponseType.BINARY)
    assert is_binary(b"a\x00b", "", ResponseType.TEXT)
    assert is_binary(b"\xff\xfe\xfa", "", ResponseType.TEXT)
    assert not is_binary("café".encode("latin-1"), "text/plain", ResponseType.TEXT)
    assert not is_binary("naïve ✓".encode(), "", ResponseType.TEXT)
    assert decode_text("café".encode("latin-1"), "latin-1") == "café"
    assert decode_text(b"\xef\xbb\xbf{}") == "{}"
    assert decode_text(b"ok\xff", "no-such-charset") == "ok\ufffd"


def test_release_frees_a_document_but_keeps_what_others_hold() -> None:
    kept = {"still": ["here"]}
    document = Owned({"items": [{"a": [1, 2]}, kept], "n": 1})
    discard(document)
    assert document.value is None
    release_discarded()
    assert kept == {"still": ["here"]}
    assert not large_bodies._Collector.discarded


def test_long_lived_data_restores_the_collector() -> None:
    assert gc.isenabled()
    with large_bodies.long_lived_data():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
