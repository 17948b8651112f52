"""The OAuth2 user-agent flow: `workbench auth login` against the demo API over real loopback HTTP.

The tests play the browser themselves: they read the authorization URL the
login prints, and either follow the demo's redirect to the login's loopback
listener or paste the redirect URL on the login's stdin, as a person on the
far end of an SSH connection would. Every wait has a timeout.
"""

from __future__ import annotations

import io
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from cli_process import command_line, environment, workbench, workbench_here
from conftest import MovedClock
from leaks import project_files_holding
from login_browser import (
    AUTH,
    PROVIDER,
    WAIT_SECONDS,
    a_browser,
    auth_workspace,
    query_of,
    redirect_location,
    with_query,
)

from workbench import cli
from workbench.commands.exit_codes import ExitCode
from workbench.core.auth import login, oauth2_code
from workbench.core.auth.base import ResolvedSettings
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import AuthError, RequestBuildError
from workbench.core.secrets.store import Secret, SecretAddress, SecretStore
from workbench.core.workspace.io import load_workspace
from workbench.demo.credentials import AUTH_WORKSPACE_ID, DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer
from workbench.demo.state import DEFAULT_TOKEN_LIFETIME

CALL = f"{PROVIDER}/Who am I"
# Where the login caches the token: under the provider's id.
TOKEN_FIELD = SecretAddress.token(load_workspace(AUTH).provider(PROVIDER) or PROVIDER).store_key


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def demo(fresh_demo: DemoServer, demo_credentials: DemoCredentials) -> DemoServer:
    """The demo API with zeroed counters, its client secret in the test's secret store."""
    store_demo_credentials(demo_credentials, SecretStore())
    return fresh_demo


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """workspaces/auth.toml with its redirect URI on a free port (`auth_workspace`)."""
    return auth_workspace(tmp_path)


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with a_browser() as client:
        yield client


class LoginProcess:
    """`workbench auth login` in a subprocess, its stderr read line by line as it comes."""

    def __init__(self, workspace: Path, base_url: str, *options: str) -> None:
        self.process = subprocess.Popen(
            command_line("auth", "login", str(workspace), PROVIDER)
            + ["--base-url", base_url, "--timeout", "30", *options],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        self.stderr = ""
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._lines.put(line)
        self._lines.put(None)

    def url(self) -> str:
        """The authorization URL the login printed."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            line = self._lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"the login ended without a URL:\n{self.stderr}")
            self.stderr += line
            if "/oauth/authorize?" in line:
                return line.strip()

    def paste(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def finish(self) -> tuple[int, str, str]:
        """Exit code, stdout and the whole stderr."""
        code = self.process.wait(timeout=40)
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()
        while (line := self._lines.get(timeout=WAIT_SECONDS)) is not None:
            self.stderr += line
        return code, stdout, self.stderr

    def __enter__(self) -> LoginProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def cached_token(home: Path) -> dict[str, Any] | None:
    """The token the login stored (read straight from the store file), or None."""
    path = home / "secrets.json"
    if not path.exists():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))["workspaces"].get(AUTH_WORKSPACE_ID, {})
    stored = entries.get(TOKEN_FIELD, {}).get("development")
    return json.loads(stored) if stored else None


def paste_login(workspace: Path, demo: DemoServer, browser: httpx.Client) -> tuple[str, str]:
    """Log in by pasting the redirect URL; the pasted URL and the login's stderr."""
    with LoginProcess(workspace, demo.base_url, "--no-listen") as login_process:
        location = redirect_location(browser, login_process.url())
        login_process.paste(location)
        code, _, stderr = login_process.finish()
    assert code == 0, stderr
    return location, stderr


# -- logging in -----------------------------------------------------------------------------


def test_login_completes_through_the_loopback_listener_without_a_browser(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    with LoginProcess(workspace, demo.base_url) as login_process:
        url = login_process.url()
        sent = query_of(url)
        assert sent["response_type"] == "code" and sent["client_id"] == "workbench-demo"
        assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
        assert sent["scope"] == "profile" and sent["access_type"] == "offline"
        redirect_uri = sent["redirect_uri"]
        assert redirect_uri.startswith("http://127.0.0.1:") and ":0/" not in redirect_uri

        # Browsers also ask for other things; the listener ignores them.
        listener = redirect_uri.rsplit("/", 1)[0]
        assert browser.get(f"{listener}/favicon.ico").status_code == 404
        assert browser.get(redirect_uri).status_code == 400

        page = browser.get(url, follow_redirects=True)
        assert page.status_code == 200
        assert "Logged in, you can close this tab" in page.text
        code, stdout, stderr = login_process.finish()

    assert code == 0, stderr
    assert "Waiting for the browser to come back to" in stderr
    assert "Or paste the URL you were redirected to (or the code):" in stderr
    assert "copied to your clipboard" not in stderr  # stderr is not a terminal here
    assert "\x1b]52" not in stderr
    assert (
        "Logged in to OAuth2 user-agent (environment development); "
        "token expires in 60 min, scope profile." in stderr
    )
    assert demo.state.request_count("POST", "/oauth/token") == 1
    token = cached_token(isolated_home)
    assert token is not None and token["refresh_token"] and token["scope"] == "profile"


def test_login_completes_with_the_redirect_url_pasted(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    location, stderr = paste_login(workspace, demo, browser)
    assert "Paste the URL you were redirected to (or the code):" in stderr
    assert "Waiting for the browser" not in stderr
    assert "Logged in to OAuth2 user-agent" in stderr
    assert cached_token(isolated_home) is not None
    # Nothing listened on the redirect URI: the pasted URL is what carried the code.
    assert urlsplit(location).port not in (None, 0)


def test_login_accepts_the_bare_code_pasted(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    with LoginProcess(workspace, demo.base_url) as login_process:
        location = redirect_location(browser, login_process.url())
        login_process.paste("")  # blank lines are skipped
        login_process.paste(query_of(location)["code"])
        code, _, stderr = login_process.finish()
    assert code == 0, stderr
    assert cached_token(isolated_home) is not None


def test_a_pasted_redirect_with_another_state_is_refused(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    with LoginProcess(workspace, demo.base_url, "--no-listen") as login_process:
        location = redirect_location(browser, login_process.url())
        login_process.paste(with_query(location, state="forged-by-someone-else"))
        code, _, stderr = login_process.finish()
    assert code == ExitCode.AUTH
    assert "state does not match" in stderr and "Traceback" not in stderr
    # The code was never exchanged, and nothing was cached.
    assert demo.state.request_count("POST", "/oauth/token") == 0
    assert cached_token(isolated_home) is None


def test_a_redirect_with_another_state_is_refused_by_the_listener(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    with LoginProcess(workspace, demo.base_url) as login_process:
        location = redirect_location(browser, login_process.url())
        answer = browser.get(with_query(location, state="forged-by-someone-else"))
        # Refused and ignored: anyone can reach a loopback port, so it cannot end the login,
        # and the login's own redirect still completes it.
        assert answer.status_code == 400 and "Login refused" in answer.text
        assert "state does not match" in answer.text and "keeps waiting" in answer.text
        assert demo.state.request_count("POST", "/oauth/token") == 0
        assert "Logged in" in browser.get(location).text
        code, _, stderr = login_process.finish()
    assert code == 0, stderr
    assert demo.state.request_count("POST", "/oauth/token") == 1
    assert cached_token(isolated_home) is not None


def test_an_error_in_the_redirect_is_named(
    demo: DemoServer, workspace: Path, browser: httpx.Client
) -> None:
    with LoginProcess(workspace, demo.base_url) as login_process:
        sent = query_of(login_process.url())
        answer = browser.get(
            sent["redirect_uri"],
            params={
                "error": "access_denied",
                "error_description": "the user said no",
                "state": sent["state"],
            },
        )
        code, _, stderr = login_process.finish()
    assert answer.status_code == 400
    assert code == ExitCode.AUTH
    assert "error=access_denied (the user said no)" in stderr


def test_login_gives_up_after_the_timeout(demo: DemoServer, workspace: Path) -> None:
    with LoginProcess(workspace, demo.base_url, "--no-listen", "--timeout", "1") as login_process:
        login_process.url()
        code, _, stderr = login_process.finish()
    assert code == ExitCode.AUTH
    assert "no code was pasted within 1 s" in stderr and "Traceback" not in stderr


# -- using and renewing the token -----------------------------------------------------------


def test_run_uses_the_token_and_refreshes_it_once_after_expiry(
    demo: DemoServer, workspace: Path, browser: httpx.Client, clock: MovedClock
) -> None:
    paste_login(workspace, demo, browser)
    clock.advance(DEFAULT_TOKEN_LIFETIME)  # the token expired, for the client and the demo

    first = workbench_here("run", str(AUTH), CALL, "--base-url", demo.base_url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "authenticated": True,
        "method": "authorization_code",
        "user": "ada",
        "scope": "profile",
    }
    # The code exchange, then exactly one refresh.
    assert demo.state.request_count("POST", "/oauth/token") == 2

    again = workbench_here("run", str(AUTH), CALL, "--base-url", demo.base_url)
    assert again.returncode == 0, again.stderr
    assert demo.state.request_count("POST", "/oauth/token") == 2


def test_status_and_reset_then_run_asks_to_log_in(
    demo: DemoServer, workspace: Path, browser: httpx.Client, isolated_home: Path
) -> None:
    paste_login(workspace, demo, browser)
    token = cached_token(isolated_home)
    assert token is not None

    status = workbench_here("auth", "status", str(AUTH), PROVIDER)
    assert status.returncode == 0, status.stderr
    assert "token present, expires in 60 min, scope profile, refresh token present" in (
        status.stdout
    )
    assert token["access_token"] not in status.stdout + status.stderr

    reset = workbench_here("auth", "reset", str(AUTH), PROVIDER)
    assert reset.returncode == 0 and "Forgot the cached token" in reset.stderr
    assert cached_token(isolated_home) is None
    assert "no token; log in with `workbench auth login" in (
        workbench_here("auth", "status", str(AUTH), PROVIDER).stdout
    )

    run = workbench_here("run", str(AUTH), CALL, "--base-url", demo.base_url)
    assert run.returncode == ExitCode.AUTH
    assert f'workbench auth login {AUTH} "{PROVIDER}"' in run.stderr
    assert "Traceback" not in run.stderr


# -- nothing private leaks ------------------------------------------------------------------


def test_no_token_code_verifier_or_client_secret_is_shown_or_written(
    demo: DemoServer,
    workspace: Path,
    demo_credentials: DemoCredentials,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In process, so the test can see the PKCE verifier, which never leaves the login.
    requests: list[login.AuthorizationRequest] = []
    locations: list[str] = []
    start = login.start_authorization

    def play_browser(url: str) -> None:
        with a_browser() as client:
            location = redirect_location(client, url)
            locations.append(location)
            client.get(location)

    def spy(context: TokenContext, redirect_uri: str) -> login.AuthorizationRequest:
        request = start(context, redirect_uri)
        requests.append(request)
        threading.Thread(target=play_browser, args=(request.url,), daemon=True).start()
        return request

    monkeypatch.setattr(login, "start_authorization", spy)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing pasted: the listener wins
    args = ["auth", "login", str(workspace), PROVIDER, "--base-url", demo.base_url]
    assert cli.main([*args, "--timeout", "30"]) == 0
    assert cli.main(["auth", "status", str(workspace)]) == 0
    printed = capsys.readouterr()
    outputs = [printed.out, printed.err]

    outputs += _outputs(workbench("run", str(AUTH), CALL, "--base-url", demo.base_url, "-i"))
    outputs += _outputs(
        workbench("run", str(AUTH), CALL, "--base-url", demo.base_url, "--exchange")
    )

    token = cached_token(isolated_home)
    assert token is not None and requests and locations
    private = {
        "access token": token["access_token"],
        "refresh token": token["refresh_token"],
        "code": query_of(locations[0])["code"],
        "code verifier": requests[0].code_verifier.reveal(),
        "client secret": demo_credentials.client_secret,
    }
    for name, value in private.items():
        assert all(value not in output for output in outputs), f"the {name} was shown"
    assert "••••••" in outputs[-2]  # the exchange masks the Authorization header
    # Tokens live in the secret store, outside the project; no file of the project has any.
    name_of = {value: name for name, value in private.items()}
    assert [(name_of[value], path) for value, path in project_files_holding(name_of)] == []


def _outputs(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [result.stdout, result.stderr]


# -- the pieces, without a server -----------------------------------------------------------


def context(**settings: str | Secret) -> TokenContext:
    resolved: ResolvedSettings = {
        "authorization_url": "/oauth/authorize",
        "token_url": "/oauth/token",
        "client_id": "cid",
        "redirect_uri": oauth2_code.DEFAULT_REDIRECT_URI,
        **settings,
    }
    # Building the URL sends nothing, so no HTTP client is needed.
    http: Any = None
    return TokenContext(PROVIDER, oauth2_code.LABEL, "live", resolved, http, "https://h/api")


def test_authorization_url_carries_pkce_state_and_extra_parameters() -> None:
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    request = login.start_authorization(
        context(scope="a b", extra_parameters="access_type=offline&prompt=consent"),
        "http://127.0.0.1:9/cb",
    )
    assert request.url.startswith("https://h/api/oauth/authorize?")
    sent = query_of(request.url)
    verifier = request.code_verifier.reveal()
    assert 43 <= len(verifier) <= 128 and verifier not in request.url
    assert sent["code_challenge"] == create_s256_code_challenge(verifier)
    assert sent["state"] == request.state
    assert sent["scope"] == "a b" and sent["redirect_uri"] == "http://127.0.0.1:9/cb"
    assert sent["access_type"] == "offline" and sent["prompt"] == "consent"
    again = login.start_authorization(context(), "http://127.0.0.1:9/cb")
    assert again.state != request.state and again.code_verifier != request.code_verifier


def test_extra_parameters_cannot_replace_the_flow_s_own() -> None:
    with pytest.raises(AuthError, match="may not set 'state'"):
        login.start_authorization(context(extra_parameters="state=fixed"), "http://x/cb")


@pytest.mark.parametrize(
    "pasted",
    [
        "http://127.0.0.1:8765/callback?code=abc%2F1&state=S",
        "  ?code=abc%2F1&state=S\n",
        "code=abc%2F1&state=S",
        "abc%2F1",
        "https://app.example/cb#state=S&code=abc%2F1",
    ],
)
def test_pasted_redirects_and_codes_are_accepted(pasted: str) -> None:
    code = login.accept_redirect(pasted, "S")
    assert code is not None and code.reveal() == "abc/1"


def test_pasted_answers_that_are_refused() -> None:
    assert login.accept_redirect("   ", "S") is None
    with pytest.raises(AuthError, match="state does not match"):
        login.accept_redirect("http://h/cb?code=abc&state=T", "S")
    with pytest.raises(AuthError, match="error=access_denied"):
        login.accept_redirect("http://h/cb?error=access_denied&state=S", "S")
    with pytest.raises(AuthError, match="state does not match"):  # checked before the error
        login.accept_redirect("http://h/cb?error=access_denied&state=T", "S")
    with pytest.raises(AuthError, match="no code"):
        login.accept_redirect("http://h/cb?code=&state=S", "S")
    # A redirect without the state is refused too; only a bare code, typed by the person
    # who logged in, needs none.
    for pasted in ("http://h/cb?code=abc", "?code=abc", "code=abc", "http://h/cb#code=abc"):
        with pytest.raises(AuthError, match="carries no state"):
            login.accept_redirect(pasted, "S")
    with pytest.raises(AuthError, match="carries no state"):
        login.accept_redirect("http://h/cb?error=access_denied", "S")
    with pytest.raises(AuthError, match="state does not match"):  # not a TypeError
        login.accept_redirect("http://h/cb?code=abc&state=%C3%A9t%C3%A9", "S")


def test_token_goes_where_the_settings_say() -> None:
    token = Token(Secret("t0k"))
    apply = oauth2_code.METHOD.apply
    assert apply({}, None).headers == [] and apply({}, None).query == []
    header = apply({}, token).headers
    assert header[0][0] == "Authorization" and str(header[0][1]) == "••••••"
    assert isinstance(header[0][1], Secret) and header[0][1].reveal() == "Bearer t0k"
    assert apply({"token_name": "X-Access-Token"}, token).headers == [
        ("X-Access-Token", Secret("t0k"))
    ]
    assert apply({"token_in": "query"}, token).query == [("access_token", Secret("t0k"))]
    assert apply({"token_in": "query", "token_name": "key"}, token).query == [
        ("key", Secret("t0k"))
    ]
    with pytest.raises(RequestBuildError, match="expected one of: header, query"):
        apply({"token_in": "body"}, token)


def test_without_a_token_the_flow_says_how_to_log_in() -> None:
    import asyncio

    with pytest.raises(AuthError, match='workbench auth login WORKSPACE "OAuth2 user-agent"'):
        asyncio.run(oauth2_code.UserAgentFlow().obtain(context()))


def test_redirect_uris_workbench_can_listen_on() -> None:
    assert login.loopback_address("http://127.0.0.1:8765/callback") == (
        "127.0.0.1",
        8765,
        "/callback",
    )
    assert login.loopback_address("http://localhost/cb") == ("localhost", 0, "/cb")
    assert login.loopback_address("https://127.0.0.1:8765/cb") is None
    assert login.loopback_address("http://app.example.com/cb") is None
    assert login.with_port("http://localhost:0/cb?x=1", 4242) == "http://localhost:4242/cb?x=1"
