"""Binary bodies: telling them from text, and the hex preview the Body tab shows instead.

Pure Python (no Textual): the response view's worker calls it off the event loop.
"""

from __future__ import annotations

import codecs

from workbench.core.workspace import ResponseType

PREVIEW_BYTES = 4096
_ROW = 16
_BINARY_TYPES = (
    *("image/", "audio/", "video/", "font/"),
    *("application/octet-stream", "application/pdf", "application/zip", "application/gzip"),
)
_TEXT_SUFFIXES = ("json", "xml", "javascript", "x-www-form-urlencoded")


def is_binary(body: bytes, content_type: str, response_type: ResponseType) -> bool:
    """Whether a body is shown as bytes: by response type, media type, NULs or invalid UTF-8.

    `content_type` is the media type alone, lower case (`Exchange.content_type`).
    """
    if response_type is ResponseType.BINARY or content_type.startswith(_BINARY_TYPES):
        return True
    sample = body[:PREVIEW_BYTES]
    if b"\x00" in sample:
        return True
    if content_type.startswith("text/") or content_type.endswith(_TEXT_SUFFIXES):
        return False  # declared text, maybe in a legacy charset
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(body) <= PREVIEW_BYTES)
    except UnicodeDecodeError:
        return True
    return False


def hex_dump(data: bytes, limit: int = PREVIEW_BYTES) -> str:
    """The first `limit` bytes as rows of offset, 16 hex bytes and their printable ASCII."""
    rows = []
    for offset in range(0, min(len(data), limit), _ROW):
        row = data[offset : offset + _ROW]
        hex_part = f"{row[:8].hex(' '):<23}  {row[8:].hex(' '):<23}"
        printable = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in row)
        rows.append(f"{offset:08x}  {hex_part}  |{printable}|")
    if len(data) > limit:
        rows.append(f"… {len(data) - limit:,} more bytes not shown")
    return "\n".join(rows)
