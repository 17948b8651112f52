"""The OAuth2 login's loopback listener: only the redirect answering this login ends it.

Anything on the machine, and any web page through the browser, can send a request to a
loopback port. These tests play such a stranger and the real browser against `log_in`
in process, over real loopback HTTP: a redirect without the login's `state` is refused and
ignored (the login keeps waiting), the login's own redirect still completes it, and the
listener's port is a fresh free one unless the redirect URI names one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from workbench.core.auth import login, oauth2_code
from workbench.core.auth.base import ResolvedSettings
from workbench.core.auth.tokens import TokenContext
from workbench.core.errors import AuthError
from workbench.core.secrets.store import Secret
from workbench.demo.credentials import DemoCredentials
from workbench.demo.server import DemoServer

PROVIDER = "OAuth2 user-agent"
WAIT_SECONDS = 20.0

# What the test's browser does once the login shows its prompt.
Browse = Callable[[httpx.AsyncClient, login.LoginPrompt], Awaitable[None]]


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def token_context(base_url: str, http: Any = None, **settings: str | Secret) -> TokenContext:
    resolved: ResolvedSettings = {
        "authorization_url": "/oauth/authorize",
        "token_url": "/oauth/token",
        "client_id": "workbench-demo",
        "redirect_uri": oauth2_code.DEFAULT_REDIRECT_URI,
        **settings,
    }
    return TokenContext(PROVIDER, oauth2_code.LABEL, "development", resolved, http, base_url)


async def log_in_with(
    context: TokenContext, browse: Browse, prompts: list[login.LoginPrompt]
) -> None:
    """Run `log_in` (listener only, nothing pasted) while `browse` plays the browser; the
    prompts it shows are added to `prompts`. Its `AuthError` is raised."""
    browsing: list[asyncio.Task[None]] = []
    async with httpx.AsyncClient(trust_env=False, timeout=WAIT_SECONDS) as browser:

        def show(prompt: login.LoginPrompt) -> None:
            prompts.append(prompt)
            browsing.append(asyncio.get_running_loop().create_task(browse(browser, prompt)))

        try:
            await login.log_in(context, show=show, pasted=None, timeout=WAIT_SECONDS)
        finally:
            # The browser's own assertions fail the test here, whatever the login did.
            await asyncio.gather(*browsing)


async def test_a_code_without_state_is_refused_and_the_login_s_own_redirect_completes_it(
    fresh_demo: DemoServer, demo_credentials: DemoCredentials
) -> None:
    answers: list[httpx.Response] = []

    async def browse(browser: httpx.AsyncClient, prompt: login.LoginPrompt) -> None:
        stranger = await browser.get(prompt.redirect_uri, params={"code": "planted-code"})
        answers.append(stranger)
        # The login is still waiting: the real browser's redirect is accepted afterwards.
        answers.append(await browser.get(prompt.url, follow_redirects=True))

    async with httpx.AsyncClient(trust_env=False, timeout=WAIT_SECONDS) as http:
        context = token_context(
            fresh_demo.base_url, http, client_secret=Secret(demo_credentials.client_secret)
        )
        prompts: list[login.LoginPrompt] = []
        await log_in_with(context, browse, prompts)

    stranger, own = answers
    assert stranger.status_code == 400
    assert "Login refused: the redirect carries no state" in stranger.text
    assert "keeps waiting" in stranger.text
    assert own.status_code == 200 and "Logged in, you can close this tab." in own.text
    assert prompts[0].listening
    # Only the login's own code was exchanged; the planted one never reached the server.
    assert fresh_demo.state.request_count("POST", "/oauth/token") == 1


async def test_an_error_without_the_state_is_ignored_and_with_it_ends_the_login() -> None:
    answers: list[httpx.Response] = []

    async def browse(browser: httpx.AsyncClient, prompt: login.LoginPrompt) -> None:
        state = query_of(prompt.url)["state"]
        for params in (
            {"error": "access_denied"},
            {"error": "access_denied", "state": "a-guess"},
            {"error": "access_denied", "error_description": "the user said no", "state": state},
        ):
            answers.append(await browser.get(prompt.redirect_uri, params=params))

    # Nothing is sent to the authorization server: the test's browser never goes there.
    with pytest.raises(AuthError, match=r"error=access_denied \(the user said no\)"):
        await log_in_with(token_context("https://auth.example"), browse, [])

    no_state, wrong_state, own = answers
    assert no_state.status_code == 400 and "ignored" in no_state.text
    assert "carries no state" in no_state.text
    assert wrong_state.status_code == 400 and "state does not match" in wrong_state.text
    assert own.status_code == 400 and "the user said no" in own.text


async def end_with_own_error(browser: httpx.AsyncClient, prompt: login.LoginPrompt) -> None:
    """The authorization server's answer to a person who said no: ends the login at once."""
    state = query_of(prompt.url)["state"]
    await browser.get(prompt.redirect_uri, params={"error": "access_denied", "state": state})


async def test_two_logins_listen_on_different_free_ports_by_default() -> None:
    assert urlsplit(oauth2_code.DEFAULT_REDIRECT_URI).port is None
    ports = []
    for _ in range(2):
        prompts: list[login.LoginPrompt] = []
        with pytest.raises(AuthError, match="error=access_denied"):
            await log_in_with(token_context("https://auth.example"), end_with_own_error, prompts)
        (prompt,) = prompts
        port = urlsplit(prompt.redirect_uri).port
        assert port is not None and port > 0
        # The authorization request names the port the listener really got.
        assert query_of(prompt.url)["redirect_uri"] == prompt.redirect_uri
        ports.append(port)
    assert ports[0] != ports[1]


async def test_a_port_the_redirect_uri_names_is_kept() -> None:
    port = login.free_port("127.0.0.1")
    uri = f"http://127.0.0.1:{port}/callback"
    prompts: list[login.LoginPrompt] = []
    with pytest.raises(AuthError, match="error=access_denied"):
        context = token_context("https://auth.example", redirect_uri=uri)
        await log_in_with(context, end_with_own_error, prompts)
    assert [p.redirect_uri for p in prompts] == [uri]
    assert query_of(prompts[0].url)["redirect_uri"] == uri
