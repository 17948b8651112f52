"""`workbench initialize`: send a call once, learn its response shape and keep it in the
workspace; initializing again reports drift, and `--check` reports it for CI without writing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.common import (
    CommandFailed,
    add_sending_options,
    ask,
    check_environment,
    exit_code,
    find,
    is_terminal,
    load,
    open_session,
    parse_params,
    report,
    report_result,
    send,
)
from workbench.core.masking import shown_message
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.initialize import Learned
    from workbench.core.model import Call, Provider, Workspace
    from workbench.core.session import CallResult, Session

USAGE = """\
workbench initialize WORKSPACE PROVIDER/CALL [--env NAME] [--param NAME=VALUE ...]
                            [--base-url URL] [--yes] [--accept] [--manual FILE|-]
       workbench initialize --check WORKSPACE [PROVIDER/CALL ...] [--env NAME]
                            [--param NAME=VALUE ...] [--base-url URL] [--yes]"""

DESCRIPTION = """\
Send a call once, learn the shape of its response (every field's path and type) and save
it in the workspace file; only the call's shape lines change. The status line goes to
stderr, the learned shape to stdout, one field a line (`data[].birthday  date|null`:
"|null" may be null, "?" may be missing). A parameter chained from a data call's response
gets its value from that call, which is sent first.

An action call changes things on the server, and initializing sends it: on a terminal you
are asked first; otherwise --yes is needed. --manual learns from a sample response instead
(a file, or - for stdin; JSON, XML or text as the call's response type), sending nothing.

Initializing a call that has a saved shape compares the two and prints the drift on stderr
(+ added, - removed, ~ type changed, ? optional or nullable changed). The new shape is saved
when you accept it (asked on a terminal; --accept otherwise); when not, the saved shape
stays and the exit code is 8. Exclusions and pinned types in the saved shape are kept.

--check initializes the named calls again, or every initialized data call, writing
nothing: stdout lists each call's drift, and the exit code is 8 when any drifted, 0 when
none did (a call that fails exits with its own code, as `workbench run` does, before 8).
Action calls are checked only when named and --yes is given."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "initialize",
        help="learn a call's response shape and save it in the workspace; --check: report drift",
        usage=USAGE,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    parser.add_argument(
        "calls",
        metavar="PROVIDER/CALL",
        nargs="*",
        help='the call, e.g. "Demo/List users" (with --check: any number, default every '
        "initialized data call)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="report drift of the calls' saved shapes without writing anything (exit 8 on drift)",
    )
    add_sending_options(
        parser,
        "a parameter value (repeatable); wins over the test value and a chained value. "
        "With --check it applies to every call that has that parameter",
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="send an action call without asking (needed when there is no terminal)",
    )
    parser.add_argument(
        "--accept",
        action="store_true",
        help="save a drifted shape without asking (needed when there is no terminal)",
    )
    parser.add_argument(
        "--manual",
        metavar="FILE",
        help="learn from this sample response (- for stdin) instead of sending the call",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_check(args) if args.check else _initialize(args))
    except CommandFailed as error:
        return report(error)


# ---- initialize one call ---------------------------------------------------------------------


async def _initialize(args: argparse.Namespace) -> int:
    from workbench.cli import EXIT_USAGE

    if len(args.calls) != 1:
        raise CommandFailed(
            'name exactly one call to initialize, e.g. "Demo/List users" (to check several, '
            "use --check)",
            EXIT_USAGE,
        )
    if args.manual is not None and (args.param or args.base_url or args.env):
        raise CommandFailed(
            "--manual learns from the sample without sending the call: leave out --param, "
            "--env and --base-url",
            EXIT_USAGE,
        )
    workspace, path = load(args.workspace)
    check_environment(workspace, args.env)
    overrides = parse_params(args.param)
    provider, call = find(workspace, args.calls[0])
    if args.manual is not None:
        data = _manual_data(call, args.manual)
    else:
        _confirm_action(provider, call, args.yes)
        session = open_session(workspace, path, args.base_url)
        try:
            result = await send(session, provider, call, environment=args.env, overrides=overrides)
        finally:
            await session.aclose()
        data = _data(result, session)
    return _keep(provider, call, data, path, args.accept)


def _confirm_action(provider: Provider, call: Call, yes: bool) -> None:
    """Initializing sends the call: an action is sent only with --yes or a yes on a terminal."""
    from workbench.cli import EXIT_USAGE
    from workbench.core.chaining import full_name
    from workbench.core.model import UseAs

    if call.use_as is not UseAs.ACTION or yes:
        return
    why = (
        f"{full_name(provider, call)} is an action call ({call.method} {call.url}): "
        "initializing sends it, which changes things on the server"
    )
    if not is_terminal():
        raise CommandFailed(
            f"{why}. Add --yes to send it all the same, or learn its shape from a sample "
            "response with --manual FILE.",
            EXIT_USAGE,
        )
    if not ask(f"{why}. Send it?"):
        raise CommandFailed("Not sent; nothing was initialized.", EXIT_USAGE)


def _manual_data(call: Call, source: str) -> object:
    from workbench.cli import EXIT_NOT_SENT, EXIT_USAGE
    from workbench.core.initialize import manual_data
    from workbench.core.response_data import ResponseDataError

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandFailed(
            f"--manual {source}: cannot be read: {error.strerror or error}", EXIT_USAGE
        ) from None
    except UnicodeDecodeError:
        raise CommandFailed(f"--manual {source}: is not UTF-8 text", EXIT_USAGE) from None
    try:
        return manual_data(call, text)
    except ResponseDataError as error:
        raise CommandFailed(f"--manual {source}: {error}", EXIT_NOT_SENT) from None


def _data(result: CallResult, session: Session) -> object:
    """The result's data, after its status on stderr; a failed call stops with its code."""
    from workbench.cli import EXIT_NOT_SENT

    report_result(result, session.secrets.workspace_path)
    if result.data_error is None:
        return result.data
    exchange = result.exchange
    reason = "it got no complete answer" if exchange.failure else str(result.data_error)
    hint = ""
    if exchange.failure is None and exchange.status is not None and exchange.status >= 400:
        hint = " (to learn the shape of error answers, turn on the call's include_errors option)"
    raise CommandFailed(
        f"{result.name} was not initialized: {reason}{hint}",
        exit_code(exchange) or EXIT_NOT_SENT,
    )


def _keep(provider: Provider, call: Call, data: object, path: Path, accept: bool) -> int:
    """Learn the shape, print it, and save it unless it drifted and was not accepted."""
    from workbench.cli import EXIT_DRIFT, EXIT_OK
    from workbench.core.chaining import full_name
    from workbench.core.initialize import learn, shape_lines
    from workbench.core.shape_drift import format_drift

    learned = learn(call, data)
    for line in shape_lines(learned.shape):
        print(visible(line))  # field names come from the server
    name = visible(full_name(provider, call))
    if learned.is_first:
        _save(learned, provider, call, path)
        fields = len(learned.shape)
        print(
            f"Initialized {name}: {fields} field{'' if fields == 1 else 's'} saved in {path}.",
            file=sys.stderr,
        )
        return EXIT_OK
    if not learned.drifted:
        if learned.changes_saved:  # the same fields in another order: follow the response
            _save(learned, provider, call, path)
        print(f"{name}: the response matches the saved shape (no drift).", file=sys.stderr)
        return EXIT_OK
    print(f"{name}: the response shape drifted from the saved one:", file=sys.stderr)
    for line in format_drift(learned.drift):
        print(f"  {visible(line)}", file=sys.stderr)
    if not (accept or (is_terminal() and ask("Save the new shape?"))):
        print(
            f"Kept the saved shape of {name}. Run again with --accept to save the new one.",
            file=sys.stderr,
        )
        return EXIT_DRIFT
    _save(learned, provider, call, path)
    print(f"Saved the new shape of {name} in {path}.", file=sys.stderr)
    return EXIT_OK


def _save(learned: Learned, provider: Provider, call: Call, path: Path) -> None:
    from workbench.cli import EXIT_NOT_SENT
    from workbench.core.errors import WorkbenchError
    from workbench.core.initialize import store_shape

    try:
        store_shape(path, provider.name, call.name, learned.shape)
    except WorkbenchError as error:
        raise CommandFailed(f"The shape was not saved: {error}", EXIT_NOT_SENT) from None


# ---- --check ---------------------------------------------------------------------------------


async def _check(args: argparse.Namespace) -> int:
    from workbench.cli import EXIT_DRIFT, EXIT_NOT_SENT, EXIT_OK, EXIT_USAGE
    from workbench.core.chaining import full_name
    from workbench.core.initialize import learn
    from workbench.core.shape_drift import format_drift

    if args.accept or args.manual is not None:
        raise CommandFailed(
            "--check writes nothing and sends the calls: leave out --accept and --manual",
            EXIT_USAGE,
        )
    workspace, path = load(args.workspace)
    check_environment(workspace, args.env)
    overrides = parse_params(args.param)
    targets = _check_targets(workspace, args.calls, args.yes, path)
    _check_param_names(targets, overrides)
    if not targets:
        print("No initialized data calls to check.", file=sys.stderr)
        return EXIT_OK
    failures: list[int] = []
    drifted = False
    session = open_session(workspace, path, args.base_url)
    try:
        for provider, call in targets:
            name = visible(full_name(provider, call))
            known = _parameter_names(provider, call)
            mine = {k: v for k, v in overrides.items() if k in known}
            try:
                result = await send(session, provider, call, environment=args.env, overrides=mine)
            except CommandFailed as error:
                print(f"workbench: {name}: {shown_message(str(error))}", file=sys.stderr)
                print(f"{name}: not checked (nothing was sent)")
                failures.append(error.code)
                continue
            report_result(result, session.secrets.workspace_path, label=name)
            if result.data_error is not None:
                print(
                    f"workbench: {name}: {shown_message(str(result.data_error))}", file=sys.stderr
                )
                print(f"{name}: not checked (the answer has no data)")
                failures.append(exit_code(result.exchange) or EXIT_NOT_SENT)
                continue
            learned = learn(call, result.data)
            if not learned.drifted:
                print(f"{name}: no drift")
                continue
            drifted = True
            print(f"{name}: drifted")
            for line in format_drift(learned.drift):
                print(f"  {visible(line)}")
    finally:
        await session.aclose()
    if failures:
        return failures[0]
    return EXIT_DRIFT if drifted else EXIT_OK


def _check_targets(
    workspace: Workspace, names: list[str], yes: bool, path: Path
) -> list[tuple[Provider, Call]]:
    """The calls to check; refuses, before anything is sent, a named call that has no saved
    shape, or an action call without --yes."""
    from workbench.cli import EXIT_NOT_SENT, EXIT_USAGE
    from workbench.core.chaining import full_name
    from workbench.core.model import UseAs

    if not names:
        return [
            (provider, call)
            for provider in workspace.providers
            for call in provider.calls
            if call.shape is not None and call.use_as is UseAs.DATA
        ]
    targets = [find(workspace, name) for name in names]
    for provider, call in targets:
        name = full_name(provider, call)
        if call.shape is None:
            raise CommandFailed(
                f"{name} is not initialized, so there is no saved shape to check; run `workbench "
                f'initialize {path} "{name}"` first',
                EXIT_NOT_SENT,
            )
        if call.use_as is UseAs.ACTION and not yes:
            raise CommandFailed(
                f"{name} is an action call: checking it sends it, which changes things on "
                "the server; add --yes to check it all the same",
                EXIT_USAGE,
            )
    return targets


def _parameter_names(provider: Provider, call: Call) -> set[str]:
    return {p.name for p in provider.parameters} | {p.name for p in call.parameters}


def _check_param_names(targets: list[tuple[Provider, Call]], overrides: dict[str, str]) -> None:
    from workbench.cli import EXIT_USAGE

    known = set[str]().union(*(_parameter_names(p, c) for p, c in targets))
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise CommandFailed(
            f"--param {', '.join(unknown)}: no call to check has such a parameter", EXIT_USAGE
        )
