"""`workbench secret`: set, list and delete private values in the secret store.

Values are read from a hidden prompt or from standard input, never from the
command line (where shell history and `ps` would see them); `list` shows
names and where they are set, never values. A store that cannot be read
(corrupt, or written by a newer workbench) stops every action with exit 3 and
is left as it is.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from workbench.commands import secret_sources
from workbench.commands.common import (
    CommandFailed,
    give_id_saying_so,
    load,
    personal_resolver,
    personal_secrets,
    report,
    warn,
)
from workbench.commands.exit_codes import ExitCode
from workbench.commands.secret_sources import parse_name, private_address
from workbench.core.errors import SecretStoreError, WorkspaceError
from workbench.core.secrets import (
    SecretAddress,
    SecretStore,
    Trust,
    TrustBook,
    address_named,
    private_values,
    shown_origin,
    token_caches,
)
from workbench.core.terminal_text import visible
from workbench.core.workspace import Workspace


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "secret",
        help="set, list or delete private values (kept outside workspace files), tell where one "
        "comes from and which are missing",
        description=(
            "Private values live in the secret store in your user data directory "
            "(or $WORKBENCH_HOME), or in your OS keyring when your config file says "
            '[secrets] store = "keyring", keyed by workspace id, provider and field, optionally '
            "per environment. Before the store, a value can come from an environment variable, "
            "or a command or a .env file named in your config's [secrets] (see `workbench "
            "config --help`). Names look like 'Demo/auth.value' or "
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
    secret_sources.register(actions)


def _set(args: argparse.Namespace) -> int:
    try:
        workspace, path = load(args.workspace)
        address = private_address(workspace, args.name, args.env)
        store, _ = personal_secrets(workspace=workspace)
        if store.fallback_notice:
            warn([store.fallback_notice])
        store.values(workspace.id)  # a store that cannot be read stops before anything changes
        give_id_saying_so(workspace, path, args.workspace)
        value = _read_value(visible(str(address)))
        store.set(workspace.id, address, value, args.env)
        approved = _approve_first_origins(workspace, path, store, address, args)
    except CommandFailed as error:
        return report(error)
    except (SecretStoreError, WorkspaceError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    scope = f"environment {args.env}" if args.env else "all environments"
    print(f"Stored {visible(str(address))} in {store.label} for {visible(scope)}.", file=sys.stderr)
    if approved:
        listed = ", ".join(shown_origin(o) for o in sorted(approved))
        print(
            f"{visible(address.provider)}'s private values may go to {visible(listed)} (where "
            "the workspace points now); anywhere else asks first.",
            file=sys.stderr,
        )
    return 0


def _approve_first_origins(
    workspace: Workspace,
    path: Path,
    store: SecretStore,
    address: SecretAddress,
    args: argparse.Namespace,
) -> frozenset[str]:
    """The provider's first stored value fixes where its values may go (see `core.trust`)."""
    provider = next((p for p in workspace.providers if p.name == address.provider), None)
    if provider is None:
        return frozenset()
    trust = Trust(workspace.id, path.parent, TrustBook(store.home), args.workspace)
    return trust.record_first(provider, [args.env] if args.env else workspace.environments)


def _list(args: argparse.Namespace) -> int:
    try:
        workspace, _ = load(args.workspace)
        resolver = personal_resolver(workspace, args.workspace)
        stored = dict(resolver.stored_addresses())
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    needed = list(private_values(workspace))
    if not needed and not stored:
        print("This workspace has no private values.")
        return 0
    for value in needed:
        name = str(value.address)
        environments = stored.pop(value.address.store_key, [])
        if environments:
            state = "set for " + _environments(environments)
        elif source := resolver.source_of(value.address, workspace.default_environment):
            state = f"from {source}"
        else:
            state = "optional, not set" if value.optional else "NOT SET"
        _print_line(name, state, value.description)
    for value in token_caches(workspace):
        # Tokens are stored by workbench as it obtains them: listed only when cached.
        if environments := stored.pop(value.address.store_key, []):
            _print_line(
                str(value.address),
                "token cached for " + _environments(environments),
                value.description,
            )
    for name in stored:
        print(f"{visible(name)}\tstored, but the workspace no longer uses it")
    return 0


def _environments(environments: list[str]) -> str:
    return ", ".join("all environments" if e == "*" else e for e in environments)


def _print_line(name: str, state: str, description: str) -> None:
    # Names come from workspace files, which may hold escape sequences.
    print("\t".join(visible(part) for part in (name, state, f"({description})")))


def _delete(args: argparse.Namespace) -> int:
    try:
        workspace, _ = load(args.workspace)
        # A value the workspace no longer uses is named as `secret list` shows it.
        address = address_named(workspace, args.name) or parse_name(args.name)
        deleted = personal_secrets(workspace=workspace)[0].delete(workspace.id, address, args.env)
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    if not deleted:
        scope = f" for environment {args.env}" if args.env else ""
        print(f"workbench: nothing stored under {visible(str(address) + scope)}.", file=sys.stderr)
        return ExitCode.USAGE
    print(f"Deleted {visible(str(address))}.", file=sys.stderr)
    return 0


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
        raise CommandFailed("No value given; nothing stored.", ExitCode.USAGE)
    return value
