"""How the screen says which values are the person's own (`NAME.local.toml`, their config
file's overrides) rather than the shared workspace's: a "(local)" note naming them and
where they come from."""

from __future__ import annotations

from collections.abc import Mapping

from workbench.core.workspace import ValueSlot

MARK = "(local)"
EDITED_HERE = "An edit here changes yours, not the shared one."


def own_note(own: Mapping[ValueSlot, str], *, edited_here: bool) -> str:
    """The note saying which values are the person's own: `(local) base URL, page: from
    team.local.toml` ("" when there are none). With `edited_here` (the values are in an
    editor): that they are the person's only, and that an edit changes them, on a second line.
    """
    if not own:
        return ""
    names = ", ".join("base URL" if slot.kind == "base_url" else slot.name for slot in own)
    sources = " and ".join(dict.fromkeys(own.values()))
    if not edited_here:
        return f"{MARK} {names}: from {sources}"
    return f"{MARK} {names}: yours only, from {sources}\n{EDITED_HERE}"
