"""`workbench local`: your own values for a workspace (a base URL, a parameter's test value, an
environment of your own), kept in `NAME.local.toml` beside it and never shared. See
`workbench.core.workspace.local_file`."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.common import CommandFailed, load_shared, report, warn
from workbench.commands.exit_codes import ExitCode
from workbench.core.errors import WorkbenchError
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.workspace import Value, ValueSlot


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "local",
        help="your own base URLs, parameter values and environments for a workspace",
        description=(
            "Values for you only, kept in NAME.local.toml beside the workspace NAME.toml (and "
            "added to the folder's .gitignore in a git repository): every command and the TUI "
            "send with them, and saving never writes them into the shared file. The same "
            'values can go in your config file, under [overrides."WORKSPACE-ID"]. Private '
            "values never go there: `workbench secret set` stores those."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_parser = actions.add_parser("set", help="set a value of your own")
    set_parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    set_parser.add_argument(
        "name",
        metavar="NAME",
        help="'Demo/base_url', 'Demo/param.NAME' (shared by its calls) or 'Demo/CALL/param.NAME'",
    )
    set_parser.add_argument("value", metavar="VALUE", help="your value")
    set_parser.add_argument(
        "--env", metavar="ENVIRONMENT", help="only in this environment (default: in every one)"
    )
    env_parser = actions.add_parser("env", help="add an environment of your own")
    env_parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    env_parser.add_argument("environment", metavar="ENVIRONMENT", help="its name, e.g. mine")
    show_parser = actions.add_parser("show", help="list your own values for a workspace")
    show_parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    set_parser.set_defaults(handler=_set)
    env_parser.set_defaults(handler=_env)
    show_parser.set_defaults(handler=_show)


def _set(args: argparse.Namespace) -> int:
    from workbench.core.workspace import set_local_value

    try:
        load_shared(args.workspace)  # a broken workspace stops with its own message
    except CommandFailed as error:
        return report(error)
    return _changed(lambda path: set_local_value(path, args.name, args.value, args.env), args)


def _env(args: argparse.Namespace) -> int:
    from workbench.core.workspace import add_local_environment

    return _changed(lambda path: add_local_environment(path, args.environment), args)


def _changed(change: Callable[[Path], str | None], args: argparse.Namespace) -> int:
    """Make `change` to the local file of the workspace; say where, and what about git."""
    from workbench.core.workspace import local_path

    path = Path(args.workspace)
    try:
        told = change(path)
    except WorkbenchError as error:
        return report(CommandFailed(str(error), ExitCode.USAGE))
    print(visible(f"Saved in {local_path(path)} (yours only)."), file=sys.stderr)
    if told:
        print(visible(told), file=sys.stderr)
    return ExitCode.OK


def _show(args: argparse.Namespace) -> int:
    from workbench.core.config import load_config
    from workbench.core.workspace import load_in_use

    try:
        layers = load_in_use(Path(args.workspace), load_config().overrides)
    except WorkbenchError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    warn(layers.warnings)
    for source, overrides in (
        ("config file", layers.personal),
        (str(layers.local_path), layers.local),
    ):
        if not overrides:
            continue
        print(visible(f"From {source}:"))
        for environment in overrides.environments:
            print(visible(f"  environment {environment}"))
        for slot, value in overrides.values.items():
            print(visible(f"  {_name(slot)} = {_shown(value)}"))
    if not (layers.personal or layers.local):
        command = f"workbench local set {shlex.quote(args.workspace)} PROVIDER/base_url URL"
        print(visible(f"No values of your own for {args.workspace}; `{command}` sets one."))
    return ExitCode.OK


def _name(slot: ValueSlot) -> str:
    if slot.kind == "base_url":
        return f"{slot.provider}/base_url"
    owner = f"{slot.provider}/{slot.call}" if slot.call else slot.provider
    return f"{owner}/param.{slot.name}"


def _shown(value: Value) -> str:
    from workbench.core.workspace import PerEnvironment

    if isinstance(value, PerEnvironment):
        return ", ".join(f"{e}: {text!r}" for e, text in value.values.items())
    return repr(value)
