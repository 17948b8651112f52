"""`workbench history`: list, show, diff and clear the history from a shell, and the JSON diff.

The entries come from real `workbench run`s against the demo API; the diff is checked on two
answers of "Get user" with a rename between them, so exactly one field is known to differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import workbench_here

from workbench.core.history import Change, ChangeKind, json_diff
from workbench.demo.server import DemoServer


def run(workspace: Path, name: str, url: str, *extra: str) -> None:
    result = workbench_here("run", str(workspace), name, "--base-url", url, *extra)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def sent(demo_workspace: Path, fresh_demo: DemoServer) -> Path:
    """Three entries: Get user, Rename user (Grace Hopper), Get user again."""
    for name in ("Demo/Get user", "Demo/Rename user", "Demo/Get user"):
        run(demo_workspace, name, fresh_demo.base_url)
    return demo_workspace


def test_the_list_shows_id_time_call_environment_status_and_duration(sent: Path) -> None:
    result = workbench_here("history", str(sent))
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "TIME", "CALL", "ENV", "STATUS", "DURATION"]
    assert [row.split()[0] for row in rows] == ["3", "2", "1"]  # newest first
    assert "Demo/Rename user" in rows[1] and "development" in rows[1] and " 200 " in rows[1]
    assert rows[0].endswith(" ms")
    # One call of the workspace, as JSON.
    listed = json.loads(workbench_here("history", str(sent), "Demo/Get user", "--json").stdout)
    assert [(e["id"], e["call"], e["status"]) for e in listed] == [
        (3, "Get user", 200),
        (1, "Get user", 200),
    ]
    assert listed[0]["method"] == "GET" and listed[0]["url"].endswith("/users/1")


def test_show_prints_the_request_and_the_response(sent: Path) -> None:
    result = workbench_here("history", "show", "2")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("#2 · Demo/Rename user · development · ")
    assert "PATCH http" in text and '{"name": "Grace Hopper"}' in text
    assert "HTTP/1.1 200 OK" in text and '"name": "Grace Hopper"' in text
    shown = json.loads(workbench_here("history", "show", "2", "--json").stdout)
    assert shown["parameters"] == {"id": "1", "name": "Grace Hopper"}
    assert shown["request"]["method"] == "PATCH" and shown["response"]["status"] == 200


def test_diff_names_exactly_the_changed_field(sent: Path) -> None:
    result = workbench_here("history", "diff", "1", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ['~ name: "Ada Lovelace" -> "Grace Hopper"']
    changes = json.loads(workbench_here("history", "diff", "1", "3", "--json").stdout)
    assert changes == [
        {"path": "name", "change": "changed", "old": "Ada Lovelace", "new": "Grace Hopper"}
    ]


def test_clear_removes_the_workspace_s_entries(sent: Path) -> None:
    result = workbench_here("history", "clear", str(sent))
    assert result.returncode == 0
    assert result.stdout == "Removed 3 entries of Demo from the history.\n"
    assert json.loads(workbench_here("history", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("show",), 2, "usage: workbench history show ID"),
        (("show", "x"), 2, "usage: workbench history show ID"),
        (("diff", "1"), 2, "usage: workbench history diff ID1 ID2"),
        (("show", "99"), 3, "There is no entry 99 in the history"),
        (("nowhere.toml",), 3, "nowhere.toml"),
    ],
)
def test_bad_usage_says_what_to_do(args: tuple[str, ...], code: int, message: str) -> None:
    result = workbench_here("history", *args)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_json_diff_names_added_removed_and_changed_values_by_path() -> None:
    old = {"data": [{"id": 1, "email": "a@x"}, {"id": 2}], "total": 2, "next": None}
    new = {"data": [{"id": 1, "email": "b@x", "tags": []}], "total": "2", "page": 1}
    assert json_diff(old, new) == [
        Change("data[0].email", ChangeKind.CHANGED, "a@x", "b@x"),
        Change("data[0].tags", ChangeKind.ADDED, new=[]),
        Change("data[1]", ChangeKind.REMOVED, old={"id": 2}),
        Change("total", ChangeKind.CHANGED, 2, "2"),
        Change("next", ChangeKind.REMOVED, old=None),
        Change("page", ChangeKind.ADDED, new=1),
    ]
    assert json_diff({"a": True}, {"a": 1}) == [Change("a", ChangeKind.CHANGED, True, 1)]
    assert json_diff({"content-type": 1}, {"content-type": 1}) == []
    assert json_diff({"content-type": 1}, {})[0].path == "['content-type']"
