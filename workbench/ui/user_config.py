"""The user's config file as the TUI reads it: checked against the TUI's binding ids and themes.

The core reads the file (`workbench.core.config`) without knowing Textual; the names a
`[keymap]` entry and `theme` may use are the TUI's, so they are checked here.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from textual import constants
from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from workbench.core.config import Config, load_config
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen

# The classes whose bindings have ids: the app's and the main screen's.
_REBINDABLE = (WorkbenchApp, MainScreen)


class Rebindable(NamedTuple):
    """A binding a `[keymap]` entry may rebind: its default keys (comma-separated), what it does."""

    keys: str
    description: str


def binding_ids() -> dict[str, Rebindable]:
    """Each binding id a `[keymap]` entry may name, in the order the app declares them."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for cls in _REBINDABLE:
        for binding in Binding.make_bindings(cls.BINDINGS):
            if binding.id is not None:
                keys.setdefault(binding.id, []).append(binding.key)
                descriptions.setdefault(binding.id, binding.tooltip or binding.description)
    return {
        binding_id: Rebindable(",".join(bound), descriptions[binding_id])
        for binding_id, bound in keys.items()
    }


def theme_names() -> frozenset[str]:
    """The themes `theme` may name: Textual's own (the app adds none)."""
    return frozenset(BUILTIN_THEMES)


def default_theme() -> str:
    """The theme when the config file names none: Textual's default (or $TEXTUAL_THEME)."""
    return constants.DEFAULT_THEME


def load_user_config(path: Path | None = None) -> Config:
    """The config file (default: where `config_path()` says), its problems including unknown
    binding ids and themes."""
    return load_config(path, binding_ids=binding_ids().keys(), themes=theme_names())
