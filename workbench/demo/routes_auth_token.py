"""The token endpoints: /oauth/token (RFC 6749 and RFC 7523) and a non-standard /oauth/custom-token.

/oauth/token speaks the grants password, client_credentials, authorization_code
(PKCE S256), refresh_token and urn:ietf:params:oauth:grant-type:jwt-bearer, with
client authentication in the form body or by HTTP Basic. Refresh tokens are rotated,
as Auth0 and Okta do when rotation is on: each is good for one refresh, whose
answer carries the next one (of the same scope, RFC 6749 section 6).
/oauth/custom-token is the kind of home-made token
endpoint real APIs have: a JSON body, a custom header, no token_type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import unquote_plus

from workbench.demo.credentials import CLIENT_ID, DEMO_USER, DemoCredentials
from workbench.demo.forms import URLENCODED_TYPE, parse_form
from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router
from workbench.demo.routes_auth import (
    REALM,
    JWTRejected,
    OAuthError,
    basic_credentials,
    same_secret,
    verify_jwt,
)
from workbench.demo.routes_auth_authorize import DEFAULT_SCOPE, pkce_matches, scope_text
from workbench.demo.state import Grant

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CUSTOM_CLIENT_HEADER = "X-Demo-Client"

Form = dict[str, str]


def register(router: Router) -> None:
    router.add("POST", "/oauth/token", token)
    router.add("POST", "/oauth/custom-token", custom_token)


def token(request: Request) -> Response:
    """Exchange a grant for an access token (RFC 6749 section 4, RFC 7523 section 2.1)."""
    form = _form(request)
    grant_type = _required(form, "grant_type")
    handler = _GRANTS.get(grant_type)
    if handler is None:
        raise OAuthError(
            400,
            "unsupported_grant_type",
            f"grant_type must be one of: {', '.join(_GRANTS)}",
        )
    return handler(request, form)


def _password(request: Request, form: Form) -> Response:
    _authenticate_client(request, form)
    username, password = _required(form, "username"), _required(form, "password")
    if username != DEMO_USER:
        raise _invalid_grant(f"unknown user {username!r}; the demo user is {DEMO_USER!r}")
    if not same_secret(password, request.state.credentials.oauth_password):
        raise _invalid_grant(f"wrong password for user {username!r}")
    grant = Grant("password", username, scope_text(form.get("scope")))
    return _token_response(request, grant, refresh_grant=grant)


def _client_credentials(request: Request, form: Form) -> Response:
    # The client acts for itself (RFC 6749 section 4.4): it is the caller, and gets no
    # refresh token. `audience`, which Auth0 wants, is accepted and not checked.
    client_id = _authenticate_client(request, form)
    grant = Grant("client_credentials", client_id, scope_text(form.get("scope")))
    return _token_response(request, grant, refresh_grant=None)


def _authorization_code(request: Request, form: Form) -> Response:
    _authenticate_client(request, form)
    code = _required(form, "code")
    redirect_uri, verifier = _required(form, "redirect_uri"), _required(form, "code_verifier")
    # Taken (and so spent) before any other check: a code is good for one attempt only.
    record = request.state.take_code(code)
    if record is None:
        raise _invalid_grant("the authorization code is unknown, expired or already used")
    if redirect_uri != record.redirect_uri:
        raise _invalid_grant("redirect_uri differs from the one sent to /oauth/authorize")
    if not pkce_matches(verifier, record.code_challenge):
        raise _invalid_grant("code_verifier does not match the code_challenge (S256)")
    return _token_response(request, record.grant, refresh_grant=record.grant)


def _refresh_token(request: Request, form: Form) -> Response:
    _authenticate_client(request, form)
    refresh_token = _required(form, "refresh_token")
    grant = request.state.refresh_grant(refresh_token)
    if grant is None:
        raise _invalid_grant("the refresh token is unknown, revoked or already used")
    access_grant = grant
    requested = form.get("scope")
    if requested:
        # A refresh may narrow the scope, never widen it (RFC 6749 section 6).
        if not set(requested.split()) <= set(grant.scope.split()):
            raise OAuthError(400, "invalid_scope", f"scope must be within {grant.scope!r}")
        access_grant = dataclasses.replace(grant, scope=scope_text(requested))
    # Spent only now, so a refused request leaves it usable; of two requests racing with
    # one token, only the first gets an answer.
    if request.state.take_refresh_grant(refresh_token) is None:
        raise _invalid_grant("the refresh token is unknown, revoked or already used")
    return _token_response(request, access_grant, refresh_grant=grant)


def _jwt_bearer(request: Request, form: Form) -> Response:
    # The signed assertion is what authenticates (RFC 7523 section 3.1); client
    # credentials are optional, but checked when sent.
    _authenticate_client(request, form, required=False)
    audience = f"{request.scheme}://{request.headers.get('Host', '')}/oauth/token"
    try:
        assertion = _required(form, "assertion")
        claims = verify_jwt(request.state.credentials, assertion, audience, request.state.clock())
    except JWTRejected as error:
        raise _invalid_grant(str(error)) from None
    user = str(claims.get("sub") or claims["iss"])
    # Google-style assertions carry the scope as a claim; a form parameter also works.
    claimed_scope = claims.get("scope")
    scope = scope_text(claimed_scope if isinstance(claimed_scope, str) else form.get("scope"))
    return _token_response(request, Grant("jwt-bearer", user, scope), refresh_grant=None)


_GRANTS: dict[str, Callable[[Request, Form], Response]] = {
    "password": _password,
    "client_credentials": _client_credentials,
    "authorization_code": _authorization_code,
    "refresh_token": _refresh_token,
    JWT_BEARER_GRANT: _jwt_bearer,
}


def custom_token(request: Request) -> Response:
    """A JSON token request with a custom header; answers {access_token, expires_in} only."""
    if request.headers.get(CUSTOM_CLIENT_HEADER) != CLIENT_ID:
        raise HTTPError(401, f"send the header {CUSTOM_CLIENT_HEADER}: {CLIENT_ID}")
    body = request.json_body()
    client_id = body.get("client_id") if isinstance(body, dict) else None
    secret = body.get("client_secret") if isinstance(body, dict) else None
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise HTTPError(400, 'send a JSON object with "client_id" and "client_secret" texts')
    problem = client_problem(request.state.credentials, client_id, secret)
    if problem is not None:
        raise HTTPError(401, problem)
    access_token, lifetime = request.state.issue_access_token(
        Grant("custom", DEMO_USER, DEFAULT_SCOPE)
    )
    return json_response({"access_token": access_token, "expires_in": lifetime})


def client_problem(credentials: DemoCredentials, client_id: str, secret: str) -> str | None:
    """What is wrong with these client credentials, or None when they are right."""
    if client_id != CLIENT_ID:
        return f"unknown client_id {client_id!r}; the demo client is {CLIENT_ID!r}"
    if not same_secret(secret, credentials.client_secret):
        return f"wrong client_secret for client {client_id!r}"
    return None


def _authenticate_client(request: Request, form: Form, *, required: bool = True) -> str:
    """Check client credentials sent by HTTP Basic or in the body (RFC 6749 section 2.3.1);
    the client's ID ("" when none was sent and none is `required`)."""
    basic = basic_credentials(request)
    if basic is not None and "client_secret" in form:
        raise OAuthError(
            400, "invalid_request", "send client credentials by Basic or in the body, not both"
        )
    if basic is not None:
        # RFC 6749 form-encodes the client id and secret before Basic-encoding them.
        client_id, secret = unquote_plus(basic[0]), unquote_plus(basic[1])
    elif "client_secret" in form:
        client_id, secret = form.get("client_id", ""), form["client_secret"]
    elif required:
        raise _invalid_client("no client authentication: send client_id and client_secret")
    else:
        return ""
    problem = client_problem(request.state.credentials, client_id, secret)
    if problem is not None:
        raise _invalid_client(problem)
    return client_id


def _token_response(request: Request, grant: Grant, *, refresh_grant: Grant | None) -> Response:
    """The token answer for `grant`, with a refresh token for `refresh_grant` when given."""
    access_token, lifetime = request.state.issue_access_token(grant)
    body: dict[str, str | int] = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": grant.scope,
    }
    if refresh_grant is not None:
        body["refresh_token"] = request.state.issue_refresh_token(refresh_grant)
    # RFC 6749 section 5.1: token responses must not be cached.
    return json_response(body, headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")])


def _form(request: Request) -> Form:
    """The form body as single values; RFC 6749 forbids repeating a parameter."""
    if request.media_type != URLENCODED_TYPE:
        raise OAuthError(400, "invalid_request", f"send the parameters as {URLENCODED_TYPE}")
    fields = parse_form(request.headers.get("Content-Type", ""), request.body).fields
    repeated = sorted(name for name, values in fields.items() if len(values) > 1)
    if repeated:
        raise OAuthError(400, "invalid_request", f"repeated parameter(s): {', '.join(repeated)}")
    return {name: values[0] for name, values in fields.items()}


def _required(form: Form, name: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError(400, "invalid_request", f"missing parameter {name}")
    return value


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError(400, "invalid_grant", description)


def _invalid_client(description: str) -> OAuthError:
    challenge = [("WWW-Authenticate", f'Basic realm="{REALM}"')]
    return OAuthError(401, "invalid_client", description, challenge)
