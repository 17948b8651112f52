"""The `workbench` command in tests, two ways.

`workbench(...)` runs it as a user does: a fresh interpreter, the test's environment (its
WORKBENCH_HOME), an empty standard input unless one is given, UTF-8 output. Use it where
the process is what is tested: exit status, standard input, a terminal, signals, imports,
or several processes at once.

`workbench_here(...)` runs `workbench.cli.main` in the test's own process, with the same
standard input and the output captured: faster, and the test can move the clock that
tokens are judged by. Only from tests that are not coroutines (the command runs its
own event loop).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from workbench import cli
from workbench.core.secrets.store import forget_known_values


def command_line(*args: str) -> list[str]:
    """The command as a process starts it (for `subprocess.Popen` where a test talks to it)."""
    return [sys.executable, "-m", "workbench", *args]


def environment() -> dict[str, str]:
    """The test's environment (its WORKBENCH_HOME) with UTF-8 output."""
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def workbench(
    *args: str, stdin: str = "", timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The command in a fresh interpreter; its output as text."""
    return subprocess.run(
        command_line(*args),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=environment(),
    )


def workbench_bytes(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """The command in a fresh interpreter with an empty standard input; its output as bytes,
    exactly as written."""
    return subprocess.run(
        command_line(*args),
        input=b"",
        capture_output=True,
        timeout=timeout,
        env=environment(),
    )


class _Output(io.TextIOWrapper):
    """Standard output or error as the command sees it: text with the bytes under it
    (`.buffer`), written in the order they come."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def text(self) -> str:
        self.flush()
        written = self.buffer.getvalue()  # type: ignore[attr-defined]
        return written.decode("utf-8")  # type: ignore[no-any-return]


def workbench_here(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command run by `workbench.cli.main` in this process, its standard input piped from
    `stdin`, its output captured as text."""
    out, err = _Output(), _Output()
    forget_known_values()  # a fresh process knows no private value yet: it masks what it loads
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)  # piped: no terminal, no file descriptor
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exit:  # argparse's --help, --version and usage errors
                code = _exit_status(exit)
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["workbench", *args], code, out.text(), err.text())


def _exit_status(exit: SystemExit) -> int:
    """The status a process would exit with; a message in place of a status goes to stderr."""
    if exit.code is None or isinstance(exit.code, int):
        return exit.code or 0
    print(exit.code, file=sys.stderr)
    return 1
