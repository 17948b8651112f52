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
    assert "workbench.core.request" in core_modules()
    assert "workbench.core.workspace" in core_modules()


def test_core_imports_neither_textual_nor_rich() -> None:
    imports = "; ".join(f"import {name}" for name in core_modules())
    check = (
        f"import sys; {imports}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
