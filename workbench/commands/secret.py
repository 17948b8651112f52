"""`workbench secret`: set, list and delete private values in the secret store.

Values are read from a hidden prompt or from standard input, never from the
command line (where shell history and `ps` would see them); `list` shows
names and where they are set, never values.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from workbench.cli import EXIT_NOT_SENT, EXIT_USAGE
from workbench.commands.common import CommandFailed, load, report
from workbench.core.errors import SecretStoreError
from workbench.core.model import Workspace
from workbench.core.private_values import private_values
from workbench.core.secrets import (
    SecretAddress,
    SecretResolver,
    SecretStore,
    environment_variable,
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "secret",
        help="set, list or delete private values (kept outside workspace files)",
        description=(
            "Private values live in the secret store in your user data directory "
            "(or $WORKBENCH_HOME), keyed by workspace id, provider and field, optionally "
            "per environment. Names look like 'Demo/auth.value' or "
            "'Demo/Create user/param.token'; `workbench secret list WORKSPACE` shows them."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    set_parser = actions.add_parser(
        "set",
        help="store a private value (read from a hidden prompt, or stdin when piped)",
        description="Store a private value. It is read from a hidden prompt on a terminal "
        "(one line), or from standard input when piped: all of it, so multi-line values such as "
        "PEM keys and JSON key files work (`workbench secret set WORKSPACE NAME < key.pem`); one "
        "trailing newline is dropped.",
    )
    list_parser = actions.add_parser(
        "list", help="show the private values a workspace needs and whether each is set"
    )
    delete_parser = actions.add_parser("delete", help="forget a stored private value")
    for sub in (set_parser, list_parser, delete_parser):
        sub.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    for sub in (set_parser, delete_parser):
        sub.add_argument("name", metavar="NAME", help="e.g. 'Demo/auth.value'")
        sub.add_argument(
            "--env",
            metavar="ENVIRONMENT",
            help="only for this environment (default: for every environment)",
        )
    set_parser.set_defaults(handler=_set)
    list_parser.set_defaults(handler=_list)
    delete_parser.set_defaults(handler=_delete)


def _set(args: argparse.Namespace) -> int:
    try:
        workspace, _ = load(args.workspace)
        address = _address(workspace, args.name, args.env)
        value = _read_value(str(address))
        SecretStore().set(workspace.id, address, value, args.env)
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), EXIT_NOT_SENT))
    scope = f"environment {args.env}" if args.env else "all environments"
    print(f"Stored {address} for {scope}.", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    try:
        workspace, _ = load(args.workspace)
        resolver = SecretResolver(workspace.id, SecretStore())
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), EXIT_NOT_SENT))
    stored = dict(resolver.stored_addresses())
    needed = list(private_values(workspace))
    if not needed and not stored:
        print("This workspace has no private values.")
        return 0
    for value in needed:
        name = str(value.address)
        environments = stored.pop(name, [])
        if environments:
            state = "set for " + ", ".join(
                "all environments" if e == "*" else e for e in environments
            )
        elif environment_variable(value.address) in resolver.environ:
            state = f"from ${environment_variable(value.address)}"
        else:
            state = "optional, not set" if value.optional else "NOT SET"
        print(f"{name}\t{state}\t({value.description})")
    for name in stored:
        print(f"{name}\tstored, but the workspace no longer uses it")
    return 0


def _delete(args: argparse.Namespace) -> int:

    try:
        workspace, _ = load(args.workspace)
        address = SecretAddress.parse(args.name)
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), EXIT_USAGE))
    if not SecretStore().delete(workspace.id, address, args.env):
        scope = f" for environment {args.env}" if args.env else ""
        print(f"workbench: nothing stored under {address}{scope}.", file=sys.stderr)
        return EXIT_USAGE
    print(f"Deleted {address}.", file=sys.stderr)
    return 0


def _address(workspace: Workspace, name: str, environment: str | None) -> SecretAddress:
    """Parse NAME and check the workspace really has such a private value."""

    try:
        address = SecretAddress.parse(name)
    except SecretStoreError as error:
        raise CommandFailed(str(error), EXIT_USAGE) from None
    if environment is not None and environment not in workspace.environments:
        known = ", ".join(workspace.environments)
        raise CommandFailed(
            f"No environment {environment!r}; this workspace has: {known}", EXIT_USAGE
        )
    known_addresses = [v.address for v in private_values(workspace)]
    if address not in known_addresses:
        listing = "\n  ".join(str(a) for a in known_addresses) or "(none)"
        raise CommandFailed(
            f"{address} is not a private value of this workspace. Its private values:\n  {listing}",
            EXIT_USAGE,
        )
    return address


def _read_value(label: str) -> str:
    """The value from a hidden prompt, or all of piped stdin less one trailing newline."""
    if sys.stdin.isatty():
        value = getpass.getpass(f"Value for {label} (hidden): ")
    else:
        # All of it: PEM keys and JSON key files span lines. Only the newline that
        # `echo` or an editor adds at the end is not part of the value (text mode
        # has already turned a final \r\n into \n).
        value = sys.stdin.read().removesuffix("\n")
    if not value:
        raise CommandFailed("No value given; nothing stored.", EXIT_USAGE)
    return value
