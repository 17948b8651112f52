"""A session: one loaded workspace with its secrets and clients, ready to send calls.

The CLI and the TUI both send through a `Session`, so what a call does is the
same in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.core.auth.base import AuthMethod, ResolvedSettings
from workbench.core.auth.settings import method_of, resolve_settings
from workbench.core.auth.tokens import Token, TokenContext, TokenManager
from workbench.core.client import ClientPool, send
from workbench.core.errors import WorkbenchError
from workbench.core.exchange import Exchange
from workbench.core.model import Call, Provider, Workspace, value_for
from workbench.core.request import build_request
from workbench.core.secrets import SecretResolver, SecretStore
from workbench.core.transport import TransportConfig


class CallNotFound(WorkbenchError):
    """A `Provider/Call` name that names nothing in the workspace."""


def find_call(workspace: Workspace, name: str) -> tuple[Provider, Call]:
    """Look up `Provider/Call`. Names may contain `/`, so every split point is tried."""
    for index, char in enumerate(name):
        if char != "/":
            continue
        provider = workspace.provider(name[:index])
        call = provider.call(name[index + 1 :]) if provider else None
        if provider and call:
            return provider, call
    known = [f"{p.name}/{c.name}" for p in workspace.providers for c in p.calls]
    listing = "\n  ".join(known) if known else "(the workspace has no calls)"
    raise CallNotFound(f"No call {name!r} in workspace {workspace.name!r}. Calls:\n  {listing}")


@dataclass
class Session:
    """A workspace, where it was loaded from, its secret resolver and the client pool."""

    workspace: Workspace
    path: Path
    secrets: SecretResolver
    pool: ClientPool = field(default_factory=ClientPool)
    base_url: str | None = None  # replaces every provider's base URL (the demo on a free port)
    tokens: TokenManager = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = TokenManager(self.secrets)

    @classmethod
    def open(cls, workspace: Workspace, path: Path, *, store: SecretStore | None = None) -> Session:
        resolver = SecretResolver(
            workspace.id, store or SecretStore(), workspace_path=_shell_path(path)
        )
        return cls(workspace, path, resolver)

    async def send(
        self,
        provider: Provider,
        call: Call,
        *,
        environment: str | None = None,
        overrides: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Exchange:
        """Build and send one call, authenticated as its provider says.

        A token-based method gets a valid token first; when the server answers
        401 all the same, the token is renewed once and the call sent once
        more, never in a loop. Raises `WorkbenchError` when the call cannot be
        built or authentication fails.
        """
        environment = environment or self.workspace.default_environment
        method = method_of(provider)
        settings = resolve_settings(provider, environment, self.secrets)
        transport = self.transport_for(call, method, settings)
        cap = max_bytes if max_bytes is not None else self.workspace.settings.max_response_bytes

        async def attempt(token: Token | None) -> Exchange:
            built = build_request(
                self.workspace,
                provider,
                call,
                environment=environment,
                secrets=self.secrets,
                overrides=overrides or {},
                base_url=self.base_url,
                token=token,
            )
            return await send(built, self.pool, max_bytes=cap, transport=transport)

        if method.token_flow is None:
            return await attempt(None)
        context = self.token_context(provider, environment, method, settings, transport)
        token = await self.tokens.current(method.token_flow, context)
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
            transport = method.transport(settings) if method.transport else TransportConfig()
        return TokenContext(
            provider.name,
            method.label,
            environment,
            settings,
            self.pool.client_for(transport),
            base_url=self.base_url or value_for(provider.base_url, environment) or "",
            workspace_path=self.secrets.workspace_path,
        )

    def transport_for(
        self, call: Call, method: AuthMethod, settings: ResolvedSettings
    ) -> TransportConfig:
        """The TLS configuration of a call: its verify option plus any client certificate."""
        base = method.transport(settings) if method.transport else TransportConfig()
        return replace(base, verify=base.verify and call.options.verify_tls)

    async def aclose(self) -> None:
        await self.pool.aclose()


def _shell_path(path: Path) -> str:
    """The path as a user would type it in a command suggestion."""
    import shlex

    return shlex.quote(str(path))
