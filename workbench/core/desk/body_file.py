"""Saving the shown response's body to a file the user names (images and binary data too).

The name offered comes from the URL's last segment, with an extension from the
content type when it has none. Private values known to the process that came
back in the body are masked unless the user revealed them on screen; an
existing file is replaced only when the user says so, and atomically.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from workbench.core.desk.ask import NO, Choice
from workbench.core.desk.response import Answered
from workbench.core.files import atomic_write
from workbench.core.secrets.masking import Masker
from workbench.core.sending.exchange import format_size

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk
    from workbench.core.sending.exchange import Exchange

REPLACE = Choice("r", "Replace it", "replace", "error")


async def save_body(desk: Desk, *, revealing: bool, folder: Path | None = None) -> Path | None:
    """Ask where to save the body of the answer shown and save it there; the path, or None
    when nothing was saved. Relative names are taken from `folder` (default: the current
    directory)."""
    if not isinstance(desk.response, Answered) or not desk.response.result.exchange.body:
        desk.ask.tell("No response body to save.", severity="warning")
        return None
    exchange = desk.response.result.exchange
    base = folder or Path.cwd()
    name = await desk.ask.name(
        "Save the body to", suggested_name(exchange), lambda text: _problem(base, text)
    )
    if name is None:
        return None
    path = base / Path(name).expanduser()
    if path.exists():
        question = f"{path} exists. Replace it with this body?"
        if await desk.ask.choose("Replace the file?", question, [REPLACE, NO]) != "replace":
            return None
    body = exchange.body if revealing else Masker.known().bytes(exchange.body)
    try:
        atomic_write(path, body)
    except OSError as error:
        desk.ask.tell(f"Not saved: {error.strerror or error} ({path}).", severity="error")
        return None
    masked = "" if revealing or body == exchange.body else " (private values masked)"
    desk.ask.tell(f"Saved the body to {path}, {format_size(len(body))}{masked}.")
    return path


def suggested_name(exchange: Exchange) -> str:
    """`users.json` for `.../users` answered with JSON; `response` with an extension when the
    URL gives no name."""
    url = exchange.url or exchange.request.url
    name = PurePosixPath(unquote(urlsplit(url).path)).name or "response"
    if not PurePosixPath(name).suffix:
        media_type = exchange.content_type
        extension = ".json" if media_type.endswith("json") else None
        name += extension or mimetypes.guess_extension(media_type) or ".txt"
    return name


def _problem(base: Path, text: str) -> str | None:
    if not text.strip():
        return "Give a file name."
    path = base / Path(text).expanduser()
    if path.is_dir():
        return f"{path} is a folder: give a file name."
    if not path.parent.is_dir():
        return f"There is no folder {path.parent}."
    return None
