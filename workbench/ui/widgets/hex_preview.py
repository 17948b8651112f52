"""Binary bodies: telling them from text, and the hex preview the Body tab shows instead.

Pure Python (no Textual): the response view's worker calls it off the event loop.
"""

from __future__ import annotations

import codecs

from workbench.core.workspace import ResponseType

PREVIEW_BYTES = 4096
ROW_SIZES = (16, 8, 4)  # bytes a line, the widest first: 16 take 78 columns, 8 take 45
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


def hex_dump(data: bytes, limit: int = PREVIEW_BYTES, row_size: int = 16) -> str:
    """The first `limit` bytes as rows of offset, `row_size` hex bytes (in groups of 8) and
    their printable ASCII."""
    rows = []
    for offset in range(0, min(len(data), limit), row_size):
        row = data[offset : offset + row_size]
        groups = (row[start : start + 8] for start in range(0, row_size, 8))
        hex_part = "  ".join(f"{group.hex(' '):<{min(row_size, 8) * 3 - 1}}" for group in groups)
        printable = "".join(chr(byte) if 32 <= byte < 127 else "." for byte in row)
        rows.append(f"{offset:08x}  {hex_part}  |{printable}|")
    if len(data) > limit:
        rows.append(f"… {len(data) - limit:,} more bytes not shown")
    return "\n".join(rows)


def row_size_for(columns: int) -> int:
    """The most bytes a line whose dump fits in `columns` (the fewest when none fits)."""
    fitting = (size for size in ROW_SIZES if _line_width(size) <= columns)
    return next(fitting, ROW_SIZES[-1])


def _line_width(row_size: int) -> int:
    return len(hex_dump(bytes(row_size), row_size=row_size))
