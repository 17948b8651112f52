"""Per-server mutable state: the users store and how often each route was requested.

Tests read the counters (for example how many token requests a client sent)
and call `reset()` so they do not depend on the order they run in. Handlers
run on many threads at once, so every change happens under a lock.
"""

from __future__ import annotations

import threading
from collections import Counter

from workbench.demo.users import UserStore


class DemoState:
    """Everything one demo server remembers between requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self.users = UserStore()

    def reset(self) -> None:
        """Seed users again and forget the request counts."""
        self.users.reset()
        with self._lock:
            self._requests.clear()

    def record_request(self, method: str, pattern: str) -> None:
        with self._lock:
            self._requests[f"{method} {pattern}"] += 1

    def request_count(self, method: str, pattern: str) -> int:
        """How many `method` requests reached the route `pattern`, e.g. ("GET", "/users/{id}")."""
        with self._lock:
            return self._requests[f"{method} {pattern}"]
