"""OAuth2 user-agent flow: authorization code with PKCE, obtained by a person logging in.

A token comes only from a person logging in (`workbench auth login`, or the
TUI's login dialog; see `workbench.core.auth.login`), which caches it per
provider and environment; sending a call then uses the cached token and
renews it with the refresh token. Without a cached token nothing can be done
unattended, so `obtain` raises `LoginNeeded`, saying how to log in.
"""

from __future__ import annotations

from workbench.core.auth import oauth
from workbench.core.auth.base import (
    AuthAdditions,
    AuthMethod,
    AuthSetting,
    ResolvedSettings,
    text_setting,
)
from workbench.core.auth.setting_values import choice
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import LoginNeeded
from workbench.core.secrets.store import Secret

LABEL = "OAuth2 user-agent flow"
# No port: the login listens on a free one and sends that in the authorization request
# (RFC 8252 7.3: loopback redirects may use any port). A fixed port would let a program
# that took it first receive the redirect, and two logins at once would collide.
DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"
DEFAULT_TOKEN_NAMES = {"header": "Authorization", "query": "access_token"}
TOKEN_IN = AuthSetting(
    "token_in", "Send the token in", default="header", choices=tuple(DEFAULT_TOKEN_NAMES)
)


def _apply(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    if token is None:
        return AuthAdditions()
    place = choice(settings, TOKEN_IN, LABEL)
    name = text_setting(settings, "token_name") or DEFAULT_TOKEN_NAMES[place]
    if place == "query":
        return AuthAdditions(query=[(name, token.access_token)])
    # The Authorization header carries the scheme (RFC 6750); a header of the
    # API's own naming, like X-Access-Token, carries the bare token.
    if name.lower() == "authorization":
        return AuthAdditions(headers=[(name, Secret(f"Bearer {token.access_token.reveal()}"))])
    return AuthAdditions(headers=[(name, token.access_token)])


class UserAgentFlow:
    """User-agent flow tokens: never obtained unattended, renewed with the refresh token."""

    async def obtain(self, context: TokenContext) -> Token:
        # TokenManager also lands here after a refused refresh, hence the "or".
        raise LoginNeeded(
            f"{LABEL}: no token for provider {context.provider} in environment "
            f"{context.environment} yet (or it expired and could not be refreshed). Log in with "
            f"`workbench auth login {context.workspace_path} "
            f'"{context.provider}" --env {context.environment}`.',
            provider=context.provider,
            environment=context.environment,
        )

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        # With a client secret the client authenticates in the body; without
        # one (a PKCE public client) it only names itself.
        return await oauth.refresh_token(context, token)


METHOD = AuthMethod(
    name="oauth2_code",
    label=LABEL,
    settings=(
        AuthSetting(
            "authorization_url",
            "Authorization URL",
            help="Where the user logs in, e.g. https://accounts.example.com/oauth/authorize; "
            "a relative URL (/oauth/authorize) follows the provider's base URL.",
        ),
        AuthSetting(
            "token_url",
            "Token URL",
            help="Where codes and refresh tokens are exchanged for access tokens; "
            "relative URLs follow the provider's base URL.",
        ),
        AuthSetting("client_id", "Client ID", help="May differ per environment."),
        oauth.CLIENT_SECRET,
        AuthSetting("scope", "Scope", required=False, help="Space-separated scopes."),
        AuthSetting(
            "extra_parameters",
            "Extra authorization parameters",
            required=False,
            help="Added to the authorization URL, in query form, "
            "e.g. access_type=offline&prompt=consent.",
        ),
        AuthSetting(
            "redirect_uri",
            "Redirect URI",
            default=DEFAULT_REDIRECT_URI,
            help="Where the server sends the browser back. On a loopback address workbench "
            "listens for it, on a free port unless the URI names one (port 0 or no port: a "
            "free port); otherwise paste the URL you land on.",
        ),
        TOKEN_IN,
        AuthSetting(
            "token_name",
            "Token header or parameter name",
            required=False,
            help="Default: the Authorization header (as 'Bearer <token>'), or the query "
            "parameter access_token.",
        ),
    ),
    apply=_apply,
    token_flow=UserAgentFlow(),
)
