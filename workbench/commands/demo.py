"""`workbench demo-server` and `workbench demo`: run the bundled demo API on loopback.

A port that cannot be listened on (taken, not allowed) ends the command with a message
saying which and what to do, exit code 3.
"""

from __future__ import annotations

import argparse
import errno
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.commands.exit_codes import ExitCode

if TYPE_CHECKING:
    from workbench.demo.credentials import DemoCredentials
    from workbench.demo.server import DemoServer

DEMO_WORKSPACE = Path("workspaces") / "demo.toml"
AUTH_WORKSPACE = Path("workspaces") / "auth.toml"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from workbench.demo.server import DEFAULT_PORT, DEFAULT_TLS_PORT
    from workbench.demo.state import API_VERSIONS, DEFAULT_TOKEN_LIFETIME

    server = commands.add_parser(
        "demo-server",
        help="run the demo API on loopback (for trying workbench offline)",
        description="Run the demo API: users (list with paging, get, create, update, delete), "
        "echo, any status, slow, large JSON, binary, XML and text endpoints, a versioned user "
        "whose response shape changes with --api-version, and one endpoint per "
        "authentication method. A second, HTTPS port requires a client certificate. "
        f"Its random credentials (made on the first run, shared by every demo server) are "
        f"stored for {AUTH_WORKSPACE}.",
    )
    server.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    server.add_argument(
        "--tls-port",
        type=_port,
        default=DEFAULT_TLS_PORT,
        help=f"HTTPS port requiring a client certificate (default {DEFAULT_TLS_PORT})",
    )
    server.add_argument(
        "--token-lifetime",
        type=_positive_int,
        default=DEFAULT_TOKEN_LIFETIME,
        metavar="SECONDS",
        help=f"lifetime of the access tokens it issues (default {DEFAULT_TOKEN_LIFETIME})",
    )
    server.add_argument(
        "--api-version",
        type=int,
        choices=API_VERSIONS,
        default=1,
        help="the response shape of GET /versioned/users/{id} (default 1; version 2 renames, "
        "retypes and adds a field, to try drift detection; the tick events of /stream/events "
        "rename value to reading; POST /admin/api-version "
        '{"version": 2} switches it while the server runs)',
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.set_defaults(handler=_serve)

    demo = commands.add_parser(
        "demo",
        help="start the demo API on a free port and open the TUI on the demo workspace",
        description="Start the demo API on a free port. On a terminal, this opens the TUI on "
        f"{DEMO_WORKSPACE} with every call sent to it. Otherwise (output piped) it also starts "
        f"the client-certificate HTTPS port, stores the (shared) credentials {AUTH_WORKSPACE} "
        "needs, "
        "prints how to call both workspaces, and serves until Ctrl+C.",
    )
    demo.set_defaults(handler=_demo)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of seconds above 0, got {text!r}"
        )
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return value


def _serve(args: argparse.Namespace) -> int:
    from workbench.demo.server import serve_forever

    credentials = _shared_credentials()
    try:
        serve_forever(
            args.host,
            args.port,
            tls_port=args.tls_port,
            token_lifetime=args.token_lifetime,
            api_version=args.api_version,
            credentials=credentials,
            on_ready=lambda server: _say_stored(credentials),
        )
    except OSError as error:
        return _cannot_listen(f"{args.host}:{args.port}", error)
    return 0


def _cannot_listen(where: str, error: OSError) -> int:
    """Say why the demo API could not start (no traceback) and return exit code 3."""

    hint = ""
    if error.errno == errno.EADDRINUSE:
        hint = " Stop the program using it, or choose another port with --port (0: a free one)."
    print(f"workbench: cannot listen on {where}: {error.strerror or error}.{hint}", file=sys.stderr)
    return ExitCode.NOT_SENT


def _shared_credentials() -> DemoCredentials | None:
    """The credentials every demo server of this user shares, stored for the auth workspace
    (`shared_demo_credentials`); None, saying why, when the secret store cannot hold them."""
    from workbench.core.errors import SecretStoreError
    from workbench.core.secrets import SecretStore
    from workbench.demo.credentials import shared_demo_credentials

    try:
        return shared_demo_credentials(SecretStore())
    except SecretStoreError as error:
        # The API still runs, with credentials of its own; only the example auth
        # workspace lacks its values.
        print(f"Demo credentials not stored: {error}", file=sys.stderr, flush=True)
        return None


def _say_stored(credentials: DemoCredentials | None) -> None:
    """Say, once the server listens, that its credentials are in the store; never print them."""
    if credentials is not None:
        print(
            f"Demo credentials stored in the secret store for {AUTH_WORKSPACE.as_posix()}",
            file=sys.stderr,
            flush=True,
        )


def demo_workspace_path() -> Path | None:
    """The example workspace: ./workspaces/demo.toml, else the one beside the package source."""
    candidates = [DEMO_WORKSPACE, Path(__file__).resolve().parents[2] / DEMO_WORKSPACE]
    return next((p for p in candidates if p.is_file()), None)


def _demo(args: argparse.Namespace) -> int:
    from workbench.demo.server import serve_forever

    workspace = demo_workspace_path()
    if workspace is None:
        print(
            f"workbench: cannot find {DEMO_WORKSPACE}; run this from the workbench checkout.",
            file=sys.stderr,
        )
        return 3
    if sys.stdin.isatty() and sys.stdout.isatty():
        return _open_tui(workspace)

    credentials = _shared_credentials()

    def show_how_to_call(server: DemoServer) -> None:
        _say_stored(credentials)
        quoted = shlex.quote(str(workspace))
        print(
            f"Try:\n  workbench run {quoted} 'Demo/List users' --base-url {server.base_url}\n"
            f"  workbench run {quoted} 'Demo/Get user' --param id=3 --base-url {server.base_url}",
            file=sys.stderr,
            flush=True,
        )

    try:
        serve_forever(port=0, tls_port=0, credentials=credentials, on_ready=show_how_to_call)
    except OSError as error:
        return _cannot_listen("a free loopback port", error)
    print("Demo API stopped.", file=sys.stderr)
    return 0


def _open_tui(workspace: Path) -> int:
    """The TUI on the demo workspace, every call sent to the demo API running in the background.

    The workspace file is left as it is: the base-URL override points every
    provider at this run's free port.
    """
    from workbench.commands.common import CommandFailed, report
    from workbench.commands.tui import run_tui
    from workbench.demo.server import DemoServer

    try:
        server = DemoServer().start()
    except OSError as error:
        return _cannot_listen("a free loopback port", error)
    try:
        return run_tui([workspace], base_url=server.base_url)
    except CommandFailed as error:
        return report(error)
    finally:
        server.stop()
