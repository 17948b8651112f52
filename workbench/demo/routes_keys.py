"""/keys/check: proves a private key arrived without ever echoing it back.

The answer carries the key's length and SHA-256 digest, so a user (or a
test) can confirm the exact value was sent while the value itself appears
in no response, screen or log.
"""

from __future__ import annotations

import hashlib

from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import ANY_METHOD, Router

KEY_HEADER = "X-Api-Key"


def register(router: Router) -> None:
    router.add(ANY_METHOD, "/keys/check", check)


def check(request: Request) -> Response:
    """Answer whether a key came in the X-Api-Key header or the api_key query parameter."""
    key = request.headers.get(KEY_HEADER) or request.query_value("api_key")
    if not key:
        raise HTTPError(401, f"no key: send it in the {KEY_HEADER} header or as ?api_key=")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return json_response({"received": True, "length": len(key), "sha256": digest})
