"""What the subcommands share: loading a workspace, finding and sending a call, reporting the
outcome on stderr with the documented exit codes, asking on a terminal, errors without
tracebacks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.exit_codes import ExitCode
from workbench.core.workspace import Workspace

if TYPE_CHECKING:
    from workbench.core.config import Config
    from workbench.core.secrets import (
        FileNotApproved,
        OriginNotApproved,
        PersonalSources,
        SecretResolver,
        SecretStore,
    )
    from workbench.core.sending import CallResult, Exchange, OnEvent, Session
    from workbench.core.workspace import Call, Provider


class CommandFailed(Exception):
    """Stop the command: print `message` to stderr and exit with `code`."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def load(path: str) -> tuple[Workspace, Path]:
    """Load a workspace file as this person uses it: with their own values (`NAME.local.toml`,
    the config file's overrides) laid on it, each override left out printed as a warning; a
    `WorkspaceError` becomes a clean exit. What a command writes back to the file is read with
    `load_shared`, so that a person's values never reach it."""
    from workbench.core.config import load_config
    from workbench.core.errors import WorkspaceError
    from workbench.core.workspace import load_in_use

    file = Path(path)
    try:
        # The config's own problems are told by the commands that use its settings.
        layers = load_in_use(file, load_config().overrides)
    except WorkspaceError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
    warn(layers.warnings)
    return layers.workspace, file


def load_shared(path: str) -> tuple[Workspace, Path]:
    """Load a workspace file as the team shares it (no person's values): for changing it."""
    from workbench.core.errors import WorkspaceError
    from workbench.core.workspace import load_workspace

    file = Path(path)
    try:
        return load_workspace(file), file
    except WorkspaceError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None


def give_id_saying_so(workspace: Workspace, path: Path, shown: str) -> None:
    """Before storing something under the workspace's ids (a private value, an approval),
    write the ids the file lacks (its own, its providers' and calls'), so it is found next
    time, even after a rename; say so."""
    from workbench.core.terminal_text import visible
    from workbench.core.workspace import give_id

    if give_id(path, workspace):
        print(
            f"Gave {visible(shown)} the ids it lacked (one added line each); commit this "
            "change so your teammates' values match.",
            file=sys.stderr,
        )


def report(error: CommandFailed) -> int:
    """Print the error (private values masked, control characters shown) and return its code."""
    from workbench.core.secrets import shown_message

    print(f"workbench: {shown_message(str(error))}", file=sys.stderr)
    return error.code


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`--param NAME=VALUE` options as a dict; a usage error for any other spelling."""

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandFailed(f"--param needs NAME=VALUE, got {pair!r}", ExitCode.USAGE)
        try:
            pair.encode("utf-8")
        except UnicodeEncodeError:
            # A byte the shell could not decode arrives as a lone surrogate (PEP 383).
            raise CommandFailed(
                f"--param {ascii(pair)} is not valid text: it holds bytes that are not UTF-8. "
                "Give the value as UTF-8 text.",
                ExitCode.USAGE,
            ) from None
        values[name] = value
    return values


def check_environment(workspace: Workspace, environment: str | None) -> None:
    """A usage error when `--env` names an environment the workspace does not have."""

    if environment and environment not in workspace.environments:
        known = ", ".join(workspace.environments)
        raise CommandFailed(
            f"No environment {environment!r}; this workspace has: {known}", ExitCode.USAGE
        )


def find(workspace: Workspace, name: str) -> tuple[Provider, Call]:
    """The call named `Provider/Call`; exit 3 listing the calls when there is none."""
    from workbench.core.workspace import CallNotFound, find_call

    try:
        return find_call(workspace, name)
    except CallNotFound as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None


def open_session(workspace: Workspace, path: Path, base_url: str | None) -> Session:
    """The session that sends the workspace's calls, with the defaults of the user's config
    file for what the workspace leaves unset."""
    from workbench.core.sending import Session

    config = user_config()
    store, sources = personal_secrets(config, workspace)
    session = Session.open(workspace, path, defaults=config.defaults, store=store, sources=sources)
    session.base_url = base_url
    return session


def personal_secrets(
    config: Config | None = None, workspace: Workspace | None = None
) -> tuple[SecretStore, PersonalSources]:
    """The secret store the user's config chooses (the file, or the keyring) and their own
    sources of private values (commands, .env files); `config` None: read it now. With a
    `workspace`, its values kept under names (from before providers and calls had ids) are
    moved to the ids first, saying so; exits when the store cannot be read."""
    from workbench.core.errors import SecretStoreError
    from workbench.core.secrets import PersonalSources, move_to_ids, open_store, shown_message

    settings = (config or user_config()).secrets
    store = open_store(settings)
    if workspace is not None:
        try:
            notices = move_to_ids(store, workspace)
        except SecretStoreError as error:
            raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
        for notice in notices:
            print(shown_message(notice), file=sys.stderr)
    return store, PersonalSources(settings)


def personal_resolver(workspace: Workspace, path: str) -> SecretResolver:
    """What looks up the workspace's private values for this person (see `personal_secrets`);
    `path` is the workspace file as the user wrote it (for the commands in messages)."""
    import shlex

    from workbench.core.secrets import SecretResolver

    store, sources = personal_secrets(workspace=workspace)
    return SecretResolver(workspace.id, store, workspace_path=shlex.quote(path), sources=sources)


async def close_session(session: Session) -> None:
    """Close the session once its exchanges are in the history; what kept one out of it is
    printed as a warning (the command's outcome stays the call's)."""
    await session.aclose()
    if session.history is not None:
        warn(session.history.problems)


def user_config() -> Config:
    """The user's config file; what is wrong with it is printed as warnings, and the command
    goes on with the defaults."""
    from workbench.core.config import load_config

    config = load_config()
    warn(config.problems)
    return config


def warn(problems: Sequence[str]) -> None:
    """Print each problem as a warning on stderr (control characters shown, not run)."""
    from workbench.core.terminal_text import visible

    for problem in problems:
        print(f"workbench: warning: {visible(problem)}", file=sys.stderr)


async def send(
    session: Session,
    provider: Provider,
    call: Call,
    *,
    environment: str | None,
    overrides: dict[str, str],
    max_bytes: int | None = None,
    on_event: OnEvent | None = None,
) -> CallResult:
    """Send a call through the session (chained parameters resolved), mapping every error to
    its exit code: 7 authentication, the source call's code when a chained value's source
    failed, 3 any other reason nothing was sent."""
    from workbench.core.auth import CredentialsRefused
    from workbench.core.errors import AuthError, ChainError, WorkbenchError
    from workbench.core.secrets import (
        FileNotApproved,
        OriginNotApproved,
        shown_message,
    )

    try:
        while True:
            try:
                return await session.run_call(
                    provider,
                    call,
                    environment=environment,
                    overrides=overrides,
                    max_bytes=max_bytes,
                    on_event=on_event,
                )
            except (OriginNotApproved, FileNotApproved) as refusal:
                # On a terminal the person decides now; anywhere else the message names
                # the command that approves it.
                if not is_terminal() or not ask(shown_message(refusal.question)):
                    raise
                approve(session, refusal)
    except CredentialsRefused as error:
        listing = f"`workbench secret list {session.secrets.workspace_path}` shows them."
        raise CommandFailed(f"{error} {listing}", ExitCode.AUTH) from None
    except AuthError as error:
        raise CommandFailed(str(error), ExitCode.AUTH) from None
    except ChainError as error:
        code = ExitCode.NOT_SENT
        if error.exchange is not None:
            print(shown_message(status_line(error.exchange)), file=sys.stderr)
            code = exit_code(error.exchange) or ExitCode.NOT_SENT
        raise CommandFailed(str(error), code) from None
    except WorkbenchError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None


def approve(session: Session, refusal: OriginNotApproved | FileNotApproved) -> None:
    """Remember the user's yes to what `refusal` asked (in the user's data directory)."""
    from workbench.core.secrets import OriginNotApproved

    if isinstance(refusal, OriginNotApproved):
        session.trust.approve_origin(refusal.key, refusal.origin)
    else:
        session.trust.approve_file(refusal.path)


def report_result(
    result: CallResult,
    workspace_path: str,
    *,
    headers: bool = False,
    label: str | None = None,
    reveal: bool = False,
) -> None:
    """The outcome on stderr: the calls sent first for chained values, the status line
    (after `label`, when given), the headers when asked, the transport failure, and what to
    check when credentials were refused (`workspace_path` as the user would type it).

    Every line has its control characters shown, not run; private values the server sent
    back in its status line or headers are masked unless `reveal`, those in messages always.
    """
    from workbench.core.secrets import Masker, shown_message
    from workbench.core.terminal_text import visible

    for first in result.sent_first:
        label_first = f"{first.name} (sent first for a chained value)"
        report_result(first, workspace_path, label=label_first, reveal=reveal)
    exchange = result.exchange
    masker = Masker(()) if reveal else Masker.known()
    prefix = f"{label}: " if label else ""
    for status, url in exchange.redirects:
        print(visible(f"{prefix}{status} redirect from {url}"), file=sys.stderr)
    print(visible(masker.text(prefix + status_line(exchange))), file=sys.stderr)
    if headers:
        for name, value in exchange.headers:
            print(visible(masker.text(f"{name}: {value}")), file=sys.stderr)
    if exchange.failure is not None:
        print(f"workbench: {shown_message(exchange.failure.message)}", file=sys.stderr)
    hint = refused_hint(exchange, result.provider, workspace_path)
    if hint:
        print(f"workbench: {shown_message(hint)}", file=sys.stderr)


def exit_code(exchange: Exchange) -> ExitCode:
    """The documented exit code for an exchange (see `workbench.commands.exit_codes`)."""
    if exchange.status is None:
        return ExitCode.NO_ANSWER
    if exchange.failure is not None:
        return ExitCode.NO_ANSWER
    if exchange.status >= 500:
        return ExitCode.SERVER_ERROR
    if exchange.status >= 400:
        return ExitCode.CLIENT_ERROR
    return ExitCode.OK


def refused_hint(exchange: Exchange, provider: Provider, workspace_path: str) -> str | None:
    """What to check when a provider with authentication gets 401 or 403; None otherwise."""
    from workbench.core.auth import method_of

    if exchange.status not in (401, 403) or provider.auth.method == "none":
        return None
    method = method_of(provider)
    answer = f"{exchange.status} {exchange.reason}".strip()
    if method.token_flow is not None and exchange.status == 401:
        # Session.send renews a token once on 401, so the token refused was a fresh one.
        return (
            f"The server refused the {method.label} access token even after renewing it "
            f"({answer}). Check the provider's authentication settings and "
            f"`workbench secret list {workspace_path}`."
        )
    return (
        f"The server refused the {method.label} credentials ({answer}). "
        f"Check them with `workbench secret list {workspace_path}`."
    )


def status_line(exchange: Exchange) -> str:
    from workbench.core.sending import format_size

    timing = f"{exchange.total_time * 1000:.0f} ms"
    if exchange.status is None:
        return f"{exchange.request.method} {exchange.request.url}: no answer ({timing})"
    # After redirects, say where the answer came from.
    where = f" · from {exchange.url}" if exchange.redirects else ""
    return (
        f"{exchange.http_version} {exchange.status} {exchange.reason} · {timing} · "
        f"{format_size(exchange.size)}{where}"
    )


def is_terminal() -> bool:
    """Whether a person can answer a question: stdin and stderr are both a terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def ask(question: str) -> bool:
    """Ask a yes/no question on the terminal (stderr), default no."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def add_sending_options(parser: argparse.ArgumentParser, param_help: str) -> None:
    """The options every command that sends calls shares: --env, --param, --base-url."""
    parser.add_argument(
        "--env", metavar="NAME", help="environment to use (default: the workspace's first)"
    )
    parser.add_argument(
        "--param", "-p", metavar="NAME=VALUE", action="append", default=[], help=param_help
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="send to this base URL instead of the provider's"
    )
