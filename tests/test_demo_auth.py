"""The demo API's authentication endpoints, checked over loopback with httpx and pyjwt only.

Every method is tried with the right and with wrong credentials, as a client
of a real provider would meet them; no workbench client code is involved.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cli_process import command_line
from conftest import MovedClock
from cryptography.hazmat.primitives.asymmetric import rsa

from workbench.core.secrets.store import SecretAddress, SecretStore
from workbench.demo.credentials import DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
AUTH_WORKSPACE_ID = "a17c0e5b3d2f4a6b8c9d0e1f2a3b4c5d"
CLIENT_ID = "workbench-demo"
ISSUER = "workbench-demo@demo.iam.example"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REDIRECT_URI = "http://127.0.0.1:53682/callback"


@pytest.fixture
def demo(fresh_demo: DemoServer) -> Iterator[DemoServer]:
    """The demo API with no tokens issued; tokens and lifetime are reset after the test too."""
    yield fresh_demo
    fresh_demo.state.reset()


@pytest.fixture
def client(demo: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo.base_url, timeout=10) as client:
        yield client


def assert_refused(response: httpx.Response, status: int, error: str, *secrets: str) -> None:
    """An RFC 6749/6750 error body that never echoes the credentials that were sent."""
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]
    for value in secrets:
        assert value not in response.text


def whoami(client: httpx.Client, path: str, **kwargs: Any) -> dict[str, Any]:
    response = client.get(f"/auth/{path}/whoami", **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["authenticated"] is True
    return body


# --- keys and Basic ----------------------------------------------------------------


def test_no_authentication_is_the_anonymous_user(client: httpx.Client) -> None:
    response = client.get("/auth/none/whoami")
    assert response.json() == {"authenticated": False, "method": "none", "user": "anonymous"}


def test_key_in_url(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    key = demo_credentials.url_key
    body = whoami(client, "url-key", params={"api_key": key})
    assert body == {"authenticated": True, "method": "url-key", "user": "ada"}
    wrong = client.get("/auth/url-key/whoami", params={"api_key": key + "x"})
    assert wrong.status_code == 401
    assert "wrong key" in wrong.json()["error"] and key not in wrong.text
    missing = client.get("/auth/url-key/whoami", headers={"X-Api-Key": key})
    assert missing.status_code == 401 and "api_key" in missing.json()["error"]


def test_key_in_header(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    key = demo_credentials.header_key
    body = whoami(client, "header-key", headers={"X-Api-Key": key})
    assert body == {"authenticated": True, "method": "header-key", "user": "ada"}
    wrong = client.get("/auth/header-key/whoami", headers={"X-Api-Key": "nope"})
    assert wrong.status_code == 401 and "wrong key" in wrong.json()["error"]
    missing = client.get("/auth/header-key/whoami", params={"api_key": key})
    assert missing.status_code == 401 and "X-Api-Key" in missing.json()["error"]
    assert key not in missing.text


def test_basic(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    password = demo_credentials.basic_password
    body = whoami(client, "basic", auth=("ada", password))
    assert body == {"authenticated": True, "method": "basic", "user": "ada"}
    for auth, problem in [
        (("ada", password[:-1]), "wrong password for user 'ada'"),
        (("bob", password), "unknown user 'bob'"),
        (None, "no Basic credentials"),
    ]:
        response = client.get("/auth/basic/whoami", auth=auth)
        assert response.status_code == 401
        assert problem in response.json()["error"]
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="workbench-demo"')
        assert password[:-1] not in response.text


def test_keys_of_other_methods_are_not_accepted(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    response = client.get("/auth/url-key/whoami", params={"api_key": demo_credentials.header_key})
    assert response.status_code == 401


# --- OAuth 2: password, refresh ---------------------------------------------------


def password_form(credentials: DemoCredentials, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "password",
        "username": "ada",
        "password": credentials.oauth_password,
        **extra,
    }


def test_password_grant_with_client_credentials_in_the_body(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    form = password_form(
        demo_credentials, client_id=CLIENT_ID, client_secret=demo_credentials.client_secret
    )
    response = client.post("/oauth/token", data=form)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == "profile"
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    expected = {"authenticated": True, "method": "password", "user": "ada", "scope": "profile"}
    assert whoami(client, "bearer", headers=bearer) == expected
    assert whoami(client, "bearer", params={"access_token": tokens["access_token"]}) == expected


def test_password_grant_with_basic_client_authentication_and_a_scope(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    response = client.post(
        "/oauth/token",
        data=password_form(demo_credentials, scope="read  write"),
        auth=(CLIENT_ID, demo_credentials.client_secret),
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read write"
    token = response.json()["access_token"]
    assert whoami(client, "bearer", headers={"Authorization": f"Bearer {token}"})["scope"] == (
        "read write"
    )


def test_password_grant_refusals(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    secret = demo_credentials.client_secret
    client_auth = (CLIENT_ID, secret)
    wrong_password = client.post(
        "/oauth/token",
        data=password_form(demo_credentials, password="guess"),
        auth=client_auth,
    )
    assert_refused(wrong_password, 400, "invalid_grant", "guess")
    assert "wrong password" in wrong_password.json()["error_description"]
    unknown_user = client.post(
        "/oauth/token", data=password_form(demo_credentials, username="bob"), auth=client_auth
    )
    assert_refused(unknown_user, 400, "invalid_grant")
    wrong_secret = client.post(
        "/oauth/token", data=password_form(demo_credentials), auth=(CLIENT_ID, secret + "x")
    )
    assert_refused(wrong_secret, 401, "invalid_client", secret)
    assert wrong_secret.headers["WWW-Authenticate"].startswith("Basic")
    no_client = client.post("/oauth/token", data=password_form(demo_credentials))
    assert_refused(no_client, 401, "invalid_client")
    both = client.post(
        "/oauth/token",
        data=password_form(demo_credentials, client_id=CLIENT_ID, client_secret=secret),
        auth=client_auth,
    )
    assert_refused(both, 400, "invalid_request")
    as_json = client.post("/oauth/token", json=password_form(demo_credentials), auth=client_auth)
    assert_refused(as_json, 400, "invalid_request")
    unknown_grant = client.post("/oauth/token", data={"grant_type": "magic"}, auth=client_auth)
    assert_refused(unknown_grant, 400, "unsupported_grant_type")


def test_refresh_grant_keeps_the_grant_and_rotates_the_refresh_token(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    client_auth = (CLIENT_ID, demo_credentials.client_secret)
    first = client.post(
        "/oauth/token", data=password_form(demo_credentials, scope="read write"), auth=client_auth
    ).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    wider = client.post("/oauth/token", data={**refresh, "scope": "admin"}, auth=client_auth)
    assert_refused(wider, 400, "invalid_scope")  # a refused request does not spend the token
    renewed = client.post("/oauth/token", data=refresh, auth=client_auth)
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["access_token"] != first["access_token"]
    assert renewed.json()["refresh_token"] not in ("", first["refresh_token"])
    body = whoami(
        client, "bearer", headers={"Authorization": f"Bearer {renewed.json()['access_token']}"}
    )
    assert (body["method"], body["scope"]) == ("password", "read write")
    reused = client.post("/oauth/token", data=refresh, auth=client_auth)
    assert_refused(reused, 400, "invalid_grant")

    # A narrower access token; the next refresh token keeps the whole grant (RFC 6749 §6).
    refresh = {"grant_type": "refresh_token", "refresh_token": renewed.json()["refresh_token"]}
    narrower = client.post("/oauth/token", data={**refresh, "scope": "read"}, auth=client_auth)
    assert narrower.json()["scope"] == "read"
    refresh = {"grant_type": "refresh_token", "refresh_token": narrower.json()["refresh_token"]}
    assert client.post("/oauth/token", data=refresh, auth=client_auth).json()["scope"] == (
        "read write"
    )
    unknown = client.post(
        "/oauth/token", data={**refresh, "refresh_token": "not-issued"}, auth=client_auth
    )
    assert_refused(unknown, 400, "invalid_grant")
    no_client = client.post("/oauth/token", data=refresh)
    assert_refused(no_client, 401, "invalid_client")


# --- OAuth 2: authorization code with PKCE ----------------------------------------


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize(client: httpx.Client, challenge: str, **overrides: str | None) -> httpx.Response:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": "openid email",
        "access_type": "offline",
        **overrides,
    }
    present = {name: value for name, value in params.items() if value is not None}
    return client.get("/oauth/authorize", params=present, follow_redirects=False)


def redirect_query(response: httpx.Response, redirect_uri: str = REDIRECT_URI) -> dict[str, str]:
    """The query of the 302's Location, after checking it goes back to `redirect_uri`."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def code_form(code: str, verifier: str, redirect_uri: str = REDIRECT_URI) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }


def test_authorization_code_with_pkce(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    verifier, challenge = pkce_pair()
    query = redirect_query(authorize(client, challenge))
    assert query["state"] == "xyz-state"
    form = {
        **code_form(query["code"], verifier),
        "client_id": CLIENT_ID,
        "client_secret": demo_credentials.client_secret,
    }
    tokens = client.post("/oauth/token", data=form).json()
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "openid email"
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    body = whoami(client, "bearer", headers=bearer)
    assert (body["method"], body["user"]) == ("authorization_code", "ada")
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    renewed = client.post(
        "/oauth/token", data=refresh, auth=(CLIENT_ID, demo_credentials.client_secret)
    ).json()
    bearer = {"Authorization": f"Bearer {renewed['access_token']}"}
    assert whoami(client, "bearer", headers=bearer)["method"] == "authorization_code"


def test_authorization_code_keeps_the_redirect_uri_query(client: httpx.Client) -> None:
    _, challenge = pkce_pair()
    redirect_uri = "http://localhost:9000/oauth?from=workbench"
    response = authorize(client, challenge, redirect_uri=redirect_uri, state=None)
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "localhost:9000"
    query = parse_qs(location.query)
    assert query["from"] == ["workbench"] and "code" in query and "state" not in query


def test_a_code_needs_the_right_verifier_and_redirect_uri_and_works_once(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    client_auth = (CLIENT_ID, demo_credentials.client_secret)
    verifier, challenge = pkce_pair()

    def new_code() -> str:
        return redirect_query(authorize(client, challenge))["code"]

    other_verifier, _ = pkce_pair()
    wrong_verifier = client.post(
        "/oauth/token", data=code_form(new_code(), other_verifier), auth=client_auth
    )
    assert_refused(wrong_verifier, 400, "invalid_grant", other_verifier)
    assert "code_verifier" in wrong_verifier.json()["error_description"]
    wrong_redirect = client.post(
        "/oauth/token",
        data=code_form(new_code(), verifier, "http://127.0.0.1:1/elsewhere"),
        auth=client_auth,
    )
    assert_refused(wrong_redirect, 400, "invalid_grant")
    assert "redirect_uri" in wrong_redirect.json()["error_description"]
    code = new_code()
    wrong_client = client.post(
        "/oauth/token", data=code_form(code, verifier), auth=(CLIENT_ID, "wrong")
    )
    assert_refused(wrong_client, 401, "invalid_client")
    assert client.post("/oauth/token", data=code_form(code, verifier), auth=client_auth).is_success
    reused = client.post("/oauth/token", data=code_form(code, verifier), auth=client_auth)
    assert_refused(reused, 400, "invalid_grant")
    assert "already used" in reused.json()["error_description"]


def test_codes_expire(
    client: httpx.Client, demo_credentials: DemoCredentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("workbench.demo.state.CODE_LIFETIME", 0.0)
    verifier, challenge = pkce_pair()
    code = redirect_query(authorize(client, challenge))["code"]
    response = client.post(
        "/oauth/token",
        data=code_form(code, verifier),
        auth=(CLIENT_ID, demo_credentials.client_secret),
    )
    assert_refused(response, 400, "invalid_grant")
    assert "expired" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_an_invalid_authorization_request_redirects_with_an_error(
    client: httpx.Client, overrides: dict[str, str | None], error: str
) -> None:
    _, challenge = pkce_pair()
    query = redirect_query(authorize(client, challenge, **overrides))
    assert query["error"] == error and query["state"] == "xyz-state"
    assert query["error_description"] and "code" not in query


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": "http://127.0.0.1.evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"client_id": "someone-else"}, "invalid_client"),
        ({"client_id": "someone-else", "response_type": "token"}, "invalid_client"),
    ],
)
def test_authorization_never_redirects_to_an_unchecked_address(
    client: httpx.Client, overrides: dict[str, str | None], error: str
) -> None:
    _, challenge = pkce_pair()
    response = authorize(client, challenge, **overrides)
    assert_refused(response, 400, error)
    assert "Location" not in response.headers


# --- custom token endpoint --------------------------------------------------------


def test_custom_token(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    body = {
        "client_id": CLIENT_ID,
        "client_secret": demo_credentials.client_secret,
        "device": "laptop",
    }
    response = client.post(
        "/oauth/custom-token", json=body, headers={"X-Demo-Client": "workbench-demo"}
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"access_token", "expires_in"}
    assert response.json()["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert whoami(client, "bearer", headers=bearer)["method"] == "custom"


def test_custom_token_refusals(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    secret = demo_credentials.client_secret
    good = {"client_id": CLIENT_ID, "client_secret": secret}
    header = {"X-Demo-Client": CLIENT_ID}
    no_header = client.post("/oauth/custom-token", json=good)
    assert no_header.status_code == 401 and "X-Demo-Client" in no_header.json()["error"]
    wrong = client.post(
        "/oauth/custom-token", json={**good, "client_secret": secret + "x"}, headers=header
    )
    assert wrong.status_code == 401 and "wrong client_secret" in wrong.json()["error"]
    assert secret not in wrong.text
    missing = client.post("/oauth/custom-token", json={"client_id": CLIENT_ID}, headers=header)
    assert missing.status_code == 400
    as_form = client.post("/oauth/custom-token", data=good, headers=header)
    assert as_form.status_code == 415


# --- JWT: RFC 7523 grant and JWT as bearer token -----------------------------------


def signed_jwt(key: str | rsa.RSAPrivateKey, audience: str, **overrides: Any) -> str:
    """A JWT like a service account's, with claims overridden (None removes one)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "service@demo.iam.example",
        "aud": audience,
        "iat": now,
        "exp": now + 600,
        "scope": "read",
        **overrides,
    }
    present = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(present, key, algorithm="RS256")


def jwt_grant(client: httpx.Client, assertion: str) -> httpx.Response:
    return client.post("/oauth/token", data={"grant_type": JWT_BEARER, "assertion": assertion})


def test_jwt_bearer_grant(client: httpx.Client, demo_credentials: DemoCredentials) -> None:
    audience = f"{client.base_url}/oauth/token"
    response = jwt_grant(client, signed_jwt(demo_credentials.jwt_private_key_pem, audience))
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and "refresh_token" not in tokens
    body = whoami(client, "bearer", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert body == {
        "authenticated": True,
        "method": "jwt-bearer",
        "user": "service@demo.iam.example",
        "scope": "read",
    }
    without_sub = signed_jwt(demo_credentials.jwt_private_key_pem, audience, sub=None)
    token = jwt_grant(client, without_sub).json()["access_token"]
    user = whoami(client, "bearer", headers={"Authorization": f"Bearer {token}"})["user"]
    assert user == ISSUER


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"iss": "someone@else.example"}, "wrong iss"),
        ({"aud": "http://127.0.0.1:1/oauth/token"}, "wrong aud"),
        ({"aud": "workbench-demo"}, "wrong aud"),
        ({"exp": None}, "exp"),
        ({"iat": None}, "iat"),
        ({"iat": int(time.time()) - 900, "exp": int(time.time()) - 300}, "expired"),
        ({"iat": int(time.time()) + 900, "exp": int(time.time()) + 1200}, "in the future"),
        ({"iat": "yesterday"}, "seconds since the epoch"),
        ({"exp": int(time.time()) + 7200}, "longer than"),
        ({"key": "other"}, "signature"),
    ],
)
def test_jwt_bearer_grant_refusals(
    client: httpx.Client,
    demo_credentials: DemoCredentials,
    overrides: dict[str, Any],
    problem: str,
) -> None:
    claims = dict(overrides)
    key = other_key() if claims.pop("key", None) else demo_credentials.jwt_private_key_pem
    assertion = signed_jwt(key, f"{client.base_url}/oauth/token", **claims)
    response = jwt_grant(client, assertion)
    assert_refused(response, 400, "invalid_grant", assertion)
    assert problem in response.json()["error_description"]


def test_jwt_bearer_grant_checks_client_credentials_when_sent(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    assertion = signed_jwt(demo_credentials.jwt_private_key_pem, f"{client.base_url}/oauth/token")
    data = {"grant_type": JWT_BEARER, "assertion": assertion}
    good = client.post("/oauth/token", data=data, auth=(CLIENT_ID, demo_credentials.client_secret))
    assert good.status_code == 200
    bad = client.post("/oauth/token", data=data, auth=(CLIENT_ID, "wrong"))
    assert_refused(bad, 401, "invalid_client")


def test_a_signed_jwt_as_bearer_token(
    client: httpx.Client, demo_credentials: DemoCredentials
) -> None:
    token = signed_jwt(demo_credentials.jwt_private_key_pem, "workbench-demo")
    body = whoami(client, "jwt", headers={"Authorization": f"Bearer {token}"})
    assert body == {"authenticated": True, "method": "jwt", "user": "service@demo.iam.example"}
    for bad in (
        signed_jwt(demo_credentials.jwt_private_key_pem, f"{client.base_url}/oauth/token"),
        signed_jwt(other_key(), "workbench-demo"),
        signed_jwt(demo_credentials.jwt_private_key_pem, "workbench-demo", iss="x@y.example"),
    ):
        response = client.get("/auth/jwt/whoami", headers={"Authorization": f"Bearer {bad}"})
        assert_refused(response, 401, "invalid_token", bad)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    missing = client.get("/auth/jwt/whoami")
    assert_refused(missing, 401, "invalid_token")


# --- bearer tokens: expiry, revocation, counting ----------------------------------


def password_token(client: httpx.Client, credentials: DemoCredentials) -> dict[str, Any]:
    response = client.post(
        "/oauth/token",
        data=password_form(credentials),
        auth=(CLIENT_ID, credentials.client_secret),
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def assert_token_refused(client: httpx.Client, token: str) -> None:
    response = client.get("/auth/bearer/whoami", headers={"Authorization": f"Bearer {token}"})
    assert_refused(response, 401, "invalid_token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_bearer_without_a_token_or_with_an_unknown_one(client: httpx.Client) -> None:
    response = client.get("/auth/bearer/whoami")
    assert_refused(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert_token_refused(client, "never-issued")


def test_access_tokens_expire(
    client: httpx.Client, demo: DemoServer, demo_credentials: DemoCredentials, clock: MovedClock
) -> None:
    demo.state.token_lifetime = 60
    tokens = password_token(client, demo_credentials)
    assert tokens["expires_in"] == 60
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    clock.advance(59)
    assert client.get("/auth/bearer/whoami", headers=bearer).status_code == 200
    clock.advance(1)
    assert_token_refused(client, tokens["access_token"])


def test_revoked_tokens_are_refused_and_refresh_still_works(
    client: httpx.Client, demo: DemoServer, demo_credentials: DemoCredentials
) -> None:
    tokens = password_token(client, demo_credentials)
    demo.state.revoke_tokens()
    assert_token_refused(client, tokens["access_token"])
    renewed = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(CLIENT_ID, demo_credentials.client_secret),
    )
    bearer = {"Authorization": f"Bearer {renewed.json()['access_token']}"}
    assert whoami(client, "bearer", headers=bearer)["method"] == "password"


def test_token_requests_are_counted(
    client: httpx.Client, demo: DemoServer, demo_credentials: DemoCredentials
) -> None:
    password_token(client, demo_credentials)
    client.post("/oauth/token", data={"grant_type": "password"})
    assert demo.state.request_count("POST", "/oauth/token") == 2


def test_reset_restores_the_lifetime_and_forgets_tokens(
    client: httpx.Client, demo: DemoServer, demo_credentials: DemoCredentials
) -> None:
    demo.state.token_lifetime = 5
    token = password_token(client, demo_credentials)["access_token"]
    demo.state.reset()
    assert demo.state.token_lifetime == 3600
    assert_token_refused(client, token)


def test_token_lifetime_is_a_server_setting(demo_credentials: DemoCredentials) -> None:
    with DemoServer(credentials=demo_credentials, token_lifetime=42) as server:
        with httpx.Client(base_url=server.base_url) as client:
            assert password_token(client, demo_credentials)["expires_in"] == 42


# --- client certificates -----------------------------------------------------------


def tls_client_context(
    tmp_path: Path, credentials: DemoCredentials, *, with_cert: bool
) -> ssl.SSLContext:
    """A client context built from PEM files, as a client configured from the store would."""
    ca = tmp_path / "ca.pem"
    ca.write_text(credentials.ca_pem)
    context = ssl.create_default_context(cafile=str(ca))
    if with_cert:
        certificate, key = tmp_path / "client.pem", tmp_path / "client.key"
        certificate.write_text(credentials.client_certificate_pem)
        key.write_text(credentials.client_key_pem)
        context.load_cert_chain(certificate, key)
    return context


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_client_certificate_whoami(
    tmp_path: Path, demo_tls_server: DemoServer, demo_credentials: DemoCredentials, host: str
) -> None:
    assert demo_tls_server.base_url.startswith("https://127.0.0.1:")
    url = f"https://{host}:{demo_tls_server.port}/auth/certificate/whoami"
    context = tls_client_context(tmp_path, demo_credentials, with_cert=True)
    with httpx.Client(verify=context) as client:
        response = client.get(url)
    assert response.json() == {
        "authenticated": True,
        "method": "certificate",
        "user": "workbench-demo-client",
    }


def test_without_a_client_certificate_the_handshake_fails(
    tmp_path: Path, demo_tls_server: DemoServer, demo_credentials: DemoCredentials
) -> None:
    context = tls_client_context(tmp_path, demo_credentials, with_cert=False)
    with httpx.Client(verify=context) as client:
        # With TLS 1.3 the server's "certificate required" alert reaches the client
        # when it first reads, so httpx may report it on connect or on read.
        with pytest.raises((httpx.ConnectError, httpx.ReadError), match="certificate required"):
            client.get(f"{demo_tls_server.base_url}/auth/certificate/whoami")


def test_the_https_companion_shares_the_api_and_its_tokens(
    tmp_path: Path,
    demo: DemoServer,
    demo_tls_server: DemoServer,
    demo_credentials: DemoCredentials,
) -> None:
    context = tls_client_context(tmp_path, demo_credentials, with_cert=True)
    with httpx.Client(base_url=demo_tls_server.base_url, verify=context) as tls_client:
        tokens = password_token(tls_client, demo_credentials)
        audience = f"{demo_tls_server.base_url}/oauth/token"
        assertion = signed_jwt(demo_credentials.jwt_private_key_pem, audience)
        assert jwt_grant(tls_client, assertion).status_code == 200
    with httpx.Client(base_url=demo.base_url) as client:
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert whoami(client, "bearer", headers=bearer)["user"] == "ada"
        plain = client.get("/auth/certificate/whoami")
    assert plain.status_code == 401 and "HTTPS" in plain.json()["error"]


# --- credentials -------------------------------------------------------------------


def test_credentials_are_random_and_hidden_from_repr() -> None:
    first, second = DemoCredentials.generate(), DemoCredentials.generate()
    assert {value for *_, value in first.secret_values()}.isdisjoint(
        value for *_, value in second.secret_values()
    )
    assert first.url_key not in repr(first) and "hidden" in repr(first)


def test_store_demo_credentials(isolated_home: Path, demo_credentials: DemoCredentials) -> None:
    store = SecretStore()
    store_demo_credentials(demo_credentials, store)
    stored = store.values(AUTH_WORKSPACE_ID)
    expected = {
        ("Key in URL", "auth.value"): demo_credentials.url_key,
        ("Key in header", "auth.value"): demo_credentials.header_key,
        ("Basic", "auth.password"): demo_credentials.basic_password,
        ("OAuth2 password", "auth.password"): demo_credentials.oauth_password,
        ("OAuth2 password", "auth.client_secret"): demo_credentials.client_secret,
        ("OAuth2 client credentials", "auth.client_secret"): demo_credentials.client_secret,
        ("OAuth2 user-agent", "auth.client_secret"): demo_credentials.client_secret,
        ("OAuth2 custom token", "auth.client_secret"): demo_credentials.client_secret,
        ("JWT", "auth.private_key"): demo_credentials.jwt_private_key_pem,
        ("JWT bearer", "auth.private_key"): demo_credentials.jwt_private_key_pem,
        ("Client certificate", "auth.certificate"): demo_credentials.client_certificate_pem,
        ("Client certificate", "auth.private_key"): demo_credentials.client_key_pem,
        ("Client certificate", "auth.ca_bundle"): demo_credentials.ca_pem,
    }
    assert stored == {
        str(SecretAddress(provider, field)): {"*": value}
        for (provider, field), value in expected.items()
    }
    assert store.path.parent == isolated_home


def secret_fragments(credentials: DemoCredentials) -> set[str]:
    """Every value, and each base64 line of the PEM ones (so a partial copy is caught too)."""
    fragments = set()
    for _, _, value in credentials.secret_values():
        fragments.add(value)
        fragments.update(line for line in value.splitlines() if not line.startswith("-----"))
    return fragments


def test_no_credential_is_written_in_the_project_tree(demo_credentials: DemoCredentials) -> None:
    fragments = [fragment.encode("ascii") for fragment in secret_fragments(demo_credentials)]
    leaks = []
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in (".git", ".venv")]
        for name in files:
            path = Path(directory, name)
            content = path.read_bytes()
            leaks += [str(path) for fragment in fragments if fragment in content]
    assert leaks == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_demo_server_command_stores_the_credentials_without_printing_them(
    isolated_home: Path,
) -> None:
    port, tls_port = free_port(), free_port()
    command = command_line("demo-server", "--port", str(port))
    command += ["--tls-port", str(tls_port), "--token-lifetime", "7"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        lines = [process.stderr.readline() for _ in range(3)]
        assert f"http://127.0.0.1:{port}" in lines[0]
        assert f"https://127.0.0.1:{tls_port}" in lines[1]
        assert lines[2] == "Demo credentials stored in the secret store for workspaces/auth.toml\n"
        stored = SecretStore().values(AUTH_WORKSPACE_ID)
        password = stored["OAuth2 password/auth.password"]["*"]
        client_secret = stored["OAuth2 password/auth.client_secret"]["*"]
        response = httpx.post(
            f"http://127.0.0.1:{port}/oauth/token",
            data={"grant_type": "password", "username": "ada", "password": password},
            auth=(CLIENT_ID, client_secret),
        )
        assert response.json()["expires_in"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)
        rest = process.stderr.read()
        process.stderr.close()
    printed = "".join(lines) + rest
    assert all(value not in printed for per_env in stored.values() for value in per_env.values())
