"""OAuth2 password flow (RFC 6749 section 4.3): trade a username and password for a token.

The token is cached and renewed with the refresh token when the server gave
one, else by asking again with the password (see `tokens.TokenManager`).
"""

from __future__ import annotations

from workbench.core.auth import oauth
from workbench.core.auth.base import AuthMethod, AuthSetting, text_setting
from workbench.core.auth.tokens import Token, TokenContext


class PasswordFlow:
    """Obtains tokens with the password grant, renews them with the refresh token grant."""

    async def obtain(self, context: TokenContext) -> Token:
        settings = context.settings
        return await oauth.request_form_token(
            context,
            context.endpoint("token_url"),
            "password",
            username=text_setting(settings, "username"),
            password=text_setting(settings, "password"),
            scope=text_setting(settings, "scope"),
        )

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        return await oauth.refresh_token(context, token)


METHOD = AuthMethod(
    name="oauth2_password",
    label="OAuth2 password flow",
    settings=(
        AuthSetting(
            "token_url",
            "Token URL",
            help="Absolute, or relative to the provider's base URL, e.g. /oauth/token.",
        ),
        AuthSetting("username", "Username"),
        AuthSetting("password", "Password", private=True),
        oauth.CLIENT_ID,
        oauth.CLIENT_SECRET,
        oauth.CLIENT_AUTH,
        AuthSetting("scope", "Scope", required=False, help="Space-separated scopes."),
    ),
    apply=oauth.apply_bearer,
    token_flow=PasswordFlow(),
)
