"""`workbench run`: send one call headless and print its response, for scripts and CI."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
from typing import TYPE_CHECKING, Any

from workbench.commands.common import CommandFailed, load, report
from workbench.core.exchange import Exchange

if TYPE_CHECKING:
    from workbench.core.model import Provider


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="send one call and print its response body",
        description=(
            "Send one call of a workspace and print the response body to stdout "
            "(pretty JSON on a terminal, the raw bytes when piped). The status line and "
            "any error go to stderr. The exit code tells the outcome: see `workbench --help`."
        ),
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    parser.add_argument("call", metavar="PROVIDER/CALL", help='the call, e.g. "Demo/List users"')
    parser.add_argument(
        "--env", metavar="NAME", help="environment to use (default: the workspace's first)"
    )
    parser.add_argument(
        "--param",
        "-p",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a parameter value for this run (repeatable); wins over the workspace's test value",
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="send to this base URL instead of the provider's"
    )
    parser.add_argument(
        "--max-bytes",
        metavar="N",
        type=int,
        help="cap on the response body size (default: the workspace setting, 50 MB)",
    )
    parser.add_argument(
        "--headers", "-i", action="store_true", help="also print the response headers (stderr)"
    )
    parser.add_argument(
        "--exchange",
        action="store_true",
        help="print the whole exchange as JSON on stdout: the request as sent (private values "
        "masked), status, headers, body, timings",
    )
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--pretty", action="store_true", help="pretty-print JSON even when piped")
    style.add_argument("--raw", action="store_true", help="print the body exactly as received")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except CommandFailed as error:
        return report(error)


async def _run(args: argparse.Namespace) -> int:
    from workbench.cli import EXIT_AUTH, EXIT_NOT_SENT, EXIT_USAGE
    from workbench.core.auth.oauth import CredentialsRefused
    from workbench.core.errors import AuthError, WorkbenchError
    from workbench.core.session import Session, find_call

    workspace, path = load(args.workspace)
    overrides = _parse_params(args.param, EXIT_USAGE)
    if args.env and args.env not in workspace.environments:
        known = ", ".join(workspace.environments)
        raise CommandFailed(f"No environment {args.env!r}; this workspace has: {known}", EXIT_USAGE)
    session = Session.open(workspace, path)
    session.base_url = args.base_url
    try:
        provider, call = find_call(workspace, args.call)
        exchange = await session.send(
            provider, call, environment=args.env, overrides=overrides, max_bytes=args.max_bytes
        )
    except CredentialsRefused as error:
        listing = f"`workbench secret list {session.secrets.workspace_path}` shows them."
        raise CommandFailed(f"{error} {listing}", EXIT_AUTH) from None
    except AuthError as error:
        raise CommandFailed(str(error), EXIT_AUTH) from None
    except WorkbenchError as error:
        raise CommandFailed(str(error), EXIT_NOT_SENT) from None
    finally:
        await session.aclose()
    _print(exchange, args)
    hint = refused_hint(exchange, provider, session.secrets.workspace_path)
    if hint:
        print(f"workbench: {hint}", file=sys.stderr)
    return exit_code(exchange)


def _parse_params(pairs: list[str], usage_code: int) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandFailed(f"--param needs NAME=VALUE, got {pair!r}", usage_code)
        values[name] = value
    return values


def exit_code(exchange: Exchange) -> int:
    """The documented exit code for an exchange (see `workbench.cli`)."""
    from workbench import cli

    if exchange.status is None:
        return cli.EXIT_NO_ANSWER
    if exchange.failure is not None:
        return cli.EXIT_NO_ANSWER
    if exchange.status >= 500:
        return cli.EXIT_SERVER_ERROR
    if exchange.status >= 400:
        return cli.EXIT_CLIENT_ERROR
    return cli.EXIT_OK


def refused_hint(exchange: Exchange, provider: Provider, workspace_path: str) -> str | None:
    """What to check when a provider with authentication gets 401 or 403; None otherwise."""
    from workbench.core.auth.settings import method_of

    if exchange.status not in (401, 403) or provider.auth.method == "none":
        return None
    method = method_of(provider)
    answer = f"{exchange.status} {exchange.reason}".strip()
    if method.token_flow is not None and exchange.status == 401:
        # Session.send renews a token once on 401, so the token refused was a fresh one.
        return (
            f"The server refused the {method.label} access token even after renewing it "
            f"({answer}). Check the provider's authentication settings and "
            f"`workbench secret list {workspace_path}`."
        )
    return (
        f"The server refused the {method.label} credentials ({answer}). "
        f"Check them with `workbench secret list {workspace_path}`."
    )


def status_line(exchange: Exchange) -> str:
    from workbench.core.client import format_size

    timing = f"{exchange.total_time * 1000:.0f} ms"
    if exchange.status is None:
        return f"{exchange.request.method} {exchange.request.url}: no answer ({timing})"
    return (
        f"{exchange.http_version} {exchange.status} {exchange.reason} · {timing} · "
        f"{format_size(exchange.size)}"
    )


def _print(exchange: Exchange, args: argparse.Namespace) -> None:
    print(status_line(exchange), file=sys.stderr)
    if args.headers:
        for name, value in exchange.headers:
            print(f"{name}: {value}", file=sys.stderr)
    if exchange.failure is not None:
        print(f"workbench: {exchange.failure.message}", file=sys.stderr)
    if args.exchange:
        print(json.dumps(exchange_as_json(exchange), indent=2, ensure_ascii=False))
        return
    body = exchange.body
    pretty = args.pretty or (sys.stdout.isatty() and not args.raw)
    if pretty and body:
        try:
            body = (json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n").encode()
        except ValueError:
            pass  # not JSON: print as received
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


def exchange_as_json(exchange: Exchange) -> dict[str, Any]:
    """The exchange as a JSON-ready dict; bodies that are not UTF-8 are base64."""
    request = exchange.request
    return {
        "request": {
            "method": request.method,
            "url": request.url,
            "headers": [list(h) for h in request.headers],
            **_body_fields(request.body),
        },
        "response": None
        if exchange.status is None
        else {
            "status": exchange.status,
            "reason": exchange.reason,
            "http_version": exchange.http_version,
            "headers": [list(h) for h in exchange.headers],
            **_body_fields(exchange.body),
        },
        "timings": {
            "time_to_headers_ms": None
            if exchange.time_to_headers is None
            else round(exchange.time_to_headers * 1000, 3),
            "total_ms": round(exchange.total_time * 1000, 3),
        },
        "failure": None
        if exchange.failure is None
        else {"kind": str(exchange.failure.kind), "message": exchange.failure.message},
    }


def _body_fields(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8"), "size": len(body)}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii"), "size": len(body)}
