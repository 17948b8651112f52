"""Bodies of every kind and size: /large, /binary, /image, /xml, /text.

Generated content is deterministic (the same request gives the same bytes)
and streamed in chunks, so a 100 MB body never sits in the server's memory.
"""

from __future__ import annotations

import functools
import json
import struct
import zlib
from collections.abc import Iterator

from workbench.demo.messages import HTTPError, Request, Response
from workbench.demo.router import Router

MAX_BODY_BYTES = 100 * 1024 * 1024
MIN_LARGE_BYTES = 64
CHUNK_BYTES = 64 * 1024

_FIRST = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Dennis")
_LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Ritchie")
_TAGS = ("red", "green", "blue", "alpha", "beta", "gamma")

XML_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<catalog generated="2024-05-01T12:00:00Z" count="3">
  <book id="bk101" available="true">
    <title lang="en">XML Developer's Guide</title>
    <author><first>Matthew</first><last>Gambardella</last></author>
    <price currency="EUR">44.95</price>
    <tags><tag>computer</tag><tag>reference</tag></tags>
  </book>
  <book id="bk102" available="false">
    <title lang="fr">Le Petit Prince</title>
    <author><first>Antoine</first><last>de Saint-Exup\u00e9ry</last></author>
    <price currency="EUR">7.50</price>
    <tags><tag>fiction</tag></tags>
  </book>
  <book id="bk103" available="true">
    <title lang="en">Midnight Rain</title>
    <author><first>Kim</first><last>Ralls</last></author>
    <price currency="USD">5.95</price>
    <tags/>
  </book>
</catalog>
"""

TEXT_DOCUMENT = """The workbench demo API answers on loopback, so every call works offline.
Try /users, /echo, /status/418, /redirect/3, /slow?seconds=2, /large?mb=14.
Non-ASCII text survives the round trip: na\u00efve caf\u00e9, \u00fcber, \u65e5\u672c\u8a9e.
"""


def register(router: Router) -> None:
    router.add("GET", "/large", large)
    router.add("GET", "/binary", binary)
    router.add("GET", "/image", image)
    router.add("GET", "/xml", xml)
    router.add("GET", "/text", text)


def large(request: Request) -> Response:
    """A JSON document of exactly the asked size: /large?bytes=14000000 or /large?mb=14."""
    if request.query_value("bytes") is not None and request.query_value("mb") is not None:
        raise HTTPError(400, "give either 'bytes' or 'mb', not both")
    if request.query_value("mb") is not None:
        mb = request.query_float("mb", 1.0, 0.001, MAX_BODY_BYTES / 1024 / 1024)
        size = int(mb * 1024 * 1024)
    else:
        size = request.query_int("bytes", 1024 * 1024, MIN_LARGE_BYTES, MAX_BODY_BYTES)
    return Response(body=_large_document(size), content_type="application/json", length=size)


def _item(index: int) -> bytes:
    item = {
        "id": index,
        "name": f"{_FIRST[index % len(_FIRST)]} {_LAST[index // len(_FIRST) % len(_LAST)]}",
        "email": f"user{index}@example.com",
        "score": round(index * 37 % 10_000 / 100, 2),
        "active": index % 3 != 0,
        "tags": [_TAGS[(index + offset) % len(_TAGS)] for offset in range(index % 4)],
        "nested": {"a": {"b": {"c": index, "label": f"item-{index}"}}},
    }
    return json.dumps(item).encode("utf-8")


def _large_document(size: int) -> Iterator[bytes]:
    """`size` bytes of JSON: {"items": [...], "count": N}, padded with whitespace to be exact.

    Knowing the exact size up front lets the response carry a Content-Length,
    so clients can show real progress.
    """
    prefix = b'{"items": ['
    # Room for the closing text with the widest count this size could ever reach.
    reserve = len(b'], "count": }') + len(str(size))
    pending, pending_bytes = [prefix], len(prefix)
    written, count = 0, 0
    while True:
        piece = (b", " if count else b"") + _item(count + 1)
        if written + pending_bytes + len(piece) + reserve > size:
            break
        pending.append(piece)
        pending_bytes += len(piece)
        count += 1
        if pending_bytes >= CHUNK_BYTES:
            yield b"".join(pending)
            written += pending_bytes
            pending, pending_bytes = [], 0
    suffix = b'], "count": %d}' % count
    padding = size - written - pending_bytes - len(suffix)
    yield b"".join(pending) + b" " * padding + suffix


def binary(request: Request) -> Response:
    """Deterministic bytes 0x00..0xFF repeated: /binary?bytes=4096."""
    size = request.query_int("bytes", 4096, 0, MAX_BODY_BYTES)
    return Response(body=_binary_chunks(size), content_type="application/octet-stream", length=size)


def _binary_chunks(size: int) -> Iterator[bytes]:
    block = bytes(range(256)) * (CHUNK_BYTES // 256)
    for start in range(0, size, CHUNK_BYTES):
        yield block[: min(CHUNK_BYTES, size - start)]


def image(request: Request) -> Response:
    """A small valid PNG: a 16x16 checkerboard."""
    return Response(body=_checkerboard_png(), content_type="image/png")


@functools.cache
def _checkerboard_png(side: int = 16) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    # Each scanline starts with filter type 0, then one RGB triple per pixel.
    rows = b"".join(
        b"\x00"
        + b"".join(
            b"\x2a\x6f\xdb" if (x // 4 + y // 4) % 2 else b"\xf5\xf5\xf5" for x in range(side)
        )
        for y in range(side)
    )
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def xml(request: Request) -> Response:
    return Response(
        body=XML_DOCUMENT.encode("utf-8"), content_type="application/xml; charset=utf-8"
    )


def text(request: Request) -> Response:
    return Response(body=TEXT_DOCUMENT.encode("utf-8"), content_type="text/plain; charset=utf-8")
