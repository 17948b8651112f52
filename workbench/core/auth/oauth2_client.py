"""OAuth2 client credentials grant (RFC 6749 section 4.4): a client trades its own ID and secret
for a token, with no user involved (Keycloak, Okta, Azure AD, Auth0 service accounts).

The token request is the standard form POST; the client authenticates by HTTP
Basic (`client_secret_basic`, the default RFC 6749 recommends) or with its ID
and secret in the form (`client_secret_post`). Servers hand out no refresh
token for this grant, so an expiring token is obtained anew the same way.
"""

from __future__ import annotations

import dataclasses

from workbench.core.auth import oauth
from workbench.core.auth.base import AuthMethod, AuthSetting, text_setting
from workbench.core.auth.tokens import Token, TokenContext

GRANT_TYPE = "client_credentials"
# client_secret_basic unless told otherwise: the one RFC 6749 requires servers to support.
CLIENT_AUTH = dataclasses.replace(oauth.CLIENT_AUTH, default="basic")


class ClientCredentialsFlow:
    """Obtains tokens with the client credentials grant; renewing is obtaining again."""

    async def obtain(self, context: TokenContext) -> Token:
        context = _basic_by_default(context)
        settings = context.settings
        return await oauth.request_form_token(
            context,
            context.endpoint("token_url"),
            GRANT_TYPE,
            scope=text_setting(settings, "scope"),
            audience=text_setting(settings, "audience"),
        )

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        # A refresh token, should a server give one anyway, is used like any other.
        return await oauth.refresh_token(_basic_by_default(context), token)


def _basic_by_default(context: TokenContext) -> TokenContext:
    """The context with this method's default client authentication when none is set (the
    shared helpers in `oauth` default to the body, as the password flow does)."""
    settings = {CLIENT_AUTH.name: CLIENT_AUTH.default, **context.settings}
    return dataclasses.replace(context, settings=settings)


METHOD = AuthMethod(
    name="oauth2_client",
    label="OAuth2 client credentials",
    settings=(
        AuthSetting(
            "token_url",
            "Token URL",
            help="Absolute, or relative to the provider's base URL, e.g. /oauth/token.",
        ),
        AuthSetting("client_id", "Client ID", help="May differ per environment."),
        dataclasses.replace(oauth.CLIENT_SECRET, required=True),
        AuthSetting("scope", "Scope", required=False, help="Space-separated scopes."),
        AuthSetting(
            "audience",
            "Audience",
            required=False,
            help="The API the token is for, when the server asks for one (Auth0 does).",
        ),
        CLIENT_AUTH,
    ),
    apply=oauth.apply_bearer,
    token_flow=ClientCredentialsFlow(),
)
