"""OAuth2 custom token: a token endpoint that is not standard OAuth2, described by templates.

The token request is a POST of a JSON body written by the user, with extra
headers; `<name>` placeholders in both take the method's own settings
(`client_id`, `client_secret`, `username`, `password`), JSON-escaped in the
body. The answer's `access_token` and `expires_in` give the token, sent as
`Authorization: Bearer`. There is no refresh token: a new token is obtained
the same way when the old one expires.
"""

from __future__ import annotations

import json

from workbench.core.auth import oauth
from workbench.core.auth.base import AuthMethod, AuthSetting, text_setting
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import RequestBuildError
from workbench.core.sending.template import body_placeholders, fill_json, fill_text

# The settings a template may refer to as <name>.
PLACEHOLDERS = ("client_id", "client_secret", "username", "password")
LABEL = "OAuth2 custom token"


class CustomTokenFlow:
    """Obtains tokens by POSTing the filled-in JSON template; there is nothing to refresh."""

    async def obtain(self, context: TokenContext) -> Token:
        settings = context.settings
        values = {name: text_setting(settings, name) for name in PLACEHOLDERS if name in settings}
        body_template = text_setting(settings, "token_body")
        headers_template = text_setting(settings, "token_headers")
        _check_placeholders(f"{body_template}\n{headers_template}", values)
        body = fill_json(body_template, values)
        try:
            json.loads(body)
        except ValueError as error:
            # The position, not the text: the text may hold a filled-in secret.
            raise RequestBuildError(
                f"{LABEL}: the token body (token_body) is not valid JSON: {error}."
            ) from None
        headers = {"Content-Type": "application/json", **_headers(headers_template, values)}
        return await oauth.request_token(
            context, context.endpoint("token_url"), body.encode("utf-8"), headers
        )

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        return None


def _check_placeholders(templates: str, values: dict[str, str]) -> None:
    """Refuse a `<name>` that is not one of the settings, or whose setting has no value."""
    for name in sorted(body_placeholders(templates)):
        if name not in PLACEHOLDERS:
            raise RequestBuildError(
                f"{LABEL}: the token templates use <{name}>; the placeholders are "
                f"{', '.join(f'<{p}>' for p in PLACEHOLDERS)}."
            )
        if name not in values:
            raise RequestBuildError(
                f"{LABEL}: the token templates use <{name}>, but the setting '{name}' has no "
                "value. Set it in the provider's authentication."
            )


def _headers(template: str, values: dict[str, str]) -> dict[str, str]:
    """`Name: value` per line (blank lines skipped), placeholders filled in verbatim."""
    headers: dict[str, str] = {}
    for number, line in enumerate(template.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise RequestBuildError(
                f"{LABEL}: line {number} of the token headers (token_headers) is not 'Name: value'."
            )
        filled = fill_text(value.strip(), values)
        if not (name + filled).isascii():
            raise RequestBuildError(
                f"{LABEL}: the token header '{name.strip()}' is not plain ASCII."
            )
        headers[name.strip()] = filled
    return headers


METHOD = AuthMethod(
    name="oauth2_custom",
    label=LABEL,
    settings=(
        AuthSetting(
            "token_url",
            "Token URL",
            help="Absolute, or relative to the provider's base URL. Receives a JSON POST.",
        ),
        AuthSetting(
            "token_headers",
            "Token request headers",
            required=False,
            multiline=True,
            help="One 'Name: value' per line; <client_id> and the other settings may be used.",
        ),
        AuthSetting(
            "token_body",
            "Token request body (JSON)",
            multiline=True,
            default='{"client_id": "<client_id>", "client_secret": "<client_secret>"}',
            help="A JSON template; <client_id>, <client_secret>, <username>, <password> are "
            "replaced by the settings, JSON-escaped.",
        ),
        oauth.CLIENT_ID,
        oauth.CLIENT_SECRET,
        AuthSetting("username", "Username", required=False),
        AuthSetting("password", "Password", private=True, required=False),
    ),
    apply=oauth.apply_bearer,
    token_flow=CustomTokenFlow(),
)
