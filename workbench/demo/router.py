"""Maps method + path to a handler: the demo API's routing table.

Patterns are literal paths with `{name}` segments (one path segment) or a final
`{name:path}` (the rest of the path, slashes included). Route modules add their
routes in a `register(router)` function; the server calls each of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from workbench.demo.messages import HTTPError, Request, Response

Handler = Callable[[Request], Response]

ANY_METHOD = "*"
"""Pass as `methods` to accept every method (the echo and status endpoints)."""

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:path)?\}")


@dataclass(frozen=True)
class Route:
    """One entry of the table. `methods` is None when any method is accepted."""

    methods: frozenset[str] | None
    pattern: str
    handler: Handler
    regex: re.Pattern[str]
    rank: tuple[bool, int]
    """Lower ranks are tried first: fewer placeholders, and no {name:path} catch-all."""

    def allows(self, method: str) -> bool:
        # HEAD is answered by the GET handler; the transport drops the body.
        if self.methods is None:
            return True
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)


def _compile(pattern: str) -> tuple[re.Pattern[str], tuple[bool, int]]:
    if not pattern.startswith("/"):
        raise ValueError(f"route pattern must start with '/': {pattern!r}")
    regex, position, count, is_rest = "", 0, 0, False
    for match in _PLACEHOLDER.finditer(pattern):
        is_rest = match.group(2) is not None
        if is_rest and match.end() != len(pattern):
            raise ValueError(f"{{name:path}} must end the pattern: {pattern!r}")
        regex += re.escape(pattern[position : match.start()])
        regex += f"(?P<{match.group(1)}>{'.+' if is_rest else '[^/]+'})"
        position, count = match.end(), count + 1
    regex += re.escape(pattern[position:])
    return re.compile(regex), (is_rest, count)


class Router:
    """The routing table of one server."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, methods: str | Iterable[str], pattern: str, handler: Handler) -> None:
        """Route `methods` ("GET", ("PUT", "PATCH") or ANY_METHOD) on `pattern` to `handler`."""
        if isinstance(methods, str):
            methods = (methods,)
        method_set = frozenset(method.upper() for method in methods)
        allowed = None if ANY_METHOD in method_set else method_set
        for route in self._routes:
            overlap = allowed is None or route.methods is None or bool(allowed & route.methods)
            if route.pattern == pattern and overlap:
                raise ValueError(f"route {pattern!r} is already registered for these methods")
        regex, rank = _compile(pattern)
        self._routes.append(Route(allowed, pattern, handler, regex, rank))
        # Literal routes win over placeholders ("/users/me" before "/users/{id}"),
        # whatever order the route modules register in; the sort is stable.
        self._routes.sort(key=lambda route: route.rank)

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route for a request and its decoded parameters; HTTPError 404 or 405 otherwise."""
        allowed: set[str] = set()
        for route in self._routes:
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            if route.allows(method):
                return route, {name: unquote(value) for name, value in match.groupdict().items()}
            allowed |= route.methods or set()
        if not allowed:
            raise HTTPError(404, f"no such endpoint: {path}")
        if "GET" in allowed:
            allowed.add("HEAD")
        allow = ", ".join(sorted(allowed))
        raise HTTPError(
            405, f"method {method} not allowed on {path}; use {allow}", [("Allow", allow)]
        )
