"""Lazy package faces: a package's public names, imported from its modules on first use.

Each package of the core (`workspace`, `shape`, `sending`, `secrets`) has one
public face, its `__init__`, that the CLI and the UI import from. Importing
its modules eagerly there would load the HTTP stack at start-up, and would
turn the packages' mutual use (a workspace's model has shapes; a shape's
initialize edits a workspace) into import circles. So a face names where
each public name lives, and `__getattr__` (PEP 562) imports it when asked.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_face(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """`__getattr__`, `__dir__` and `__all__` for `package`, whose `exports` map each of its
    modules (relative name) to the public names it defines."""
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(home)

    return __getattr__, __dir__, sorted(home)
