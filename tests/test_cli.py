"""The headless `workbench` command against real loopback HTTP: run in this process where only
its answers are checked, as a process of its own where what it must never show is checked,
and for the demo server."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from cli_process import command_line, workbench, workbench_here
from leaks import project_files_holding

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workspaces" / "demo.toml"
# Made at run time so that no file (this one included) holds it unless it leaked there.
# MARKER is the part no encoding changes: looking for it also finds escaped copies.
MARKER = secrets.token_hex(12)
SECRET = f's3cr3t "quoted" \\ {MARKER}'


def test_list_call_prints_json_and_exits_zero(demo_url: str) -> None:
    result = workbench_here("run", str(DEMO), "Demo/List users", "--base-url", demo_url)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["page"] == 1 and len(page["data"]) == 10
    assert "200 OK" in result.stderr


def test_missing_resource_exits_4_and_shows_the_status(demo_url: str) -> None:
    result = workbench_here(
        "run", str(DEMO), "Demo/Get user", "--param", "id=999", "--base-url", demo_url
    )
    assert result.returncode == 4
    assert "404 Not Found" in result.stderr
    assert json.loads(result.stdout)["error"] == "user 999 not found"


def test_server_error_exits_5(demo_url: str, tmp_path: Path) -> None:
    result = workbench_here(
        "run", str(DEMO), "Demo/Not found", "--base-url", f"{demo_url}/status/503?x="
    )
    assert result.returncode == 5, result.stderr


def test_pretty_and_raw_output(demo_url: str) -> None:
    raw = workbench_here("run", str(DEMO), "Demo/Get user", "--base-url", demo_url, "--raw")
    pretty = workbench_here("run", str(DEMO), "Demo/Get user", "--base-url", demo_url, "--pretty")
    assert json.loads(raw.stdout) == json.loads(pretty.stdout)
    assert "\n  " in pretty.stdout and "\n  " not in raw.stdout


def test_headers_and_exchange_output(demo_url: str) -> None:
    headers = workbench_here("run", str(DEMO), "Demo/Get user", "--base-url", demo_url, "--headers")
    assert "Content-Type: application/json" in headers.stderr
    whole = workbench_here("run", str(DEMO), "Demo/Echo", "--base-url", demo_url, "--exchange")
    exchange = json.loads(whole.stdout)
    assert exchange["request"]["method"] == "POST"
    assert exchange["response"]["status"] == 200
    assert json.loads(exchange["request"]["body"]) == {"message": 'héllo "world"'}
    assert exchange["timings"]["total_ms"] > 0


def test_private_value_is_sent_and_never_shown(demo_url: str, isolated_home: Path) -> None:
    name = "Demo/Check API key/param.X-Api-Key"
    stored = workbench("secret", "set", str(DEMO), name, stdin=SECRET + "\n")
    assert stored.returncode == 0, stored.stderr

    result = workbench("run", str(DEMO), "Demo/Check API key", "--base-url", demo_url)
    assert result.returncode == 0, result.stderr
    proof = json.loads(result.stdout)
    assert proof["sha256"] == hashlib.sha256(SECRET.encode()).hexdigest()

    whole = workbench(
        "run", str(DEMO), "Demo/Check API key", "--base-url", demo_url, "--exchange", "-i"
    )
    listing = workbench("secret", "list", str(DEMO))
    assert name in listing.stdout and "set for all environments" in listing.stdout
    for output in (stored, result, whole, listing):
        assert MARKER not in output.stdout + output.stderr
    assert "••••••" in whole.stdout

    # The value is in the store (outside the project) and in no file of the project tree.
    assert MARKER in (isolated_home / "secrets.json").read_text(encoding="utf-8")
    assert project_files_holding([MARKER]) == []


def test_missing_private_value_names_the_command(demo_url: str) -> None:
    result = workbench_here("run", str(DEMO), "Demo/Check API key", "--base-url", demo_url)
    assert result.returncode == 3
    assert "workbench secret set" in result.stderr
    assert "Demo/Check API key/param.X-Api-Key" in result.stderr
    assert "Traceback" not in result.stderr


def test_private_value_from_an_environment_variable(demo_url: str) -> None:
    variable = "WORKBENCH_SECRET__DEMO__CHECK_API_KEY_PARAM_X_API_KEY"
    os.environ[variable] = SECRET
    try:
        result = workbench_here("run", str(DEMO), "Demo/Check API key", "--base-url", demo_url)
    finally:
        del os.environ[variable]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["length"] == len(SECRET)


def test_refused_connection_exits_6(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = workbench_here(
        "run", str(DEMO), "Demo/List users", "--base-url", f"http://127.0.0.1:{port}"
    )
    assert result.returncode == 6
    assert "Connection refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_workspace_exits_3_naming_file_and_key(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(DEMO.read_text(encoding="utf-8").replace('use_as = "data"', "use_as = 3", 1))
    result = workbench_here("run", str(broken), "Demo/List users")
    assert result.returncode == 3
    assert "broken.toml" in result.stderr and "use_as" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_call_lists_the_calls() -> None:
    result = workbench_here("run", str(DEMO), "Demo/Nope")
    assert result.returncode == 3
    assert "Demo/List users" in result.stderr


def test_bad_param_syntax_is_a_usage_error() -> None:
    result = workbench_here("run", str(DEMO), "Demo/Get user", "--param", "novalue")
    assert result.returncode == 2
    assert "NAME=VALUE" in result.stderr


def test_secret_set_refuses_unknown_names_and_empty_values() -> None:
    unknown = workbench_here("secret", "set", str(DEMO), "Demo/auth.nothing", stdin="x\n")
    assert unknown.returncode == 2 and "Check API key/param.X-Api-Key" in unknown.stderr
    empty = workbench_here(
        "secret", "set", str(DEMO), "Demo/Check API key/param.X-Api-Key", stdin="\n"
    )
    assert empty.returncode == 2 and "No value" in empty.stderr


def test_secret_delete(isolated_home: Path) -> None:
    name = "Demo/Check API key/param.X-Api-Key"
    workbench_here("secret", "set", str(DEMO), name, stdin="value\n")
    assert workbench_here("secret", "delete", str(DEMO), name).returncode == 0
    assert "NOT SET" in workbench_here("secret", "list", str(DEMO)).stdout
    assert workbench_here("secret", "delete", str(DEMO), name).returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["secret"],
        ["secret", "set"],
        ["demo-server"],
        ["demo"],
        ["import", "curl"],
        ["export", "curl"],
    ],
)
def test_help_is_available_for_every_command(args: list[str]) -> None:
    result = workbench_here(*args, "--help")
    assert result.returncode == 0
    assert "usage: workbench" in result.stdout


def test_top_level_help_documents_exit_codes_and_secret_variables() -> None:
    text = workbench_here("--help").stdout
    for expected in ("exit codes", "4xx", "5xx", "WORKBENCH_SECRET__"):
        assert expected in text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_demo_server_command_serves_the_demo_workspace(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        command_line("demo-server", "--port", str(port)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        assert f"http://127.0.0.1:{port}" in server.stderr.readline()
        # The README's command, with the port this test could get.
        workspace = tmp_path / "demo.toml"
        shutil.copy(DEMO, workspace)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        result = workbench("run", str(workspace), "Demo/List users", "--base-url", base)
        while result.returncode == 6 and time.monotonic() < deadline:
            result = workbench("run", str(workspace), "Demo/List users", "--base-url", base)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["total"] >= 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()
