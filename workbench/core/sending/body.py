"""Encoding a call's body: JSON, form, multipart or raw, from its template and body parameters.

`values` are the texts substituted for `<name>` placeholders in the
template; `fields` are the body parameters the template does not mention,
which become fields of their own (merged into a JSON object, form fields,
multipart parts). Nothing here sends anything. A file to upload is not read here: it becomes
an `UploadFile`, which httpx reads in chunks while sending (so memory stays flat whatever
its size, up to `MAX_UPLOAD_BYTES`). Which file a path names, and whether it may be read, is
the caller's `UploadCheck` (the session's trust rules).
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

from workbench.core.errors import RequestBuildError
from workbench.core.sending.template import fill_json, fill_text
from workbench.core.workspace.model import BodyType, Call, Parameter

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
TEXT_TYPE = "text/plain"
_UNKNOWN_FILE_TYPE = "application/octet-stream"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# Resolves the text of a file parameter to the file to read, raising when it may not be read.
UploadCheck = Callable[[Parameter, str], Path]

# A body parameter not named in the template, with its value.
Field = tuple[Parameter, str]


class UploadFile:
    """A file to upload, open only while httpx reads it.

    httpx seeks to the start before each send (a retry after 401, a followed 307) and reads
    in chunks; this never reads past the size the file had when the call was built, so the
    Content-Length sent stays true if the file grows meanwhile. The file is closed at its
    end, or by `close()` when a send stops early.
    """

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        self._position = 0
        self._handle: BinaryIO | None = None

    def read(self, size: int = -1) -> bytes:
        remaining = self.size - self._position
        if remaining <= 0:
            self.close()
            return b""
        if self._handle is None:
            self._handle = self.path.open("rb")
            self._handle.seek(self._position)
        data = self._handle.read(remaining if size < 0 else min(size, remaining))
        self._position += len(data)
        if not data or self._position >= self.size:
            self.close()
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        # httpx learns the length with seek(0, SEEK_END) and tell(), then rewinds.
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        self._position = base + offset
        if self._handle is not None:
            self._handle.seek(self._position)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@dataclass(frozen=True)
class Part:
    """One part of a multipart body: a plain field (no filename) or an uploaded file."""

    name: str
    filename: str | None
    content: bytes | UploadFile
    content_type: str | None

    def summary(self) -> str:
        """The part as the request view shows it: a field's value, or what file is sent."""
        if isinstance(self.content, UploadFile):
            size = self.content.size
            return f"{self.name}: file {self.filename} ({self.content_type}, {size} bytes)"
        return f"{self.name}: {self.content.decode('utf-8', 'replace')}"


@dataclass(frozen=True)
class Body:
    """An encoded body.

    `content` is the encoded bytes (None when there is no body or it is
    multipart). `content_type` is the default Content-Type; a header of the
    call replaces it. A multipart body is given as `parts` for httpx to
    encode, since the boundary is chosen there.
    """

    content: bytes | None = None
    content_type: str | None = None
    parts: tuple[Part, ...] = ()


def encode_body(
    call: Call,
    values: Mapping[str, str],
    fields: Sequence[Field],
    mask: Callable[[str], str],
    upload: UploadCheck | None = None,
) -> Body:
    """Encode `call`'s body. `mask` hides private values in error messages; `upload` finds
    and checks a file to upload (None: the path as written, from the current folder)."""
    if call.body_type is BodyType.JSON:
        return _json_body(call, values, fields, mask)
    if call.body_type is BodyType.FORM:
        if not fields:
            return Body()
        return Body(urlencode(_field_items(fields)).encode(), FORM_TYPE)
    if call.body_type is BodyType.MULTIPART:
        return _multipart_body(fields, upload)
    if call.body_type is BodyType.RAW:
        return _raw_body(call, values, fields)
    # No body of its own: body parameters, if any, are sent as a JSON object.
    return _fields_as_json(fields)


def _field_items(fields: Sequence[Field]) -> list[tuple[str, str]]:
    return [(parameter.name, value) for parameter, value in fields]


def _json_object(document: dict[str, Any]) -> Body:
    return Body(json.dumps(document, ensure_ascii=False).encode(), JSON_TYPE)


def _fields_as_json(fields: Sequence[Field]) -> Body:
    """The body parameters as one JSON object, or no body when there are none."""
    return _json_object(dict(_field_items(fields))) if fields else Body()


def _json_body(
    call: Call, values: Mapping[str, str], fields: Sequence[Field], mask: Callable[[str], str]
) -> Body:
    if not call.body.strip():
        return _fields_as_json(fields)
    text = fill_json(call.body, values)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RequestBuildError(_json_error(call, text, error, mask)) from None
    if not fields:
        # Sent exactly as written, keeping the user's layout.
        return Body(text.encode(), JSON_TYPE)
    if not isinstance(document, dict):
        names = ", ".join(parameter.name for parameter, _ in fields)
        raise RequestBuildError(
            f"The body of call '{call.name}' is not a JSON object, so the body parameters "
            f"{names} cannot be added to it. Put them in the body as <name>, or set their "
            'location with in = "query".'
        )
    document.update(_field_items(fields))
    return _json_object(document)


def _json_error(
    call: Call, text: str, error: json.JSONDecodeError, mask: Callable[[str], str]
) -> str:
    lines = text.splitlines() or [""]
    offending = lines[min(error.lineno, len(lines)) - 1]
    return (
        f"The body of call '{call.name}' is not valid JSON after substitution: {error.msg} "
        f"at line {error.lineno}, column {error.colno}:\n    {mask(offending)}\n"
        'A placeholder outside quotes is inserted as is: write "<name>" for a text value.'
    )


def _multipart_body(fields: Sequence[Field], upload: UploadCheck | None) -> Body:
    # Plain fields are parts without a filename, so the parts keep the parameters' order.
    return Body(
        parts=tuple(
            _upload(parameter, value, upload)
            if parameter.file
            else Part(parameter.name, None, value.encode(), None)
            for parameter, value in fields
        )
    )


def _upload(parameter: Parameter, value: str, upload: UploadCheck | None) -> Part:
    path = upload(parameter, value) if upload is not None else Path(value).expanduser()
    # The path of a private parameter is private too, so it is not named in the error.
    shown = "" if parameter.private else f" {str(path)!r}"
    try:
        with path.open("rb") as handle:  # readable now, not only when sent
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise RequestBuildError(
            f"The file{shown} for parameter '{parameter.name}' does not exist. "
            f"Give an existing file with `--param {parameter.name}=PATH`."
        ) from None
    except OSError as error:
        raise RequestBuildError(
            f"Cannot read the file{shown} for parameter '{parameter.name}': {error.strerror}."
        ) from None
    if size > MAX_UPLOAD_BYTES:
        raise RequestBuildError(
            f"The file{shown} for parameter '{parameter.name}' is larger than "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the most workbench uploads."
        )
    content_type = mimetypes.guess_type(path.name)[0] or _UNKNOWN_FILE_TYPE
    return Part(parameter.name, path.name, UploadFile(path, size), content_type)


def _raw_body(call: Call, values: Mapping[str, str], fields: Sequence[Field]) -> Body:
    if fields:
        names = ", ".join(parameter.name for parameter, _ in fields)
        hint = ", ".join(f"<{parameter.name}>" for parameter, _ in fields)
        raise RequestBuildError(
            f"Call '{call.name}' has a raw body but the body parameters {names} are not in it. "
            f'Write {hint} where they belong in the body, or set in = "query" on them.'
        )
    if not call.body:
        return Body()
    return Body(fill_text(call.body, values).encode(), call.content_type or TEXT_TYPE)
