"""`workbench auth`: log in with the OAuth2 user-agent flow, show and forget cached tokens.

Login works over SSH with no browser here: the authorization URL goes to
stderr (and to the clipboard through OSC 52 where the terminal allows it),
and the code comes back to a loopback listener or is pasted on stdin.
Tokens are private values; no output ever shows one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from workbench.commands.common import (
    CommandFailed,
    give_id_saying_so,
    load,
    personal_resolver,
    personal_secrets,
    report,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.auth import DEFAULT_TIMEOUT_SECONDS, AuthMethod, Token, TokenManager
from workbench.core.terminal_text import visible
from workbench.core.workspace import Provider, Workspace

if TYPE_CHECKING:
    from workbench.core.auth import LoginPrompt, PastedLine

PASTE_PROMPT = "Or paste the URL you were redirected to (or the code):"
PASTE_ONLY_PROMPT = "Paste the URL you were redirected to (or the code):"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "auth",
        help="log in (OAuth2 user-agent flow), show or forget cached tokens",
        description=(
            "Tokens of token-based authentication are private values, cached in the secret "
            "store per provider and environment. `login` runs the OAuth2 user-agent flow "
            "(authorization code with PKCE); it works over SSH: open the printed URL in any "
            "browser, then let the redirect reach workbench or paste the URL you land on."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    login = actions.add_parser(
        "login",
        help="log in and cache a token",
        description=(
            "Print the authorization URL (stderr), wait for the browser's redirect on the "
            "loopback redirect URI and, at the same time, for the redirect URL or the code "
            "pasted on stdin; exchange the code and cache the token. Never prints the token."
        ),
    )
    status = actions.add_parser(
        "status", help="show cached tokens: present, expiry, scope (never the token)"
    )
    reset = actions.add_parser("reset", help="forget cached tokens")
    for sub in (login, status, reset):
        sub.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
        sub.add_argument(
            "provider",
            metavar="PROVIDER",
            nargs=None if sub is login else "?",
            help="the provider" + ("" if sub is login else " (default: every provider)"),
        )
        sub.add_argument(
            "--env",
            metavar="NAME",
            help="environment (default: the workspace's first"
            + (")" if sub is not reset else "; reset: every environment)"),
        )
    login.add_argument(
        "--base-url",
        metavar="URL",
        help="resolve relative authorization and token URLs against this base URL",
    )
    login.add_argument(
        "--no-listen",
        action="store_true",
        help="do not listen on the redirect URI; only accept a pasted redirect URL or code",
    )
    login.add_argument(
        "--browser", action="store_true", help="also open the URL in a browser on this machine"
    )
    login.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=f"give up after this long (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    login.set_defaults(handler=_login)
    status.set_defaults(handler=_status)
    reset.set_defaults(handler=_reset)


# -- login ------------------------------------------------------------------------------------


def _login(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_log_in(args))
    except CommandFailed as error:
        return report(error)


async def _log_in(args: argparse.Namespace) -> int:
    from workbench.core.auth import UserAgentFlow, resolve_settings
    from workbench.core.errors import AuthError, WorkbenchError
    from workbench.core.sending import Session

    workspace, path = load(args.workspace)
    provider = _provider(workspace, args.provider)
    environment = _environment(workspace, args.env)
    method = _method(provider)
    if method.token_flow is None:
        raise CommandFailed(
            f"Provider {provider.name!r} uses {method.label}, which needs no login.", ExitCode.USAGE
        )
    store, sources = personal_secrets(workspace=workspace)
    session = Session.open(workspace, path, store=store, sources=sources)
    session.base_url = args.base_url
    try:
        give_id_saying_so(workspace, path, args.workspace)  # the token is stored by id
        settings = resolve_settings(provider, environment, session.secrets)
        if isinstance(method.token_flow, UserAgentFlow):
            prompted = False

            def show(prompt: LoginPrompt) -> None:
                nonlocal prompted
                _show(prompt, provider.name, environment, args.browser)
                prompted = True

            try:
                token = await session.log_in(
                    provider,
                    environment,
                    show=show,
                    pasted=_stdin_lines(),
                    listen=not args.no_listen,
                    timeout=args.timeout,
                )
            finally:
                if prompted:
                    print(file=sys.stderr)  # what follows starts below the paste prompt
        else:
            # Methods that need no person (client credentials, password...): fetch one now.
            context = session.token_context(provider, environment, method, settings)
            token = await session.tokens.renew(method.token_flow, context, None)
            # As after a login (`Session.log_in`): a first stored value fixes where it may go.
            session.record_first_origins(provider, environment)
    except AuthError as error:
        raise CommandFailed(str(error), ExitCode.AUTH) from None
    except WorkbenchError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
    finally:
        await session.aclose()
    requested = settings.get("scope")
    scope = token.scope or (requested if isinstance(requested, str) else None) or "none"
    print(
        f"Logged in to {visible(provider.name)} (environment {environment}); "
        f"{_expiry(token, 'token expires in {}', 'token expired {} ago')}, scope {scope}.",
        file=sys.stderr,
    )
    return 0


def _show(prompt: LoginPrompt, provider: str, environment: str, browser: bool) -> None:
    """Tell the person what to open, and how the code can come back (all on stderr)."""
    err = sys.stderr
    print(
        f"Log in to {visible(provider)} (environment {environment}): open this URL in a browser, "
        f"on this machine or any other:\n\n  {visible(prompt.url)}\n",
        file=err,
    )
    if err.isatty():
        # OSC 52 asks the terminal (also the local one at the far end of SSH) to
        # put the text on the clipboard; terminals that do not allow it ignore it.
        payload = base64.b64encode(prompt.url.encode()).decode("ascii")
        err.write(f"\x1b]52;c;{payload}\x07")
        print("(copied to your clipboard (OSC 52) if your terminal allows it)", file=err)
    if browser:
        import webbrowser

        if not webbrowser.open(prompt.url):
            print("No browser could be started here; open the URL yourself.", file=err)
    if prompt.note:
        print(prompt.note, file=err)
    if prompt.listening:
        port = urlsplit(prompt.redirect_uri).port
        print(
            f"Waiting for the browser to come back to {prompt.redirect_uri}. "
            f"(For a browser on another machine, forward the port first: "
            f"ssh -L {port}:127.0.0.1:{port} HOST)",
            file=err,
        )
        print(PASTE_PROMPT, end=" ", file=err, flush=True)
    else:
        print(PASTE_ONLY_PROMPT, end=" ", file=err, flush=True)


def _stdin_lines() -> PastedLine | None:
    """Lines typed or pasted on stdin, read on a daemon thread so a login can end without them."""
    stdin = sys.stdin
    if stdin is None:
        return None
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def post(line: str | None) -> None:
        try:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        except RuntimeError:
            pass  # the login is over and its event loop closed

    def read() -> None:
        try:
            for line in _read_lines(stdin):
                post(line)
        except (OSError, ValueError):
            pass  # an unreadable stdin is the same as an empty one
        post(None)

    threading.Thread(target=read, name="workbench-paste", daemon=True).start()
    return lines.get


def _read_lines(stdin: TextIO) -> Iterator[str]:
    """The lines of stdin, read from its file descriptor with os.read.

    Not through `sys.stdin` itself: a daemon thread blocked inside it holds
    its buffer's lock, which the interpreter needs when it shuts down.
    """
    try:
        fd = stdin.fileno()
    except (OSError, ValueError):  # a stand-in without a descriptor, such as io.StringIO
        yield from iter(stdin.readline, "")
        return
    pending = b""
    while chunk := os.read(fd, 65536):
        *complete, pending = (pending + chunk).split(b"\n")
        for line in complete:
            yield line.decode(errors="replace")
    if pending:
        yield pending.decode(errors="replace")


# -- status and reset -------------------------------------------------------------------------


def _status(args: argparse.Namespace) -> int:
    from workbench.core.auth import UserAgentFlow
    from workbench.core.errors import WorkbenchError

    try:
        workspace, path = load(args.workspace)
        providers = [_provider(workspace, args.provider)] if args.provider else workspace.providers
        environment = _environment(workspace, args.env)
        tokens = _tokens(workspace, args.workspace)
        for provider in providers:
            method = _method(provider)
            if method.token_flow is None:
                state = f"no token needed ({method.label})"
            elif (token := tokens.cached(provider, environment)) is not None:
                state = _describe(token)
            elif isinstance(method.token_flow, UserAgentFlow):
                state = (
                    f"no token; log in with `workbench auth login {shlex.quote(str(path))} "
                    f"{shlex.quote(provider.name)} --env {environment}`"
                )
            else:
                state = "no token yet; one is obtained on the next call"
            print(visible(f"{provider.name} (environment {environment}): {state}"))
    except CommandFailed as error:
        return report(error)
    except WorkbenchError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    if not providers:
        print("This workspace has no providers.")
    return 0


def _reset(args: argparse.Namespace) -> int:
    from workbench.core.errors import WorkbenchError

    try:
        workspace, _ = load(args.workspace)
        providers = [_provider(workspace, args.provider)] if args.provider else workspace.providers
        environment = _environment(workspace, args.env) if args.env else None
        tokens = _tokens(workspace, args.workspace)
        where = f"environment {environment}" if environment else "every environment"
        for provider in providers:
            method = _method(provider)
            if method.token_flow is None:
                if args.provider:
                    print(
                        f"{visible(provider.name)} uses {method.label}, which has no token.",
                        file=sys.stderr,
                    )
                continue
            if tokens.forget(provider, environment):
                print(
                    f"Forgot the cached token of {visible(provider.name)} ({where}).",
                    file=sys.stderr,
                )
            else:
                print(f"No cached token for {visible(provider.name)} ({where}).", file=sys.stderr)
    except CommandFailed as error:
        return report(error)
    except WorkbenchError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    return 0


def _describe(token: Token) -> str:
    """A cached token's state, without the token: expiry, scope, refresh token."""
    expiry = _expiry(token, "expires in {}", "expired {} ago")
    scope = f"scope {token.scope}" if token.scope else "no scope given"
    refresh = "refresh token present" if token.refresh_token else "no refresh token"
    return f"token present, {expiry}, {scope}, {refresh}"


def _expiry(token: Token, future: str, past: str) -> str:
    if token.expires_at is None:
        return "no expiry given"
    left = token.expires_at - time.time()
    return future.format(_duration(left)) if left > 0 else past.format(_duration(-left))


def _duration(seconds: float) -> str:
    """Seconds under two minutes, minutes under two hours, else hours."""
    if seconds < 120:
        return f"{round(seconds)} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


# -- shared -----------------------------------------------------------------------------------


def _tokens(workspace: Workspace, path: str) -> TokenManager:
    return TokenManager(personal_resolver(workspace, path))


def _provider(workspace: Workspace, name: str) -> Provider:
    provider = workspace.provider(name)
    if provider is None:
        known = "\n  ".join(p.name for p in workspace.providers) or "(none)"
        raise CommandFailed(
            f"No provider {name!r} in workspace {workspace.name!r}. Providers:\n  {known}",
            ExitCode.NOT_SENT,
        )
    return provider


def _environment(workspace: Workspace, name: str | None) -> str:
    if name is None:
        return workspace.default_environment
    if name not in workspace.environments:
        known = ", ".join(workspace.environments)
        raise CommandFailed(f"No environment {name!r}; this workspace has: {known}", ExitCode.USAGE)
    return name


def _method(provider: Provider) -> AuthMethod:
    from workbench.core.auth import method_of
    from workbench.core.errors import RequestBuildError

    try:
        return method_of(provider)
    except RequestBuildError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
