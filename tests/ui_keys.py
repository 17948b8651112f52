"""Keys and text for Pilot tests, for when how fast they come is not what is tested.

`pilot.press` waits for the app to go idle after each key (about 70 ms a key here):
right for the tests that walk the tree and the palette key by key, slow for typing a
name or a value. `type_text` types as a fast typist does and `paste` as a terminal
pastes; both reach the focused widget as the user's own keys or paste would.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot


def type_fast(app: App[None], *keys: str) -> None:
    """Queue `keys` the way a fast typist (or a held key) does: all before the app handles one.

    `pilot.press` waits for the app to be idle after each key, which hides
    what happens when the tree moves again before the screen has heard of its
    previous move.
    """
    for key in keys:
        app.post_message(events.Key(key, None))


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the focused widget, every key queued at once, and wait until the
    widget has handled them all (and its parents what it told them)."""
    for character in text:
        key = character if character.isalnum() else _character_to_key(character)
        pilot.app.post_message(events.Key(key, character))
    # The app hands the keys on to the focused widget; a pause started after that runs
    # behind them in the widget's queue, and one more behind what they posted.
    for _ in range(3):
        await pilot.pause()


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste `text` as a terminal does: the app hands it to the focused widget."""
    pilot.app.post_message(events.Paste(text))
    for _ in range(2):
        await pilot.pause()
