"""The history in the TUI: the list of a call's past exchanges (and of every call's), filtered
by typing; a past response opened in the response pane; two compared; one sent again with
its parameter values and today's private values. Against the demo API on loopback.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from textual.widgets import OptionList

from tests.ui_app import SIZE, main_screen, notified, open_app, screen_text, send
from tests.ui_keys import type_text
from tests.ui_wait import settle, wait_for
from workbench.core.desk import Answered, Past
from workbench.core.history import FILE_NAME, HistoryStore
from workbench.core.secrets import SecretAddress, SecretStore
from workbench.core.sending import Session
from workbench.core.workspace import find_call, load_workspace
from workbench.demo.server import DemoServer
from workbench.ui.dialogs.diff_view import DiffScreen
from workbench.ui.dialogs.history import HistoryScreen

KEY = SecretAddress.parameter("Demo", "X-Api-Key", "Check API key")


async def send_headless(path: Path, base_url: str, *sends: tuple[str, dict[str, str]]) -> None:
    """Send calls through a session of their own (as `workbench run` would): history entries
    for the TUI to find."""
    session = Session.open(load_workspace(path), path)
    session.base_url = base_url
    for name, overrides in sends:
        provider, call = find_call(session.workspace, name)
        await session.run_call(provider, call, overrides=overrides)
    await session.aclose()


def listed(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, HistoryScreen)
    entries = screen.query_one(OptionList)
    return [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]


async def test_a_call_s_history_filters_as_you_type_and_opens_a_past_response(
    demo_workspace: Path, demo_url: str
) -> None:
    await send_headless(demo_workspace, demo_url, ("Demo/Get user", {"id": "2"}))
    app = open_app(demo_workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        await send(pilot, app)
        await pilot.press("shift+f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the list")
        lines = listed(app)
        assert len(lines) == 2 and all("development" in line and "200" in line for line in lines)
        assert "History of Demo/List users" in screen_text(app)
        await type_text(pilot, "#3")
        assert len(listed(app)) == 1  # the newest; the other is #2, Get user is #1
        await type_text(pilot, "x")
        assert listed(app) == []
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.press("escape")
        # Every call's history: Get user's entry too, named.
        await pilot.press("shift+f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the list")
        assert len(listed(app)) == 3
        await type_text(pilot, "get user")
        [line] = listed(app)
        assert "Demo/Get user" in line
        await pilot.press("enter")
        await settle(pilot, app)
        screen = main_screen(app)
        # The call is selected and its past answer shown, labelled as from the history.
        assert screen.desk.selected is not None and screen.desk.selected.call == "Get user"
        assert isinstance(screen.desk.response, Past)
        text = screen_text(app)
        assert "from history #1" in text and "200 OK" in text
        assert "Alan Turing" in text  # user 2 as it was then (the workspace has 1)


async def test_two_past_responses_are_compared_field_by_field(
    demo_workspace: Path, fresh_demo: DemoServer
) -> None:
    url = fresh_demo.base_url
    await send_headless(
        demo_workspace,
        url,
        ("Demo/Get user", {}),
        ("Demo/Rename user", {"name": "Ada King"}),
        ("Demo/Get user", {}),
    )
    app = open_app(demo_workspace, url, on="Demo/Get user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the list")
        await pilot.press("ctrl+t")
        assert listed(app)[0].startswith("● #3")
        await pilot.press("down", "ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen), what="the diff")
        text = screen_text(app)
        assert "#1 → #3 · Demo/Get user" in text
        assert "1 difference" in text
        assert '~ name: "Ada Lovelace" -> "Ada King"' in text


async def test_sending_again_uses_the_past_values_and_today_s_private_value(
    demo_workspace: Path, demo_url: str
) -> None:
    workspace = load_workspace(demo_workspace)
    store = SecretStore()
    store.set(workspace.id, KEY, "yesterday-key-0001")
    await send_headless(demo_workspace, demo_url, ("Demo/Check API key", {}))
    await send_headless(demo_workspace, demo_url, ("Demo/Get user", {"id": "3"}))
    store.set(workspace.id, KEY, "today-key-000002")
    app = open_app(demo_workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:

        async def send_again(words: str) -> Answered:
            """Every call's history, filtered by `words`, its first entry sent again."""
            await pilot.press("shift+f3")
            await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the list")
            await type_text(pilot, words)
            await pilot.press("ctrl+r")
            await settle(pilot, app)
            response = main_screen(app).desk.response
            assert isinstance(response, Answered)
            return response

        response = await send_again("get user")
        assert response.result.exchange.request.url.endswith("/users/3")  # not the workspace's 1
        assert "today's private values" in notified(app)
        # A private value is sent as it is today: the stored copy had it masked.
        response = await send_again("check api key")
        assert response.result.call.name == "Check API key"
        answer = json.loads(response.result.exchange.body)
        assert answer["sha256"] == hashlib.sha256(b"today-key-000002").hexdigest()
    # Each send again is kept too.
    assert len(HistoryStore().summaries()) == 4


async def test_a_damaged_history_is_a_warning_and_the_answer_is_shown(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    (isolated_home / FILE_NAME).write_bytes(b"not a database " * 100)
    app = open_app(demo_workspace, demo_url, on="Demo/List users")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert "200 OK" in screen_text(app)
        await wait_for(pilot, lambda: "is damaged" in notified(app), what="the warning")
        assert "Remove that file" in notified(app)
