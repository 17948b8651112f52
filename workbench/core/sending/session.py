"""A session: one loaded workspace with its secrets and clients, ready to send calls.

The CLI and the TUI both send through a `Session`, so what a call does is the
same in both: `run_call` resolves chained parameters (see `chaining`), sends,
turns the answer into data (see `response_data`) and keeps each call's latest
data in memory, where chained parameters of later calls find it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.core.auth.base import AuthMethod, ResolvedSettings
from workbench.core.auth.login import DEFAULT_TIMEOUT_SECONDS, LoginPrompt, PastedLine, log_in
from workbench.core.auth.settings import method_of, resolve_settings
from workbench.core.auth.tokens import Token, TokenContext, TokenManager
from workbench.core.errors import ChainError
from workbench.core.history.entry import Where
from workbench.core.history.recorder import HistoryRecorder
from workbench.core.history.store import HistoryStore
from workbench.core.secrets.needed import call_private_values
from workbench.core.secrets.sources import PersonalSources
from workbench.core.secrets.store import Secret, SecretResolver, SecretStore
from workbench.core.secrets.trust import Trust, TrustBook
from workbench.core.sending.client import ClientPool, send
from workbench.core.sending.connection import provider_transport
from workbench.core.sending.cookies import CookieJars
from workbench.core.sending.exchange import Exchange
from workbench.core.sending.large_bodies import LARGE_BODY, long_lived_data
from workbench.core.sending.proxies import with_scheme
from workbench.core.sending.request import build_request
from workbench.core.sending.response_data import ResponseDataError, exchange_data
from workbench.core.sending.stream import OnEvent
from workbench.core.sending.transport import TransportConfig, default_context
from workbench.core.shape.json_path import PathError, lookup, value_text
from workbench.core.workspace.chaining import check_source, full_name
from workbench.core.workspace.model import (
    Call,
    Defaults,
    Parameter,
    Provider,
    Workspace,
    base_url_of,
)


@dataclass(frozen=True)
class CallResult:
    """One call sent through a session: its exchange and the data of its answer.

    `data` is the response data (`response_data.exchange_data`, wrapped as the
    call's options say) when `data_error` is None; otherwise the answer has no
    data and `data_error` says why (no complete answer, a 4xx/5xx without
    include_errors, a body that is not the call's response type). `sent_first`
    holds the source calls that were sent first to resolve chained parameters.
    """

    provider: Provider
    call: Call
    environment: str
    exchange: Exchange
    data: object = None
    data_error: ResponseDataError | None = None
    sent_first: tuple[CallResult, ...] = ()

    @property
    def has_data(self) -> bool:
        return self.data_error is None

    @property
    def name(self) -> str:
        """`Provider/Call`."""
        return full_name(self.provider, self.call)

    @property
    def wraps_body(self) -> bool:
        """Whether `data` is the body wrapped in an object by the call's options (status,
        headers and `body`: see `response_data`), not the body itself."""
        options = self.call.options
        wrapping = options.include_errors or options.capture_headers
        return self.has_data and wrapping and isinstance(self.data, dict)

    @property
    def body_data(self) -> object:
        """The body's part of `data`: `data` itself unless the call's options wrapped it (see
        `response_data`). None when there is no data, as for an empty body."""
        if not self.has_data:
            return None
        data = self.data
        return data.get("body") if self.wraps_body and isinstance(data, dict) else data


@dataclass
class Session:
    """A workspace, where it was loaded from, its secret resolver and the client pool.

    It also keeps, in memory only, the latest result with data of every call
    per environment (`latest`): chained parameters take their values from it;
    and the cookies servers set, per provider and environment (`cookies`), which
    go back with that provider's next calls in that environment.

    Each exchange is kept in the user's history (`history`, beside the secret store) unless
    the workspace or the user's config turns it off (`Defaults.keeps_history`).
    """

    workspace: Workspace
    path: Path
    secrets: SecretResolver
    pool: ClientPool = field(default_factory=ClientPool)
    base_url: str | None = None  # replaces every provider's base URL (the demo on a free port)
    defaults: Defaults = field(default_factory=Defaults)  # what the workspace leaves unset
    cookies: CookieJars = field(default_factory=CookieJars)
    history: HistoryRecorder | None = None  # None: the history of the secret store's home
    tokens: TokenManager = field(init=False)
    trust: Trust = field(init=False)
    _latest: dict[tuple[str, str, str], CallResult] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens = TokenManager(self.secrets)
        store = self.secrets.store
        if self.history is None and store is not None:
            self.history = HistoryRecorder(HistoryStore(store.home))
        self.trust = Trust(
            self.workspace.id,
            self.path.parent,
            TrustBook(store.home) if store is not None else None,
            self.secrets.workspace_path,
        )

    @classmethod
    def open(
        cls,
        workspace: Workspace,
        path: Path,
        *,
        store: SecretStore | None = None,
        defaults: Defaults | None = None,
        sources: PersonalSources | None = None,
    ) -> Session:
        """A session of `workspace`, its private values from the environment, the person's
        own `sources` (their config's commands and .env files) and `store`."""
        resolver = SecretResolver(
            workspace.id, store or SecretStore(), workspace_path=_shell_path(path), sources=sources
        )
        return cls(workspace, path, resolver, defaults=defaults or Defaults())

    def latest(self, provider: str, call: str, environment: str | None = None) -> CallResult | None:
        """The latest result with data of the call `provider/call` in `environment` (default:
        the workspace's first), or None when it has none yet in this session."""
        environment = environment or self.workspace.default_environment
        return self._latest.get((provider, call, environment))

    def latest_data(self, provider: str, call: str, environment: str | None = None) -> object:
        """The data of `latest(...)`, or None when there is none (or the data is null)."""
        result = self.latest(provider, call, environment)
        return None if result is None else result.data

    async def run_call(
        self,
        provider: Provider,
        call: Call,
        *,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        on_event: OnEvent | None = None,
    ) -> CallResult:
        """Send one call and turn its answer into data.

        A chained parameter (not given in `overrides`, which win) takes its
        value from its source call's latest data; a source with none yet is
        sent first (its chained parameters resolved the same way). Raises
        `ChainError` when a value cannot be found, and any `WorkbenchError` of
        `send`. A call with data becomes the call's latest result. A streamed answer passes
        each event to `on_event` as it arrives (see `client.send`).
        """
        environment = environment or self.workspace.default_environment
        return await self._run(provider, call, environment, overrides or {}, max_bytes, on_event)

    def record_first_origins(self, provider: Provider, environment: str | None) -> frozenset[str]:
        """A private value of `provider` was just stored (for `environment`, None: all): when it
        is the provider's first, approve where the workspace points now (see `trust`)."""
        environments = [environment] if environment else self.workspace.environments
        return self.trust.record_first(provider, environments)

    async def log_in(
        self,
        provider: Provider,
        environment: str,
        *,
        show: Callable[[LoginPrompt], None],
        pasted: PastedLine | None,
        listen: bool = True,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> Token:
        """Log in to `provider` with the OAuth2 user-agent flow (`login.log_in`: `show` tells
        the person what to open, `pasted` reads what they paste) and cache the token where
        sending finds it. Raises `AuthError` when the login is refused or fails."""
        method = method_of(provider)
        settings = resolve_settings(provider, environment, self.secrets)
        context = self.token_context(provider, environment, method, settings)
        token = await log_in(context, show=show, pasted=pasted, listen=listen, timeout=timeout)
        self.tokens.save(provider, environment, token)
        # The person logged in for this workspace as it points now: when this token is the
        # provider's first stored value, its calls may go there.
        self.record_first_origins(provider, environment)
        return token

    async def send(
        self,
        provider: Provider,
        call: Call,
        *,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Exchange:
        """`run_call`, for callers that need only the exchange."""
        result = await self.run_call(
            provider, call, environment=environment, overrides=overrides, max_bytes=max_bytes
        )
        return result.exchange

    async def _run(
        self,
        provider: Provider,
        call: Call,
        environment: str,
        overrides: Mapping[str, str],
        max_bytes: int | None,
        on_event: OnEvent | None = None,
    ) -> CallResult:
        """`run_call` for one environment."""
        chained: dict[str, str] = {}
        sent_first: list[CallResult] = []
        for parameter in call.parameters:
            if parameter.source is None or parameter.name in overrides:
                continue
            value, first = await self._chained_value(provider, call, parameter, environment)
            chained[parameter.name] = value
            if first is not None:
                sent_first.append(first)
        # A command of the person's config runs in a thread: the TUI goes on meanwhile.
        values = call_private_values(provider, call)
        await self.secrets.run_commands((value.address for value in values), environment)
        exchange = await self._send(
            provider, call, environment, overrides, chained, max_bytes, on_event
        )
        if self.history is not None and self.defaults.keeps_history(self.workspace):
            workspace = self.workspace
            where = Where(
                workspace.id,
                workspace.name,
                provider.name,
                call.name,
                environment,
                str(self.path.resolve()),
            )
            self.history.record(where, exchange)
        data, error = await _data(call, exchange)
        result = CallResult(
            provider, call, environment, exchange, data, error, sent_first=tuple(sent_first)
        )
        if error is None:
            self._latest[(provider.name, call.name, environment)] = result
        return result

    async def _chained_value(
        self,
        provider: Provider,
        call: Call,
        parameter: Parameter,
        environment: str,
    ) -> tuple[str, CallResult | None]:
        """The value of a chained parameter, and the source's result when it was sent first.

        Sending a source first cannot recurse forever: `check_source` refuses a source
        whose own sources lead back to the call, at every step.
        """
        assert parameter.source is not None
        path = parameter.source.path
        what = f"The parameter '{parameter.name}' of {full_name(provider, call)}"
        try:
            # The workspace was checked on load, but the UI edits it in memory since.
            source_provider, source_call = check_source(self.workspace, provider, call, parameter)
        except ChainError as error:
            raise ChainError(f"{what} cannot take its value from another call: {error}") from None
        source = full_name(source_provider, source_call)
        what += f" takes its value from {source} at {path or 'the whole response'}"
        first = None
        result = self.latest(source_provider.name, source_call.name, environment)
        if result is None:
            first = await self._run(source_provider, source_call, environment, {}, None)
            if first.data_error is not None:
                raise ChainError(
                    f"{what}; it had no response yet, so it was sent first, and it failed: "
                    f"{first.data_error}",
                    exchange=first.exchange,
                )
            result = first
        try:
            value = value_text(lookup(result.data, path))
        except PathError as error:
            message = f"{what}, but its latest response has no value there: {error}"
            raise ChainError(message) from None
        if not value and not (parameter.optional or parameter.allow_blank):
            raise ChainError(
                f"{what}, but the value there is empty or null in its latest response; mark the "
                "parameter optional or allow_blank, or give it with --param"
            )
        return value, first

    async def _send(
        self,
        provider: Provider,
        call: Call,
        environment: str,
        overrides: Mapping[str, str],
        chained: Mapping[str, str],
        max_bytes: int | None,
        on_event: OnEvent | None = None,
    ) -> Exchange:
        """Build and send one call, authenticated as its provider says.

        A token-based method gets a valid token first; when the server answers
        401 all the same, the token is renewed once and the call sent once
        more, never in a loop. Raises `WorkbenchError` when the call cannot be
        built or authentication fails, and `OriginNotApproved` (before any byte
        leaves) when a stored private value would go where it was not approved.
        """
        method = method_of(provider)
        settings = resolve_settings(provider, environment, self.secrets)
        transport = self.transport_for(provider, call, environment, method, settings)
        cap = max_bytes if max_bytes is not None else self.defaults.size_cap_of(self.workspace)
        self.trust.approve_run_base_url(self.base_url)

        async def attempt(token: Token | None) -> Exchange:
            built = build_request(
                self.workspace,
                provider,
                call,
                environment=environment,
                secrets=self.secrets,
                overrides=overrides,
                chained=chained,
                base_url=self.base_url,
                token=token,
                files=self.trust.upload_path,
                defaults=self.defaults,
            )
            try:
                if built.bound:
                    what = _what_is_sent(provider, method)
                    self.trust.check_origin(provider, str(built.request.url), what)
                    _check_proxy(self.trust, provider, transport, what)
                jar = self.cookies.of(provider.name, environment)
                return await send(
                    built,
                    self.pool,
                    max_bytes=cap,
                    transport=transport,
                    cookies=jar,
                    on_event=on_event,
                    idle_timeout=self.defaults.stream_idle_timeout,
                )
            finally:
                built.close()

        if method.token_flow is None:
            return await attempt(None)
        context = self.token_context(provider, environment, method, settings, transport)
        cached = self.tokens.cached(provider, environment)
        token = await self.tokens.current(method.token_flow, context)
        if token != cached and not _any_bound(settings):
            # Credentials given for this run (environment variables) just got this token,
            # which is cached as a stored value: it may go where the workspace points now.
            # (A token found in the cache proves nothing about where it may go.)
            self.trust.record_first(provider, [environment])
        exchange = await attempt(token)
        if exchange.status == 401:
            token = await self.tokens.renew(method.token_flow, context, token)
            exchange = await attempt(token)
        return exchange

    def token_context(
        self,
        provider: Provider,
        environment: str,
        method: AuthMethod,
        settings: ResolvedSettings,
        transport: TransportConfig | None = None,
    ) -> TokenContext:
        """What a token flow of `provider` needs, over the pooled client of its TLS setup."""
        if transport is None:
            transport = provider_transport(provider, environment, method, settings, self.trust)
        stored = _any_bound(settings) or self.tokens.cached(provider, environment) is not None
        what = f"the {method.label} credentials"

        def check_endpoint(url: str) -> None:
            # Stored credentials (or a cached refresh token) go only to approved endpoints.
            if stored:
                self.trust.approve_run_base_url(self.base_url)
                self.trust.check_origin(provider, url, what)
                _check_proxy(self.trust, provider, transport, what)

        return TokenContext(
            provider.name,
            method.label,
            environment,
            settings,
            self.pool.client_for(transport),
            base_url=base_url_of(provider, environment, self.base_url),
            workspace_path=self.secrets.workspace_path,
            check_endpoint=check_endpoint,
            owner=provider,
        )

    def transport_for(
        self,
        provider: Provider,
        call: Call,
        environment: str,
        method: AuthMethod,
        settings: ResolvedSettings,
    ) -> TransportConfig:
        """The connection setup of a call: its provider's, with the call's verify option."""
        base = provider_transport(provider, environment, method, settings, self.trust)
        return replace(base, verify=base.verify and call.options.verify_tls)

    async def aclose(self) -> None:
        """Finish writing the history, close the connections."""
        if self.history is not None:
            await self.history.flush()
        await self.pool.aclose()


async def _data(call: Call, exchange: Exchange) -> tuple[object, ResponseDataError | None]:
    """The exchange's data as the call reads it, or why there is none.

    Parsed in a thread, in short steps: a body of many megabytes would otherwise
    hold up the event loop (and with it the TUI) while it is read.
    """

    def read() -> object:
        # A stream's data is built from its events, not parsed from one big body.
        large = exchange.stream is None and len(exchange.body) >= LARGE_BODY
        with long_lived_data() if large else nullcontext():
            return exchange_data(
                exchange,
                call.response_type,
                include_errors=call.options.include_errors,
                capture_headers=call.options.capture_headers,
            )

    try:
        data = await asyncio.to_thread(read)
    except ResponseDataError as error:
        return None, error
    return data, None


def _any_bound(settings: ResolvedSettings) -> bool:
    """Whether any private setting came from the store (not given for this run)."""
    return any(isinstance(value, Secret) and value.bound for value in settings.values())


def _check_proxy(trust: Trust, provider: Provider, transport: TransportConfig, what: str) -> None:
    """The provider's own proxy sees what goes to an http:// server: stored values go through
    it only when it is approved like an origin (the environment's proxies are the user's)."""
    if transport.proxy:
        trust.check_origin(provider, with_scheme(transport.proxy), what)


def _what_is_sent(provider: Provider, method: AuthMethod) -> str:
    """How a question names the private values of a request: by the authentication method
    when there is one."""
    return "the private values" if provider.auth.method == "none" else f"the {method.label} key"


def warm_up() -> None:
    """Take the slow steps of a process's first send ahead, in a thread of the caller's:
    importing this module (httpx and its stack) and loading the CA bundle."""
    default_context()


def _shell_path(path: Path) -> str:
    """The path as a user would type it in a command suggestion."""
    import shlex

    return shlex.quote(str(path))
