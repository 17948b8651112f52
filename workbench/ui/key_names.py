"""The key that runs an action now, for hints and messages that name it: a `[keymap]` entry of
the user's config file may have moved it (see `workbench.ui.user_config`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.screen import Screen

_FUNCTION_KEY = re.compile(r"f\d+")


def key_name(screen: Screen[Any], action: str) -> str:
    """The first key bound to `action` on `screen` now, as the hints write it (`ctrl+j`,
    `F8`: a function key in capitals); "no key" when the keymap left it none."""
    for key, active in screen.active_bindings.items():
        if active.binding.action == action:
            *modifiers, name = key.split("+")
            return "+".join([*modifiers, name.upper() if _FUNCTION_KEY.fullmatch(name) else name])
    return "no key"


def in_effect(app: App[Any], bindings: Iterable[Binding]) -> list[Binding]:
    """`bindings` with the keys the app's keymap gives them: Textual applies the keymap only
    to the bindings a key press reaches, not to a class's `BINDINGS` read for a list."""
    bindings_map = BindingsMap(bindings)
    bindings_map.apply_keymap(app._keymap)  # no public getter of the keymap set
    return [binding for same_key in bindings_map.key_to_bindings.values() for binding in same_key]
