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
    close_session,
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
from workbench.commands.exit_codes import ExitCode
from workbench.core.secrets import shown_message
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.sending import CallResult, Session
    from workbench.core.shape import Learned
    from workbench.core.workspace import Call, Provider, Workspace

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

    if len(args.calls) != 1:
        raise CommandFailed(
            'name exactly one call to initialize, e.g. "Demo/List users" (to check several, '
            "use --check)",
            ExitCode.USAGE,
        )
    if args.manual is not None and (args.param or args.base_url or args.env):
        raise CommandFailed(
            "--manual learns from the sample without sending the call: leave out --param, "
            "--env and --base-url",
            ExitCode.USAGE,
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
            await close_session(session)
        data = _data(result, session)
    return _keep(provider, call, data, path, args.accept)


def _confirm_action(provider: Provider, call: Call, yes: bool) -> None:
    """Initializing sends the call: an action is sent only with --yes or a yes on a terminal."""
    from workbench.core.workspace import UseAs, full_name

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
            ExitCode.USAGE,
        )
    if not ask(f"{why}. Send it?"):
        raise CommandFailed("Not sent; nothing was initialized.", ExitCode.USAGE)


def _manual_data(call: Call, source: str) -> object:
    from workbench.core.sending import ResponseDataError
    from workbench.core.shape import manual_data

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandFailed(
            f"--manual {source}: cannot be read: {error.strerror or error}", ExitCode.USAGE
        ) from None
    except UnicodeDecodeError:
        raise CommandFailed(f"--manual {source}: is not UTF-8 text", ExitCode.USAGE) from None
    try:
        return manual_data(call, text)
    except ResponseDataError as error:
        raise CommandFailed(f"--manual {source}: {error}", ExitCode.NOT_SENT) from None


def _data(result: CallResult, session: Session) -> object:
    """The result's data, after its status on stderr; a failed call stops with its code."""
    from workbench.core.shape import not_initialized_reason

    report_result(result, session.secrets.workspace_path)
    if result.data_error is None:
        return result.data
    raise CommandFailed(
        not_initialized_reason(result).removesuffix("."),
        exit_code(result.exchange) or ExitCode.NOT_SENT,
    )


def _keep(provider: Provider, call: Call, data: object, path: Path, accept: bool) -> int:
    """Learn the shape, print it, and save it unless it drifted and was not accepted."""
    from workbench.core.shape import format_drift, learn, shape_lines
    from workbench.core.workspace import full_name

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
        return ExitCode.OK
    if not learned.drifted:
        if learned.changes_saved:  # only fields within excluded ones changed
            _save(learned, provider, call, path)
        print(f"{name}: the response matches the saved shape (no drift).", file=sys.stderr)
        return ExitCode.OK
    print(f"{name}: the response shape drifted from the saved one:", file=sys.stderr)
    for line in format_drift(learned.drift):
        print(f"  {visible(line)}", file=sys.stderr)
    if not (accept or (is_terminal() and ask("Save the new shape?"))):
        print(
            f"Kept the saved shape of {name}. Run again with --accept to save the new one.",
            file=sys.stderr,
        )
        return ExitCode.DRIFT
    _save(learned, provider, call, path)
    print(f"Saved the new shape of {name} in {path}.", file=sys.stderr)
    return ExitCode.OK


def _save(learned: Learned, provider: Provider, call: Call, path: Path) -> None:
    from workbench.core.errors import WorkbenchError
    from workbench.core.shape import store_shape

    try:
        store_shape(path, provider.name, call.name, learned.shape)
    except WorkbenchError as error:
        raise CommandFailed(f"The shape was not saved: {error}", ExitCode.NOT_SENT) from None


# ---- --check ---------------------------------------------------------------------------------


async def _check(args: argparse.Namespace) -> int:
    from workbench.core.shape import format_drift, learn
    from workbench.core.workspace import full_name

    if args.accept or args.manual is not None:
        raise CommandFailed(
            "--check writes nothing and sends the calls: leave out --accept and --manual",
            ExitCode.USAGE,
        )
    workspace, path = load(args.workspace)
    check_environment(workspace, args.env)
    overrides = parse_params(args.param)
    targets = _check_targets(workspace, args.calls, args.yes, path)
    _check_param_names(targets, overrides)
    if not targets:
        print("No initialized data calls to check.", file=sys.stderr)
        return ExitCode.OK
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
                failures.append(exit_code(result.exchange) or ExitCode.NOT_SENT)
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
        await close_session(session)
    if failures:
        return failures[0]
    return ExitCode.DRIFT if drifted else ExitCode.OK


def _check_targets(
    workspace: Workspace, names: list[str], yes: bool, path: Path
) -> list[tuple[Provider, Call]]:
    """The calls to check; refuses, before anything is sent, a named call that has no saved
    shape, or an action call without --yes."""
    from workbench.core.workspace import UseAs, full_name

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
                ExitCode.NOT_SENT,
            )
        if call.use_as is UseAs.ACTION and not yes:
            raise CommandFailed(
                f"{name} is an action call: checking it sends it, which changes things on "
                "the server; add --yes to check it all the same",
                ExitCode.USAGE,
            )
    return targets


def _parameter_names(provider: Provider, call: Call) -> set[str]:
    return {p.name for p in provider.parameters} | {p.name for p in call.parameters}


def _check_param_names(targets: list[tuple[Provider, Call]], overrides: dict[str, str]) -> None:

    known = set[str]().union(*(_parameter_names(p, c) for p, c in targets))
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise CommandFailed(
            f"--param {', '.join(unknown)}: no call to check has such a parameter", ExitCode.USAGE
        )
