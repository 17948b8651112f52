"""Logging in from the TUI (OAuth2 user-agent flow): the dialog, its URL, the paste, the listener.

The test plays the browser on the far end of an SSH connection: it reads the
authorization URL in the dialog, opens it with an HTTP client (the demo
approves at once and redirects), and pastes the address it was sent to; or it
lets the redirect reach the dialog's loopback listener.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from login_browser import PROVIDER, a_browser, auth_workspace, owner, redirect_location, with_query
from textual.pilot import Pilot

from tests.ui_app import SIZE, main_screen, notified, open_app, screen_text
from tests.ui_keys import paste, type_text
from tests.ui_wait import palette_searched, settle, wait_for, wait_until_async
from workbench.core.auth import TokenManager
from workbench.core.desk import Answered
from workbench.core.secrets import SecretStore
from workbench.demo.credentials import DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp
from workbench.ui.dialogs.login_prompt import LoginScreen

CALL = f"{PROVIDER}/Who am I"


@pytest.fixture
def workspace(tmp_path: Path, demo_credentials: DemoCredentials) -> Path:
    """workspaces/auth.toml (redirect URI on a free port), its client secret stored."""
    store_demo_credentials(demo_credentials, SecretStore())
    return auth_workspace(tmp_path)


async def wait_for_url(pilot: Pilot[None], app: WorkbenchApp) -> LoginScreen:
    """The login dialog, once it shows its URL."""
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, LoginScreen) and app.screen.url,
        what="the login dialog's URL",
    )
    dialog = app.screen
    assert isinstance(dialog, LoginScreen)
    return dialog


def redirect_of(url: str) -> str:
    with a_browser() as browser:
        return redirect_location(browser, url)


def follow(url: str) -> int:
    with a_browser() as browser:
        return browser.get(url, follow_redirects=True).status_code


def listening(redirect_uri: str) -> bool:
    parts = urlsplit(redirect_uri)
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((parts.hostname or "", parts.port or 0)) == 0


def token_stored(app: WorkbenchApp) -> bool:
    document = main_screen(app).documents[0]
    return TokenManager(document.secrets).cached(owner(document), "development") is not None


async def test_sending_without_a_token_offers_the_login_and_the_pasted_redirect_completes_it(
    workspace: Path, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, fresh_demo.base_url, on=CALL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+j")
        dialog = await wait_for_url(pilot, app)
        shown = screen_text(app)
        assert f"Log in to {PROVIDER} (development)" in shown
        assert "/oauth/authorize?" in shown.replace("\n", "")
        assert "Waiting for the browser at http://127.0.0.1:" in shown.replace("\n", " ")
        await pilot.press("f2")
        assert app.clipboard == dialog.url
        assert "Copied the authorization URL" in notified(app)

        location = await asyncio.to_thread(redirect_of, dialog.url)
        await paste(pilot, location)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), what="closed")
        await settle(pilot, app)
        response = main_screen(app).desk.response
        assert isinstance(response, Answered) and response.result.exchange.status == 200
        assert f"Logged in to {PROVIDER} for development" in notified(app)
        assert token_stored(app)
        assert "Traceback" not in screen_text(app)


async def test_a_refused_redirect_is_shown_in_the_dialog_and_the_listener_completes_a_new_login(
    workspace: Path, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, fresh_demo.base_url, on=CALL)  # the call's provider logs in
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+f8")
        dialog = await wait_for_url(pilot, app)
        first = dialog.url
        location = await asyncio.to_thread(redirect_of, first)
        await paste(pilot, with_query(location, state="forged-by-someone-else"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "state does not match" in screen_text(app), what="error")
        shown = screen_text(app)
        assert "Traceback" not in shown and "F5: log in again" in shown
        assert isinstance(app.screen, LoginScreen) and not token_stored(app)

        await pilot.press("f5")  # a new login, with a new URL and state
        await wait_for(pilot, lambda: dialog.url not in ("", first), what="a new URL")
        assert "state does not match" not in screen_text(app)
        assert await asyncio.to_thread(follow, dialog.url) == 200  # to the loopback listener
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), what="closed")
        await settle(pilot, app)
        assert token_stored(app)
        assert f"Logged in to {PROVIDER} for development" in notified(app)
        assert fresh_demo.state.request_count("GET", "/auth/bearer/whoami") == 0


async def test_log_in_from_the_palette_and_escape_ends_the_login_and_its_listener(
    workspace: Path, fresh_demo: DemoServer
) -> None:
    app = open_app(workspace, fresh_demo.base_url, on=CALL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Log in")
        await palette_searched(pilot, "Log in")
        await pilot.press("enter")
        await wait_for_url(pilot, app)
        redirect_uri = next(
            word.rstrip(",")
            for word in screen_text(app).replace("\n", " ").split()
            if word.startswith("http://127.0.0.1:")
        )
        assert listening(redirect_uri)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), what="closed")
        await wait_until_async(lambda: not listening(redirect_uri), what="the listener closed")
        assert not token_stored(app)
        assert "Logged in" not in notified(app)
