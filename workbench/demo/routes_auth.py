"""/auth/<method>/whoami: one endpoint per authentication method, checking it as a real API would.

Each answers {"authenticated": true, "method": ..., "user": ...} for the right
credentials and 401 naming what was wrong otherwise, never echoing a
credential. The checks shared with the OAuth endpoints (Basic credentials,
constant-time comparison, JWT verification, RFC 6749 error bodies) live here too.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from workbench.demo.credentials import CLIENT_ID, DEMO_USER, JWT_ISSUER, DemoCredentials
from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router

KEY_HEADER = "X-Api-Key"
KEY_QUERY = "api_key"
REALM = "workbench-demo"
JWT_ALGORITHM = "RS256"
MAX_JWT_LIFETIME = 3600
"""Longest exp - iat accepted, as Google does for service-account assertions."""
JWT_LEEWAY = 10
"""Seconds of clock difference tolerated on exp and iat."""


class OAuthError(HTTPError):
    """An error answered in the RFC 6749 / RFC 6750 shape: {"error": CODE, "error_description"}."""

    def __init__(
        self,
        status: int,
        code: str,
        description: str,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(status, description, headers)
        self.code = code

    def to_response(self) -> Response:
        body = {"error": self.code, "error_description": self.message}
        return json_response(body, self.status, self.headers)


class JWTRejected(Exception):
    """A JWT that does not verify; the message says why, for the caller's own error shape."""


def register(router: Router) -> None:
    router.add("GET", "/auth/none/whoami", none_whoami)
    router.add("GET", "/auth/url-key/whoami", url_key_whoami)
    router.add("GET", "/auth/header-key/whoami", header_key_whoami)
    router.add("GET", "/auth/basic/whoami", basic_whoami)
    router.add("GET", "/auth/bearer/whoami", bearer_whoami)
    router.add("GET", "/auth/jwt/whoami", jwt_whoami)
    router.add("GET", "/auth/certificate/whoami", certificate_whoami)


def whoami(method: str, user: str, **details: Any) -> Response:
    return json_response({"authenticated": True, "method": method, "user": user, **details})


def none_whoami(request: Request) -> Response:
    """No authentication: everyone is the anonymous user."""
    return json_response({"authenticated": False, "method": "none", "user": "anonymous"})


def url_key_whoami(request: Request) -> Response:
    """A key in the query string: ?api_key=KEY."""
    key = request.query_value(KEY_QUERY)
    if not key:
        raise HTTPError(401, f"no key: send it as the query parameter {KEY_QUERY}")
    if not same_secret(key, request.state.credentials.url_key):
        raise HTTPError(401, f"wrong key in the query parameter {KEY_QUERY}")
    return whoami("url-key", DEMO_USER)


def header_key_whoami(request: Request) -> Response:
    """A key in a header: X-Api-Key: KEY."""
    key = request.headers.get(KEY_HEADER)
    if not key:
        raise HTTPError(401, f"no key: send it in the {KEY_HEADER} header")
    if not same_secret(key, request.state.credentials.header_key):
        raise HTTPError(401, f"wrong key in the {KEY_HEADER} header")
    return whoami("header-key", DEMO_USER)


def basic_whoami(request: Request) -> Response:
    """HTTP Basic (RFC 7617) with the demo user's name and Basic password."""
    challenge = [("WWW-Authenticate", f'Basic realm="{REALM}", charset="UTF-8"')]
    pair = basic_credentials(request)
    if pair is None:
        raise HTTPError(401, "no Basic credentials in the Authorization header", challenge)
    user, password = pair
    if user != DEMO_USER:
        raise HTTPError(401, f"unknown user {user!r}; the demo user is {DEMO_USER!r}", challenge)
    if not same_secret(password, request.state.credentials.basic_password):
        raise HTTPError(401, f"wrong password for user {user!r}", challenge)
    return whoami("basic", user)


def bearer_whoami(request: Request) -> Response:
    """An access token issued by /oauth/token or /oauth/custom-token (RFC 6750)."""
    token = bearer_token(request) or request.query_value("access_token")
    if not token:
        raise invalid_token("no access token: send 'Authorization: Bearer TOKEN'")
    grant = request.state.access_grant(token)
    if grant is None:
        raise invalid_token("the access token is unknown, expired or revoked")
    return whoami(grant.method, grant.user, scope=grant.scope)


def jwt_whoami(request: Request) -> Response:
    """A self-signed JWT as the bearer token (no token endpoint), audience CLIENT_ID."""
    token = bearer_token(request)
    if not token:
        raise invalid_token("no JWT: send 'Authorization: Bearer JWT'")
    try:
        claims = verify_jwt(request.state.credentials, token, CLIENT_ID, request.state.clock())
    except JWTRejected as error:
        raise invalid_token(str(error)) from None
    return whoami("jwt", str(claims.get("sub") or claims["iss"]))


def certificate_whoami(request: Request) -> Response:
    """Mutual TLS: the client certificate's subject common name (HTTPS port only)."""
    certificate = request.peer_certificate
    if certificate is None:
        raise HTTPError(401, "no client certificate: call this endpoint on the demo's HTTPS port")
    names = [
        value
        for relative_name in certificate.get("subject", ())
        for key, value in relative_name
        if key == "commonName"
    ]
    return whoami("certificate", names[0] if names else "")


def same_secret(given: str, expected: str) -> bool:
    """Compare in constant time, so response timing does not reveal how much of a guess matched."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def authorization(request: Request, scheme: str) -> str | None:
    """The credentials after `scheme` in the Authorization header (scheme ignoring case)."""
    name, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    if name.lower() != scheme.lower() or not value.strip():
        return None
    return value.strip()


def bearer_token(request: Request) -> str | None:
    return authorization(request, "Bearer")


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic`; None when absent or malformed."""
    encoded = authorization(request, "Basic")
    if encoded is None:
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else None


def invalid_token(description: str) -> OAuthError:
    """The RFC 6750 answer to a missing, unknown or expired bearer token."""
    # RFC 6750 allows neither '"' nor '\\' in error_description.
    quoted = description.replace('"', "'").replace("\\", "/")
    challenge = f'Bearer realm="{REALM}", error="invalid_token", error_description="{quoted}"'
    return OAuthError(401, "invalid_token", description, [("WWW-Authenticate", challenge)])


def verify_jwt(
    credentials: DemoCredentials, token: str, audience: str, now: float
) -> dict[str, Any]:
    """The claims of a JWT signed with the demo key for `audience`; JWTRejected saying why not.

    Checked: the RS256 signature, iss == JWT_ISSUER, aud, exp and iat present,
    not expired, not issued in the future, and at most MAX_JWT_LIFETIME long;
    exp and iat are judged at `now` (the server's clock, seconds since the epoch).
    """
    import jwt  # imported on first use: only the JWT endpoints need it

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            credentials.jwt_public_key_pem,
            algorithms=[JWT_ALGORITHM],
            audience=audience,
            issuer=JWT_ISSUER,
            leeway=JWT_LEEWAY,
            # exp and iat are compared with `now` below, not with pyjwt's own clock.
            options={
                "require": ["iss", "aud", "exp", "iat"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise JWTRejected("the JWT signature does not verify with the demo public key") from None
    except jwt.InvalidAlgorithmError:
        raise JWTRejected(f"the JWT must be signed with {JWT_ALGORITHM}") from None
    except jwt.InvalidIssuerError:
        raise JWTRejected(f"wrong iss claim: expected {JWT_ISSUER!r}") from None
    except jwt.InvalidAudienceError:
        raise JWTRejected(f"wrong aud claim: expected {audience!r}") from None
    except jwt.InvalidTokenError as error:
        raise JWTRejected(f"not an acceptable JWT: {error}") from None
    expires, issued = claims["exp"], claims["iat"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (expires, issued)):
        raise JWTRejected("not an acceptable JWT: exp and iat must be seconds since the epoch")
    if expires <= now - JWT_LEEWAY:
        raise JWTRejected("the JWT has expired (exp is in the past)")
    if issued > now + JWT_LEEWAY:
        raise JWTRejected("the JWT is issued in the future (iat)")
    if expires - issued > MAX_JWT_LIFETIME:
        raise JWTRejected(f"the JWT lives longer than {MAX_JWT_LIFETIME} s (exp - iat)")
    return claims
