"""`workbench import curl` and `workbench export curl`: curl commands in and out.

`import curl [FILE|-] --into WORKSPACE [--provider NAME]` reads the command from FILE or
standard input. The call joins the provider
whose base URL its URL starts with (or `--provider`, or a new provider for its
origin); credentials go to the secret store, never into the file, and the
provider's values may go to the command's origin (as after `secret set`).
What was added and what was left out goes to stderr.

`import openapi FILE|URL --into WORKSPACE` adds a provider with one call per operation of an
OpenAPI 3.0 or 3.1 document (JSON or YAML, a file or fetched); what could not be mapped goes
to stderr.

`export curl|httpie WORKSPACE PROVIDER/CALL [--env NAME] [--base-url URL] [--reveal]` prints
the curl (or HTTPie) command that sends what the call sends, private values as references to the
environment variables that carry them (`--reveal`: the values themselves).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from workbench.commands.common import (
    CommandFailed,
    check_environment,
    find,
    give_id_saying_so,
    load,
    report,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.errors import RequestBuildError, SecretMissing, SecretStoreError, WorkspaceError
from workbench.core.interop import (
    CurlError,
    FetchError,
    OpenApiError,
    export_command,
    fetch_document,
    import_curl,
    import_openapi,
    is_url,
)
from workbench.core.secrets import SecretResolver, SecretStore, Trust, TrustBook
from workbench.core.terminal_text import visible
from workbench.core.workspace import save_workspace


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="add calls from another tool's format (a curl command, an OpenAPI document)",
        description="Adds calls to a workspace from another tool's format.",
    )
    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    curl = formats.add_parser(
        "curl",
        help="a curl command (from FILE, or standard input)",
        description=(
            "Reads one curl command (as a shell would: quotes, backslashes, line "
            "continuations) and adds it as a call: method, URL, query, headers, body (-d, "
            "--data-raw, --data-binary, --data-urlencode, --json, -F, -G), -k, -L, --max-time. "
            "-u, an Authorization or API-key header, and --cert/--key/--cacert files become "
            "the provider's authentication, their values stored privately, never in the file."
        ),
    )
    curl.add_argument(
        "source", metavar="FILE", nargs="?", default="-", help="the command (default: stdin)"
    )
    curl.add_argument("--into", metavar="WORKSPACE", required=True, help="the workspace file")
    curl.add_argument("--provider", metavar="NAME", help="the provider the call joins")
    curl.set_defaults(handler=_curl)
    openapi = formats.add_parser(
        "openapi",
        help="an OpenAPI 3.0 or 3.1 document (JSON or YAML)",
        description=(
            "Adds a provider named after the document's title, with its first server's URL "
            "as base URL (two servers or more: one environment per server) and one call per "
            "operation: parameters, request body, the 2xx JSON response schema as the "
            "call's shape, the security scheme as the provider's authentication (no private "
            "value is written). What could not be mapped is listed on stderr."
        ),
    )
    openapi.add_argument(
        "source", metavar="FILE|URL", help="the OpenAPI document: a file, or an http(s) URL"
    )
    openapi.add_argument("--into", metavar="WORKSPACE", required=True, help="the workspace file")
    openapi.set_defaults(handler=_openapi)

    exporting = commands.add_parser(
        "export",
        help="a call in another tool's format (a curl command)",
        description="Prints a call in another tool's format.",
    )
    out = exporting.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for tool, program in (("curl", "curl"), ("httpie", "HTTPie's http")):
        command = out.add_parser(
            tool,
            help=f"the {program} command that sends what the call sends",
            description=(
                f"Prints the {program} command that sends what the call sends "
                "(authentication, the provider's shared headers and parameters, [params] "
                "filled), quoted for a POSIX shell. Private values are references to the "
                'environment variables that carry them ("${WORKBENCH_SECRET__...}"), unless '
                "--reveal. A token that a login or a signature makes (OAuth2, JWT) is not in "
                "the command: a comment says what to add."
            ),
        )
        command.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
        command.add_argument("call", metavar="PROVIDER/CALL", help='e.g. "Demo/List users"')
        command.add_argument("--env", metavar="NAME", help="the environment (default: the first)")
        command.add_argument("--base-url", metavar="URL", help="send to this base URL instead")
        command.add_argument(
            "--reveal", action="store_true", help="write private values themselves, not references"
        )
        command.set_defaults(handler=_export_command, tool=tool)


def _export_command(args: argparse.Namespace) -> int:
    try:
        workspace, path = load(args.workspace)
        check_environment(workspace, args.env)
        provider, call = find(workspace, args.call)
        secrets = SecretResolver(
            workspace.id, SecretStore(), workspace_path=shlex.quote(args.workspace)
        )
        command = export_command(
            args.tool,
            workspace,
            provider,
            call,
            environment=args.env or workspace.default_environment,
            secrets=secrets,
            reveal=args.reveal,
            base_url=args.base_url,
        )
    except CommandFailed as error:
        return report(error)
    except (RequestBuildError, SecretMissing, SecretStoreError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    sys.stdout.write(command)
    return 0


def _curl(args: argparse.Namespace) -> int:
    try:
        command = _read(args.source)
        workspace, path = load(args.into)
        if args.provider is not None and workspace.provider(args.provider) is None:
            raise CommandFailed(f"{args.into} has no provider {args.provider!r}.", ExitCode.USAGE)
        imported = import_curl(workspace, command, args.provider)
        store = SecretStore()
        if imported.secrets:
            store.values(workspace.id)  # an unreadable store stops before anything changes
            give_id_saying_so(workspace, path, args.into)
        save_workspace(imported.workspace, path)
        for address, value in imported.secrets:
            store.set(workspace.id, address, value)
        if imported.secrets:
            provider = imported.workspace.provider(imported.provider)
            trust = Trust(workspace.id, path.parent, TrustBook(store.home), args.into)
            if provider is not None:
                trust.record_first(provider, imported.workspace.environments)
    except CommandFailed as error:
        return report(error)
    except CurlError as error:
        return report(CommandFailed(str(error), ExitCode.USAGE))
    except (SecretStoreError, WorkspaceError, OSError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    name = visible(f"{imported.provider}/{imported.call}")
    print(f"Added {name} to {visible(args.into)}.", file=sys.stderr)
    for address, _ in imported.secrets:
        print(f"Stored {visible(str(address))} privately (not in the file).", file=sys.stderr)
    for note in imported.notes:
        print(f"Note: {visible(note)}", file=sys.stderr)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    try:
        workspace, path = load(args.into)
        url = args.source if is_url(args.source) else None
        text = _read(args.source) if url is None else fetch_document(url)
        imported = import_openapi(workspace, text, args.source, url=url)
        save_workspace(imported.workspace, path)
    except CommandFailed as error:
        return report(error)
    except FetchError as error:
        code = {4: ExitCode.CLIENT_ERROR, 5: ExitCode.SERVER_ERROR}.get(
            (error.status or 0) // 100, ExitCode.NO_ANSWER
        )
        return report(CommandFailed(str(error), code))
    except OpenApiError as error:
        return report(CommandFailed(str(error), ExitCode.USAGE))
    except (WorkspaceError, OSError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    for line in imported.summary(args.into):
        print(visible(line), file=sys.stderr)
    return 0


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandFailed(f"cannot read {source}: {error}", ExitCode.USAGE) from None
