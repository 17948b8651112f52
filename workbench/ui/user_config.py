"""The user's config file as the TUI reads it: checked against the TUI's binding ids and themes.

The core reads the file (`workbench.core.config`) without knowing Textual; the names a
`[keymap]` entry and `theme` may use are the TUI's, so they are checked here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from textual import constants
from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from workbench.core.config import Config, load_config
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.body_view import BodyView
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.response_view import ResponseView
from workbench.ui.widgets.rows_editor import RowsEditor
from workbench.ui.widgets.workspace_tree import WorkspaceTree

# Textual accepts a key's character for some keys; its bindings use the long names.
_LONG_NAMES = {"?": "question_mark", "<": "less_than_sign", ">": "greater_than_sign"}
# The classes whose bindings have ids: the app's and the main screen's, which act anywhere,
# then the widgets', which act where the focus is (two of those may share a key).
_EVERYWHERE = (WorkbenchApp, MainScreen)
_REBINDABLE = (*_EVERYWHERE, WorkspaceTree, ResponseView, JsonTree, BodyView, RowsEditor)


class Rebindable(NamedTuple):
    """A binding a `[keymap]` entry may rebind: its default keys (comma-separated), what it
    does, and where it acts ("" everywhere, else the widget's class name)."""

    keys: str
    description: str
    where: str = ""


def binding_ids() -> dict[str, Rebindable]:
    """Each binding id a `[keymap]` entry may name, in the order the app declares them."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    where: dict[str, str] = {}
    for cls in _REBINDABLE:
        for binding in Binding.make_bindings(cls.BINDINGS):
            if binding.id is not None:
                keys.setdefault(binding.id, []).append(binding.key)
                descriptions.setdefault(binding.id, binding.tooltip or binding.description)
                where[binding.id] = "" if cls in _EVERYWHERE else cls.__name__
    return {
        binding_id: Rebindable(",".join(bound), descriptions[binding_id], where[binding_id])
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
    binding ids and themes, and keys a `[keymap]` entry takes from another binding."""
    bindings = binding_ids()
    config = load_config(path, binding_ids=bindings.keys(), themes=theme_names())
    return replace(config, problems=config.problems + taken_keys(config, bindings))


def taken_keys(config: Config, bindings: dict[str, Rebindable]) -> tuple[str, ...]:
    """A message for each key a `[keymap]` entry gives its binding that another binding has
    by default and keeps (not moved by the keymap too): that one loses it."""
    in_effect = {
        binding_id: config.keymap.get(binding_id, default.keys)
        for binding_id, default in bindings.items()
    }
    taken: list[str] = []
    for binding_id, keys in config.keymap.items():
        for key in _keys(keys):
            for other, other_keys in in_effect.items():
                # Two widgets' keys only meet when one of them acts everywhere.
                places = {bindings[binding_id].where, bindings[other].where}
                apart = "" not in places and len(places) == 2
                if other != binding_id and not apart and key in _keys(other_keys):
                    taken.append(
                        f'{config.path}: keymap > {binding_id}: "{key}" is also the key of '
                        f"{other} ({bindings[other].description}), which loses it; give one "
                        "of them another key"
                    )
    return tuple(taken)


def _keys(keys: str) -> list[str]:
    """The keys of a binding's key string, in Textual's long names ("?" is question_mark)."""
    return [_LONG_NAMES.get(key.strip(), key.strip()) for key in keys.split(",")]
