"""The real `workbench` TUI in a real terminal: tmux at 80x24 with TERM=xterm-256color, keys only.

Skipped where tmux is not installed (CI installs nothing with apt). Each test
runs its own tmux server (`-L`), so a tmux the user has open is never touched.
"""

from __future__ import annotations

import os
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
            ["tmux", "-L", self.server, *args], capture_output=True, text=True, timeout=10
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


def start(arguments: list[str], home: Path) -> Terminal:
    """`workbench ARGUMENTS` in tmux at 80x24 as xterm-256color, the secret store in `home`."""
    environment = {
        "TERM": "xterm-256color",
        "WORKBENCH_HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(home)),
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
