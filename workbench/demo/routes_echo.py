"""/echo: answers with everything the server received, to see exactly what a call sends."""

from __future__ import annotations

import base64
import json
from typing import Any

from workbench.demo.forms import UploadedFile, parse_form
from workbench.demo.messages import Request, Response, json_response
from workbench.demo.router import ANY_METHOD, Router

FILE_PREVIEW_CHARS = 1024


def register(router: Router) -> None:
    router.add(ANY_METHOD, "/echo", echo)
    router.add(ANY_METHOD, "/echo/{rest:path}", echo)


def echo(request: Request) -> Response:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        # Repeated headers are folded the way HTTP allows: one value, comma separated.
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    text = _text(request.body)
    form = parse_form(request.headers.get("Content-Type", ""), request.body)
    return json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "headers": headers,
            "body": text if text is not None else base64.b64encode(request.body).decode("ascii"),
            "body_base64": text is None,
            "json": _json(text),
            "form": form.fields,
            "files": [_describe(upload) for upload in form.files],
        }
    )


def _text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _json(text: str | None) -> Any:
    """The body as JSON whatever its Content-Type (a wrong header is worth seeing), else None."""
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _describe(upload: UploadedFile) -> dict[str, Any]:
    text = _text(upload.content)
    return {
        "field": upload.field,
        "filename": upload.filename,
        "content_type": upload.content_type,
        "size": len(upload.content),
        "text": text[:FILE_PREVIEW_CHARS] if text is not None else None,
    }
