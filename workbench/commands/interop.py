"""`workbench import curl|openapi|postman|posting` and `workbench export curl|httpie|openapi`.

`import curl [FILE|-] --into WORKSPACE [--provider NAME]` reads the command from FILE or
standard input. The call joins the provider
whose base URL its URL starts with (or `--provider`, or a new provider for its
origin); credentials go to the secret store, never into the file, and the
provider's values may go to the command's origin (as after `secret set`).
What was added and what was left out goes to stderr.

`import openapi FILE|URL --into WORKSPACE` adds a provider with one call per operation of an
OpenAPI 3.0 or 3.1 document (JSON or YAML, a file or fetched); what could not be mapped goes
to stderr.

`import postman FILE --into WORKSPACE [--environment FILE ...]` adds a Postman collection
(v2.1) as a provider, each environment file as an environment; its private values go to
the secret store as curl's do. `import posting FOLDER --into WORKSPACE` does the same for a
Posting collection (a folder of `*.posting.yaml` files and its `.env` files).

`export openapi WORKSPACE` prints the workspace as an OpenAPI 3.1 document (JSON).

`export curl|httpie WORKSPACE PROVIDER/CALL [--env NAME] [--base-url URL] [--reveal]` prints
the curl (or HTTPie) command that sends what the call sends, private values as references to the
environment variables that carry them (`--reveal`: the values themselves).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from workbench.commands.common import (
    CommandFailed,
    check_environment,
    find,
    give_id_saying_so,
    load,
    load_shared,
    personal_resolver,
    personal_secrets,
    report,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.errors import RequestBuildError, SecretMissing, SecretStoreError, WorkspaceError
from workbench.core.interop import (
    CollectionError,
    CollectionImport,
    CurlError,
    FetchError,
    OpenApiError,
    PrivateValue,
    export_command,
    export_openapi,
    fetch_document,
    import_curl,
    import_openapi,
    import_posting,
    import_postman,
    is_url,
)
from workbench.core.secrets import Trust, TrustBook
from workbench.core.terminal_text import visible
from workbench.core.workspace import Workspace, save_workspace


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="add calls from another tool's format (curl, OpenAPI, Postman, Posting)",
        description="Adds calls to a workspace from another tool's format.",
    )
    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    curl = formats.add_parser(
        "curl",
        help="a curl command (from FILE, or standard input)",
        description=(
            "Reads one curl command (as a POSIX shell would: quotes, backslashes, line "
            "continuations, bash's $'...') and adds it as a call: method, URL, query, "
            "headers, body (-d, --data-raw, --data-binary, --data-urlencode, --json, -F, -G), "
            "-k, -L, --max-time. "
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
            "call's shape, the answer's media type as its Accept header, the security scheme "
            "as the provider's authentication (no private value is written, nor an example "
            "marked format: password). With two tags or more, calls are grouped by tag and "
            'named "Tag / Call". What could not be mapped is listed on stderr.'
        ),
    )
    openapi.add_argument(
        "source", metavar="FILE|URL", help="the OpenAPI document: a file, or an http(s) URL"
    )
    openapi.add_argument("--into", metavar="WORKSPACE", required=True, help="the workspace file")
    openapi.set_defaults(handler=_openapi)
    postman = _collection_parser(
        formats,
        "postman",
        "a Postman collection (v2.1 JSON) and its environments",
        (
            "Adds a Postman collection (v2.1 JSON) as a provider: each request a call (a "
            'folder\'s requests named "Folder / Request"), its method, URL, query, headers and '
            "body (raw, JSON, urlencoded, form-data with files); the collection's basic, bearer "
            "or API-key authentication the provider's. {{variables}} are filled in from the "
            "collection's variables and each --environment file, which becomes an environment "
            "of the workspace. Secret variables, passwords, tokens and keys are stored "
            "privately, never in the file."
        ),
        source=("FILE", "the collection's JSON file"),
    )
    postman.add_argument(
        "--environment",
        metavar="FILE",
        action="append",
        default=[],
        help="a Postman environment file (may be given more than once)",
    )
    postman.set_defaults(handler=_postman)
    posting = _collection_parser(
        formats,
        "posting",
        "a Posting collection (a folder of .posting.yaml files)",
        (
            "Adds a Posting collection (a folder of *.posting.yaml request files, subfolders "
            'named into the calls: "users / Get user") as a provider named after the folder: '
            "method, URL, params, path params, headers, body (content or form data), options "
            "and basic or bearer authentication. ${VARIABLES} are filled in from the "
            "folder's .env files: NAME.env is the environment NAME, .env sets values for "
            "every environment. Passwords, tokens and credential headers are stored "
            "privately, never in the file."
        ),
        source=("FOLDER", "the collection's folder"),
    )
    posting.set_defaults(handler=_posting)

    exporting = commands.add_parser(
        "export",
        help="a call or workspace in another tool's format (curl, OpenAPI)",
        description="Prints a call or a workspace in another tool's format.",
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
    openapi = out.add_parser(
        "openapi",
        help="the workspace as an OpenAPI 3.1 document (JSON)",
        description=(
            "Prints the workspace as an OpenAPI 3.1 document (JSON) on stdout: each provider "
            "a tag, its base URLs the servers, its authentication a security scheme (no "
            "values); each call an operation at its path ([id] as {id}) with its parameters, "
            "its request body's schema, and its learned shape as the 200 response's schema. "
            "A call at the method and path of an earlier one is left out, said on stderr."
        ),
    )
    openapi.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    openapi.set_defaults(handler=_export_openapi)


def _collection_parser(
    formats: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    *,
    source: tuple[str, str],
) -> argparse.ArgumentParser:
    """The parser of `import NAME SOURCE --into WORKSPACE`, a collection of another tool."""
    parser = formats.add_parser(name, help=summary, description=description)
    parser.add_argument("source", metavar=source[0], help=source[1])
    parser.add_argument("--into", metavar="WORKSPACE", required=True, help="the workspace file")
    return parser


def _export_openapi(args: argparse.Namespace) -> int:
    try:
        # The team's document: no person's own base URLs or values (`export curl` has them).
        workspace, _ = load_shared(args.workspace)
    except CommandFailed as error:
        return report(error)
    exported = export_openapi(workspace)
    sys.stdout.write(exported.text())
    for note in exported.notes:
        print(f"Note: {visible(note)}", file=sys.stderr)
    return 0


def _export_command(args: argparse.Namespace) -> int:
    try:
        workspace, path = load(args.workspace)
        check_environment(workspace, args.env)
        provider, call = find(workspace, args.call)
        secrets = personal_resolver(workspace, args.workspace)
        command = export_command(
            args.tool,
            workspace,
            provider,
            call,
            environment=args.env or workspace.default_environment,
            secrets=secrets,
            reveal=args.reveal,
            base_url=args.base_url,
            folder=Path(args.workspace).parent,
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
        workspace, path = load_shared(args.into)
        if args.provider is not None and workspace.provider(args.provider) is None:
            raise CommandFailed(f"{args.into} has no provider {args.provider!r}.", ExitCode.USAGE)
        imported = import_curl(workspace, command, args.provider)
        secrets = [PrivateValue(address, value) for address, value in imported.secrets]
        _save(args.into, workspace, path, imported.workspace, imported.provider, secrets)
    except CommandFailed as error:
        return report(error)
    except CurlError as error:
        return report(CommandFailed(str(error), ExitCode.USAGE))
    except (SecretStoreError, WorkspaceError, OSError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    name = visible(f"{imported.provider}/{imported.call}")
    print(f"Added {name} to {visible(args.into)}.", file=sys.stderr)
    _tell(secrets, imported.notes)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    try:
        workspace, path = load_shared(args.into)
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


def _postman(args: argparse.Namespace) -> int:
    def read(workspace: Workspace) -> CollectionImport:
        collection = _read_json(args.source)
        environments = [(Path(f).stem, _read_json(f)) for f in args.environment]
        return import_postman(workspace, collection, environments)

    return _collection(args, read)


def _posting(args: argparse.Namespace) -> int:
    return _collection(args, lambda workspace: import_posting(workspace, Path(args.source)))


def _collection(args: argparse.Namespace, read: Callable[[Workspace], CollectionImport]) -> int:
    """Import what `read` makes of the workspace `--into`, and say what was added."""
    try:
        workspace, path = load_shared(args.into)
        imported = read(workspace)
        _save(args.into, workspace, path, imported.workspace, imported.provider, imported.secrets)
    except CommandFailed as error:
        return report(error)
    except CollectionError as error:
        return report(CommandFailed(str(error), ExitCode.USAGE))
    except (SecretStoreError, WorkspaceError, OSError) as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    calls = len(imported.calls)
    print(
        f"Added {visible(imported.provider)} ({calls} call{'s' * (calls != 1)}) to "
        f"{visible(args.into)}.",
        file=sys.stderr,
    )
    _tell(imported.secrets, imported.notes)
    return 0


def _save(
    shown: str,
    workspace: Workspace,
    path: Path,
    changed: Workspace,
    provider_name: str,
    secrets: Sequence[PrivateValue],
) -> None:
    """Write `changed` over the workspace file and its private values into the store; the
    provider's values may then go to its origins (as after `secret set`)."""
    store, _ = personal_secrets(workspace=workspace)
    if secrets:
        store.values(workspace.id)  # an unreadable store stops before anything changes
        give_id_saying_so(workspace, path, shown)
    save_workspace(changed, path)
    for secret in secrets:
        store.set(workspace.id, secret.address, secret.value, secret.environment)
    provider = changed.provider(provider_name)
    if secrets and provider is not None:
        trust = Trust(workspace.id, path.parent, TrustBook(store.home), shown)
        trust.record_first(provider, changed.environments)


def _tell(secrets: Sequence[PrivateValue], notes: Sequence[str]) -> None:
    for secret in secrets:
        where = f" for {secret.environment}" if secret.environment else ""
        print(
            f"Stored {visible(str(secret.address))}{visible(where)} privately (not in the file).",
            file=sys.stderr,
        )
    for note in notes:
        print(f"Note: {visible(note)}", file=sys.stderr)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandFailed(f"cannot read {source}: {error}", ExitCode.USAGE) from None


def _read_json(source: str) -> object:
    text = _read(source)
    try:
        return json.loads(text)
    except ValueError as error:
        raise CommandFailed(f"{source} is not JSON: {error}.", ExitCode.USAGE) from None
