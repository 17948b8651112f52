"""The history keeps every exchange, masked, in the user's data directory, within its limits.

Sends go to the demo API on loopback through a real `Session`; the database is the one in the
test's WORKBENCH_HOME. A history that cannot be written (damaged, locked) must not stop a send.
"""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cli_process import workbench_here

from workbench.core.history import (
    FILE_NAME,
    HistoryRecorder,
    HistoryStore,
    Where,
    WorkspaceKey,
    kept_entry,
)
from workbench.core.secrets import MASK, Masker
from workbench.core.sending import Exchange, SentRequest, Session
from workbench.core.workspace import Defaults, find_call, load_workspace, save_workspace
from workbench.core.workspace.model import WorkspaceSettings


async def send(path: Path, name: str, demo_url: str, session: Session | None = None) -> Session:
    """Send `name` of the workspace at `path` and close the session (the history written)."""
    session = session or Session.open(load_workspace(path), path)
    session.base_url = demo_url
    provider, call = find_call(session.workspace, name)
    await session.run_call(provider, call)
    await session.aclose()
    return session


async def test_a_send_is_kept_with_its_request_response_and_timings(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    await send(demo_workspace, "Demo/List users", demo_url)
    store = HistoryStore()
    assert store.path == isolated_home / FILE_NAME
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    # Nothing is written beside the workspace.
    assert sorted(p.name for p in demo_workspace.parent.iterdir()) == [
        "demo.toml",
        "workbench-home",
    ]
    [summary] = store.summaries()
    assert summary.where == Where(
        load_workspace(demo_workspace).id,
        "Demo",
        "Demo",
        "List users",
        "development",
        str(demo_workspace.resolve()),
    )
    assert (summary.method, summary.status) == ("GET", 200)
    assert summary.url == f"{demo_url}/users?page=1&per_page=10"
    entry = store.entry(summary.id)
    assert entry is not None
    exchange = entry.exchange
    assert exchange.request.parameters == (("page", "1"), ("per_page", "10"))
    assert b'"total_pages": 3' in exchange.body or b'"total_pages":3' in exchange.body
    assert exchange.header("content-type") == "application/json"
    assert exchange.total_time > 0 and exchange.time_to_headers is not None
    assert entry.body_size == len(exchange.body) and not entry.cut


async def test_the_workspace_or_the_config_turns_it_off(
    demo_workspace: Path, demo_url: str
) -> None:
    workspace = load_workspace(demo_workspace)
    save_workspace(replace(workspace, settings=WorkspaceSettings(history=False)), demo_workspace)
    await send(demo_workspace, "Demo/List users", demo_url)
    assert HistoryStore().summaries() == []
    # The config's false is the default for workspaces that set nothing...
    plain = Session.open(workspace, demo_workspace, defaults=Defaults(history=False))
    await send(demo_workspace, "Demo/List users", demo_url, plain)
    assert HistoryStore().summaries() == []
    # ...and a workspace's own true wins over it.
    keeping = replace(workspace, settings=WorkspaceSettings(history=True))
    session = Session.open(keeping, demo_workspace, defaults=Defaults(history=False))
    await send(demo_workspace, "Demo/List users", demo_url, session)
    assert len(HistoryStore().summaries()) == 1


def exchange_of(body: bytes, url: str = "http://example.test/x") -> Exchange:
    return Exchange(
        request=SentRequest("GET", url, (("Accept", "*/*"),), b""),
        status=200,
        reason="OK",
        headers=(("Content-Type", "application/json"),),
        body=body,
        total_time=0.01,
    )


WHERE = Where("w1", "Team", "Demo", "List users", "development")


def test_a_body_is_masked_first_then_cut_at_the_cap() -> None:
    secret = "s3cret-value-0123456789"
    body = b"x" * 90 + secret.encode() + b"y" * 100
    entry = kept_entry(WHERE, 0.0, exchange_of(body), Masker([secret]), body_cap=100)
    # Cut in the middle of the private value, yet none of it is kept.
    assert entry.exchange.body == b"x" * 90 + MASK.encode()[:10]
    assert entry.cut and entry.body_size == len(body)


def test_the_oldest_entries_go_first_when_a_limit_is_reached(isolated_home: Path) -> None:
    store = HistoryStore(max_entries=3)
    ids = [store.add(kept_entry(WHERE, i, exchange_of(b"%d" % i), Masker(()))) for i in range(5)]
    assert [s.id for s in store.summaries()] == ids[:1:-1]
    # By size: each entry counts its bodies and headers; the newest is always kept.
    sized = HistoryStore(max_bytes=3 * 1000 + 600)
    big = [sized.add(kept_entry(WHERE, 0, exchange_of(b"z" * 1000), Masker(()))) for _ in range(5)]
    kept = [s.id for s in sized.summaries()]
    assert kept == big[:1:-1]
    huge = sized.add(kept_entry(WHERE, 0, exchange_of(b"z" * 5000), Masker(())))
    assert [s.id for s in sized.summaries()] == [huge]


def test_clear_removes_one_workspace_or_all_and_leaves_no_trace_in_the_file(
    isolated_home: Path,
) -> None:
    store = HistoryStore()
    other = Where("w2", "Other", "Demo", "List users", "development")
    store.add(kept_entry(WHERE, 0, exchange_of(b'{"mark": "first-workspace-body"}'), Masker(())))
    store.add(kept_entry(other, 0, exchange_of(b'{"mark": "other-workspace-body"}'), Masker(())))
    assert store.clear(WorkspaceKey("w1", "")) == 1
    assert [s.where.workspace_id for s in store.summaries()] == ["w2"]
    files = b"".join(p.read_bytes() for p in isolated_home.glob(f"{FILE_NAME}*"))
    assert b"first-workspace-body" not in files and b"other-workspace-body" in files
    assert store.clear() == 1 and store.summaries() == []
    files = b"".join(p.read_bytes() for p in isolated_home.glob(f"{FILE_NAME}*"))
    assert b"workspace-body" not in files


async def test_a_damaged_history_does_not_stop_a_send(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    (isolated_home / FILE_NAME).write_bytes(b"this is not a database, " * 100)
    session = await send(demo_workspace, "Demo/List users", demo_url)
    assert session.history is not None
    [problem] = session.history.problems
    assert "is damaged" in problem and "Remove that file" in problem
    # The file is left as it was.
    assert (isolated_home / FILE_NAME).read_bytes().startswith(b"this is not a database")


async def test_a_locked_history_does_not_stop_a_send(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    HistoryStore().clear()  # made, empty
    store = HistoryStore()
    store.add(kept_entry(WHERE, 0, exchange_of(b"{}"), Masker(())))
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a write
    try:
        workspace = load_workspace(demo_workspace)
        recorder = HistoryRecorder(HistoryStore(lock_timeout=0.05))
        session = Session.open(workspace, demo_workspace)
        session.history = recorder
        await send(demo_workspace, "Demo/List users", demo_url, session)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    [problem] = recorder.problems
    assert "locked by another workbench process" in problem
    assert len(HistoryStore().summaries()) == 1


@pytest.mark.usefixtures("demo_server")
def test_run_warns_in_one_line_and_keeps_its_outcome(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    (isolated_home / FILE_NAME).write_bytes(b"garbage" * 100)
    result = workbench_here("run", str(demo_workspace), "Demo/List users", "--base-url", demo_url)
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "history" in warnings[0] and "damaged" in warnings[0]
