"""Reading large bodies without freezing a user interface: decoding and JSON in short steps.

A 14 MB body is decoded, parsed and freed by thread workers while an event
loop keeps drawing the screen. Python threads share one interpreter lock
(the GIL), so no function here may hold it for long: big inputs are handled
in pieces of bounded size, each one C call, and other threads get the
interpreter back between them. The cyclic garbage collector is kept off
big parsed documents for the same reason (`long_lived_data`).
"""

from __future__ import annotations

import codecs
import gc
import json
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Characters handled by one C call (decoding, splitting, searching): about 5 ms at most.
PIECE = 1 << 20
# Bodies from this size on are parsed as `long_lived_data`; smaller ones need no care from the GC.
LARGE_BODY = 1 << 20
# JSON values up to this size are parsed in one C call; bigger ones are taken apart.
_SMALL_VALUE = 4 * 1024
_MEDIUM_VALUE = 64 * 1024
_WHITESPACE = re.compile(r"[ \t\n\r]*")

# Collecting this many objects holds the GIL for about 20 ms: more stay frozen.
_UNFREEZE_LIMIT = 300_000

IsCancelled = Callable[[], bool]


class Abandoned(Exception):
    """The work was cancelled (a newer response replaced this one); its result is not wanted."""


def never() -> bool:
    """The default `is_cancelled`: work that nobody cancels."""
    return False


class Owned:
    """A box for a big value that one place owns: emptying it lets the value go
    even while workers or messages still hold the box."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


class _Collector:
    """What the GC helpers below share between threads."""

    condition = threading.Condition()  # guards every field below
    discarded: list[Owned] = []  # documents waiting to be freed
    releasing = 0  # documents being freed now
    builds = 0  # `long_lived_data` blocks running now
    was_enabled = True


@contextmanager
def long_lived_data() -> Iterator[None]:
    """Build big, long-lived data (a parsed body) without the cyclic GC walking it.

    A full collection traverses every container alive and holds the GIL
    meanwhile: with a parsed 14 MB document that is a million containers and
    100-170 ms of frozen UI, whichever thread triggers it. So the collector
    is off while the data is built, and then everything alive moves to the
    permanent generation (`gc.freeze`), which later collections skip. JSON
    data has no reference cycles, so reference counting frees it (`discard`).
    The next build hands the frozen objects back (`gc.unfreeze`) and collects
    once, after the discarded documents are gone, so that other garbage is
    not kept forever; while a big document is still alive (the session keeps
    every call's latest data), they stay frozen, as collecting them would
    walk it all.
    """
    release_discarded()
    with _Collector.condition:
        _Collector.condition.wait_for(lambda: _Collector.releasing == 0)
        first = _Collector.builds == 0
        _Collector.builds += 1
        if first:
            _Collector.was_enabled = gc.isenabled()
    if first:  # outside the lock: the event loop may call `discard` meanwhile
        if gc.get_freeze_count() <= _UNFREEZE_LIMIT:
            gc.unfreeze()
        gc.collect()
        gc.disable()
    try:
        yield
    finally:
        with _Collector.condition:
            _Collector.builds -= 1
            if _Collector.builds == 0:
                gc.freeze()
                if _Collector.was_enabled:
                    gc.enable()


def discard(owned: Owned) -> None:
    """Hand a big document over to be freed by `release_discarded` (cheap: call it anywhere)."""
    with _Collector.condition:
        _Collector.discarded.append(Owned(owned.value))
    owned.value = None


def release_discarded() -> None:
    """Free the discarded documents in small steps (run it in a thread).

    Freeing a 14 MB document at once holds the GIL for ~90 ms; here its
    containers are emptied one at a time, so the event loop runs in between.
    A container someone else still refers to (say a value the shell kept
    from `NodeSelected`) is left whole: its reference count tells.
    """
    while True:
        with _Collector.condition:
            if not _Collector.discarded:
                return
            stack: list[object] = [_Collector.discarded.pop().value]
            _Collector.releasing += 1
        try:
            while stack:
                container = stack.pop()
                # Two references, `container` and getrefcount's argument; more: it is shared.
                if not isinstance(container, dict | list) or sys.getrefcount(container) > 2:
                    continue
                children = container.values() if isinstance(container, dict) else container
                stack.extend(child for child in children if isinstance(child, dict | list))
                container.clear()
        finally:
            with _Collector.condition:
                _Collector.releasing -= 1
                _Collector.condition.notify_all()


# Bodies ------------------------------------------------------------------------------------


def charset_of(content_type: str | None) -> str:
    """The charset a Content-Type header names, or utf-8."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def decode_text(body: bytes, charset: str = "utf-8") -> str:
    """Bytes as text, piece by piece; undecodable bytes become U+FFFD, a BOM is dropped."""
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    if codecs.lookup(charset).name == "utf-8":
        charset = "utf-8-sig"
    decoder = codecs.getincrementaldecoder(charset)(errors="replace")
    view = memoryview(body)
    pieces = [decoder.decode(view[i : i + PIECE]) for i in range(0, len(body), PIECE)]
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


# JSON --------------------------------------------------------------------------------------


def parse_json(text: str, is_cancelled: IsCancelled = never) -> object:
    """`json.loads(text)`, in steps that each hold the GIL only briefly.

    `json.loads` of 14 MB holds the GIL for about 0.3 s, freezing the UI.
    Here every value up to 64 KB is one C call (`raw_decode` on a bounded
    slice); only bigger objects and arrays are walked in Python, so each
    step is short and the event loop runs in between. Raises
    `json.JSONDecodeError` with the position in the whole text.
    """
    parser = _StepwiseParser(text, is_cancelled)
    value, end = parser.value(parser.skip(0))
    end = parser.skip(end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


class _StepwiseParser:
    def __init__(self, text: str, is_cancelled: IsCancelled) -> None:
        self.text = text
        self.decode = json.JSONDecoder().raw_decode
        self.is_cancelled = is_cancelled
        self.steps = 0

    def skip(self, position: int) -> int:
        return _WHITESPACE.match(self.text, position).end()  # type: ignore[union-attr]

    def value(self, position: int) -> tuple[object, int]:
        self.steps += 1
        if self.steps % 4096 == 0 and self.is_cancelled():
            raise Abandoned
        text = self.text
        for size in (_SMALL_VALUE, _MEDIUM_VALUE):
            piece = text[position : position + size]
            whole = position + size >= len(text)
            try:
                value, end = self.decode(piece)
            except json.JSONDecodeError as error:
                if whole:
                    raise json.JSONDecodeError(error.msg, text, position + error.pos) from None
                continue
            # A value ending exactly at the cut may be a number cut short: try more text.
            if end < len(piece) or whole:
                return value, position + end
        if text.startswith("{", position):
            return self.container(position, "}", self.member)
        if text.startswith("[", position):
            return self.container(position, "]", self.item)
        return self.decode(text, position)  # a huge string: one C call is all it takes

    def container(
        self, position: int, close: str, read: Callable[[Any, int], int]
    ) -> tuple[object, int]:
        text = self.text
        result: dict[str, object] | list[object] = {} if close == "}" else []
        position = self.skip(position + 1)
        if text.startswith(close, position):
            return result, position + 1
        while True:
            position = self.skip(read(result, position))
            if text.startswith(close, position):
                return result, position + 1
            if not text.startswith(",", position):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
            position = self.skip(position + 1)

    def member(self, result: dict[str, object], position: int) -> int:
        if not self.text.startswith('"', position):
            message = "Expecting property name enclosed in double quotes"
            raise json.JSONDecodeError(message, self.text, position)
        key, position = self.decode(self.text, position)
        position = self.skip(position)
        if not self.text.startswith(":", position):
            raise json.JSONDecodeError("Expecting ':' delimiter", self.text, position)
        result[key], position = self.value(self.skip(position + 1))
        return position

    def item(self, result: list[object], position: int) -> int:
        value, position = self.value(position)
        result.append(value)
        return position


def parse_json_bytes(body: bytes, is_cancelled: IsCancelled = never) -> object:
    """`json.loads(body)` in short steps: UTF-8, -16 or -32 (with or without a BOM) as
    `json.loads` detects them. Raises `json.JSONDecodeError` or `UnicodeDecodeError`."""
    text = body.decode(json.detect_encoding(body), "surrogatepass")
    return parse_json(text, is_cancelled)
