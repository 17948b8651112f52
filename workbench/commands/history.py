"""`workbench history`: list the exchanges kept in the history, show one, compare two, clear.

    workbench history [WORKSPACE] ["Provider/Call"] [--json] [--limit N]
    workbench history show ID [--json]
    workbench history diff ID1 ID2 [--json]
    workbench history clear [WORKSPACE]

The history is the user's (see `workbench.core.history`): it is read from the data directory,
never from a workspace, and what it holds was masked before it was written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.commands.common import CommandFailed, load, report
from workbench.commands.exit_codes import ExitCode
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.history import (
        HistoryEntry,
        HistoryStore,
        HistorySummary,
        Where,
        WorkspaceKey,
    )

ACTIONS = ("show", "diff", "clear")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "history",
        help="list, show, compare or clear the exchanges kept in your history",
        usage=(
            'workbench history [WORKSPACE] ["PROVIDER/CALL"] [--json] [--limit N]\n'
            "       workbench history show ID [--json]\n"
            "       workbench history diff ID1 ID2 [--json]\n"
            "       workbench history clear [WORKSPACE]"
        ),
        description=(
            "Every exchange sent by the TUI, run and initialize is kept in history.sqlite3 "
            "in your data directory (beside the secret store), with every private value "
            "masked and the first 1 MB of each response body; `history = false` in a "
            "workspace's [settings] or in your config file turns it off. With no action: "
            "list the entries, newest first (of one workspace, and of one of its calls, when "
            "given): id, time, call, environment, status and duration. `show ID` prints one "
            "entry's request and response; `diff ID1 ID2` names the values that were added, "
            "removed or changed between two JSON responses, by path; `clear` removes every "
            "entry, or a workspace's. A workspace file named like an action is given as "
            "./show."
        ),
    )
    parser.add_argument("words", nargs="*", metavar="ARGUMENT", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--limit", "-n", metavar="N", type=int, help="list at most the N newest entries"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from workbench.core.errors import HistoryError
    from workbench.core.history import HistoryStore

    words: list[str] = args.words
    action = words[0] if words and words[0] in ACTIONS else "list"
    arguments = words[1:] if action != "list" else words
    store = HistoryStore()
    try:
        if action == "show":
            return _show(store, _ids(arguments, 1, "show ID"), args.json)
        if action == "diff":
            return _diff(store, _ids(arguments, 2, "diff ID1 ID2"), args.json)
        if action == "clear":
            return _clear(store, arguments)
        return _list(store, arguments, args.json, args.limit)
    except HistoryError as error:
        return report(CommandFailed(str(error), ExitCode.NOT_SENT))
    except CommandFailed as error:
        return report(error)


def _ids(arguments: list[str], count: int, form: str) -> list[int]:
    """The entry ids an action takes; a usage error for anything else."""
    if len(arguments) != count or not all(a.isdigit() for a in arguments):
        raise CommandFailed(
            f"usage: workbench history {form} (ids as `workbench history` lists them)",
            ExitCode.USAGE,
        )
    return [int(a) for a in arguments]


def _workspace_key(path_text: str) -> tuple[WorkspaceKey, str]:
    """The key of a workspace file's entries, and its name."""
    from workbench.core.history import WorkspaceKey

    workspace, path = load(path_text)
    return WorkspaceKey(workspace.id, str(Path(path).resolve())), workspace.name


def _list(store: HistoryStore, arguments: list[str], as_json: bool, limit: int | None) -> int:
    from workbench.core.history import local_time

    if len(arguments) > 2:
        raise CommandFailed(
            'usage: workbench history [WORKSPACE] ["PROVIDER/CALL"]', ExitCode.USAGE
        )
    workspace = _workspace_key(arguments[0])[0] if arguments else None
    provider = call = None
    if len(arguments) == 2:
        provider, _, call = arguments[1].partition("/")
        if not call:
            raise CommandFailed(
                f'{arguments[1]!r} is not a call name: expected "PROVIDER/CALL"', ExitCode.USAGE
            )
    summaries = store.summaries(workspace=workspace, provider=provider, call=call, limit=limit)
    if as_json:
        _print(json.dumps([_summary_json(s) for s in summaries], indent=2, ensure_ascii=False))
        return ExitCode.OK
    if not summaries:
        print("No entries in the history" + (" for this." if arguments else "."), file=sys.stderr)
        return ExitCode.OK
    rows = [("ID", "TIME", "CALL", "ENV", "STATUS", "DURATION")]
    rows += [
        (
            str(s.id),
            local_time(s.sent_at),
            s.where.name if workspace else f"{s.where.workspace_name}: {s.where.name}",
            s.where.environment,
            _outcome(s.status, s.failure),
            f"{s.total_time * 1000:.0f} ms",
        )
        for s in summaries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(visible(line.rstrip()))
    return ExitCode.OK


def _show(store: HistoryStore, ids: list[int], as_json: bool) -> int:
    entry = _entry(store, ids[0])
    if as_json:
        _print(json.dumps(entry_json(entry), indent=2, ensure_ascii=False))
    else:
        _print(entry_text(entry))
    return ExitCode.OK


def _diff(store: HistoryStore, ids: list[int], as_json: bool) -> int:
    from workbench.core.history import ResponseNotJson, diff_responses

    old, new = (_entry(store, entry_id) for entry_id in ids)
    try:
        changes = diff_responses(old, new)
    except ResponseNotJson as error:
        raise CommandFailed(str(error), ExitCode.NOT_SENT) from None
    if as_json:
        _print(json.dumps([change.as_json() for change in changes], indent=2, ensure_ascii=False))
    elif not changes:
        print(f"#{old.id} and #{new.id} answered the same JSON.", file=sys.stderr)
    else:
        _print("\n".join(change.line() for change in changes))
    return ExitCode.OK


def _clear(store: HistoryStore, arguments: list[str]) -> int:
    if len(arguments) > 1:
        raise CommandFailed("usage: workbench history clear [WORKSPACE]", ExitCode.USAGE)
    if arguments:
        key, name = _workspace_key(arguments[0])
        removed = store.clear(key)
        what = f" of {visible(name)}"
    else:
        removed, what = store.clear(), ""
    print(f"Removed {removed} entr{'y' if removed == 1 else 'ies'}{what} from the history.")
    return ExitCode.OK


def _entry(store: HistoryStore, entry_id: int) -> HistoryEntry:
    entry = store.entry(entry_id)
    if entry is None:
        raise CommandFailed(
            f"There is no entry {entry_id} in the history (removed, or never there): "
            "`workbench history` lists them.",
            ExitCode.NOT_SENT,
        )
    return entry


def _print(text: str) -> None:
    """Print `text`, control characters shown as escapes (what a server sent is in it)."""
    print(visible(text, keep_newlines=True))


def _iso_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _outcome(status: int | None, failure: str) -> str:
    """The status, or the failure's kind when there was no answer."""
    if status is None:
        return failure or "no answer"
    return f"{status} ({failure})" if failure else str(status)


def _about(entry_id: int | None, where: Where, sent_at: float) -> dict[str, Any]:
    """Which entry, when, and of which call: the first fields of every JSON entry."""
    return {
        "id": entry_id,
        "time": _iso_time(sent_at),
        "workspace": where.workspace_name,
        "workspace_id": where.workspace_id,
        "provider": where.provider,
        "call": where.call,
        "environment": where.environment,
    }


def _summary_json(summary: HistorySummary) -> dict[str, Any]:
    return {
        **_about(summary.id, summary.where, summary.sent_at),
        "method": summary.method,
        "url": summary.url,
        "status": summary.status,
        "failure": summary.failure or None,
        "duration_ms": round(summary.total_time * 1000, 3),
    }


def entry_json(entry: HistoryEntry) -> dict[str, Any]:
    """An entry as `run --exchange` prints an exchange, with where and when it was sent."""
    from workbench.commands.run import exchange_as_json

    return {
        **_about(entry.id, entry.where, entry.sent_at),
        "parameters": dict(entry.exchange.request.parameters),
        "body_size": entry.body_size,
        "body_cut": entry.cut,
        **exchange_as_json(entry.exchange),
    }


def entry_text(entry: HistoryEntry) -> str:
    """An entry for reading: when and what, the request, then the response."""
    from workbench.commands.common import status_line
    from workbench.core.history import local_time
    from workbench.core.sending import charset_of, decode_text, format_size

    exchange, where = entry.exchange, entry.where
    request = exchange.request
    lines = [
        f"#{entry.id} · {where.name} · {where.environment} · {local_time(entry.sent_at)} "
        f"(workspace {where.workspace_name})",
        "",
        f"{request.method} {request.url}",
        *(f"{name}: {value}" for name, value in request.headers),
    ]
    if request.body:
        lines += ["", decode_text(request.body)]
    lines += ["", status_line(exchange)]
    lines += [f"{name}: {value}" for name, value in exchange.headers]
    if exchange.failure is not None:
        lines.append(f"({exchange.failure.message})")
    if exchange.body:
        lines.append("")
        body = exchange.body
        try:
            text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            text = decode_text(body, charset_of(exchange.header("content-type")))
        lines.append(text)
        if entry.cut:
            lines.append(
                f"(the first {format_size(len(body))} of {format_size(entry.body_size)} were kept)"
            )
    return "\n".join(lines)
