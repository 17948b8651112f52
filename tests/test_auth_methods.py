"""The authentication methods one by one, without a server: what each adds, signs and asks for.

Requests are inspected as built; token endpoints are `httpx.MockTransport`s
that record what they received. The end-to-end tests against the demo API
are in test_auth_end_to_end.py.
"""

from __future__ import annotations

import base64
import json
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from workbench.core import auth
from workbench.core.auth.base import ResolvedSettings
from workbench.core.auth.json_web_token import JWT_BEARER_GRANT, sign, signing_key
from workbench.core.auth.oauth import CredentialsRefused
from workbench.core.auth.settings import resolve_settings
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import AuthError, RequestBuildError
from workbench.core.secrets.store import MASK, Secret, SecretAddress, SecretResolver
from workbench.core.sending.exchange import FailureKind, SentRequest
from workbench.core.sending.failures import describe_transport_error
from workbench.core.sending.request import BuiltRequest, build_request
from workbench.core.workspace.model import Auth, Call, Provider, Workspace

WORKSPACE = Workspace(id="ws-auth", name="Auth")
BASE = "http://api.test"
TOKEN_URL = "http://auth.test/oauth/token"
# Awkward on purpose: quotes, a backslash, '&', '+' and a space change under every encoding.
SECRET = 'p "w"\\d&x+y z'


def rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@pytest.fixture(scope="module")
def private_pem() -> str:
    return rsa_pem()


def built(
    method: str, settings: dict[str, str], secrets: dict[str, str], token: Token | None = None
) -> BuiltRequest:
    """The request of a GET /whoami call of a provider using `method`."""
    call = Call("Who am I", url="/whoami")
    provider = Provider("P", BASE, auth=Auth(method, settings), calls=(call,))
    resolver = SecretResolver(WORKSPACE.id, environ={})
    for field, value in secrets.items():
        resolver.set(SecretAddress("P", f"auth.{field}"), value)
    return build_request(
        WORKSPACE, provider, call, environment="development", secrets=resolver, token=token
    )


# -- the registry ------------------------------------------------------------------------------


def test_every_method_is_registered_with_consistent_settings() -> None:
    expected = {
        "none",
        "query",
        "header",
        "basic",
        "oauth2_password",
        "oauth2_client",
        "oauth2_custom",
        "jwt",
        "certificate",
    }
    assert expected <= set(auth.METHODS)
    for method in auth.METHODS.values():
        names = [s.name for s in method.settings]
        assert len(names) == len(set(names)), method.name
        for setting in method.settings:
            if setting.choices:
                assert setting.default in setting.choices, (method.name, setting.name)


def test_pem_and_template_settings_are_multiline_and_keys_are_private() -> None:
    for name, setting in [
        ("jwt", "private_key"),
        ("certificate", "certificate"),
        ("certificate", "private_key"),
        ("certificate", "ca_bundle"),
        ("oauth2_custom", "token_body"),
        ("oauth2_custom", "token_headers"),
    ]:
        found = auth.METHODS[name].setting(setting)
        assert found is not None and found.multiline, (name, setting)
    for name, setting in [
        ("query", "value"),
        ("basic", "password"),
        ("oauth2_password", "password"),
        ("oauth2_password", "client_secret"),
        ("oauth2_client", "client_secret"),
        ("jwt", "private_key"),
        ("certificate", "certificate"),
    ]:
        found = auth.METHODS[name].setting(setting)
        assert found is not None and found.private, (name, setting)


def test_loading_a_workspace_imports_no_http_oauth_jwt_or_tls_library() -> None:
    check = (
        "import sys, workbench.core.workspace.io; "
        "print(sorted(m for m in ('httpx', 'authlib', 'jwt', 'cryptography', 'ssl') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# -- what methods add to a request -------------------------------------------------------------


def test_key_in_url_is_sent_in_the_query_and_masked_when_shown() -> None:
    request = built("query", {"name": "key"}, {"value": SECRET})
    assert request.request.url.params["key"] == SECRET
    shown = request.sent()
    assert MASK in shown.url and "key=" in shown.url
    assert "x+y" not in shown.url and "x%2By" not in shown.url


def test_key_in_url_uses_api_key_by_default() -> None:
    request = built("query", {}, {"value": "k1"})
    assert request.request.url.params["api_key"] == "k1"


def test_basic_sends_the_encoded_pair_and_masks_the_whole_header() -> None:
    request = built("basic", {"username": "zoë"}, {"password": SECRET})
    header = request.request.headers["authorization"]
    scheme, _, encoded = header.partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode("utf-8") == f"zoë:{SECRET}"
    assert dict(request.sent().headers)["Authorization"] == MASK


@pytest.mark.parametrize("method", ["oauth2_password", "oauth2_client", "oauth2_custom", "jwt"])
def test_token_methods_send_a_masked_bearer_token(method: str) -> None:
    token = Token(Secret("tok-123"), expires_in=60, obtained_at=time.time())
    settings = {
        "oauth2_password": {"token_url": "/t", "username": "u"},
        "oauth2_client": {"token_url": "/t", "client_id": "c"},
        "oauth2_custom": {"token_url": "/t"},
        "jwt": {},
    }[method]
    secrets = {"password": "p", "private_key": "k", "client_secret": "s"}
    request = built(method, settings, secrets, token)
    assert request.request.headers["authorization"] == "Bearer tok-123"
    assert dict(request.sent().headers)["Authorization"] == MASK
    # Before a token exists (a preview), nothing is added.
    assert "authorization" not in built(method, settings, secrets).request.headers


def test_certificate_gives_the_transport_its_pems() -> None:
    method = auth.METHODS["certificate"]
    assert method.transport is not None
    settings: ResolvedSettings = {
        "certificate": Secret("CERT"),
        "private_key": Secret("KEY"),
        "passphrase": Secret("PASS"),
        "ca_bundle": Secret("CA"),
    }
    config = method.transport(settings)
    assert (config.client_cert_pem, config.ca_pem) == ("CERT", "CA")
    assert config.client_key_pem == Secret("KEY")
    assert config.client_key_password == Secret("PASS")
    without_ca = method.transport({"certificate": Secret("C"), "private_key": Secret("K")})
    assert without_ca.ca_pem is None and without_ca.client_key_password is None


# -- tokens ------------------------------------------------------------------------------------


def test_token_json_round_trip_keeps_everything() -> None:
    token = Token(Secret("a"), "Bearer", 1000.5, 3600.0, Secret("r"), "profile email")
    assert Token.from_json(token.to_json()) == token
    assert Token.from_json("not json") is None


def test_needs_renewal_margins() -> None:
    hour = Token(Secret("a"), obtained_at=0.0, expires_in=3600)
    assert not hour.needs_renewal(now=3569)  # 30 s margin for long-lived tokens
    assert hour.needs_renewal(now=3571)
    short = Token(Secret("a"), obtained_at=0.0, expires_in=2)
    assert not short.needs_renewal(now=1.7)  # a tenth of the lifetime for short ones
    assert short.needs_renewal(now=1.85)
    assert not Token(Secret("a"), obtained_at=0.0).needs_renewal(now=1e12)


# -- token endpoints (mock transports) ---------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def context(
    method: str, settings: ResolvedSettings, handler: Handler, base_url: str = ""
) -> TokenContext:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return TokenContext("P", auth.METHODS[method].label, "development", settings, http, base_url)


def token_answer(seen: list[httpx.Request], **extra: Any) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "new", "expires_in": 60, **extra})

    return handle


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def obtain(ctx: TokenContext, method: str) -> Token:
    flow = auth.METHODS[method].token_flow
    assert flow is not None
    try:
        return await flow.obtain(ctx)
    finally:
        await ctx.http.aclose()


async def test_password_flow_sends_the_grant_with_client_credentials_in_the_body() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": "/oauth/token",
        "username": "ada",
        "password": Secret(SECRET),
        "client_id": "cid",
        "client_secret": Secret("cs"),
        "scope": "profile",
    }
    token = await obtain(
        context("oauth2_password", settings, token_answer(seen), "http://auth.test/api"),
        "oauth2_password",
    )
    assert token.access_token == Secret("new") and token.expires_in == 60
    (request,) = seen
    assert str(request.url) == "http://auth.test/api/oauth/token"  # relative to the base URL
    assert form(request) == {
        "grant_type": "password",
        "username": "ada",
        "password": SECRET,
        "scope": "profile",
        "client_id": "cid",
        "client_secret": "cs",
    }
    assert "authorization" not in request.headers


async def test_password_flow_with_basic_client_authentication() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "username": "ada",
        "password": Secret("pw"),
        "client_id": "cid",
        "client_secret": Secret("cs"),
        "client_auth": "basic",
    }
    await obtain(context("oauth2_password", settings, token_answer(seen)), "oauth2_password")
    (request,) = seen
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"cid:cs").decode()
    assert "client_secret" not in form(request)


async def test_client_credentials_authenticate_by_basic_by_default() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": "/oauth/token",
        "client_id": "cid",
        "client_secret": Secret("cs-1"),
        "scope": "read write",
        "audience": "https://api.example",
    }
    token = await obtain(
        context("oauth2_client", settings, token_answer(seen), "http://auth.test"),
        "oauth2_client",
    )
    assert token.access_token == Secret("new")
    (request,) = seen
    assert str(request.url) == "http://auth.test/oauth/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == {
        "grant_type": "client_credentials",
        "scope": "read write",
        "audience": "https://api.example",
    }
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"cid:cs-1").decode()


async def test_client_credentials_in_the_body_and_without_optional_settings() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "client_id": "cid",
        "client_secret": Secret(SECRET),
        "client_auth": "body",
    }
    await obtain(context("oauth2_client", settings, token_answer(seen)), "oauth2_client")
    (request,) = seen
    assert form(request) == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
    }
    assert "authorization" not in request.headers


async def test_a_wrong_choice_is_refused_before_sending() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "username": "ada",
        "password": Secret("pw"),
        "client_id": "cid",
        "client_secret": Secret("cs"),
        "client_auth": "header",
    }
    with pytest.raises(RequestBuildError, match="'header'; expected one of: body, basic"):
        await obtain(context("oauth2_password", settings, token_answer(seen)), "oauth2_password")
    assert seen == []


async def test_refresh_uses_the_refresh_token_grant() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {"token_url": TOKEN_URL, "username": "a", "password": Secret("p")}
    ctx = context("oauth2_password", settings, token_answer(seen))
    flow = auth.METHODS["oauth2_password"].token_flow
    assert flow is not None
    stale = Token(Secret("old"), refresh_token=Secret("r1"), expires_in=1)
    renewed = await flow.refresh(ctx, stale)
    await ctx.http.aclose()
    assert renewed is not None and renewed.access_token == Secret("new")
    assert form(seen[0]) == {"grant_type": "refresh_token", "refresh_token": "r1"}


async def test_refusal_names_the_method_and_the_answer_but_no_secret() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        # A careless server that echoes the password: it must not reach the message.
        description = f"wrong password {SECRET}"
        return httpx.Response(
            400, json={"error": "invalid_grant", "error_description": description}
        )

    settings: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "username": "ada",
        "password": Secret(SECRET),
    }
    with pytest.raises(CredentialsRefused) as raised:
        await obtain(context("oauth2_password", settings, refuse), "oauth2_password")
    message = str(raised.value)
    assert message.startswith(f"OAuth2 password flow: the token endpoint {TOKEN_URL} refused")
    assert "(400 invalid_grant: wrong password " in message
    assert SECRET not in message and "auth.password" in message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(503, text="down"), "answered 503 Service Unavailable"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "answered 200 OK without an access"),
        (httpx.Response(404, text="<html>"), "answered 404 Not Found. Check the token URL"),
    ],
)
async def test_other_token_endpoint_failures(answer: httpx.Response, expected: str) -> None:
    settings: ResolvedSettings = {"token_url": TOKEN_URL, "username": "a", "password": Secret("p")}
    with pytest.raises(AuthError, match=expected) as raised:
        await obtain(context("oauth2_password", settings, lambda r: answer), "oauth2_password")
    assert not isinstance(raised.value, CredentialsRefused)


async def test_unreachable_token_endpoint_says_why() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    settings: ResolvedSettings = {"token_url": TOKEN_URL, "username": "a", "password": Secret("p")}
    with pytest.raises(AuthError, match="no token from the token endpoint .*Connection refused"):
        await obtain(context("oauth2_password", settings, refuse), "oauth2_password")


async def test_token_url_with_an_unknown_scheme_says_so() -> None:
    def unsupported(request: httpx.Request) -> httpx.Response:
        # What httpx's own transports raise for such a URL, before connecting.
        raise httpx.UnsupportedProtocol("unsupported protocol 'htp://'", request=request)

    settings: ResolvedSettings = {
        "token_url": "htp://auth.test/token",
        "username": "a",
        "password": Secret("p"),
    }
    with pytest.raises(AuthError) as raised:
        await obtain(context("oauth2_password", settings, unsupported), "oauth2_password")
    message = str(raised.value)
    assert "The URL htp://auth.test/token has the scheme 'htp'; use http:// or https://" in message
    assert "closed" not in message


async def test_custom_token_fills_the_templates_json_escaped() -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": "/custom",
        "token_headers": "X-Client: <client_id>\n\nX-Static: yes",
        "token_body": '{"id": "<client_id>", "secret": "<client_secret>", "n": 1}',
        "client_id": "cid",
        "client_secret": Secret(SECRET),
    }
    token = await obtain(
        context("oauth2_custom", settings, token_answer(seen), BASE), "oauth2_custom"
    )
    assert token.access_token == Secret("new") and token.refresh_token is None
    (request,) = seen
    assert str(request.url) == f"{BASE}/custom"
    assert json.loads(request.content) == {"id": "cid", "secret": SECRET, "n": 1}
    assert request.headers["x-client"] == "cid" and request.headers["x-static"] == "yes"
    assert request.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"token_body": '{"a": "<nope>"}'}, "use <nope>; the placeholders are"),
        ({"token_body": '{"a": "<password>"}'}, "use <password>, but the setting"),
        ({"token_body": '{"a": <client_id>}'}, "not valid JSON"),
        ({"token_headers": "no colon here"}, "line 1 of the token headers"),
    ],
)
async def test_custom_token_template_mistakes(changes: dict[str, str], expected: str) -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "token_body": "{}",
        "client_id": "cid",
        **changes,
    }
    with pytest.raises(RequestBuildError, match=expected):
        await obtain(context("oauth2_custom", settings, token_answer(seen)), "oauth2_custom")
    assert seen == []


# -- JSON Web Token ----------------------------------------------------------------------------


async def test_jwt_exchange_signs_the_claims_and_posts_the_grant(private_pem: str) -> None:
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {
        "token_url": "/oauth/token",
        "issuer": "svc@example.iam",
        "subject": "ada@example.com",
        "scope": "profile email",
        "key_id": "k1",
        "lifetime": "600",
        "private_key": Secret(private_pem),
    }
    before = int(time.time())
    token = await obtain(context("jwt", settings, token_answer(seen), BASE), "jwt")
    assert token.access_token == Secret("new")
    fields = form(seen[0])
    assert fields["grant_type"] == JWT_BEARER_GRANT
    assertion = fields["assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == "k1"
    claims = jwt.decode(
        assertion, public_pem(private_pem), algorithms=["RS256"], audience=f"{BASE}/oauth/token"
    )
    assert claims["iss"] == "svc@example.iam" and claims["sub"] == "ada@example.com"
    assert claims["scope"] == "profile email"
    assert before <= claims["iat"] <= before + 5 and claims["exp"] == claims["iat"] + 600


async def test_jwt_bearer_mode_is_a_locally_signed_token(private_pem: str) -> None:
    def no_http(request: httpx.Request) -> httpx.Response:
        raise AssertionError("bearer mode sends nothing")

    settings: ResolvedSettings = {
        "mode": "bearer",
        "issuer": "svc@example.iam",
        "audience": "https://api.example.com/",
        "algorithm": "PS256",
        "private_key": Secret(private_pem),
    }
    token = await obtain(context("jwt", settings, no_http), "jwt")
    claims = jwt.decode(
        token.access_token.reveal(),
        public_pem(private_pem),
        algorithms=["PS256"],
        audience="https://api.example.com/",
    )
    assert claims["iss"] == "svc@example.iam" and "sub" not in claims and "scope" not in claims
    assert token.expires_in == 3600 and token.obtained_at == claims["iat"]


async def test_google_service_account_json_key_gives_the_defaults(private_pem: str) -> None:
    key_file = json.dumps(
        {
            "type": "service_account",
            "project_id": "demo",
            "private_key_id": "abc123",
            "private_key": private_pem,
            "client_email": "svc@demo.iam.gserviceaccount.com",
            "token_uri": TOKEN_URL,
        },
        indent=2,
    )
    parsed = signing_key(key_file)
    assert parsed.pem == Secret(private_pem)
    assert (parsed.issuer, parsed.key_id, parsed.token_url) == (
        "svc@demo.iam.gserviceaccount.com",
        "abc123",
        TOKEN_URL,
    )
    seen: list[httpx.Request] = []
    settings: ResolvedSettings = {"scope": "cloud", "private_key": Secret(key_file)}
    await obtain(context("jwt", settings, token_answer(seen)), "jwt")
    (request,) = seen
    assert str(request.url) == TOKEN_URL
    assertion = form(request)["assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == "abc123"
    claims = jwt.decode(
        assertion, public_pem(private_pem), algorithms=["RS256"], audience=TOKEN_URL
    )
    assert claims["iss"] == "svc@demo.iam.gserviceaccount.com" and claims["scope"] == "cloud"


@pytest.mark.parametrize(
    ("settings", "error", "expected"),
    [
        ({"private_key": "not a key"}, AuthError, "not an unencrypted PEM private key"),
        ({"private_key": "{broken"}, AuthError, "looks like JSON but is not"),
        ({"private_key": '{"type": "x"}'}, AuthError, "JSON without a private_key"),
        ({"lifetime": "soon"}, RequestBuildError, "lifetime is 'soon'"),
        ({"mode": "exchnage"}, RequestBuildError, "expected one of: exchange, bearer"),
        ({"token_url": ""}, RequestBuildError, "exchange mode needs a token URL"),
        ({"token_url": "", "mode": "bearer"}, RequestBuildError, "needs an audience"),
        ({"issuer": ""}, RequestBuildError, "needs an issuer"),
        ({"algorithm": "ES256"}, AuthError, "RSA private key cannot sign with ES256"),
    ],
)
async def test_jwt_mistakes_are_explained(
    private_pem: str, settings: dict[str, str], error: type[Exception], expected: str
) -> None:
    base: ResolvedSettings = {
        "token_url": TOKEN_URL,
        "issuer": "svc",
        "private_key": Secret(private_pem),
    }
    merged: ResolvedSettings = {
        **base,
        **{k: Secret(v) if k == "private_key" else v for k, v in settings.items()},
    }
    merged = {k: v for k, v in merged.items() if v != ""}
    with pytest.raises(error, match=expected) as raised:
        await obtain(context("jwt", merged, token_answer([])), "jwt")
    assert private_pem not in str(raised.value)


def test_an_ec_key_signs_es256_but_not_rs256() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    common: ResolvedSettings = {"issuer": "svc", "private_key": Secret(pem)}
    signed = sign(
        {**common, "algorithm": "ES256"}, signing_key(pem), audience="a", now=0, lifetime=1
    )
    assert jwt.get_unverified_header(signed)["alg"] == "ES256"
    with pytest.raises(AuthError, match="EC private key cannot sign with RS256.*ES256"):
        sign(common, signing_key(pem), audience="a", now=0, lifetime=1)


# -- settings resolution and TLS failures ------------------------------------------------------


def test_jwt_settings_resolve_with_their_defaults() -> None:
    provider = Provider("P", BASE, auth=Auth("jwt", {"issuer": "svc"}))
    resolver = SecretResolver(WORKSPACE.id, environ={})
    resolver.set(SecretAddress("P", "auth.private_key"), "PEM")
    settings = resolve_settings(provider, "development", resolver)
    assert settings["mode"] == "exchange" and settings["algorithm"] == "RS256"
    assert settings["lifetime"] == "3600" and "token_url" not in settings


def tls_error(reason: str, cls: type[ssl.SSLError] = ssl.SSLError) -> ssl.SSLError:
    error = cls(1, f"[SSL: {reason}] {reason.lower()} (_ssl.c:1)")
    error.reason = reason  # set by the ssl module itself for real errors
    return error


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("TLSV13_ALERT_CERTIFICATE_REQUIRED", "the server asked for a client certificate"),
        ("SSLV3_ALERT_HANDSHAKE_FAILURE", "the server asked for a client certificate"),
        ("TLSV1_ALERT_UNKNOWN_CA", "the server refused the client certificate"),
        ("WRONG_VERSION_NUMBER", "does not speak TLS there"),
    ],
)
def test_tls_failures_say_which_side_balked(reason: str, expected: str) -> None:
    sent = SentRequest("GET", "https://api.test:8443/x", (), b"")
    kind, message = describe_transport_error(tls_error(reason), sent, 30)
    assert kind is FailureKind.TLS
    assert message.startswith("TLS failed with api.test:8443: ") and expected in message


def test_a_reset_before_any_answer_on_https_hints_at_a_client_certificate() -> None:
    sent = SentRequest("GET", "https://api.test/x", (), b"")
    error = httpx.ReadError("")
    error.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    kind, message = describe_transport_error(error, sent, 30)
    assert kind is FailureKind.TLS and "client certificate" in message
    assert "Connection reset by peer" in message
    kind, message = describe_transport_error(error, sent, 30, answered=True)
    assert kind is FailureKind.PROTOCOL and "broke: Connection reset by peer" in message
