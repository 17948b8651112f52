"""Putting a call's URL together: base URL + call URL, and query pairs added to a URL."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SENDABLE_SCHEMES = ("http", "https")


def is_absolute(url: str) -> bool:
    """Whether `url` starts with a scheme, like `https://`."""
    return _SCHEME.match(url) is not None


def scheme_problem(url: str) -> str | None:
    """Why `url` cannot be sent when its scheme is not HTTP(S) (a typo like `htp://`); else None.

    httpx refuses such a URL only when sending, with an error that reads like a broken
    connection; said up front, the user sees the typo.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme in _SENDABLE_SCHEMES:
        return None
    return f"The URL {url} has the scheme '{scheme}'; use http:// or https://."


def join(base: str, url: str) -> str:
    """`url` after `base`, keeping the base's whole path.

    Plain concatenation, not urljoin: "http://h/api" + "users" (or "/users")
    is "http://h/api/users", where urljoin would drop the last segment or the
    whole path and give "http://h/users".
    """
    if not url or url.startswith("?"):
        return base + url
    return base.rstrip("/") + "/" + url.lstrip("/")


def append_query(url: str, pairs: Sequence[tuple[str, str]]) -> str:
    """`url` with `pairs` form-encoded after the query it already has.

    httpx's `params=` replaces a query already in the URL, so the pairs are
    appended here instead, keeping the URL's own query exactly as written.
    """
    if not pairs:
        return url
    parts = urlsplit(url)
    extra = urlencode(pairs)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))
