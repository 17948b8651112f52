"""What the token-based methods share: asking a token endpoint for a token, and sending it.

Every flow ends in the same POST to a token endpoint and the same handling of
its answer: a `Token`, or an `AuthError` naming the method and what the
server said (status, OAuth `error`, `error_description`), never a secret:
the messages are written from settings that are not private, and the
server's own words are masked.

The OAuth2 protocol is authlib's: `prepare_token_request` writes a grant's
form fields and `ClientAuth` adds client authentication (client_secret_post
or client_secret_basic). Only the sending is ours: it goes through the
provider's pooled `httpx.AsyncClient` (`TokenContext.http`), so a token
request reuses the calls' connections and their TLS setup (client
certificate, CA bundle). authlib's `AsyncOAuth2Client` is not used: it *is*
an `httpx.AsyncClient`, so it would mean a second pool and TLS setup per
token request, and with httpx (rather than httpx2) importing it warns that
the httpx integration is deprecated.

httpx and authlib are imported on the first token request: this module is
imported at start-up with the method registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from workbench.core.auth.base import AuthAdditions, AuthSetting, ResolvedSettings, text_setting
from workbench.core.auth.setting_values import choice
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import AuthError
from workbench.core.secrets.masking import Masker
from workbench.core.secrets.store import Secret, auth_field, remember

if TYPE_CHECKING:
    import ssl

    import httpx
    from authlib.oauth2.auth import ClientAuth

FORM = "application/x-www-form-urlencoded"
# Token endpoints answer quickly; the pooled clients have no default timeout.
TOKEN_TIMEOUT_SECONDS = 30.0
# A server's error_description is shown, but not a whole page of it.
MAX_DESCRIPTION = 300

CLIENT_ID = AuthSetting(
    "client_id", "Client ID", required=False, help="Leave empty when the server needs none."
)
CLIENT_SECRET = AuthSetting(
    "client_secret", "Client secret", private=True, required=False, help="For confidential clients."
)
CLIENT_AUTH = AuthSetting(
    "client_auth",
    "Client authentication",
    default="body",
    choices=("body", "basic"),
    help="How the client ID and secret are sent: in the form body or as HTTP Basic.",
)


class CredentialsRefused(AuthError):
    """The token endpoint understood the request and said no: the credentials need checking."""


def apply_bearer(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    """`apply` of token-based methods: `Authorization: Bearer <token>`, masked as a whole."""
    if token is None:
        return AuthAdditions()
    value = Secret(f"Bearer {token.access_token.reveal()}")
    return AuthAdditions(headers=[("Authorization", value)])


async def request_form_token(
    context: TokenContext, url: str, grant_type: str, **fields: str
) -> Token:
    """Ask for a token with an OAuth2 grant (form fields; empty ones are left out).

    When the method has a `client_id` setting, the client authenticates as
    `client_auth` says; without a client secret it is a public client that
    only names itself.
    """
    from authlib.oauth2.rfc6749.parameters import prepare_token_request

    body: str = prepare_token_request(grant_type, **fields)
    headers = {"Content-Type": FORM}
    client = _client_auth(context)
    if client is not None:
        url, headers, body = client.prepare("POST", url, headers, body)
        _remember_basic_credential(headers)
    return await request_token(context, url, body.encode(), headers)


def _remember_basic_credential(headers: Mapping[str, str]) -> None:
    """client_secret_basic sends base64 of `client_id:client_secret`: remembered as private,
    it is masked wherever it shows up (an endpoint's error page)."""
    scheme, _, credential = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        remember(credential)


async def refresh_token(context: TokenContext, token: Token) -> Token | None:
    """The refresh_token grant, for flows whose server hands out refresh tokens."""
    if token.refresh_token is None:
        return None
    return await request_form_token(
        context,
        context.endpoint("token_url"),
        "refresh_token",
        refresh_token=token.refresh_token.reveal(),
    )


def _client_auth(context: TokenContext) -> ClientAuth | None:
    from authlib.oauth2.auth import ClientAuth

    client_id = text_setting(context.settings, CLIENT_ID.name)
    if not client_id:
        return None
    secret = context.settings.get(CLIENT_SECRET.name)
    if not isinstance(secret, Secret):
        return ClientAuth(client_id, None, "none")
    how = choice(context.settings, CLIENT_AUTH, context.method_label)
    method = "client_secret_basic" if how == "basic" else "client_secret_post"
    return ClientAuth(client_id, secret.reveal(), method)


async def request_token(
    context: TokenContext, url: str, content: bytes, headers: Mapping[str, str]
) -> Token:
    """POST a token request; the answer's token, or an `AuthError` saying what went wrong."""
    import httpx

    from workbench.core.sending.failures import TRANSPORT_ERRORS

    context.check_endpoint(url)
    try:
        response = await context.http.post(
            url,
            content=content,
            headers={"Accept": "application/json", **headers},
            timeout=TOKEN_TIMEOUT_SECONDS,
        )
    except httpx.InvalidURL as error:
        raise AuthError(
            f"{context.method_label}: the token URL {url!r} is not valid ({error})."
        ) from None
    except TRANSPORT_ERRORS as error:
        raise _unreachable(context, url, error) from None
    data = _json_object(response)
    if response.status_code >= 400 or "error" in data:
        raise _refused(context, url, response, data)
    try:
        return Token.from_response(data)
    except ValueError:
        raise AuthError(
            f"{context.method_label}: the token endpoint {url} answered "
            f"{_status(response)} without an access_token."
        ) from None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:  # not JSON, or not UTF-8
        return {}
    return data if isinstance(data, dict) else {}


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase}".strip()


def _unreachable(
    context: TokenContext, url: str, error: httpx.HTTPError | ssl.SSLError
) -> AuthError:
    from workbench.core.sending.exchange import SentRequest
    from workbench.core.sending.failures import describe_transport_error

    sent = SentRequest("POST", url, (), b"")
    _, reason = describe_transport_error(error, sent, TOKEN_TIMEOUT_SECONDS)
    return AuthError(f"{context.method_label}: no token from the token endpoint {url}. {reason}")


def _refused(
    context: TokenContext, url: str, response: httpx.Response, data: Mapping[str, Any]
) -> AuthError:
    error = data.get("error")
    if isinstance(error, str) and error:
        # The server's own words are the one part of the message we do not write: a
        # careless server may echo what it was sent, in any encoding (the settings' values
        # and the credentials made from them are all known). Masked before it is cut, so
        # that half a secret at the cut is masked too.
        masker = Masker.known()
        answer = masker.text(f"{response.status_code} {error}")
        description = data.get("error_description")
        if isinstance(description, str) and description:
            answer += f": {masker.text(description)[:MAX_DESCRIPTION]}"
    else:
        answer = _status(response)
    label = context.method_label
    # 400/401/403, or an OAuth error short of a server failure, mean the server
    # understood and said no: the credentials are what to check. Anything else
    # (404, 5xx...) is about the endpoint.
    status = response.status_code
    if status in (400, 401, 403) or (status < 500 and error):
        private = [auth_field(n) for n, v in context.settings.items() if isinstance(v, Secret)]
        check = (
            f"Check the provider's authentication settings and its private values "
            f"({', '.join(private)})."
            if private
            else "Check the provider's authentication settings."
        )
        return CredentialsRefused(
            f"{label}: the token endpoint {url} refused the credentials ({answer}). {check}"
        )
    return AuthError(
        f"{label}: the token endpoint {url} answered {answer}. Check the token URL (token_url) "
        "and that the server is up."
    )
