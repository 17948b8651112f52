"""The `workbench` command run as a user runs it: a fresh interpreter, the test's environment
(its WORKBENCH_HOME), an empty standard input unless one is given, UTF-8 output."""

from __future__ import annotations

import os
import subprocess
import sys


def workbench(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
