"""`workbench run --stream`: each event of a streamed answer printed as one JSON line as it
arrives, from a real process reading a real stream."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from cli_process import command_line, environment, workbench_here

DEMO = Path(__file__).resolve().parents[1] / "workspaces" / "demo.toml"


def test_the_first_event_is_printed_long_before_the_stream_ends(demo_url: str) -> None:
    # 20 events, one every 100 ms: the stream runs about 2 s.
    with subprocess.Popen(
        command_line(
            *("run", str(DEMO), "Demo/Live events", "--stream", "--base-url", demo_url),
            *("--param", "count=20", "--param", "interval_ms=100"),
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment(),
    ) as process:
        assert process.stdout is not None
        try:
            first = json.loads(process.stdout.readline())
            first_at = time.monotonic()
            # The process still runs: the first line came before the stream's end.
            running_at_first_line = process.poll() is None
            rest = [json.loads(line) for line in process.stdout]
            ended_at = time.monotonic()
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()
    assert running_at_first_line
    # Printed as it came, not all at once at the end (the stream runs about 2 s).
    assert first_at < ended_at - 1.0
    assert first["event"] == "tick" and first["id"] == "1" and first["retry"] == 2000
    assert first["data"]["seq"] == 1 and 0.05 < first["t"]
    assert len(rest) == 19 and rest[-1]["data"] == {"seq": 20, "state": "done", "progress": 1.0}
    # Each event's time says when it arrived: the first well before the last.
    assert first["t"] < rest[-1]["t"] - 1.0


def test_ndjson_lines_and_a_plain_answer(demo_url: str) -> None:
    result = workbench_here(
        *("run", str(DEMO), "Demo/Live readings", "--stream", "--base-url", demo_url),
        *("--param", "count=3", "--param", "interval_ms=0"),
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["data"]["seq"] for line in lines] == [1, 2, 3]
    assert all(set(line) == {"t", "data"} for line in lines)
    # An answer that is no stream is printed as without --stream.
    plain = workbench_here("run", str(DEMO), "Demo/Get user", "--stream", "--base-url", demo_url)
    assert plain.returncode == 0 and json.loads(plain.stdout)["id"] == 1


def test_a_quiet_stream_ends_at_the_idle_timeout(demo_url: str, isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text("stream_idle_timeout = 0.3\n", encoding="utf-8")
    started = time.monotonic()
    result = workbench_here(
        *("run", str(DEMO), "Demo/Live events", "--stream", "--base-url", demo_url),
        *("--param", "count=3", "--param", "interval_ms=20000"),
    )
    assert time.monotonic() - started < 10
    assert result.returncode == 6
    assert result.stdout == ""
    assert "went quiet" in result.stderr and "0.3 s" in result.stderr


def test_the_exchange_says_it_was_a_stream(demo_url: str) -> None:
    result = workbench_here(
        *("run", str(DEMO), "Demo/Live readings", "--exchange", "--base-url", demo_url),
        *("--param", "count=4", "--param", "interval_ms=0"),
    )
    assert result.returncode == 0, result.stderr
    whole = json.loads(result.stdout)
    assert whole["stream"] == {"kind": "ndjson", "events": 4}
    assert whole["response"]["body"].count("\n") == 4
    plain = workbench_here("run", str(DEMO), "Demo/Get user", "--exchange", "--base-url", demo_url)
    assert json.loads(plain.stdout)["stream"] is None
