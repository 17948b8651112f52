"""The real `workbench` TUI in a real terminal: tmux at 80x24 with TERM=xterm-256color, keys only.

Skipped where tmux is not installed (CI installs nothing with apt). Each test
runs its own tmux server (`-L`) in its default configuration (`-f /dev/null`:
prefix ctrl+b), so a tmux the user has open, or their tmux.conf, is never touched.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_process import command_line

from tests.ui_wait import wait_until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[1]


class Terminal:
    """A detached tmux session running one command, read with `capture-pane`."""

    def __init__(self, command: list[str], environment: dict[str, str]) -> None:
        self.server = f"workbench-test-{uuid.uuid4().hex[:8]}"
        assignments = [f"{k}={v}" for k, v in environment.items()]
        line = shlex.join(["env", *assignments, *command])
        self.tmux("new-session", "-d", "-s", "main", "-x", "80", "-y", "24", line)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.server, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """The screen once `text` is on it."""
        try:
            wait_until(lambda: text in self.screen(), timeout=timeout)
        except AssertionError:
            screen = self.screen()
            raise AssertionError(f"{text!r} not on screen after {timeout} s:\n{screen}") from None
        return self.screen()

    def close(self) -> None:
        self.tmux("kill-server")


def start(arguments: list[str], home: Path, **variables: str) -> Terminal:
    """`workbench ARGUMENTS` in tmux at 80x24 as xterm-256color, the secret store in `home`,
    with the environment `variables` (EDITOR, PAGER) added."""
    environment = {
        "TERM": "xterm-256color",
        "WORKBENCH_HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(home)),
        **variables,
    }
    return Terminal(command_line(*arguments), environment)


@pytest.fixture
def terminal(tmp_path: Path, demo_url: str, isolated_home: Path) -> Iterator[Terminal]:
    workspace = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", workspace)
    terminal = start([str(workspace), "--base-url", demo_url], isolated_home)
    try:
        yield terminal
    finally:
        terminal.close()


def test_select_and_send_a_call_with_keys(terminal: Terminal) -> None:
    screen = terminal.wait_for("env development")
    assert "List users" in screen
    assert len(screen.splitlines()[0]) <= 80
    terminal.keys("Down", "Down")  # the workspace, its provider, then the first call
    terminal.wait_for("/users")  # the call editor shows the call's URL
    terminal.keys("C-j")
    terminal.wait_for("200 OK")
    terminal.wait_for("total: 25")  # a field of the body, in the JSON tree
    terminal.keys("C-q")
    # Quit at once: nothing was edited.
    wait_until(lambda: "List users" not in terminal.screen(), timeout=10, what="the TUI to quit")


def test_demo_command_opens_the_tui_on_its_own_server(isolated_home: Path) -> None:
    terminal = start(["demo"], isolated_home)
    try:
        terminal.wait_for("env development")
        terminal.keys("Down", "Down")
        terminal.wait_for("/users")
        terminal.keys("C-j")
        terminal.wait_for("total: 25")  # answered by the demo API the command started
    finally:
        terminal.close()


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_hide_the_tree_jump_to_the_json_tree_copy_a_value_and_page_the_response(
    tmp_path: Path, demo_url: str, isolated_home: Path
) -> None:
    workspace = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", workspace)
    arguments = [str(workspace), "--base-url", demo_url, "--open", "Demo/List users"]
    terminal = start(arguments, isolated_home, PAGER="less", LESS="")
    raw = tmp_path / "pane-output"
    try:
        terminal.tmux("pipe-pane", "-o", "-t", "main", f"cat >> {shlex.quote(str(raw))}")
        terminal.wait_for("env development")
        terminal.keys("C-j")
        terminal.wait_for("total: 25")
        terminal.keys("F2")  # the tree has the focus: F2 hides it
        wait_until(lambda: "GET  Get user" not in terminal.screen(), what="the tree hidden")
        terminal.keys("C-o")
        terminal.wait_for("1JSON")  # the jump letters, drawn before each tab and field
        terminal.keys("1")
        terminal.wait_for("y Copy")  # the JSON tree's keys in the footer: it has the focus
        terminal.keys("Down", "y")  # its first child, `data`
        terminal.wait_for("Copied the value at data")

        def copied() -> list[bytes]:
            return re.findall(rb"\x1b]52;c;([A-Za-z0-9+/=]+)", raw.read_bytes())

        wait_until(lambda: raw.exists() and copied(), what="an OSC 52 sequence")
        users = json.loads(base64.b64decode(copied()[-1]))
        assert [user["id"] for user in users] == list(range(1, 11))

        terminal.keys("F10")  # in the response: the response in $PAGER
        paged = terminal.wait_for("HTTP/1.1 200 OK")
        assert "Content-Type: application/json" in paged and '"data": [' in paged
        terminal.keys("q")
        terminal.wait_for("total: 25")  # back in the app, as it was
    finally:
        terminal.close()


def test_the_body_is_edited_in_editor_and_read_back(
    tmp_path: Path, demo_url: str, isolated_home: Path
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i "s/<message>/edited in \\$EDITOR/" "$1"\n')
    editor.chmod(0o755)
    workspace = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", workspace)
    arguments = [str(workspace), "--base-url", demo_url, "--open", "Demo/Echo"]
    terminal = start(arguments, isolated_home, EDITOR=str(editor))
    try:
        terminal.wait_for("env development")
        terminal.keys("F3", "F10")  # from the URL field: the call's body
        terminal.wait_for('"message": "edited in $EDITOR"')
        # A key typed in the first moments after the editor hands the terminal back can be
        # lost while Textual starts reading input again: ctrl+s is pressed until it saves.
        for _ in range(20):
            terminal.keys("C-s")
            try:
                wait_until(lambda: "edited in $EDITOR" in workspace.read_text(), timeout=0.5)
                break
            except AssertionError:
                continue
        assert "edited in $EDITOR" in workspace.read_text()
    finally:
        terminal.close()
