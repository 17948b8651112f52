"""Interactive login for the OAuth2 user-agent flow: authorization code with PKCE and `state`.

The person opens the authorization URL in a browser on any machine (workbench
often runs over SSH, with no browser of its own). The code comes back either
to a loopback listener on the redirect URI's port, or pasted in by the person
(the URL the browser landed on, or the bare code): whichever comes first. A
redirect whose `state` is missing or does not match is refused wherever it
comes from; at the listener, which anything on this machine (or any web page,
through the browser) can reach, it is also ignored, so it can neither give the
login a code of its choosing nor end it. The code is then exchanged, with the
PKCE verifier, for a token.

The protocol pieces (PKCE and the authorization URL here, the token request
in `workbench.core.auth.oauth`) are authlib's; this module moves them
between the browser, the terminal and the token endpoint.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit, urlunsplit

from workbench.core.auth.base import text_setting
from workbench.core.auth.oauth2_code import DEFAULT_REDIRECT_URI, LABEL
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import AuthError
from workbench.core.secrets.store import Secret
from workbench.core.sending.url import is_absolute

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

DEFAULT_TIMEOUT_SECONDS = 300.0
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Parameters the flow sets itself; extra_parameters may not replace them.
RESERVED_PARAMETERS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)
LOGGED_IN_PAGE = "Logged in, you can close this tab."

# The next line the person pasted, or None once there will be no more (end of input).
PastedLine = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True)
class AuthorizationRequest:
    """One login attempt: the URL to open and what checking and exchanging its answer needs."""

    url: str
    state: str
    code_verifier: Secret
    redirect_uri: str


@dataclass(frozen=True)
class LoginPrompt:
    """What to tell the person before waiting: the URL, and how the code can come back."""

    url: str
    redirect_uri: str
    listening: bool  # the loopback listener waits on redirect_uri
    note: str | None = None  # why there is no listener, when one was wanted


def start_authorization(context: TokenContext, redirect_uri: str) -> AuthorizationRequest:
    """A fresh PKCE verifier and state, and the authorization URL carrying them (S256)."""
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    settings = context.settings
    extra: dict[str, list[str]] = {}
    for name, value in parse_qsl(text_setting(settings, "extra_parameters")):
        if name in RESERVED_PARAMETERS:
            raise AuthError(
                f"{LABEL}: extra_parameters may not set {name!r}; the login sets it itself."
            )
        extra.setdefault(name, []).append(value)
    authorization_url = context.endpoint("authorization_url")
    if not is_absolute(authorization_url):
        raise AuthError(
            f"{LABEL}: the authorization URL {authorization_url!r} is relative and provider "
            f"{context.provider} has no base URL in environment {context.environment}; "
            "give an absolute URL or a base URL."
        )
    verifier = generate_token(64)  # RFC 7636: 43 to 128 unreserved characters
    state = generate_token(32)
    url = prepare_grant_uri(
        authorization_url,
        client_id=text_setting(settings, "client_id"),
        response_type="code",
        redirect_uri=redirect_uri,
        scope=text_setting(settings, "scope") or None,
        state=state,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
        **extra,
    )
    return AuthorizationRequest(str(url), state, Secret(verifier), redirect_uri)


def accept_redirect(text: str, state: str) -> Secret | None:
    """The code in a redirect URL, a query string or a bare code; None for blank text.

    A redirect (URL or query string) without the login's `state`, or with
    another, is refused (never accepted), as is an `error=` answer, each with
    an `AuthError` naming it.
    """
    text = text.strip()
    if not text:
        return None
    if "://" in text:
        parts = urlsplit(text)
        answered = "code=" in parts.query or "error=" in parts.query
        # Servers using response_mode=fragment put the answer after '#'.
        query = parts.query if answered else parts.fragment
    elif text.startswith("?") or "code=" in text or "error=" in text:
        query = text.removeprefix("?")
    else:
        # A bare code has no state to check, and needs none: the person copied it out of the
        # browser they logged in with and typed it here themselves, which is what the state
        # would prove. Copied out of an address bar, it may be %-encoded.
        return Secret(unquote(text))
    params = parse_qs(query, keep_blank_values=True)
    problem = state_problem(params.get("state", [None])[0], state)
    if problem is not None:
        raise AuthError(
            f"{LABEL}: {problem}, so it was refused. It may belong to an older login or come "
            "from somewhere else; log in again (or paste only the code, if you copied it from "
            "your own browser and the server sends no state)."
        )
    if "error" in params:
        error = params["error"][0]
        description = params.get("error_description", [""])[0]
        detail = f" ({description})" if description else ""
        raise AuthError(f"{LABEL}: the authorization server answered error={error}{detail}.")
    code = params.get("code", [""])[0]
    if not code:
        raise AuthError(
            f"{LABEL}: the answer has no code; paste the whole URL you were redirected to."
        )
    return Secret(code)


def state_problem(returned: str | None, state: str) -> str | None:
    """Why a redirect's `state` shows it does not answer this login; None when it matches."""
    if returned is None:
        return "the redirect carries no state, so nothing shows it answers this login"
    # Bytes: compare_digest refuses str with characters outside ASCII, which anyone can send.
    if not hmac.compare_digest(returned.encode(), state.encode()):
        return "the redirect's state does not match this login"
    return None


def loopback_address(redirect_uri: str) -> tuple[str, int, str] | None:
    """(host, port, path) of an http:// loopback redirect URI we can listen on; else None.

    Port 0, or no port, means any free port.
    """
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        return None
    return parts.hostname, parts.port or 0, parts.path or "/"


def with_port(redirect_uri: str, port: int) -> str:
    """The redirect URI with its port replaced, keeping the host as written (localhost stays)."""
    parts = urlsplit(redirect_uri)
    host = parts.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return urlunsplit(parts._replace(netloc=f"{host}:{port}"))


def free_port(host: str) -> int:
    """A port nothing listens on now, for a redirect URI no listener will serve (paste only)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


class RedirectListener:
    """A tiny HTTP server on the redirect URI's loopback port that catches the first redirect.

    Serves on its own thread; `wait()` resolves with the code (or raises the
    `AuthError` of the server's `error=` answer) on the event loop it is awaited
    on. Requests to other paths, or without a code or error, are answered
    404/400 and otherwise ignored (browsers also ask for /favicon.ico). So is a
    redirect without this login's state (counted in `ignored`): anyone can send
    one to a loopback port, and it must not end the login the person is doing.
    """

    def __init__(self, host: str, port: int, path: str, redirect_uri: str) -> None:
        self.path = path
        self._server = _http_server(self, "::1" if host == "::1" else "127.0.0.1", port)
        self.redirect_uri = with_port(redirect_uri, self._server.server_address[1])
        self._state = ""
        self._settle: Callable[[Secret | AuthError], None] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.ignored = 0  # redirects refused for their state, for the message at a timeout

    async def wait(self, state: str) -> Secret:
        """The code of the first redirect carrying one, checked against `state`."""
        loop = asyncio.get_running_loop()
        result: asyncio.Future[Secret] = loop.create_future()

        def settle(outcome: Secret | AuthError) -> None:
            if result.done():
                return
            if isinstance(outcome, AuthError):
                result.set_exception(outcome)
            else:
                result.set_result(outcome)

        def settle_from_thread(outcome: Secret | AuthError) -> None:
            loop.call_soon_threadsafe(settle, outcome)

        with self._lock:
            self._state = state
            self._settle = settle_from_thread
        if self._thread is None:
            # A short poll keeps close() quick: shutdown waits for the next poll.
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return await result

    def receive(self, target: str) -> tuple[int, str]:
        """Handle one request's path and query (on a server thread): (status, page text)."""
        parts = urlsplit(target)
        if parts.path != self.path:
            return 404, "Not the login redirect."
        params = parse_qs(parts.query)  # blank values dropped: `?code=` is no answer
        if not {"code", "error"} & params.keys():
            return 400, "This is not an answer to a login: it has no code and no error."
        with self._lock:
            settle, state = self._settle, self._state
            if settle is None:
                return 409, "This login is not waiting for a redirect (any more)."
            problem = state_problem(params.get("state", [None])[0], state)
            if problem is not None:
                self.ignored += 1
                return 400, (
                    f"Login refused: {problem}. This redirect was ignored; workbench keeps "
                    "waiting for the login's own."
                )
            self._settle = None  # the first answer with the right state decides
        try:
            code = accept_redirect("?" + parts.query, state)
        except AuthError as error:
            settle(error)
            return 400, f"Login refused: {error}"
        assert code is not None  # the query is not blank: it has a code or an error
        settle(code)
        return 200, LOGGED_IN_PAGE

    def close(self) -> None:
        with self._lock:
            self._settle = None  # a late redirect must not reach an event loop that moved on
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


def _http_server(listener: RedirectListener, host: str, port: int) -> ThreadingHTTPServer:
    """The listener's server, bound now (OSError when the port is taken).

    http.server is imported here, not at the top: it costs more start-up time
    than the rest of this module, and only a login that listens needs it.
    """
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        """Answers the browser; the listener decides. Logs nothing: the URL carries the code."""

        timeout = 10  # drop idle pre-connections browsers open, so they hold no thread long

        def do_GET(self) -> None:
            status, text = listener.receive(self.path)
            page = f"<!doctype html><title>workbench</title><p>{html.escape(text)}</p>\n".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            """Silence the default access log, which would print the code to stderr."""

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    return Server((host, port), Handler)


async def log_in(
    context: TokenContext,
    *,
    show: Callable[[LoginPrompt], None],
    pasted: PastedLine | None = None,
    listen: bool = True,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Token:
    """Run one login: show the URL, wait for the code (listener or paste), exchange it.

    `show` tells the person what to open; `pasted` reads what they paste
    (None: nothing can be pasted). Raises `AuthError` on a refused or failed
    login, or when nothing arrives within `timeout` seconds.
    """
    redirect_uri = text_setting(context.settings, "redirect_uri") or DEFAULT_REDIRECT_URI
    loopback = loopback_address(redirect_uri)
    listener: RedirectListener | None = None
    note: str | None = None
    if loopback is not None and listen:
        try:
            listener = RedirectListener(*loopback, redirect_uri)
            redirect_uri = listener.redirect_uri
        except OSError as error:
            note = (
                f"Cannot listen on {loopback[0]} port {loopback[1]} "
                f"({error.strerror or error}); paste the redirect URL instead."
            )
    elif listen:
        note = (
            f"The redirect URI {redirect_uri} is not an http:// loopback address, so workbench "
            "cannot receive the redirect; paste the URL you land on instead."
        )
    if listener is None and loopback is not None and loopback[1] == 0:
        # Nobody listens, but the browser still needs a well-formed URI to land on.
        redirect_uri = with_port(redirect_uri, free_port(loopback[0]))
    if listener is None and pasted is None:
        raise AuthError(f"{LABEL}: {note or 'nothing can receive the redirect'}")
    try:
        request = start_authorization(context, redirect_uri)
        show(LoginPrompt(request.url, redirect_uri, listener is not None, note))
        try:
            code = await asyncio.wait_for(
                _first_code(request.state, listener, pasted), timeout=timeout
            )
        except TimeoutError:
            ignored = listener.ignored if listener is not None else 0
            note = (
                f" (the listener ignored {ignored} redirect{'s' if ignored != 1 else ''} "
                "without this login's state)"
                if ignored
                else ""
            )
            raise AuthError(
                f"{LABEL}: no redirect arrived and no code was pasted within {timeout:g} s"
                f"{note}; run the login again."
            ) from None
    finally:
        if listener is not None:
            listener.close()
    return await exchange_code(context, request, code)


async def _first_code(
    state: str, listener: RedirectListener | None, pasted: PastedLine | None
) -> Secret:
    """The code from whichever source answers first; a refused answer ends the login."""
    waiting: set[asyncio.Task[Secret | None]] = set()
    if listener is not None:
        waiting.add(asyncio.create_task(listener.wait(state)))
    if pasted is not None:
        waiting.add(asyncio.create_task(_pasted_code(pasted, state)))
    try:
        while waiting:
            done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                code = task.result()
                if code is not None:
                    return code
        # Only reached without a listener: input ended before anything was pasted.
        raise AuthError(f"{LABEL}: the input ended before a redirect URL or code was pasted.")
    finally:
        for task in waiting:
            task.cancel()


async def _pasted_code(pasted: PastedLine, state: str) -> Secret | None:
    """The first code pasted (blank lines skipped); None when the input ends without one."""
    while (line := await pasted()) is not None:
        code = accept_redirect(line, state)
        if code is not None:
            return code
    return None


async def exchange_code(
    context: TokenContext, request: AuthorizationRequest, code: Secret
) -> Token:
    """Exchange the code for a token, proving with the verifier that this login started it."""
    from workbench.core.auth.oauth import request_form_token

    return await request_form_token(
        context,
        context.endpoint("token_url"),
        "authorization_code",
        code=code.reveal(),
        redirect_uri=request.redirect_uri,
        code_verifier=request.code_verifier.reveal(),
    )
