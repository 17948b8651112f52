"""The call and provider editors, driven by keys through Pilot at 80x24 in a tiny host app."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.css.query import NoMatches
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TabbedContent, TextArea

from tests.ui_app import main_screen, open_app, screen_text, stored_by_name
from tests.ui_keys import type_fast, type_text
from tests.ui_wait import wait_for, workers_done
from workbench.core import auth
from workbench.core.secrets.store import SecretAddress, SecretResolver, SecretStore
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.io import load_workspace
from workbench.core.workspace.model import (
    Auth,
    BodyType,
    Call,
    CallOptions,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    ResponseType,
    UseAs,
    Workspace,
)
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.call_editor import CallEditor
from workbench.ui.widgets.header_table import HeaderTable
from workbench.ui.widgets.parameter_table import ParameterTable
from workbench.ui.widgets.private_input import PrivateInput, PrivateValueStored
from workbench.ui.widgets.provider_editor import ProviderEditor
from workbench.ui.widgets.rows_editor import RowsEditor
from workbench.ui.widgets.value_input import shown_text
from workbench.ui.widgets.workspace_tree import WorkspaceTree

ROOT = Path(__file__).resolve().parents[1]
EDITOR_CSS = ROOT / "workbench" / "ui" / "editor.tcss"
SIZE = (80, 24)
SECRET = "s3cretKey42"

DEMO = load_workspace(ROOT / "workspaces" / "demo.toml")
RICH = load_workspace(ROOT / "tests" / "data" / "rich.toml")

# A call using every feature the editor shows, each away from its default.
EVERY_FEATURE = Call(
    name="Everything",
    use_as=UseAs.ACTION,
    method=Method.PATCH,
    url="https://api.example.com/things/[id]",
    headers=(
        Header("X-Plain", "plain"),
        Header("X-Env", PerEnvironment({"development": "dev-h", "live": "live-h"})),
        Header("X-Token", private=True),
    ),
    parameters=(
        Parameter("id", "7", location=Location.PATH),
        Parameter("q", "", optional=True, allow_blank=True, location=Location.QUERY),
        Parameter("tenant", PerEnvironment({"live": "t-live"}), location=Location.HEADER),
        Parameter("token", private=True, optional=True),
        Parameter("upload", "./a.png", location=Location.BODY, file=True),
    ),
    body_type=BodyType.RAW,
    body="<a>\n\t<b>tab</b>\n</a>\n",
    content_type="application/xml",
    response_type=ResponseType.XML,
    options=CallOptions(
        timeout=12.5,
        follow_redirects=False,
        verify_tls=False,
        include_errors=True,
        capture_headers=True,
    ),
    notes="Line one.\nLine two.",
)


class Host(App[None]):
    """Composes one editor and records the messages it posts."""

    CSS_PATH = EDITOR_CSS

    def __init__(self, editor: Widget) -> None:
        super().__init__()
        self.editor = editor
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.editor

    @on(CallEditor.CallEdited)
    @on(ProviderEditor.ProviderEdited)
    @on(PrivateValueStored)
    def _record(self, message: Message) -> None:
        self.messages.append(message)

    def edits(self) -> list[Message]:
        return [m for m in self.messages if not isinstance(m, PrivateValueStored)]


def resolver(workspace: Workspace) -> SecretResolver:
    return SecretResolver(workspace.id, SecretStore(), environ={})


async def open_call(
    pilot: Pilot[None], provider: Provider, call: Call, workspace: Workspace = DEMO
) -> CallEditor:
    editor = pilot.app.query_one(CallEditor)
    editor.load(
        provider, call, environment=workspace.default_environment, secrets=resolver(workspace)
    )
    await pilot.pause()
    return editor


async def open_provider(
    pilot: Pilot[None], provider: Provider, workspace: Workspace, environment: str
) -> ProviderEditor:
    editor = pilot.app.query_one(ProviderEditor)
    editor.load(
        provider,
        environments=workspace.environments,
        environment=environment,
        secrets=resolver(workspace),
    )
    await pilot.pause()
    return editor


async def show_tab(pilot: Pilot[None], pane: str) -> None:
    pilot.app.query_one(TabbedContent).active = pane
    await pilot.pause()


async def type_into(pilot: Pilot[None], widget: Widget, text: str) -> None:
    """Focus the input `widget`, select its text and type `text` over it."""
    widget.focus()
    await pilot.pause()
    await pilot.press("home", "shift+end")
    await type_text(pilot, text)


async def choose(pilot: Pilot[None], select: Select[str], value: str) -> None:
    """Pick `value` in a Select with keys: open it, walk to the option, confirm."""
    select.focus()
    await pilot.pause()
    options = [v for _, v in select._options]
    steps = options.index(value) - options.index(str(select.value))
    await pilot.press("enter", *(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()


# --- round trip ---------------------------------------------------------------------------


def demo_calls() -> list[tuple[Provider, Call]]:
    return [(p, c) for p in DEMO.providers for c in p.calls]


@pytest.mark.parametrize(
    ("provider", "call"),
    [*demo_calls(), (RICH.providers[0], EVERY_FEATURE)]
    + [(p, c) for p in RICH.providers for c in p.calls],
    ids=lambda item: getattr(item, "name", None),
)
async def test_untouched_call_comes_back_equal(provider: Provider, call: Call) -> None:
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(
            pilot, provider, call, RICH if provider in RICH.providers else DEMO
        )
        for pane in ("call-params", "call-headers", "call-body", "call-options", "call-notes"):
            await show_tab(pilot, pane)
        assert editor.to_model() == call
        assert app.edits() == []


@pytest.mark.parametrize(
    ("workspace", "provider"),
    [(DEMO, p) for p in DEMO.providers] + [(RICH, p) for p in RICH.providers],
    ids=lambda item: getattr(item, "name", None),
)
async def test_untouched_provider_comes_back_equal(
    workspace: Workspace, provider: Provider
) -> None:
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        for environment in workspace.environments:
            editor = await open_provider(pilot, provider, workspace, environment)
            assert editor.to_model() == provider
        assert app.edits() == []


async def test_to_model_right_after_load_is_the_loaded_call() -> None:
    provider = RICH.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, provider.calls[0], RICH)
        # No pause: the new rows are not on screen yet.
        editor.load(provider, EVERY_FEATURE, environment="development", secrets=resolver(RICH))
        assert editor.to_model() == EVERY_FEATURE


# --- editing a call -----------------------------------------------------------------------


async def test_typing_a_url_changes_the_call_and_posts_call_edited() -> None:
    provider = DEMO.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, provider.calls[0])
        await type_into(pilot, editor.query_one("#url"), "/people")
        assert editor.to_model().url == "/people"
        edits = app.edits()
        assert edits and isinstance(edits[-1], CallEditor.CallEdited)
        assert edits[-1].call == editor.to_model()
        assert edits[-1].call.name == provider.calls[0].name


async def test_focusing_the_editor_focuses_the_url() -> None:
    provider = DEMO.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, provider.calls[0])
        editor.focus()
        await pilot.pause()
        assert app.focused is editor.query_one("#url")


async def test_changing_method_use_as_body_and_options() -> None:
    provider = DEMO.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, provider.calls[0])
        await choose(pilot, editor.query_one("#method", Select), "PUT")
        await choose(pilot, editor.query_one("#use-as", Select), "action")

        await show_tab(pilot, "call-body")
        assert not editor.query_one("#content-type").display
        await choose(pilot, editor.query_one("#body-type", Select), "raw")
        assert editor.query_one("#content-type").display
        await type_into(pilot, editor.query_one("#content-type"), "text/csv")
        body = editor.query_one("#body", TextArea)
        body.focus()
        await pilot.press("a", ",", "b")

        await show_tab(pilot, "call-options")
        await type_into(pilot, editor.query_one("#timeout"), "2.5")
        editor.query_one("#follow-redirects", Checkbox).focus()
        await pilot.press("space")
        await choose(pilot, editor.query_one("#response-type", Select), "text")

        call = editor.to_model()
        assert (call.method, call.use_as) == (Method.PUT, UseAs.ACTION)
        assert (call.body_type, call.content_type, call.body) == (BodyType.RAW, "text/csv", "a,b")
        assert call.options == CallOptions(timeout=2.5, follow_redirects=False)
        assert call.response_type is ResponseType.TEXT
        last = app.edits()[-1]
        assert isinstance(last, CallEditor.CallEdited) and last.call == call


async def test_a_timeout_that_is_not_a_positive_number_keeps_the_loaded_one() -> None:
    provider = RICH.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, EVERY_FEATURE, RICH)
        await show_tab(pilot, "call-options")
        await type_into(pilot, editor.query_one("#timeout"), "0")
        assert editor.to_model().options.timeout == 12.5


async def test_adding_moving_and_deleting_a_parameter() -> None:
    provider = DEMO.providers[0]
    call = provider.call("List users")
    assert call is not None
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call)
        editor.query_one(".row .row-name", Input).focus()
        await pilot.press("ctrl+n")  # a new row after the focused one, its name focused
        await pilot.pause()
        await type_text(pilot, "limit")
        await pilot.press("tab")
        await type_text(pilot, "5")
        names = [p.name for p in editor.to_model().parameters]
        assert names == ["page", "limit", "per_page"]
        assert editor.to_model().parameters[1] == Parameter("limit", "5")

        await pilot.press("alt+up")
        await pilot.pause()
        assert [p.name for p in editor.to_model().parameters] == ["limit", "page", "per_page"]
        await pilot.press("alt+down", "alt+down")
        await pilot.pause()
        assert [p.name for p in editor.to_model().parameters] == ["page", "per_page", "limit"]
        rows = [line for line in screen_text(app).splitlines() if "▐X▌" in line]
        assert [row.split("▐")[0].replace(" ", "") for row in rows] == [
            "page1",
            "per_page10",
            "limit5",
        ]

        await pilot.press("ctrl+delete")
        await pilot.pause()
        assert editor.to_model().parameters == call.parameters
        assert isinstance(app.edits()[-1], CallEditor.CallEdited)


async def add_a_header_to_an_empty_table(pilot: Pilot[None]) -> CallEditor:
    """Open a call without headers and press its table's add button: the new row's name
    has the focus."""
    provider = DEMO.providers[0]
    call = provider.call("Not found")
    assert call is not None and call.headers == ()
    editor = await open_call(pilot, provider, call)
    await show_tab(pilot, "call-headers")
    editor.query_one("#headers .rows-add").focus()
    await pilot.press("enter")
    await pilot.pause()
    return editor


async def test_the_add_button_adds_a_row_to_an_empty_table() -> None:
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await add_a_header_to_an_empty_table(pilot)
        await type_text(pilot, "X-Trace")
        await pilot.press("tab")
        await type_text(pilot, "on")
        assert editor.to_model().headers == (Header("X-Trace", "on"),)


async def test_marking_a_parameter_private_takes_its_value_out_of_the_model() -> None:
    provider = DEMO.providers[0]
    call = provider.call("Get user")
    assert call is not None and call.parameters[0].value
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call)
        editor.query_one(".row .row-private", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert editor.to_model().parameters == (Parameter("id", "", private=True),)
        stored = stored_by_name(DEMO)
        assert stored == {"Demo/Get user/param.id": {"*": call.parameters[0].value}}
        assert "•••••• set" in screen_text(app)


async def test_editing_a_per_environment_parameter_edits_only_that_environment() -> None:
    provider = RICH.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, EVERY_FEATURE, RICH)
        row = editor.query_one(ParameterTable).query(".row .row-value").nodes[2]
        await type_into(pilot, row, "t-dev")
        tenant = editor.to_model().parameters[2]
        assert tenant.value == PerEnvironment({"live": "t-live", "development": "t-dev"})


async def test_a_chained_parameter_shows_its_source_until_a_value_is_typed() -> None:
    provider = RICH.providers[0]
    call = provider.call("Upload avatar")
    assert call is not None and call.parameters[0].source is not None
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call, RICH)
        assert "from Get user: body.id" in screen_text(app)
        await type_into(pilot, editor.query(".row .row-value").first(), "42")
        assert editor.to_model().parameters[0] == Parameter("id", "42", optional=True)


async def test_a_narrow_cell_shows_its_start_again_once_left(tmp_path: Path) -> None:
    """At 80 columns "per_page" just fills its name cell: editing at its end scrolls the
    cell, and leaving it scrolls it back, so it does not go on reading "er_page"."""
    shutil.copy(ROOT / "workspaces" / "demo.toml", tmp_path / "demo.toml")
    app = open_app(tmp_path / "demo.toml", "http://127.0.0.1:8400", on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        table = main_screen(app).query_one(ParameterTable)
        await wait_for(pilot, lambda: len(table.query(".row")) == 2, what="the parameters")
        name = table.query(".row-name").nodes[-1]
        assert isinstance(name, Input) and name.value == "per_page"
        name.focus()
        await pilot.press("end")
        await wait_for(pilot, lambda: name.scroll_x > 0, what="the cell to scroll")
        await pilot.press("tab")
        await wait_for(pilot, lambda: not name.has_focus, what="the focus to leave")
        assert name.scroll_x == 0
        assert any(line.startswith("per_page") for line in rows_text(app))


def rows_text(app: App[Any]) -> list[str]:
    """The editor's side of each screen line (right of the tree's border)."""
    return [line.split("▕")[-1] for line in screen_text(app).splitlines()]


# --- private values -----------------------------------------------------------------------


def api_key_call(stored: str | None = None) -> tuple[Provider, Call, SecretAddress]:
    """The demo's call with a private parameter, and its address (`stored` there if given)."""
    provider = DEMO.providers[0]
    call = provider.call("Check API key")
    assert call is not None
    address = SecretAddress.parameter(provider, "X-Api-Key", call)
    if stored is not None:
        SecretStore().set(DEMO.id, address, stored)
    return provider, call, address


async def test_a_typed_private_value_is_stored_and_masked_until_revealed() -> None:
    provider, call, address = api_key_call()
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call)
        assert "not set" in screen_text(app)
        await type_into(pilot, editor.query_one(".-private PrivateInput"), SECRET)
        assert SECRET not in screen_text(app)  # typed, masked, not yet stored
        assert stored_by_name(DEMO) == {}

        await pilot.press("enter")
        await pilot.pause()
        assert stored_by_name(DEMO) == {str(address): {"*": SECRET}}
        assert [m.address for m in app.messages if isinstance(m, PrivateValueStored)] == [address]
        assert SECRET not in screen_text(app)
        assert editor.query_one(".-private PrivateInput", PrivateInput).is_set
        assert "not set" not in screen_text(app)
        assert SECRET not in repr(editor.to_model())
        assert editor.to_model() == call  # the model never holds it

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert SECRET in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert SECRET not in screen_text(app)


async def test_an_empty_submission_keeps_the_stored_value() -> None:
    provider, call, address = api_key_call(stored=SECRET)
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call)
        editor.query_one(".-private PrivateInput").focus()
        await pilot.press("enter", "tab")
        await pilot.pause()
        assert stored_by_name(DEMO) == {str(address): {"*": SECRET}}
        assert not any(isinstance(m, PrivateValueStored) for m in app.messages)


async def test_leaving_a_private_input_stores_the_value() -> None:
    provider = RICH.providers[0]
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, EVERY_FEATURE, RICH)
        await type_into(pilot, editor.query_one("#parameters .-private PrivateInput"), SECRET)
        await pilot.press("tab")
        await pilot.pause()
        assert stored_by_name(RICH) == {"Demo/Everything/param.token": {"*": SECRET}}


async def test_making_a_typed_value_private_moves_it_to_the_secret_store(
    tmp_path: Path,
) -> None:
    """Ticking Priv on a row whose value was typed keeps that value: the desk stores it (and
    says so), the row says it is set, the workspace file never holds it."""
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    app = open_app(path, "http://127.0.0.1:8400", on="Demo/List users")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = main_screen(app).query_one(ParameterTable)
        await wait_for(pilot, lambda: len(table.query(".row")) == 2, what="the parameters")
        row = table.query(".row").nodes[0]
        await type_into(pilot, row.query_one(".row-value"), SECRET)
        row.query_one(".row-private", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        address = "Demo/List users/param.page"
        assert stored_by_name(DEMO) == {address: {"*": SECRET}}
        assert row.query_one(PrivateInput).is_set and row.has_class("-private")
        assert f"Stored {address} in the secret store." in " ".join(
            n.message for n in app._notifications
        )
        assert "•••••• set" in screen_text(app) and SECRET not in screen_text(app)
        await pilot.press("ctrl+s")
        await workers_done(app)
    assert SECRET not in path.read_text()
    assert '{ name = "page", private = true' in path.read_text()


@pytest.mark.parametrize(
    ("leave", "more"),
    [
        ("shift+tab", ""),  # the name left for elsewhere: stored at once
        ("tab", "!"),  # to the masked value, which holds what was typed: stored when left
    ],
)
async def test_a_value_made_private_before_its_row_is_named_is_stored_once_named(
    leave: str, more: str
) -> None:
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await add_a_header_to_an_empty_table(pilot)
        await pilot.press("tab")  # to its value
        await type_text(pilot, SECRET)
        editor.query_one("#headers .row .row-private", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert stored_by_name(DEMO) == {}  # nowhere to go yet
        await type_into(pilot, editor.query_one("#headers .row .row-name"), "X-Token")
        await pilot.press(leave)
        await pilot.pause()
        if more:
            await type_text(pilot, more)
            await pilot.press("tab")
            await pilot.pause()
        stored = {"Demo/Not found/header.X-Token": {"*": SECRET + more}}
        assert stored_by_name(DEMO) == stored
        assert editor.to_model().headers == (Header("X-Token", private=True),)
        assert SECRET not in screen_text(app)


async def test_editing_a_stored_private_value_starts_from_it() -> None:
    """One key typed into a private field that is set edits the stored value (here adds to
    it): it does not replace it. The value stays masked unless revealed."""
    provider, call, address = api_key_call(stored=SECRET)
    app = Host(CallEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_call(pilot, provider, call)
        field = editor.query_one(".-private PrivateInput", PrivateInput)
        field.focus()
        await pilot.pause()
        assert SECRET not in screen_text(app)
        await type_text(pilot, "9")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert SECRET + "9" in screen_text(app)  # revealed on request only
        await pilot.press("ctrl+r", "backspace", "backspace", "tab")
        await pilot.pause()
        assert stored_by_name(DEMO) == {str(address): {"*": SECRET[:-1]}}
        assert SECRET[:-1] not in screen_text(app)
        assert "•••••• set" in screen_text(app)


def test_private_input_messages_do_not_show_the_value() -> None:
    private = PrivateInput(None, secrets=resolver(DEMO), environment="development")
    for message in (
        PrivateInput.Changed(private, SECRET),
        PrivateInput.Submitted(private, SECRET),
        PrivateInput.Blurred(private, SECRET),
    ):
        assert SECRET not in repr(message)


# --- the provider editor ------------------------------------------------------------------


async def test_the_header_method_form_and_switching_to_none() -> None:
    provider = RICH.providers[0]
    assert provider.auth == Auth("header", {"header": "X-Api-Key"})
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_provider(pilot, provider, RICH, "development")
        text = screen_text(app)
        assert "Header name" in text and "Header value" in text
        assert editor.query_one("#auth-header", Input).value == "X-Api-Key"
        assert editor.query_one("#auth-value", PrivateInput).password

        await type_into(pilot, editor.query_one("#auth-header"), "X-Key")
        assert editor.to_model().auth == Auth("header", {"header": "X-Key"})
        await type_into(pilot, editor.query_one("#auth-value"), SECRET)
        await pilot.press("enter")
        await pilot.pause()
        assert stored_by_name(RICH) == {"Demo/auth.value": {"*": SECRET}}
        assert SECRET not in screen_text(app)

        await choose(pilot, editor.query_one("#auth-method", Select), "none")
        assert not editor.query("#auth-header") and not editor.query("#auth-value")
        assert "Header name" not in screen_text(app)
        assert editor.to_model().auth == Auth("none")
        last = app.edits()[-1]
        assert isinstance(last, ProviderEditor.ProviderEdited)
        assert last.provider.auth == Auth("none")

        # Back to the loaded method: its loaded settings come back.
        await choose(pilot, editor.query_one("#auth-method", Select), "header")
        assert editor.to_model().auth == provider.auth


@pytest.mark.parametrize("method", list(auth.METHODS))
async def test_every_method_gets_a_form_from_its_declaration(method: str) -> None:
    declared = auth.METHODS[method]
    provider = Provider("P", base_url="http://127.0.0.1:1", auth=Auth(method))
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_provider(pilot, provider, DEMO, "development")
        for setting in declared.settings:
            field = editor.query_one(f"#auth-{setting.name}")
            if setting.private:
                assert isinstance(field, PrivateInput)
            elif setting.choices:
                assert isinstance(field, Select)
            elif setting.multiline:
                assert isinstance(field, TextArea)
            else:
                assert isinstance(field, Input)
        assert editor.to_model() == provider


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
async def test_a_multiline_private_value_keeps_its_lines_when_pasted(line_break: str) -> None:
    """Whichever line breaks the terminal pastes (often CR), the value keeps LF ones."""
    address = SecretAddress("P", "auth.private_key")
    pem = "-----BEGIN KEY-----\nabc\n-----END KEY-----\n"
    private = PrivateInput(
        address, secrets=resolver(DEMO), environment="development", multiline=True
    )
    app = Host(private)
    async with app.run_test(size=SIZE) as pilot:
        private.focus()
        await pilot.pause()
        private.post_message(events.Paste(pem.replace("\n", line_break)))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert stored_by_name(DEMO) == {str(address): {"*": pem}}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "-----BEGIN KEY-----⏎abc⏎-----END KEY-----⏎" in screen_text(app)


async def test_editing_a_per_environment_base_url_edits_only_the_current_environment() -> None:
    provider = RICH.providers[0]
    assert isinstance(provider.base_url, PerEnvironment)
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_provider(pilot, provider, RICH, "live")
        assert editor.query_one("#base-url", Input).value == "https://api.example.com"
        assert "Per environment" in screen_text(app)
        await type_into(pilot, editor.query_one("#base-url"), "https://new.example.com")
        assert editor.to_model().base_url == PerEnvironment(
            {"development": "http://127.0.0.1:8400", "live": "https://new.example.com"}
        )
        assert editor.to_model().calls == provider.calls


async def test_a_plain_base_url_stays_plain() -> None:
    provider = DEMO.providers[0]
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_provider(pilot, provider, DEMO, "live")
        assert "Per environment" not in screen_text(app)
        await type_into(pilot, editor.query_one("#base-url"), "http://localhost:9")
        assert editor.to_model().base_url == "http://localhost:9"


async def test_shared_private_header_uses_the_provider_address() -> None:
    provider = RICH.providers[0]
    app = Host(ProviderEditor())
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_provider(pilot, provider, RICH, "development")
        await show_tab(pilot, "provider-headers")
        await type_into(pilot, editor.query_one("#headers .-private PrivateInput"), SECRET)
        await pilot.press("enter")
        await pilot.pause()
        assert stored_by_name(RICH) == {"Demo/header.X-Sig": {"*": SECRET}}
        assert editor.to_model() == provider


def test_table_bindings_are_described_for_the_help_screen() -> None:
    keys = {binding.key: binding.description for binding in RowsEditor.BINDINGS}  # type: ignore[union-attr]
    assert set(keys) == {"ctrl+n", "ctrl+delete", "ctrl+z", "alt+up", "alt+down"}
    assert all(keys.values())
    assert all(binding.description for binding in PrivateInput.BINDINGS)  # type: ignore[union-attr]


# --- in the main screen, moving through the tree -------------------------------------------


def open_workbench(tmp_path: Path, workspace: Path) -> WorkbenchApp:
    """The whole app on a copy of `workspace`."""
    path = tmp_path / workspace.name
    shutil.copy(workspace, path)
    return WorkbenchApp([WorkspaceDocument.load(path)])


def shown_rows(table: RowsEditor[Any]) -> list[tuple[str, str]]:
    """The rows the table has on screen: name and value ("private" for a private row)."""
    return [
        (
            row.query_one(".row-name", Input).value,
            "private" if row.has_class("-private") else row.query_one(".row-value", Input).value,
        )
        for row in table.query(".row")
    ]


def model_rows(rows: tuple[Header, ...] | tuple[Parameter, ...]) -> list[tuple[str, str]]:
    return [
        (row.name, "private" if row.private else shown_text(row.value, "development"))
        for row in rows
    ]


async def arrive(pilot: Pilot[None], path: str, editor: type[Widget]) -> MainScreen:
    """Wait until `path` is selected, under the tree's cursor, and its editor shows it; then
    check that the screen stays still (nothing keeps reloading the editor)."""
    screen = main_screen(pilot.app)  # type: ignore[arg-type]
    tree = screen.query_one(WorkspaceTree)

    def shown() -> bool:
        item = screen.selected
        if item is None or item.path != path or tree.cursor_item != item:
            return False
        model = item.call_model or item.provider_model
        assert model is not None
        try:
            shown_editor = screen.query_one(editor)
            headers = shown_rows(shown_editor.query_one(HeaderTable))
            parameters = shown_rows(shown_editor.query_one(ParameterTable))
        except NoMatches:
            return False  # the editor is still being composed
        return headers == model_rows(model.headers) and parameters == model_rows(model.parameters)

    await wait_for(pilot, shown, what=f"{path} in its editor")
    rows = list(screen.query_one(editor).query(".row"))
    # Whatever is still queued is handled (a selection and an editor that chase each other
    # would post more): the screen must stay as it is.
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()
    assert shown(), "the selection or its rows changed after they were shown"
    assert list(screen.query_one(editor).query(".row")) == rows, "the editor keeps reloading"
    return screen


async def test_moving_quickly_through_the_tree_shows_the_rows_of_each_call(
    tmp_path: Path,
) -> None:
    app = open_workbench(tmp_path, ROOT / "workspaces" / "demo.toml")
    async with app.run_test(size=SIZE) as pilot:
        type_fast(app, "down", "down")
        await arrive(pilot, "Demo/List users", CallEditor)
        # Seen, not only present: the Params tab lists both parameters under its headings.
        lines = [line.split("▕")[-1] for line in screen_text(app).splitlines() if "▐X▌" in line]
        assert [line.split("▐")[0].replace(" ", "") for line in lines] == ["page1", "per_page10"]

        type_fast(app, *["down"] * 5)
        await arrive(pilot, "Demo/Rename user", CallEditor)
        type_fast(app, "up", "up", "up")
        await arrive(pilot, "Demo/Get user (versioned)", CallEditor)
        type_fast(app, "up", "up", "up")
        await arrive(pilot, "Demo", ProviderEditor)
        for key, path in [("down", "Demo/List users"), ("down", "Demo/Get user")]:
            await pilot.press(key)  # slowly, one key at a time
            await arrive(pilot, path, CallEditor)


async def test_moving_quickly_shows_headers_body_options_and_provider_tables(
    tmp_path: Path,
) -> None:
    app = open_workbench(tmp_path, ROOT / "tests" / "data" / "rich.toml")
    async with app.run_test(size=SIZE) as pilot:
        type_fast(app, "down", "down", "up")
        screen = await arrive(pilot, "Demo", ProviderEditor)
        provider = RICH.providers[0]
        assert screen.query_one(ProviderEditor).to_model() == provider
        screen.query_one("#provider-tabs", TabbedContent).active = "provider-headers"
        await pilot.pause()
        assert "X-Sig" in screen_text(app)

        type_fast(app, "down", "down", "down")
        screen = await arrive(pilot, "Demo/Create user", CallEditor)
        editor = screen.query_one(CallEditor)
        # Body, options and notes come back exactly as loaded.
        assert editor.to_model() == provider.call("Create user")
        editor.query_one("#call-tabs", TabbedContent).active = "call-headers"
        await pilot.pause()
        text = screen_text(app)
        assert "X-Request-Id" in text and "X-Token" in text

        type_fast(app, "down", "down", "down", "down")
        await arrive(pilot, "Billing/Invoices", CallEditor)
        type_fast(app, *["up"] * 5)
        await arrive(pilot, "Demo/Get user", CallEditor)
