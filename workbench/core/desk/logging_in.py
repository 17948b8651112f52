"""Logging in from the desk (OAuth2 user-agent flow): when the user asks, or when a call needs it.

The login is `Session.log_in`, the one `workbench auth login` runs, so the
token is stored where sending finds it. The user sees the authorization URL
and pastes the redirect (or lets the browser reach the loopback listener)
through `Ask.log_in`, which the TUI answers with a dialog.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.core.auth import oauth2_code
from workbench.core.auth.settings import method_of
from workbench.core.auth.tokens import TokenManager
from workbench.core.desk.ask import Login
from workbench.core.desk.private_values import give_id
from workbench.core.desk.sending import warm_up
from workbench.core.errors import RequestBuildError, WorkspaceError
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.model import Provider

if TYPE_CHECKING:
    from workbench.core.auth.login import LoginPrompt, PastedLine
    from workbench.core.desk.desk import Desk


class LoginFlow:
    """Logging in to a provider of an open document, in the environment the desk sends to."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def log_in_selected(self) -> bool:
        """Log in to the selected provider (or the selected call's); True once logged in."""
        desk = self.desk
        item = desk.selected
        provider = item.provider_model if item is not None else None
        if item is None or provider is None:
            desk.ask.tell(
                "Select a provider, or one of its calls, in the tree to log in to it.",
                severity="warning",
            )
            return False
        why_not = _no_login_needed(provider)
        if why_not is not None:
            desk.ask.tell(why_not)
            return False
        environment = desk.environment_of(item.document)
        reason = f"Log in to {provider.name} for {environment}"
        if _has_token(item.document, provider, environment):
            reason += "; a token is stored already, and this login replaces it"
        return await self.log_in(item.document, provider, environment, reason + ".")

    async def log_in(
        self, document: WorkspaceDocument, provider: Provider, environment: str, reason: str
    ) -> bool:
        """Let the user log in to `provider` for `environment` (`reason` says why it is
        asked); True once the token is stored, False when they gave up."""
        desk = self.desk
        try:
            give_id(document, desk.ask)  # the token is stored under the workspace's id
        except WorkspaceError as error:
            desk.ask.tell(str(error), title="Not logged in", severity="error")
            return False
        # The first login may come before any send: import the HTTP stack off the event loop.
        await asyncio.to_thread(warm_up)
        session = document.session()

        async def run(show: Callable[[LoginPrompt], None], pasted: PastedLine) -> None:
            await session.log_in(provider, environment, show=show, pasted=pasted)

        if not await desk.ask.log_in(Login(provider.name, environment, reason, run)):
            return False
        desk.ask.tell(
            f"Logged in to {provider.name} for {environment}; the token is kept in "
            "the secret store.",
            title="Logged in",
        )
        return True


def _no_login_needed(provider: Provider) -> str | None:
    """Why `provider` needs no login (said to the user), or None when it uses the OAuth2
    user-agent flow."""
    if provider.auth.method == oauth2_code.METHOD.name:
        return None
    try:
        method = method_of(provider)
    except RequestBuildError as error:
        return str(error)
    how = (
        "its token is obtained when a call is sent"
        if method.token_flow is not None
        else "its credentials go with each call"
    )
    return f"{provider.name} uses {method.label}, which needs no login: {how}."


def _has_token(document: WorkspaceDocument, provider: Provider, environment: str) -> bool:
    return TokenManager(document.secrets).cached(provider, environment) is not None
