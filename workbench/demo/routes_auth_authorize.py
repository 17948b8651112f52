"""/oauth/authorize: the user-agent step of the authorization code flow, with PKCE required.

The demo user has already approved the demo client, so a valid request is
answered at once with a redirect carrying the code, as a provider does for a
returning user. Redirects go only to loopback addresses (RFC 8252): the demo
never sends a browser anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from workbench.demo.credentials import CLIENT_ID, DEMO_USER
from workbench.demo.messages import Request, Response
from workbench.demo.router import Router
from workbench.demo.routes_auth import OAuthError
from workbench.demo.state import Grant

DEFAULT_SCOPE = "profile"
"""The scope granted when a client asks for none."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# RFC 7636: a verifier (and an S256 challenge) is 43 to 128 unreserved characters.
_PKCE_VALUE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def register(router: Router) -> None:
    router.add("GET", "/oauth/authorize", authorize)


def authorize(request: Request) -> Response:
    """Check the authorization request and redirect to redirect_uri with a code (RFC 6749 4.1)."""
    if request.query_value("client_id") != CLIENT_ID:
        raise OAuthError(
            400, "invalid_client", f"unknown client_id; the demo client is {CLIENT_ID}"
        )
    redirect_uri = request.query_value("redirect_uri") or ""
    if not is_loopback_redirect(redirect_uri):
        # Never redirect to an unchecked address: answer here instead (RFC 6749 4.1.2.1).
        raise OAuthError(
            400,
            "invalid_request",
            "redirect_uri must be a loopback URL like http://127.0.0.1:PORT/callback",
        )
    state = request.query_value("state")
    problem = _request_problem(request)
    if problem is not None:
        error, description = problem
        return redirect(redirect_uri, error=error, error_description=description, state=state)
    challenge = request.query_value("code_challenge") or ""
    grant = Grant("authorization_code", DEMO_USER, scope_text(request.query_value("scope")))
    code = request.state.issue_code(grant, redirect_uri, challenge)
    return redirect(redirect_uri, code=code, state=state)


def _request_problem(request: Request) -> tuple[str, str] | None:
    """(error, description) of an invalid request whose redirect_uri is fine; None if valid."""
    if request.query_value("response_type") != "code":
        return "unsupported_response_type", "response_type must be code"
    challenge = request.query_value("code_challenge")
    if not challenge:
        return "invalid_request", "code_challenge is required (PKCE, RFC 7636)"
    if request.query_value("code_challenge_method") != "S256":
        return "invalid_request", "code_challenge_method must be S256"
    if not _PKCE_VALUE.fullmatch(challenge):
        return "invalid_request", "code_challenge must be the base64url SHA-256 of the verifier"
    return None


def is_loopback_redirect(uri: str) -> bool:
    """Whether `uri` is an http URL on a loopback host (any port, any path)."""
    try:
        parts = urlsplit(uri)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number up to 65535
        return False
    return (
        port_ok
        and parts.scheme == "http"
        and parts.hostname in LOOPBACK_HOSTS
        and not parts.fragment  # RFC 6749 3.1.2: a redirection URI has no fragment
    )


def redirect(uri: str, **params: str | None) -> Response:
    """302 to `uri` with `params` added to its query (None values left out)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    location = urlunsplit(parts._replace(query=urlencode(query)))
    return Response(302, headers=[("Location", location), ("Cache-Control", "no-store")])


def scope_text(requested: str | None) -> str:
    """The requested scope with normalised spaces, or DEFAULT_SCOPE when none was asked for."""
    return " ".join((requested or "").split()) or DEFAULT_SCOPE


def pkce_matches(verifier: str, challenge: str) -> bool:
    """Whether BASE64URL(SHA256(verifier)) without padding equals the S256 `challenge`."""
    if not _PKCE_VALUE.fullmatch(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == challenge
