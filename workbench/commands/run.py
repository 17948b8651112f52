"""`workbench run`: send one call headless and print its response, for scripts and CI."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
from typing import TYPE_CHECKING, Any

from workbench.commands.common import (
    CommandFailed,
    add_sending_options,
    check_environment,
    close_session,
    exit_code,
    find,
    load,
    open_session,
    parse_params,
    report,
    report_result,
    send,
)
from workbench.commands.exit_codes import ExitCode
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.secrets import Masker
    from workbench.core.sending import CallResult, Exchange


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="send one call and print its response body",
        description=(
            "Send one call of a workspace and print the response body to stdout "
            "(pretty JSON on a terminal, the raw bytes when piped). The status line and "
            "any error go to stderr. The exit code tells the outcome: see `workbench --help`. "
            "A call with the include_errors or capture_headers option prints its data as "
            "JSON instead (status_code, has_error, message, headers and body, as its options "
            "say), and with include_errors a 4xx or 5xx answer is data: it exits 0. A "
            "parameter chained from another call takes its value from that call's response, "
            "which is sent first (only a data call is ever sent that way). Private values "
            "the server sends back (an echo, an error page) are printed masked, also when "
            "piped: output gets pasted into tickets. On a terminal, control characters in "
            "what the server sent are shown as escapes like \\x1b, never run."
        ),
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace .toml file")
    parser.add_argument("call", metavar="PROVIDER/CALL", help='the call, e.g. "Demo/List users"')
    add_sending_options(
        parser,
        "a parameter value for this run (repeatable); wins over the workspace's test "
        "value and over a chained value",
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
    style.add_argument(
        "--raw",
        action="store_true",
        help="print the body as received, not pretty-printed (also for a call whose data is "
        "printed); private values in it stay masked unless --reveal",
    )
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="print private values that come back in the response (status line, headers, "
        "body) as received instead of masked; with --raw and piped, the body is byte-exact",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except CommandFailed as error:
        return report(error)


async def _run(args: argparse.Namespace) -> int:

    workspace, path = load(args.workspace)
    overrides = parse_params(args.param)
    check_environment(workspace, args.env)
    session = open_session(workspace, path, args.base_url)
    try:
        provider, call = find(workspace, args.call)
        result = await send(
            session,
            provider,
            call,
            environment=args.env,
            overrides=overrides,
            max_bytes=args.max_bytes,
        )
    finally:
        await close_session(session)
    report_result(result, session.secrets.workspace_path, headers=args.headers, reveal=args.reveal)
    _print(result, args)
    if call.options.include_errors and result.has_data:
        return ExitCode.OK  # a 4xx or 5xx answer is this call's data, not a failure
    return exit_code(result.exchange)


def _print(result: CallResult, args: argparse.Namespace) -> None:
    from workbench.core.secrets import Masker
    from workbench.core.sending import charset_of, decode_text

    exchange = result.exchange
    # Only what is printed is masked: the data chained into other calls stays as received.
    masker = Masker(()) if args.reveal else Masker.known()
    if args.exchange:
        _print_text(json.dumps(exchange_as_json(exchange), indent=2, ensure_ascii=False), masker)
        return
    pretty = args.pretty or (sys.stdout.isatty() and not args.raw)
    options = result.call.options
    if (options.include_errors or options.capture_headers) and not args.raw:
        if result.has_data:
            # BinaryBody (a binary body's kind and size) is the only value JSON lacks.
            text = json.dumps(
                result.data, indent=2 if pretty else None, ensure_ascii=False, default=str
            )
            _print_text(text, masker)
            return
        if exchange.status is not None:
            print(f"workbench: the answer has no data: {result.data_error}", file=sys.stderr)
    body = exchange.body
    if pretty and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            pass  # not JSON: print as received
        else:
            _print_text(json.dumps(parsed, indent=2, ensure_ascii=False), masker)
            return
    body = masker.bytes(body)
    if sys.stdout.isatty():
        text = decode_text(body, charset_of(exchange.header("content-type")))
        sys.stdout.write(visible(text, keep_newlines=True))
    else:
        sys.stdout.buffer.write(body)  # data for a file or a program: bytes as received
    sys.stdout.flush()


def _print_text(text: str, masker: Masker) -> None:
    """Print `text` masked; on a terminal, with its control characters shown, not run (JSON
    escapes those below U+0020, but not DEL, C1 controls or bidi overrides)."""
    text = masker.text(text) + "\n"
    if sys.stdout.isatty():
        sys.stdout.write(visible(text, keep_newlines=True))
    else:
        sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
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
        # The cookies kept for the provider after this exchange, without their values.
        "cookies": list(exchange.cookies),
    }


def _body_fields(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8"), "size": len(body)}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii"), "size": len(body)}
