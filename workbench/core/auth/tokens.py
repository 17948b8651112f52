"""Access tokens for token-based methods: the token type, the flow protocol, and the cache.

A token is a private value: it is cached in the secret store (per provider
and environment, under the field `auth.token`) with the moment it was
obtained and its lifetime, so separate runs reuse it. `TokenManager` hands
out a valid token, renewing it shortly before it expires (with the refresh
token when the server gave one, else by obtaining a new one), and renews it
once more on request after a 401. Renewal holds the store's lock and reads the
cached token again first, so parallel processes sharing a refresh token that the
server accepts only once (rotation) spend it once and all get a token.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from workbench.core.errors import AuthError
from workbench.core.secrets.store import Owner, Secret, SecretAddress, SecretResolver
from workbench.core.sending.url import is_absolute, join

if TYPE_CHECKING:
    import asyncio

    import httpx

    from workbench.core.auth.base import ResolvedSettings

# Renew this long before expiry, but never more than a tenth of the lifetime,
# so a token living two seconds is still used for most of them.
RENEWAL_MARGIN_SECONDS = 30.0

clock: Callable[[], float] = time.time
"""Seconds since the epoch, by which tokens are stamped and judged (and JWTs signed). Tests
replace it to move time on instead of waiting for a token to expire."""


@dataclass(frozen=True)
class Token:
    """An access token with what is needed to know when to renew it."""

    access_token: Secret
    token_type: str = "Bearer"
    obtained_at: float = 0.0  # seconds since the epoch
    expires_in: float | None = None  # lifetime in seconds; None: the server did not say
    refresh_token: Secret | None = None
    scope: str | None = None

    @property
    def expires_at(self) -> float | None:
        return None if self.expires_in is None else self.obtained_at + self.expires_in

    def needs_renewal(self, now: float | None = None) -> bool:
        """True when the token has expired or is about to."""
        if self.expires_in is None:
            return False
        margin = min(RENEWAL_MARGIN_SECONDS, self.expires_in / 10)
        now = clock() if now is None else now
        return now >= self.obtained_at + self.expires_in - margin

    @classmethod
    def from_response(cls, data: Mapping[str, Any], *, now: float | None = None) -> Token:
        """A token from an OAuth2-style token response (`access_token`, `expires_in`, ...)."""
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the response has no access_token")
        expires_in = data.get("expires_in")
        refresh = data.get("refresh_token")
        scope = data.get("scope")
        return cls(
            access_token=Secret(access),
            token_type=str(data.get("token_type") or "Bearer"),
            obtained_at=now if now is not None else clock(),
            expires_in=_seconds(expires_in),
            refresh_token=Secret(refresh) if isinstance(refresh, str) and refresh else None,
            scope=scope if isinstance(scope, str) else None,
        )

    def to_json(self) -> str:
        """The token as stored in the secret store (it is private as a whole)."""
        return json.dumps(
            {
                "access_token": self.access_token.reveal(),
                "token_type": self.token_type,
                "obtained_at": self.obtained_at,
                "expires_in": self.expires_in,
                "refresh_token": self.refresh_token.reveal() if self.refresh_token else None,
                "scope": self.scope,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Token | None:
        """The stored token, or None when what is stored is not a token (then it is ignored)."""
        try:
            data = json.loads(text)
            return cls.from_response(data, now=float(data["obtained_at"]))
        except (ValueError, KeyError, TypeError):
            return None


def _seconds(value: object) -> float | None:
    """A lifetime in seconds from a JSON number or numeric text; None when absent or not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass
class TokenContext:
    """What a token flow needs: whose token, the resolved settings, an HTTP client.

    `base_url` is the provider's effective base URL; token and authorization
    URLs written relative (like `/oauth/token`) are resolved against it with
    `endpoint()`, so a workspace follows its provider to another server.
    """

    provider: str
    method_label: str
    environment: str
    settings: ResolvedSettings
    http: httpx.AsyncClient
    base_url: str = ""
    workspace_path: str = "WORKSPACE"  # as the user would type it, for commands in messages
    # Called with each URL credentials are about to be posted to; raises to stop it (the
    # session's origin rules, `workbench.core.secrets.trust`).
    check_endpoint: Callable[[str], None] = lambda url: None
    # The provider's model, whose id keeps its cached token; None: the provider `provider` names.
    owner: Owner | None = None

    @property
    def token_owner(self) -> Owner | str:
        """Whose cached token this is, for the `TokenManager`."""
        return self.owner or self.provider

    def endpoint(self, setting: str) -> str:
        """The URL in `setting`, made absolute against the base URL when it is relative."""
        url = self.settings.get(setting, "")
        text = url.reveal() if isinstance(url, Secret) else url
        if is_absolute(text) or not self.base_url:
            return text
        return join(self.base_url, text)


class TokenFlow(Protocol):
    """How a token-based method obtains and refreshes tokens."""

    async def obtain(self, context: TokenContext) -> Token:
        """A new token, without user interaction; raise `AuthError` saying what the server said."""
        ...

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        """A renewed token using `token`'s refresh token; None when it cannot be refreshed."""
        ...


class TokenManager:
    """Hands out valid tokens, caching them in the secret store per provider and environment."""

    def __init__(self, secrets: SecretResolver) -> None:
        self.secrets = secrets
        self.requests = 0  # token endpoint requests made by this manager (obtain + refresh)
        # One renewal at a time per provider and environment in this process too: the store's
        # file lock keeps other processes out, but a process re-enters its own lock.
        self._renewing: dict[tuple[str, str], asyncio.Lock] = {}

    # A provider is given as its model (its token is kept under its id) or, built in memory
    # without one, by name.

    def cached(self, provider: Owner | str, environment: str) -> Token | None:
        stored = self.secrets.get(SecretAddress.token(provider), environment)
        return Token.from_json(stored.reveal()) if stored is not None else None

    def save(self, provider: Owner | str, environment: str, token: Token) -> None:
        self.secrets.set(SecretAddress.token(provider), token.to_json(), environment)

    def forget(self, provider: Owner | str, environment: str | None = None) -> bool:
        """Drop cached tokens, of one environment or (None) of all; True when there were any."""
        return self.secrets.delete_all(SecretAddress.token(provider), environment)

    async def current(self, flow: TokenFlow, context: TokenContext) -> Token:
        """A token that is not about to expire: the cached one, or a renewed one."""
        token = self.cached(context.token_owner, context.environment)
        if token is not None and not token.needs_renewal():
            return token
        return await self.renew(flow, context, token)

    async def renew(self, flow: TokenFlow, context: TokenContext, stale: Token | None) -> Token:
        """A token other than `stale` (expiring, or refused by the server): the one another
        process saved meanwhile, else one refreshed or obtained afresh, saved before the
        store's lock is released."""
        import asyncio  # not at module level: it imports ssl, which loading a workspace avoids

        key = (SecretAddress.token(context.token_owner).store_key, context.environment)
        async with self._renewing.setdefault(key, asyncio.Lock()), self._store_locked():
            latest = self.cached(context.token_owner, context.environment)
            if (
                latest is not None
                and not latest.needs_renewal()
                and (stale is None or latest.access_token != stale.access_token)
            ):
                return latest  # renewed by another process (or task) while this one waited
            token = await self._fetch(flow, context, latest)
            self.save(context.token_owner, context.environment, token)
            return token

    async def _fetch(self, flow: TokenFlow, context: TokenContext, stale: Token | None) -> Token:
        """A new token from the server: refreshed from `stale` when possible, else obtained."""
        token: Token | None = None
        if stale is not None and stale.refresh_token is not None:
            self.requests += 1
            try:
                token = await flow.refresh(context, stale)
            except AuthError:
                token = None  # a refused refresh token: fall back to a new grant below
        if token is None:
            self.requests += 1
            token = await flow.obtain(context)
        if token.refresh_token is None and stale is not None and stale.refresh_token is not None:
            # Servers may omit the refresh token on refresh: the old one stays valid.
            token = Token(
                token.access_token,
                token.token_type,
                token.obtained_at,
                token.expires_in,
                stale.refresh_token,
                token.scope,
            )
        return token

    @asynccontextmanager
    async def _store_locked(self) -> AsyncIterator[None]:
        """Hold the secret store's lock (when there is a store file) with its latest values."""
        store = self.secrets.store
        if store is None:
            yield
            return
        async with _held(store.locked()):
            self.secrets.reload()
            yield


@asynccontextmanager
async def _held(lock: AbstractContextManager[None]) -> AsyncIterator[None]:
    """Hold a blocking lock, waiting for it in a thread so that the event loop runs meanwhile
    (another process may hold it for a token request's round trip)."""
    import asyncio

    entering = asyncio.ensure_future(asyncio.to_thread(lock.__enter__))
    try:
        await asyncio.shield(entering)
    except asyncio.CancelledError:

        def give_back(done: asyncio.Future[None]) -> None:
            # The waiting thread may still get the lock after this task was cancelled.
            if not done.cancelled() and done.exception() is None:
                lock.__exit__(None, None, None)

        entering.add_done_callback(give_back)
        raise
    try:
        yield
    finally:
        lock.__exit__(None, None, None)
