"""`workbench demo-server` and `workbench demo`: run the bundled demo API on loopback."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

DEMO_WORKSPACE = Path("workspaces") / "demo.toml"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from workbench.demo.server import DEFAULT_PORT

    server = commands.add_parser(
        "demo-server",
        help="run the demo API on loopback (for trying workbench offline)",
        description="Run the demo API: users (list with paging, get, create, update, delete), "
        "echo, any status, slow, large JSON, binary, XML and text endpoints.",
    )
    server.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.set_defaults(handler=_serve)

    demo = commands.add_parser(
        "demo",
        help="start the demo API on a free port and show how to call it",
        description="Start the demo API on a free port and use the example workspace "
        "workspaces/demo.toml against it.",
    )
    demo.set_defaults(handler=_demo)


def _serve(args: argparse.Namespace) -> int:
    from workbench.demo.server import serve_forever

    serve_forever(args.host, args.port)
    return 0


def demo_workspace_path() -> Path | None:
    """The example workspace: ./workspaces/demo.toml, else the one beside the package source."""
    candidates = [DEMO_WORKSPACE, Path(__file__).resolve().parents[2] / DEMO_WORKSPACE]
    return next((p for p in candidates if p.is_file()), None)


def _demo(args: argparse.Namespace) -> int:
    import threading

    from workbench.demo.server import DemoServer

    workspace = demo_workspace_path()
    if workspace is None:
        print(
            f"workbench: cannot find {DEMO_WORKSPACE}; run this from the workbench checkout.",
            file=sys.stderr,
        )
        return 3
    with DemoServer() as server:
        quoted = shlex.quote(str(workspace))
        print(
            f"Demo API listening on {server.base_url} (Ctrl+C to stop).\n"
            f"Try:\n  workbench run {quoted} 'Demo/List users' --base-url {server.base_url}\n"
            f"  workbench run {quoted} 'Demo/Get user' --param id=3 --base-url {server.base_url}",
            file=sys.stderr,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Demo API stopped.", file=sys.stderr)
    return 0
