"""Logging in from the desk (OAuth2 user-agent flow): offered when a call needs it, or asked for.

A scripted user plays the browser against the demo API: it reads the
authorization URL the login shows, and pastes where the demo redirected it,
or lets the redirect reach the login's loopback listener.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from login_browser import PROVIDER, a_browser, auth_workspace, owner, redirect_location, with_query

from tests.desk_script import ScriptedUser
from workbench.core.auth import LoginPrompt, TokenManager
from workbench.core.desk import Answered, Desk, Problem, TreeItem
from workbench.core.secrets import SecretStore
from workbench.core.workspace import WorkspaceDocument
from workbench.demo.credentials import DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer

WHOAMI = ("GET", "/auth/bearer/whoami")
TOKEN = ("POST", "/oauth/token")
Browser = Callable[[LoginPrompt], str | None]


@pytest.fixture
async def document(
    tmp_path: Path, fresh_demo: DemoServer, demo_credentials: DemoCredentials
) -> AsyncIterator[WorkspaceDocument]:
    """workspaces/auth.toml (redirect URI on a free port) sent to the demo, its client
    secret stored, no token yet."""
    store_demo_credentials(demo_credentials, SecretStore())
    document = WorkspaceDocument.load(auth_workspace(tmp_path), base_url=fresh_demo.base_url)
    yield document
    await document.aclose()


def desk_on(document: WorkspaceDocument, item: str, *answers: object) -> tuple[Desk, ScriptedUser]:
    user = ScriptedUser(list(answers))
    provider, _, call = item.partition("/")
    selected = TreeItem(document, provider or None, call or None)
    return Desk([document], user, selected=selected), user


def paste_redirect(prompt: LoginPrompt) -> str:
    """Open the URL, and paste the address the browser was sent to."""
    with a_browser() as browser:
        return redirect_location(browser, prompt.url)


def follow_redirect(prompt: LoginPrompt) -> None:
    """Open the URL and let the browser go where it is sent: the loopback listener."""
    with a_browser() as browser:
        page = browser.get(prompt.url, follow_redirects=True)
    assert page.status_code == 200 and "Logged in" in page.text


def token_of(document: WorkspaceDocument) -> object:
    return TokenManager(document.secrets).cached(owner(document), "development")


@pytest.mark.parametrize("browser", [paste_redirect, follow_redirect], ids=["paste", "listener"])
async def test_a_call_that_needs_a_login_offers_it_then_is_sent_with_the_token(
    document: WorkspaceDocument, fresh_demo: DemoServer, browser: Browser
) -> None:
    desk, user = desk_on(document, f"{PROVIDER}/Who am I", browser)
    result = await desk.sending.send_selected()
    assert result is not None and result.exchange.status == 200
    assert isinstance(desk.response, Answered)
    assert user.asked == [f"log in to {PROVIDER}"]
    [prompt] = user.prompts
    assert prompt.listening and urlsplit(prompt.redirect_uri).port not in (None, 0)
    assert user.was_told(f"Logged in to {PROVIDER} for development")
    # Stored as `workbench auth login` stores it: `workbench run` finds it.
    assert token_of(document) is not None
    assert fresh_demo.state.request_count(*TOKEN) == 1
    assert fresh_demo.state.request_count(*WHOAMI) == 1  # only once the token was there


async def test_a_declined_login_sends_nothing_more_and_says_how_to_log_in(
    document: WorkspaceDocument, fresh_demo: DemoServer
) -> None:
    desk, user = desk_on(document, f"{PROVIDER}/Who am I", None)
    assert await desk.sending.send_selected() is None
    assert isinstance(desk.response, Problem)
    assert f"Not logged in to {PROVIDER} for development" in desk.response.text
    assert "shift+F8" in desk.response.text
    assert token_of(document) is None and fresh_demo.state.request_count(*TOKEN) == 0


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"state": "forged-by-someone-else"}, "state does not match"),
        ({"code": "not-a-code-the-demo-gave"}, "invalid_grant"),
    ],
    ids=["another state", "refused by the token endpoint"],
)
async def test_a_refused_login_is_told_and_nothing_is_stored(
    document: WorkspaceDocument, fresh_demo: DemoServer, changes: dict[str, str], said: str
) -> None:
    def paste_changed(prompt: LoginPrompt) -> str:
        return with_query(paste_redirect(prompt), **changes)

    desk, user = desk_on(document, f"{PROVIDER}/Who am I", paste_changed)
    assert await desk.sending.send_selected() is None
    errors = [text for text, severity in user.told if severity == "error"]
    assert len(errors) == 1 and said in errors[0], user.told
    assert isinstance(desk.response, Problem) and "Not logged in" in desk.response.text
    assert token_of(document) is None and fresh_demo.state.request_count(*WHOAMI) == 0


async def test_log_in_on_the_selected_provider_stores_a_token(
    document: WorkspaceDocument, fresh_demo: DemoServer
) -> None:
    desk, user = desk_on(document, PROVIDER, paste_redirect)
    assert await desk.logging_in.log_in_selected()
    assert token_of(document) is not None
    assert fresh_demo.state.request_count(*WHOAMI) == 0  # logging in sends no call
    # Once logged in, the call goes out with the token, asking nothing.
    desk.select(TreeItem(document, PROVIDER, "Who am I"))
    result = await desk.sending.send_selected()
    assert result is not None and result.exchange.status == 200
    assert user.asked == [f"log in to {PROVIDER}"]


async def test_log_in_says_which_providers_need_no_login(document: WorkspaceDocument) -> None:
    desk, user = desk_on(document, "OAuth2 password")
    assert not await desk.logging_in.log_in_selected()
    assert user.was_told("OAuth2 password uses OAuth2 password")
    assert user.was_told("which needs no login: its token is obtained when a call is sent")
    desk, user = desk_on(document, "Basic/Who am I")
    assert not await desk.logging_in.log_in_selected()
    assert user.was_told("its credentials go with each call")
    desk, user = desk_on(document, "")  # the workspace selected
    assert not await desk.logging_in.log_in_selected()
    assert user.was_told("Select a provider")
