"""The core must stay headless: importing it must not pull in Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import workbench.core


def core_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(workbench.core.__path__, prefix="workbench.core.")
    )


def test_core_has_modules_to_check() -> None:
    assert "workbench.core.sending.request" in core_modules()
    assert "workbench.core.workspace.io" in core_modules()


def test_core_imports_neither_textual_nor_rich() -> None:
    imports = "; ".join(f"import {name}" for name in core_modules())
    # httpx imports Rich for its own command line when click is installed (import-linter
    # brings click): those modules are httpx's, loaded first so that only ours are counted.
    check = (
        "import sys, httpx; "
        "before = set(sys.modules); "
        f"{imports}; "
        "bad = sorted(m for m in set(sys.modules) - before "
        "if m.split('.')[0] in ('textual', 'rich')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
