"""`workbench secret where` and `workbench secret missing`: where a person's private values come
from, and what they still have to set before the calls run (onboarding a teammate).

Neither prints a value, nor runs a command of the config: a command named for a value counts
as giving it.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from workbench.commands.common import (
    CommandFailed,
    check_environment,
    load,
    personal_secrets,
    report,
    warn,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.errors import SecretStoreError
from workbench.core.secrets import (
    PersonalSources,
    SecretAddress,
    SecretResolver,
    SecretStore,
    environment_variable,
    missing_values,
    private_values,
)
from workbench.core.terminal_text import visible
from workbench.core.workspace import Workspace


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    where = actions.add_parser(
        "where",
        help="tell where a private value comes from (never the value)",
        description=(
            "Tell which source gives a private value, first match wins: the environment "
            "variable, a command or a .env file named in your config file's [secrets], the "
            "keyring, the store file. Sources further down that also have it are listed as "
            "not used. Exit 3 when no source has it."
        ),
    )
    missing = actions.add_parser(
        "missing",
        help="list the private values you still have to set for the calls to run",
        description=(
            "List the private values the workspace's calls need that no source gives you "
            "(in the workspace's first environment, or --env), each with the commands that set "
            "it. Exit 0 when nothing is missing, 3 when something is."
        ),
    )
    where.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    where.add_argument("name", metavar="NAME", help="e.g. 'Demo/auth.value'")
    missing.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    for sub in (where, missing):
        sub.add_argument(
            "--env",
            metavar="ENVIRONMENT",
            help="for this environment (default: the workspace's first)",
        )
    where.set_defaults(handler=_where)
    missing.set_defaults(handler=_missing)


def _where(args: argparse.Namespace) -> int:
    try:
        workspace, resolver, environment = _open(args)
        address = private_address(workspace, args.name, args.env)
        sources = resolver.sources_of(address, environment)
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    shown = visible(f"{address} ({environment})")
    if not sources:
        print(f"{shown} is set nowhere. Set it with:")
        _print_ways(args.workspace, address, environment)
        return ExitCode.NOT_SENT
    print(f"{shown} comes from {visible(str(sources[0]))}.")
    for source in sources[1:]:
        print(f"  also in {visible(str(source))} (not used)")
    return ExitCode.OK


def _missing(args: argparse.Namespace) -> int:
    try:
        workspace, resolver, environment = _open(args)
        missing = missing_values(workspace, resolver, environment)
    except CommandFailed as error:
        return report(error)
    except SecretStoreError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    if not missing:
        print(f"Every private value the calls need is set for {visible(environment)}.")
        return ExitCode.OK
    count = f"{len(missing)} private value{'s' if len(missing) > 1 else ''}"
    print(f"{count} to set for {visible(environment)}:")
    for value in missing:
        print(f"\n{visible(str(value.address))}  ({visible(value.description)})")
        _print_ways(args.workspace, value.address, environment)
    return ExitCode.NOT_SENT


def _open(args: argparse.Namespace) -> tuple[Workspace, SecretResolver, str]:
    """The workspace, this person's resolver of its values, the environment asked about."""
    workspace, _ = load(args.workspace)
    check_environment(workspace, args.env)
    store, sources = personal_secrets(workspace=workspace)
    _warn_about_sources(store, sources)
    resolver = SecretResolver(
        workspace.id, store, workspace_path=shlex.quote(args.workspace), sources=sources
    )
    return workspace, resolver, args.env or workspace.default_environment


def _warn_about_sources(store: SecretStore, sources: PersonalSources) -> None:
    """Say what of the config's sources is not there: missing .env files, no keyring."""
    problems = [
        f"the .env file {path} (your config's [secrets] dotenv) is not there"
        for path in sources.missing_files()
    ]
    warn([*problems, *([store.fallback_notice] if store.fallback_notice else [])])


def parse_name(name: str) -> SecretAddress:
    """NAME as an address; a usage error when it is not PROVIDER/FIELD."""
    try:
        return SecretAddress.parse(name)
    except SecretStoreError as error:
        raise CommandFailed(str(error), ExitCode.USAGE) from None


def private_address(workspace: Workspace, name: str, environment: str | None) -> SecretAddress:
    """Parse NAME and check the workspace really has such a private value (and `environment`,
    when given)."""
    address = parse_name(name)
    check_environment(workspace, environment)
    known_addresses = [v.address for v in private_values(workspace)]
    # Found by its name: the workspace's address carries the key it is stored under.
    found = next((a for a in known_addresses if str(a) == str(address)), None)
    if found is None:
        listing = "\n  ".join(str(a) for a in known_addresses) or "(none)"
        raise CommandFailed(
            f"{address} is not a private value of this workspace. Its private values:\n  {listing}",
            ExitCode.USAGE,
        )
    return found


def _print_ways(workspace: str, address: SecretAddress, environment: str) -> None:
    """The ways to set a value: the store (all environments, or this one), the environment
    variable, the config's sources."""
    command = f"workbench secret set {shlex.quote(workspace)} {shlex.quote(str(address))}"
    variable = environment_variable(address)
    lines = [
        f"  {command}",
        f"  {command} --env {shlex.quote(environment)}    (for {environment} only)",
        f"  or {variable} (or {environment_variable(address, environment)}) in the "
        "environment, in a .env file or in [secrets.commands] of your config file",
    ]
    print("\n".join(visible(line) for line in lines), file=sys.stdout)
