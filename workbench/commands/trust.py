"""`workbench trust`: approve where a provider's private values may go and which files a
workspace may upload, or list what is approved. Approvals live in the user's data directory
(see `workbench.core.secrets.trust`), never in the workspace file."""

from __future__ import annotations

import argparse
import sys

from workbench.commands.common import (
    CommandFailed,
    give_id_saying_so,
    load,
    personal_secrets,
    report,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.errors import WorkbenchError
from workbench.core.secrets import (
    Trust,
    TrustBook,
    origin_of,
    provider_origins,
    shown_origin,
)
from workbench.core.terminal_text import visible
from workbench.core.workspace import Provider, Workspace


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "trust",
        help="approve where a provider's private values may go, or a file to upload",
        description=(
            "A stored private value (and a cached token) of a provider is sent only to the "
            "origins (scheme, host, port) approved for that provider: where the workspace "
            "pointed when its first value was stored, and what you approve here. A workspace "
            "that now points elsewhere (a pull request, a download) stops before sending and "
            "names this command. Files a workspace uploads from outside its folder (or hidden "
            "in it) need approval too. With only WORKSPACE: list what is approved."
        ),
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    parser.add_argument(
        "provider",
        metavar="PROVIDER",
        nargs="?",
        help="approve the provider's current base URLs and token endpoints (every environment)",
    )
    parser.add_argument("--origin", metavar="URL", help="approve only this origin for PROVIDER")
    parser.add_argument(
        "--file", metavar="PATH", help="approve uploading this file (relative to the workspace)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        workspace, path = load(args.workspace)
        trust = Trust(
            workspace.id,
            path.parent,
            TrustBook(personal_secrets(workspace=workspace)[0].home),
            args.workspace,
        )
        if args.file or args.provider:
            give_id_saying_so(workspace, path, args.workspace)  # approvals are kept by id
        if args.file:
            return _approve_file(trust, args.file)
        if args.provider:
            provider = _provider(workspace, args.provider)
            return _approve_provider(trust, provider, workspace.environments, args.origin)
        if args.origin:
            raise CommandFailed("--origin needs a PROVIDER to approve it for.", ExitCode.USAGE)
        _list(trust, workspace)
        return 0
    except WorkbenchError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    except CommandFailed as error:
        return report(error)


def _provider(workspace: Workspace, name: str) -> Provider:
    provider = next((p for p in workspace.providers if p.name == name), None)
    if provider is None:
        names = ", ".join(visible(p.name) for p in workspace.providers) or "none"
        raise CommandFailed(
            f"No provider {visible(name)!r} in this workspace; its providers: {names}",
            ExitCode.USAGE,
        )
    return provider


def _approve_provider(
    trust: Trust, provider: Provider, environments: tuple[str, ...], origin_text: str | None
) -> int:
    if origin_text:
        origin = origin_of(origin_text)
        if origin is None:
            raise CommandFailed(
                f"{visible(origin_text)!r} is not an origin: give one like https://api.example.com",
                ExitCode.USAGE,
            )
        origins = frozenset({origin})
    else:
        origins = provider_origins(provider, environments)
    if not origins:
        raise CommandFailed(
            f"Provider {visible(provider.name)!r} has no base URL or token endpoint to approve; "
            "give one with --origin URL.",
            ExitCode.USAGE,
        )
    for origin in sorted(origins):
        trust.approve_origin(provider.key, origin)
    listed = ", ".join(shown_origin(o) for o in sorted(origins))
    print(f"Approved for {visible(provider.name)}: {visible(listed)}", file=sys.stderr)
    return 0


def _approve_file(trust: Trust, text: str) -> int:
    path = trust.upload_path(text, "--file", given_by_user=True)
    trust.approve_file(path)
    print(f"Approved for upload: {visible(str(path))}", file=sys.stderr)
    return 0


def _list(trust: Trust, workspace: Workspace) -> None:
    for provider in workspace.providers:
        approved = trust.approved(provider)
        current = provider_origins(provider, workspace.environments)
        print(f"{visible(provider.name)}:")
        for origin in sorted(approved | current):
            mark = "approved" if origin in approved else "NOT approved"
            print(f"  {visible(shown_origin(origin))}  {mark}")
    files = trust.book.files(trust.workspace_id) if trust.book else frozenset()
    if files:
        print("files:")
        for file in sorted(files):
            print(f"  {visible(file)}")
