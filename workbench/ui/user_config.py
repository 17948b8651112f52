"""The user's config file as the TUI reads it: checked against the TUI's binding ids and themes.

The core reads the file (`workbench.core.config`) without knowing Textual; the names a
`[keymap]` entry and `theme` may use are the TUI's, so they are checked here.
"""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from workbench.core.config import Config, load_config
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen

# The classes whose bindings have ids: the app's and the main screen's.
_REBINDABLE = (WorkbenchApp, MainScreen)


def binding_ids() -> dict[str, str]:
    """Each binding id a `[keymap]` entry may name, with the keys bound to it by default."""
    keys: dict[str, list[str]] = {}
    for cls in _REBINDABLE:
        for binding in Binding.make_bindings(cls.BINDINGS):
            if binding.id is not None:
                keys.setdefault(binding.id, []).append(binding.key)
    return {binding_id: ",".join(bound) for binding_id, bound in keys.items()}


def theme_names() -> frozenset[str]:
    """The themes `theme` may name: Textual's own (the app adds none)."""
    return frozenset(BUILTIN_THEMES)


def load_user_config(path: Path | None = None) -> Config:
    """The config file (default: where `config_path()` says), its problems including unknown
    binding ids and themes."""
    return load_config(path, binding_ids=binding_ids().keys(), themes=theme_names())
