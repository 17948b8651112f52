"""Form bodies: application/x-www-form-urlencoded and multipart/form-data.

Multipart is parsed by the standard `email` package (MIME is what multipart
form data is), never by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value
from urllib.parse import parse_qs

from workbench.demo.messages import HTTPError

URLENCODED_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart body."""

    field: str
    filename: str
    content_type: str
    content: bytes


@dataclass
class FormData:
    """Text fields (name -> values, in order) and file parts of a form body."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)


def parse_form(content_type: str, body: bytes) -> FormData:
    """The form in `body`; empty for other content types, HTTPError 400 for broken multipart.

    `content_type` is the full header value (the multipart boundary is a parameter of it).
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == URLENCODED_TYPE:
        text = body.decode("utf-8", errors="replace")
        return FormData(parse_qs(text, keep_blank_values=True))
    if media_type == MULTIPART_TYPE:
        return _parse_multipart(content_type, body)
    return FormData()


def _parse_multipart(content_type: str, body: bytes) -> FormData:
    # The body alone is not a MIME document: prefixing the request's Content-Type
    # header turns it into one. latin-1 round-trips any header bytes unchanged.
    document = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = BytesParser(policy=policy.HTTP).parsebytes(document)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise HTTPError(400, "multipart body does not match the boundary in its Content-Type")
    form = FormData()
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            raise HTTPError(400, "multipart part without a Content-Disposition name")
        if isinstance(name, tuple):  # an RFC 2231 encoded name
            name = collapse_rfc2231_value(name)
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            text = _decode(content, part.get_content_charset() or "utf-8")
            form.fields.setdefault(name, []).append(text)
        else:
            form.files.append(UploadedFile(name, filename, part.get_content_type(), content))
    return form


def _decode(content: bytes, charset: str) -> str:
    try:
        return content.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: UTF-8 is the best guess
        return content.decode("utf-8", errors="replace")
