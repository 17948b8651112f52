"""`workbench run`: send one call headless and print its response, for scripts and CI."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    from workbench.core.sending import CallResult, Exchange, OnEvent, Session, StreamEvent


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
            "what the server sent are shown as escapes like \\x1b, never run. With --stream, "
            "a streamed answer (Server-Sent Events, NDJSON, chunked text) is printed event "
            "by event as it arrives, one JSON line each."
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
        "--stream",
        action="store_true",
        help="print each event of a streamed answer (Server-Sent Events, NDJSON, chunked "
        'text) as it arrives, one JSON line each: {"t": seconds since sending, "event", "id", '
        '"retry" (SSE only), "data": the JSON value, else the text}; an answer that is no '
        "stream is printed as without it. Ctrl+C stops the stream (exit 130); a stream quiet "
        "for stream_idle_timeout (config, 30 s) ends with exit 6",
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
        "--cookies",
        action="store_true",
        help="keep cookies between runs: send those an earlier --cookies run kept for the "
        "call's provider and environment, and keep what this answer sets (in your data "
        "directory, beside the secret store; never in the workspace)",
    )
    parser.add_argument(
        "--clear-cookies",
        action="store_true",
        help="forget the cookies kept for the call's provider and environment first (with "
        "--cookies, the run starts without any and keeps what this answer sets)",
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
        with _kept_cookies(session, provider.name, args):
            result = await send(
                session,
                provider,
                call,
                environment=args.env,
                overrides=overrides,
                max_bytes=args.max_bytes,
                on_event=_event_printer(args.reveal) if args.stream else None,
            )
    finally:
        await close_session(session)
    report_result(result, session.secrets.workspace_path, headers=args.headers, reveal=args.reveal)
    if not (args.stream and result.exchange.stream is not None):
        _print(result, args)  # a stream's events are printed already
    if call.options.include_errors and result.has_data:
        return ExitCode.OK  # a 4xx or 5xx answer is this call's data, not a failure
    return exit_code(result.exchange)


@contextmanager
def _kept_cookies(session: Session, provider: str, args: argparse.Namespace) -> Iterator[None]:
    """With --cookies, the session starts with the kept cookie jars and they are saved after
    it; --clear-cookies forgets the provider's in the environment first."""
    from workbench.core.errors import SecretStoreError
    from workbench.core.sending import KeptCookies

    store = session.secrets.store
    if store is None or not (args.cookies or args.clear_cookies):
        yield
        return
    kept = KeptCookies(store.home)
    workspace = session.workspace
    environment = args.env or workspace.default_environment
    try:
        if args.clear_cookies:
            kept.forget(workspace.id, provider, environment)
        loaded = kept.load(workspace.id, session.cookies) if args.cookies else None
    except SecretStoreError as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
    try:
        yield
    finally:
        if loaded is not None:
            try:
                kept.save(workspace.id, session.cookies, loaded)
            except SecretStoreError as error:
                print(f"workbench: the cookies were not kept: {error}", file=sys.stderr)


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


def _event_printer(reveal: bool) -> OnEvent:
    """Prints each event of a stream as one JSON line the moment it arrives."""
    from workbench.core.secrets import Masker
    from workbench.core.sending import NOT_JSON

    masker = Masker(()) if reveal else Masker.known()

    def print_event(event: StreamEvent) -> None:
        line: dict[str, Any] = {"t": round(event.time, 3)}
        if event.event:
            line.update(event=event.event, id=event.id)
        if event.retry is not None:
            line["retry"] = event.retry
        value = event.value()
        line["data"] = event.data if value is NOT_JSON else value
        _print_text(json.dumps(line, ensure_ascii=False), masker)

    return print_event


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
        # A streamed answer's kind (sse, ndjson, text) and how many events it sent; its
        # events are in the body (`--stream` prints them one a line).
        "stream": None
        if exchange.stream is None
        else {"kind": str(exchange.stream), "events": exchange.event_count},
    }


def _body_fields(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8"), "size": len(body)}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii"), "size": len(body)}
