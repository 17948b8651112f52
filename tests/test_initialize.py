"""Initializing calls against the demo API over real loopback HTTP: learned shapes, the saved
file, drift and `--check`, manual samples, include-errors and capture-headers, action calls."""

from __future__ import annotations

import difflib
import json
import os
import pty
import select
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cli_process import command_line, environment, workbench_here

from workbench.core.sending.session import Session
from workbench.core.shape.initialize import learn, manual_data, shape_lines, with_call_shape
from workbench.core.shape.toml import shape_from_toml_data, shape_to_toml_data
from workbench.core.workspace.io import load_workspace, save_workspace
from workbench.core.workspace.model import CallOptions
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workspaces" / "demo.toml"
VERSIONED = "Demo/Get user (versioned)"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A copy of the demo workspace with no call initialized, in canonical form."""
    workspace = load_workspace(DEMO)
    uninitialized = replace(
        workspace,
        providers=tuple(
            replace(p, calls=tuple(replace(c, shape=None) for c in p.calls))
            for p in workspace.providers
        ),
    )
    path = tmp_path / "demo.toml"
    save_workspace(uninitialized, path)
    return path


@pytest.fixture
def versioned(fresh_demo: DemoServer) -> Iterator[DemoServer]:
    """The demo API, put back to API version 1 afterwards: other tests share the server."""
    yield fresh_demo
    fresh_demo.state.reset()


@pytest.fixture
async def session(fresh_demo: DemoServer, bare: Path) -> AsyncIterator[Session]:
    opened = Session.open(load_workspace(bare), bare)
    opened.base_url = fresh_demo.base_url
    yield opened
    await opened.aclose()


async def learned_table(session: Session, name: str, **overrides: str) -> dict[str, str]:
    provider = session.workspace.providers[0]
    call = provider.call(name)
    assert call is not None
    result = await session.run_call(provider, call, overrides=overrides)
    assert result.has_data, result.data_error
    return shape_to_toml_data(learn(call, result.data).shape)


# ---- learning from real answers ---------------------------------------------------------------


async def test_learns_a_list_response(session: Session) -> None:
    shape = await learned_table(session, "List users")
    assert shape == {
        "data": "list",
        "data[]": "object",
        "data[].id": "integer",
        "data[].name": "text",
        "data[].email": "text",
        "data[].active": "boolean",
        "data[].created_at": "date-time",
        "data[].birthday": "date|null",  # null for user 5 and 10
        "data[].address": "object",
        "data[].address.street": "text",
        "data[].address.city": "text",
        "data[].address.geo": "object",
        "data[].address.geo.lat": "number",  # 51.5072 and 2.3522 mixed with -9 and 13.405
        "data[].address.geo.lng": "number",
        "data[].tags": "list",
        "data[].tags[]": "text",
        "data[].manager_id": "integer|null",
        "data[].phone": "text?",  # only every third user has one
        "page": "integer",
        "per_page": "integer",
        "total": "integer",
        "total_pages": "integer",
    }


async def test_learns_a_get_response_with_nulls(session: Session) -> None:
    shape = await learned_table(session, "Get user", id="5")
    assert shape["birthday"] == "null" and shape["manager_id"] == "integer"
    assert shape["address.geo.lat"] == "number" and "phone" not in shape


async def test_learns_a_create_response(session: Session, fresh_demo: DemoServer) -> None:
    shape = await learned_table(session, "Create user")
    assert shape["id"] == "integer" and shape["created_at"] == "date-time"
    assert shape["address.geo"] == "object" and shape["tags[]"] == "text"
    assert shape["manager_id"] == "null"
    assert fresh_demo.state.request_count("POST", "/users") == 1


async def test_capture_headers_puts_the_headers_in_the_shape(session: Session) -> None:
    provider = session.workspace.providers[0]
    call = provider.call("Get user")
    assert call is not None
    call = replace(call, options=CallOptions(capture_headers=True))
    result = await session.run_call(provider, call)
    shape = shape_to_toml_data(learn(call, result.data).shape)
    assert list(shape)[:2] == ["headers", "headers.server"]
    assert shape["headers['content-type']"] == "text" and shape["body.id"] == "integer"
    assert "status_code" not in shape


async def test_reinitializing_keeps_exclusions_and_reports_only_real_drift(
    session: Session,
) -> None:
    provider = session.workspace.providers[0]
    call = provider.call("Get user")
    assert call is not None
    first = await session.run_call(provider, call, overrides={"id": "1"})
    saved = learn(call, first.data).shape.exclude("phone").exclude("address")
    call = replace(call, shape=saved)
    # User 5 has no phone and a null birthday: the excluded phone is no drift, and a field
    # seen only as null keeps its type (now nullable).
    again = learn(call, (await session.run_call(provider, call, overrides={"id": "5"})).data)
    assert [line for line in shape_lines(again.shape) if "phone" in line] == []
    assert shape_to_toml_data(again.shape)["address"] == "object (excluded)"
    assert shape_to_toml_data(again.shape)["birthday"] == "date|null"


# ---- the CLI: initialize, save, drift, --check ------------------------------------------------


def test_initialize_prints_the_shape_and_adds_only_the_shape_lines(
    fresh_demo: DemoServer, bare: Path
) -> None:
    before = bare.read_text(encoding="utf-8")
    result = workbench_here(
        "initialize", str(bare), "Demo/Get user", "--base-url", fresh_demo.base_url
    )

    assert result.returncode == 0, result.stderr
    assert "HTTP/1.1 200 OK" in result.stderr
    assert "Initialized Demo/Get user: 16 fields saved" in result.stderr
    assert "address.geo.lat  number" in result.stdout.splitlines()
    after = bare.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    assert all(line.startswith("+") for line in diff)
    assert diff[:3] == ["+", "+[providers.calls.shape]", '+id = "integer"']
    assert len(diff) == 2 + 16
    # The saved file is in canonical form: loading and saving it changes no byte.
    save_workspace(load_workspace(bare), bare)
    assert bare.read_text(encoding="utf-8") == after
    assert list(bare.parent.glob("*.tmp*")) == []


def test_drift_after_the_api_changes_check_and_accept(versioned: DemoServer, bare: Path) -> None:
    url = versioned.base_url
    assert workbench_here("initialize", str(bare), VERSIONED, "--base-url", url).returncode == 0
    initialized = bare.read_bytes()

    unchanged = workbench_here("initialize", "--check", str(bare), "--base-url", url)
    assert unchanged.returncode == 0, unchanged.stderr
    assert unchanged.stdout == "Demo/Get user (versioned): no drift\n"

    versioned.state.api_version = 2
    drift = [
        "  + display_name: text",
        "  + status: text",
        "  - name",
        "  ~ created_at: date-time -> integer",
    ]
    check = workbench_here("initialize", "--check", str(bare), VERSIONED, "--base-url", url)
    assert check.returncode == 8, check.stderr
    assert check.stdout.splitlines() == ["Demo/Get user (versioned): drifted", *drift]
    assert "Demo/Get user (versioned): HTTP/1.1 200 OK" in check.stderr

    refused = workbench_here("initialize", str(bare), VERSIONED, "--base-url", url)
    assert refused.returncode == 8
    assert all(line in refused.stderr.splitlines() for line in drift)
    assert "--accept" in refused.stderr
    assert bare.read_bytes() == initialized  # neither --check nor a refusal writes

    accepted = workbench_here("initialize", str(bare), VERSIONED, "--base-url", url, "--accept")
    assert accepted.returncode == 0, accepted.stderr
    call = load_workspace(bare).providers[0].call("Get user (versioned)")
    assert call is not None and call.shape is not None
    assert shape_to_toml_data(call.shape) == {
        "id": "integer",
        "display_name": "text",
        "email": "text",
        "created_at": "integer",
        "status": "text",
    }
    again = workbench_here("initialize", "--check", str(bare), VERSIONED, "--base-url", url)
    assert again.returncode == 0 and "no drift" in again.stdout


def hand_ordered(text: str) -> str:
    """`text` with the shape lines of the versioned call reversed, as a person might order them."""
    call = text.index('name = "Get user (versioned)"')
    start = text.index("[providers.calls.shape]\n", call) + len("[providers.calls.shape]\n")
    end = text.index("\n\n", start) + 1  # the next table follows a blank line
    lines = text[start:end].splitlines(keepends=True)
    return text[:start] + "".join(reversed(lines)) + text[end:]


def test_initializing_again_moves_no_line_of_the_shape(versioned: DemoServer, bare: Path) -> None:
    """Without drift the file stays byte for byte as it was, whatever order its shape lines
    are in; with drift only the lines that changed change, new ones where the response has
    them."""
    url = versioned.base_url
    assert workbench_here("initialize", str(bare), VERSIONED, "--base-url", url).returncode == 0
    learned = bare.read_text(encoding="utf-8")
    hand = hand_ordered(learned)
    assert hand != learned
    bare.write_text(hand, encoding="utf-8")

    again = workbench_here("initialize", str(bare), VERSIONED, "--base-url", url)
    assert again.returncode == 0, again.stderr
    assert "matches the saved shape (no drift)" in again.stderr
    assert bare.read_bytes() == hand.encode("utf-8")

    versioned.state.api_version = 2
    accepted = workbench_here("initialize", str(bare), VERSIONED, "--base-url", url, "--accept")
    assert accepted.returncode == 0, accepted.stderr
    after = bare.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(hand.splitlines(), after.splitlines(), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    assert changed == [
        '-created_at = "date-time"',
        '+created_at = "integer"',
        '+status = "text"',
        '-name = "text"',
        '+display_name = "text"',
    ]


def test_a_pinned_type_still_shows_the_server_changing_it(
    versioned: DemoServer, bare: Path
) -> None:
    url = versioned.base_url
    assert workbench_here("initialize", str(bare), VERSIONED, "--base-url", url).returncode == 0
    text = bare.read_text(encoding="utf-8")
    assert 'created_at = "date-time"' in text
    bare.write_text(text.replace('"date-time"', '"date (pinned)"'), encoding="utf-8")
    pinned = workbench_here("initialize", "--check", str(bare), VERSIONED, "--base-url", url)
    assert pinned.stdout == "Demo/Get user (versioned): no drift\n"  # a pin is not drift

    versioned.state.api_version = 2
    check = workbench_here("initialize", "--check", str(bare), VERSIONED, "--base-url", url)
    assert check.returncode == 8, check.stderr
    assert "  ~ created_at: date -> integer" in check.stdout.splitlines()
    accepted = workbench_here("initialize", str(bare), VERSIONED, "--base-url", url, "--accept")
    assert accepted.returncode == 0, accepted.stderr
    assert 'created_at = "integer"' in bare.read_text(encoding="utf-8")
    again = workbench_here("initialize", "--check", str(bare), VERSIONED, "--base-url", url)
    assert again.returncode == 0 and "no drift" in again.stdout


def test_the_example_workspace_shapes_match_the_demo_api(fresh_demo: DemoServer) -> None:
    # Leaves out Check API key, which needs a private value; the slow and streamed calls
    # are asked to answer at once.
    workspace = load_workspace(DEMO)
    names = [
        f"Demo/{c.name}"
        for c in workspace.providers[0].calls
        if c.shape is not None and c.name != "Check API key"
    ]
    assert len(names) >= 10
    quick = ("-p", "seconds=0", "-p", "interval_ms=0")
    result = workbench_here(
        "initialize", "--check", str(DEMO), *names, "--base-url", fresh_demo.base_url, *quick
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"{name}: no drift" for name in names]


def test_check_reports_a_call_that_cannot_be_sent_with_its_code(
    fresh_demo: DemoServer, bare: Path
) -> None:
    url = fresh_demo.base_url
    assert (
        workbench_here("initialize", str(bare), "Demo/Get user", "--base-url", url).returncode == 0
    )
    result = workbench_here(
        "initialize", "--check", str(bare), "Demo/Get user", "--base-url", url, "-p", "id=999"
    )
    assert result.returncode == 4
    assert result.stdout == "Demo/Get user: not checked (the answer has no data)\n"
    assert "404 Not Found" in result.stderr and "Traceback" not in result.stderr


def test_check_refuses_action_calls_unless_named_with_yes(
    fresh_demo: DemoServer, bare: Path
) -> None:
    sample = '{"id": 1, "name": "Ada"}'
    manual = workbench_here(
        "initialize", str(bare), "Demo/Create user", "--manual", "-", stdin=sample
    )
    assert manual.returncode == 0, manual.stderr
    url = fresh_demo.base_url

    default = workbench_here("initialize", "--check", str(bare), "--base-url", url)
    assert default.returncode == 0 and "No initialized data calls" in default.stderr

    named = workbench_here(
        "initialize", "--check", str(bare), "Demo/Create user", "--base-url", url
    )
    assert named.returncode == 2 and "add --yes" in named.stderr
    assert fresh_demo.state.request_count("POST", "/users") == 0

    allowed = workbench_here(
        "initialize", "--check", str(bare), "Demo/Create user", "--base-url", url, "--yes"
    )
    assert allowed.returncode == 8  # the real answer has more fields than the sample
    assert "  + email: text" in allowed.stdout.splitlines()
    assert fresh_demo.state.request_count("POST", "/users") == 1


def test_an_action_call_is_not_initialized_without_yes_and_a_terminal(
    fresh_demo: DemoServer, bare: Path
) -> None:
    url = fresh_demo.base_url
    refused = workbench_here("initialize", str(bare), "Demo/Create user", "--base-url", url)
    assert refused.returncode == 2
    assert "is an action call (POST /users): initializing sends it" in refused.stderr
    assert "--yes" in refused.stderr and "Traceback" not in refused.stderr
    assert fresh_demo.state.request_count("POST", "/users") == 0

    sent = workbench_here("initialize", str(bare), "Demo/Create user", "--base-url", url, "--yes")
    assert sent.returncode == 0, sent.stderr
    assert fresh_demo.state.request_count("POST", "/users") == 1
    assert "HTTP/1.1 201 Created" in sent.stderr


def test_an_error_answer_is_not_initialized_without_include_errors(
    fresh_demo: DemoServer, bare: Path
) -> None:
    before = bare.read_bytes()
    result = workbench_here(
        "initialize", str(bare), "Demo/Get user", "-p", "id=999", "--base-url", fresh_demo.base_url
    )
    assert result.returncode == 4
    assert "Demo/Get user was not initialized: the call answered 404 Not Found" in result.stderr
    assert "include_errors" in result.stderr and result.stdout == ""
    assert bare.read_bytes() == before


# ---- include errors and capture headers -------------------------------------------------------


def test_include_errors_makes_a_404_data_and_run_exits_0(demo_url: str) -> None:
    found = workbench_here("run", str(DEMO), "Demo/Find user", "--base-url", demo_url)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["status_code"] == 404 and data["has_error"] is True
    assert data["message"] == "user 999 not found"
    assert data["headers"]["content-type"] == "application/json"
    assert data["body"] == {"error": "user 999 not found", "status": 404}
    assert "404 Not Found" in found.stderr

    raw = workbench_here("run", str(DEMO), "Demo/Find user", "--base-url", demo_url, "--raw")
    assert json.loads(raw.stdout) == {"error": "user 999 not found", "status": 404}

    without = workbench_here(
        "run", str(DEMO), "Demo/Get user", "-p", "id=999", "--base-url", demo_url
    )
    assert without.returncode == 4


def test_include_errors_and_capture_headers_are_part_of_the_learned_shape(
    demo_url: str, bare: Path
) -> None:
    result = workbench_here("initialize", str(bare), "Demo/Find user", "--base-url", demo_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "status_code                integer",
        "has_error                  boolean",
        "message                    text",
        "headers                    object",
        "headers.server             text",
        "headers.date               text",
        "headers['content-type']    text",
        "headers['content-length']  text",
        "body                       object",
        "body.error                 text",
        "body.status                integer",
    ]


# ---- manual samples ---------------------------------------------------------------------------

JSON_SAMPLE = """{
  "id": 7,
  "created": "2024-05-01T09:30:00Z",
  "owner": {"name": "Ada", "since": "2020-01-31", "manager": null},
  "items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2.5, "note": "gift"}]
}"""

XML_SAMPLE = """<?xml version="1.0"?>
<orders count="2">
  <order id="o1"><total currency="EUR">12.50</total><line>pen</line><line>ink</line></order>
  <order id="o2"><total currency="USD">3.00</total><line>pad</line></order>
</orders>"""


def test_a_manual_json_sample_from_stdin(fresh_demo: DemoServer, bare: Path) -> None:
    result = workbench_here(
        "initialize", str(bare), "Demo/Create user", "--manual", "-", stdin=JSON_SAMPLE
    )
    assert result.returncode == 0, result.stderr
    assert [line.split() for line in result.stdout.splitlines()] == [
        ["id", "integer"],
        ["created", "date-time"],
        ["owner", "object"],
        ["owner.name", "text"],
        ["owner.since", "date"],
        ["owner.manager", "null"],
        ["items", "list"],
        ["items[]", "object"],
        ["items[].sku", "text"],
        ["items[].qty", "number"],
        ["items[].note", "text?"],
    ]
    assert result.stdout.splitlines()[0] == "id             integer"  # types in one column
    assert fresh_demo.state.request_count("POST", "/users") == 0  # nothing was sent
    assert "Initialized Demo/Create user: 11 fields saved" in result.stderr


def test_a_manual_xml_sample_from_a_file(bare: Path, tmp_path: Path) -> None:
    sample = tmp_path / "orders.xml"
    sample.write_text(XML_SAMPLE, encoding="utf-8")
    result = workbench_here("initialize", str(bare), "Demo/XML", "--manual", str(sample))
    assert result.returncode == 0, result.stderr
    assert [line.split() for line in result.stdout.splitlines()] == [
        ["orders", "object"],
        ["orders.@count", "text"],
        ["orders.order", "list"],
        ["orders.order[]", "object"],
        ["orders.order[].@id", "text"],
        ["orders.order[].total", "object"],
        ["orders.order[].total.@currency", "text"],
        ["orders.order[].total.#text", "text"],
        ["orders.order[].line", "list"],
        ["orders.order[].line[]", "text"],
    ]


def test_manual_data_is_read_as_the_call_reads_an_answer() -> None:
    call = load_workspace(DEMO).providers[0].call("Find user")
    assert call is not None
    data = manual_data(call, '{"id": 1}')
    assert data == {
        "status_code": 200,
        "has_error": False,
        "message": "",
        "headers": {},
        "body": {"id": 1},
    }


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["Demo/Create user", "--manual", "-"], '{"id": 1,', 3, "not valid JSON"),
        (["Demo/Create user", "--manual", "missing.json"], "", 2, "cannot be read"),
        (["Demo/Image", "--manual", "-"], "x", 3, "binary response cannot be pasted"),
        (["Demo/List users", "Demo/Get user"], "", 2, "exactly one call"),
        (["Demo/List users", "--manual", "-", "-p", "page=2"], "{}", 2, "leave out --param"),
        (["Demo/Nope"], "", 3, "Demo/List users"),
        (["--check", "Demo/Get user"], "", 3, "is not initialized"),
        (["--check", "--accept"], "", 2, "writes nothing"),
        (["--check", "Demo/List users", "-p", "nope=1"], "", 2, "no call to check has"),
    ],
)
def test_errors_are_clean(
    bare: Path, tmp_path: Path, args: list[str], stdin: str, code: int, message: str
) -> None:
    if args[0] == "--check" and "Demo/List users" in args:
        workbench_here("initialize", str(bare), "Demo/List users", "--manual", "-", stdin="{}")
    if args[0] == "--check":
        result = workbench_here("initialize", "--check", str(bare), *args[1:], stdin=stdin)
    else:
        result = workbench_here("initialize", str(bare), *args, stdin=stdin)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_tells_about_check_manual_and_exit_code_8() -> None:
    result = workbench_here("initialize", "--help")
    assert result.returncode == 0
    for text in ("--check", "--manual FILE", "--accept", "--yes", "exit code is 8"):
        assert text in result.stdout
    assert "8    the response shape drifted" in workbench_here("--help").stdout


# ---- on a terminal ------------------------------------------------------------------------------


def on_terminal(args: list[str], answer: str) -> tuple[int, str]:
    """Run the CLI with stdin and stderr on a pseudo-terminal; answer its question."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        command_line(*args),
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=environment(),
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    answered = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # the process ended and closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"[y/N]" in seen:
                os.write(controller, answer.encode() + b"\n")
                answered = True
            if process.poll() is not None and not ready:
                break
        code = process.wait(timeout=30)
    finally:
        os.close(controller)
        if process.stdout:
            process.stdout.close()
    return code, seen.decode("utf-8", errors="replace")


def test_on_a_terminal_an_action_is_sent_only_when_confirmed(
    fresh_demo: DemoServer, bare: Path
) -> None:
    args = ["initialize", str(bare), "Demo/Create user", "--base-url", fresh_demo.base_url]
    code, screen = on_terminal(args, "n")
    assert code == 2 and "Send it? [y/N]" in screen and "Not sent" in screen
    assert fresh_demo.state.request_count("POST", "/users") == 0

    code, screen = on_terminal(args, "y")
    assert code == 0, screen
    assert fresh_demo.state.request_count("POST", "/users") == 1


def test_on_a_terminal_drift_is_saved_when_accepted(versioned: DemoServer, bare: Path) -> None:
    args = ["initialize", str(bare), VERSIONED, "--base-url", versioned.base_url]
    assert workbench_here(*args).returncode == 0
    versioned.state.api_version = 2
    code, screen = on_terminal(args, "n")
    assert code == 8 and "Save the new shape? [y/N]" in screen

    code, screen = on_terminal(args, "y")
    assert code == 0, screen
    call = load_workspace(bare).providers[0].call("Get user (versioned)")
    assert call is not None and call.shape is not None and "status" in call.shape


# ---- keeping a shape in a workspace held in memory --------------------------------------------


def test_with_call_shape_replaces_one_call_only() -> None:
    workspace = load_workspace(DEMO)
    shape = shape_from_toml_data({"": "text"})
    changed = with_call_shape(workspace, "Demo", "Echo", shape)
    before, after = workspace.providers[0].calls, changed.providers[0].calls
    assert [c.name for c in after] == [c.name for c in before]
    for old, new in zip(before, after, strict=True):
        assert new == (replace(old, shape=shape) if old.name == "Echo" else old)
    assert with_call_shape(changed, "Demo", "Echo", None).providers[0].call("Echo") == replace(
        workspace.providers[0].calls[[c.name for c in before].index("Echo")], shape=None
    )


# ---- the demo's versioned endpoint -------------------------------------------------------------


def test_the_versioned_endpoint_follows_the_api_version(versioned: DemoServer) -> None:
    with httpx.Client(base_url=versioned.base_url) as client:
        assert client.get("/versioned/users/2").json() == {
            "id": 2,
            "name": "Alan Turing",
            "email": "alan.turing@example.com",
            "created_at": "2024-03-03T09:02:00Z",
        }
        assert client.get("/admin/api-version").json() == {"api_version": 1}
        assert client.post("/admin/api-version", json={"version": 2}).json() == {"api_version": 2}
        assert client.get("/versioned/users/2").json() == {
            "id": 2,
            "display_name": "Alan Turing",
            "email": "alan.turing@example.com",
            "created_at": 1709456520,
            "status": "active",
        }
        assert client.post("/admin/api-version", json={"version": 3}).status_code == 400
        assert client.post("/admin/api-version", json={"version": True}).status_code == 400
        assert client.get("/versioned/users/999").status_code == 404
    versioned.state.reset()
    assert versioned.state.api_version == 1


def test_a_demo_server_can_start_on_version_2() -> None:
    with DemoServer(api_version=2) as server, httpx.Client(base_url=server.base_url) as client:
        assert "display_name" in client.get("/versioned/users/1").json()
        server.state.api_version = 1
        server.state.reset()  # back to the version it started with
        assert "display_name" in client.get("/versioned/users/1").json()
    with pytest.raises(ValueError, match="api_version"):
        DemoServer(api_version=3)


# ---- a stream: a shape per event name ---------------------------------------------------------

LIVE = "Demo/Live events"


def test_initialize_on_a_stream_learns_a_shape_per_event_name_and_its_drift(
    versioned: DemoServer, bare: Path
) -> None:
    url = versioned.base_url
    fast = ("--param", "count=10", "--param", "interval_ms=0")
    result = workbench_here("initialize", str(bare), LIVE, "--base-url", url, *fast)
    assert result.returncode == 0, result.stderr
    call = load_workspace(bare).providers[0].call("Live events")
    assert call is not None and call.shape is not None
    assert shape_to_toml_data(call.shape) == {
        "events": "object",
        "events.tick": "list",
        "events.tick[]": "object",
        "events.tick[].seq": "integer",
        "events.tick[].value": "number",
        "events.tick[].elapsed_ms": "integer",
        "events.status": "list",
        "events.status[]": "object",
        "events.status[].seq": "integer",
        "events.status[].state": "text",
        "events.status[].progress": "number",
    }
    versioned.state.api_version = 2  # the tick events' value is now called reading
    check = workbench_here("initialize", "--check", str(bare), LIVE, "--base-url", url, *fast)
    assert check.returncode == 8, check.stderr
    assert check.stdout.splitlines() == [
        f"{LIVE}: drifted",
        "  + events.tick[].reading: number",
        "  - events.tick[].value",
    ]
