"""Per-server state: users, request counts, credentials, the tokens and codes issued, and the
API version of the versioned endpoints.

Tests read the counters (for example how many token requests a client sent),
shorten `token_lifetime`, move `clock` on or call `revoke_tokens()` to try expiry
and renewal,
switch `api_version` to make a response shape drift, and call `reset()` so
they do not depend on the order they run in. Handlers run on many threads at
once, so every change happens under a lock.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.demo.users import UserStore

if TYPE_CHECKING:
    from workbench.demo.credentials import DemoCredentials

DEFAULT_TOKEN_LIFETIME = 3600
API_VERSIONS = (1, 2)
"""The response shapes /versioned/users/{id} knows (see `routes_versioned`)."""
CODE_LIFETIME = 60.0
"""Seconds an authorization code stays usable (RFC 6749 recommends at most 10 minutes)."""


@dataclass(frozen=True)
class Grant:
    """What a token stands for: the grant type that first issued it, the user and the scope."""

    method: str
    user: str
    scope: str


@dataclass(frozen=True)
class AuthorizationCode:
    """An authorization code and what its exchange must match."""

    grant: Grant
    redirect_uri: str
    code_challenge: str
    expires_at: float


class DemoState:
    """Everything one demo server (and its HTTPS companion) remembers between requests."""

    def __init__(
        self,
        credentials: DemoCredentials,
        token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
        api_version: int = 1,
    ) -> None:
        if api_version not in API_VERSIONS:
            raise ValueError(f"api_version must be one of {API_VERSIONS}, got {api_version}")
        self.credentials = credentials
        """The keys, passwords and certificates the auth endpoints check (they never change)."""
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self.users = UserStore()
        self.clock: Callable[[], float] = time.time
        """Seconds since the epoch by which access tokens, codes and JWTs expire; tests replace
        it to move time on instead of waiting."""
        self._initial_token_lifetime = token_lifetime
        self.token_lifetime = token_lifetime
        """Seconds an access token issued from now on stays valid (`expires_in`)."""
        self._access_tokens: dict[str, tuple[Grant, float]] = {}
        self._refresh_tokens: dict[str, Grant] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._sessions: set[str] = set()  # of /cookies/login
        self._initial_api_version = api_version
        self.api_version = api_version
        """The shape /versioned/users/{id} answers with: 1 or 2 (a plain assignment is atomic)."""

    def reset(self) -> None:
        """Seed users again, forget request counts, tokens and codes, restore the token lifetime
        and the API version the server started with."""
        self.users.reset()
        with self._lock:
            self._requests.clear()
            self._access_tokens.clear()
            self._refresh_tokens.clear()
            self._codes.clear()
            self._sessions.clear()
            self.token_lifetime = self._initial_token_lifetime
            self.api_version = self._initial_api_version

    def record_request(self, method: str, pattern: str) -> None:
        with self._lock:
            self._requests[f"{method} {pattern}"] += 1

    def request_count(self, method: str, pattern: str) -> int:
        """How many `method` requests reached the route `pattern`, e.g. ("GET", "/users/{id}")."""
        with self._lock:
            return self._requests[f"{method} {pattern}"]

    def issue_access_token(self, grant: Grant) -> tuple[str, int]:
        """A new access token for `grant` and its lifetime in seconds."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            lifetime = self.token_lifetime
            # Dropping expired tokens here keeps a long-running server's memory bounded.
            self._access_tokens = {
                key: entry for key, entry in self._access_tokens.items() if entry[1] > now
            }
            self._access_tokens[token] = (grant, now + lifetime)
        return token, lifetime

    def issue_refresh_token(self, grant: Grant) -> str:
        """A refresh token for `grant`, good for one refresh (`take_refresh_grant`)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._refresh_tokens[token] = grant
        return token

    def access_grant(self, token: str) -> Grant | None:
        """The grant of an unexpired access token issued here; None otherwise."""
        with self._lock:
            entry = self._access_tokens.get(token)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    def refresh_grant(self, token: str) -> Grant | None:
        """The grant of a refresh token issued here and not used yet; None otherwise."""
        with self._lock:
            return self._refresh_tokens.get(token)

    def take_refresh_grant(self, token: str) -> Grant | None:
        """The grant of a refresh token, which is spent (rotation); None if unknown or used."""
        with self._lock:
            return self._refresh_tokens.pop(token, None)

    def open_session(self) -> str:
        """A new cookie session's random value."""
        session = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions.add(session)
        return session

    def has_session(self, session: str) -> bool:
        with self._lock:
            return session in self._sessions

    def close_session(self, session: str) -> None:
        with self._lock:
            self._sessions.discard(session)

    def revoke_tokens(self) -> None:
        """Forget every access token, so the next call with one gets 401 (refresh tokens stay)."""
        with self._lock:
            self._access_tokens.clear()

    def issue_code(self, grant: Grant, redirect_uri: str, code_challenge: str) -> str:
        """A new authorization code, usable once within CODE_LIFETIME seconds."""
        code = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            # Codes never exchanged would pile up otherwise.
            self._codes = {key: old for key, old in self._codes.items() if old.expires_at > now}
            record = AuthorizationCode(grant, redirect_uri, code_challenge, now + CODE_LIFETIME)
            self._codes[code] = record
        return code

    def take_code(self, code: str) -> AuthorizationCode | None:
        """The code's record, removed so it cannot be used again; None if unknown or expired."""
        with self._lock:
            record = self._codes.pop(code, None)
        if record is None or record.expires_at <= self.clock():
            return None
        return record
