"""Every authentication method against the demo API through `workbench run`.

The demo's random credentials are stored for `workspaces/auth.toml` in the
test's own secret store. The command runs in this process, where the expiry
tests move the clock of the tokens and of the demo on instead of waiting;
where nothing may leak, and for standard input, it runs as a process of its own.
Token renewal is counted on the demo's side (requests to /oauth/token).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cli_process import command_line, workbench, workbench_here
from conftest import MovedClock
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from leaks import demo_secret_values, demo_tokens, project_files_holding

from workbench.core.auth import METHODS
from workbench.core.secrets import address_named
from workbench.core.secrets.store import MASK, SecretAddress, SecretStore
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import load_workspace, save_workspace
from workbench.core.workspace.model import CallOptions
from workbench.demo import credentials as credentials_module
from workbench.demo.credentials import (
    AUTH_WORKSPACE_ID,
    CERTIFICATE_DAYS,
    DemoCredentials,
    shared_demo_credentials,
    store_demo_credentials,
)
from workbench.demo.server import DemoServer
from workbench.demo.state import DEFAULT_TOKEN_LIFETIME

ROOT = Path(__file__).resolve().parents[1]
AUTH = ROOT / "workspaces" / "auth.toml"
TOKEN_ROUTE = ("POST", "/oauth/token")
LIFETIME = DEFAULT_TOKEN_LIFETIME  # of the demo's access tokens, and of a signed JWT by default
WHOAMI_ROUTE = ("GET", "/auth/bearer/whoami")

# provider -> (the demo's "method", the caller it recognises)
WHO = {
    "No auth": ("none", "anonymous"),
    "Key in URL": ("url-key", "ada"),
    "Key in header": ("header-key", "ada"),
    "Basic": ("basic", "ada"),
    "OAuth2 password": ("password", "ada"),
    "OAuth2 client credentials": ("client_credentials", "workbench-demo"),
    "OAuth2 custom token": ("custom", "ada"),
    "JWT": ("jwt-bearer", "workbench-demo@demo.iam.example"),
    "JWT bearer": ("jwt", "workbench-demo@demo.iam.example"),
    "Client certificate": ("certificate", "workbench-demo-client"),
}
TOKEN_PROVIDERS = [
    "OAuth2 password",
    "OAuth2 client credentials",
    "OAuth2 custom token",
    "JWT",
    "JWT bearer",
]


@pytest.fixture
def demo(fresh_demo: DemoServer, demo_credentials: DemoCredentials) -> Iterator[DemoServer]:
    """The demo with zeroed counts and its credentials in this test's secret store."""
    store_demo_credentials(demo_credentials, SecretStore())
    yield fresh_demo
    fresh_demo.state.reset()  # restores the token lifetime for the tests that follow


@pytest.fixture
def urls(demo: DemoServer, demo_tls_server: DemoServer) -> dict[str, str]:
    """The --base-url of each provider: the HTTPS port for the certificate, else HTTP."""
    return {
        name: demo_tls_server.base_url if name == "Client certificate" else demo.base_url
        for name in WHO
    }


def who_am_i(provider: str, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`workbench run` of the provider's "Who am I", in this process (where the test can move
    the tokens' clock)."""
    return workbench_here("run", str(AUTH), f"{provider}/Who am I", "--base-url", base_url, *extra)


def who_am_i_process(provider: str, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`who_am_i` in a process of its own: all it writes is seen, whichever way it writes."""
    return workbench("run", str(AUTH), f"{provider}/Who am I", "--base-url", base_url, *extra)


# -- every method ------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", list(WHO))
def test_each_method_is_recognised_by_the_demo(provider: str, urls: dict[str, str]) -> None:
    result = who_am_i(provider, urls[provider])
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["method"], answer["user"]) == WHO[provider]
    assert "200 OK" in result.stderr


def test_the_workspace_keeps_the_demo_secret_names() -> None:
    workspace = load_workspace(AUTH)
    assert workspace.id == AUTH_WORKSPACE_ID
    credentials = DemoCredentials.generate()
    required = {
        (provider.name, f"auth.{setting.name}")
        for provider in workspace.providers
        for setting in METHODS[provider.auth.method].settings
        if setting.private and setting.required
    }
    stored = {(provider, field) for provider, field, _ in credentials.secret_values()}
    assert required <= stored


# -- wrong secrets -----------------------------------------------------------------------------


def other_rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


WRONG = "wrong-secret-Zq81"


@pytest.mark.parametrize(
    ("provider", "field", "code", "expected"),
    [
        ("Key in URL", "auth.value", 4, "refused the Private key in URL credentials (401"),
        ("Key in header", "auth.value", 4, "refused the Private key in header credentials (401"),
        ("Basic", "auth.password", 4, "refused the HTTP Basic credentials (401 Unauthorized)"),
        (
            "OAuth2 password",
            "auth.password",
            7,
            "OAuth2 password flow: the token endpoint {url}/oauth/token refused the credentials "
            "(400 invalid_grant: wrong password for user 'ada')",
        ),
        (
            "OAuth2 password",
            "auth.client_secret",
            7,
            "OAuth2 password flow: the token endpoint {url}/oauth/token refused the credentials "
            "(401 invalid_client: wrong client_secret for client 'workbench-demo')",
        ),
        (
            "OAuth2 client credentials",
            "auth.client_secret",
            7,
            "OAuth2 client credentials: the token endpoint {url}/oauth/token refused the "
            "credentials (401 invalid_client: wrong client_secret for client 'workbench-demo')",
        ),
        (
            "OAuth2 custom token",
            "auth.client_secret",
            7,
            "OAuth2 custom token: the token endpoint {url}/oauth/custom-token refused the "
            "credentials (401 wrong client_secret for client 'workbench-demo')",
        ),
        (
            "JWT",
            "auth.private_key",
            7,
            "JSON Web Token: the token endpoint {url}/oauth/token refused the credentials "
            "(400 invalid_grant: the JWT signature does not verify",
        ),
        (
            "JWT bearer",
            "auth.private_key",
            4,
            "refused the JSON Web Token access token even after renewing it (401 Unauthorized)",
        ),
    ],
)
def test_a_wrong_secret_names_the_method_and_the_answer(
    demo: DemoServer, provider: str, field: str, code: int, expected: str
) -> None:
    wrong = other_rsa_key() if field == "auth.private_key" else WRONG
    SecretStore().set(AUTH_WORKSPACE_ID, SecretAddress(provider, field), wrong)
    result = who_am_i(provider, demo.base_url)
    assert result.returncode == code, result.stderr
    assert expected.format(url=demo.base_url) in result.stderr
    assert f"workbench secret list {AUTH}" in result.stderr
    for text in (result.stdout, result.stderr):
        assert WRONG not in text and "PRIVATE KEY" not in text


def test_exit_code_7_is_documented() -> None:
    help_text = workbench_here("--help").stdout
    assert "7    authentication failed" in help_text
    assert "| 7 | authentication failed" in (ROOT / "docs" / "commands.md").read_text()


# -- tokens: cache, expiry, revocation, no loops -----------------------------------------------


def test_a_cached_token_is_reused_and_renewed_once_after_expiry(
    demo: DemoServer, clock: MovedClock
) -> None:
    first = who_am_i("OAuth2 password", demo.base_url)
    assert first.returncode == 0, first.stderr
    assert demo.state.request_count(*TOKEN_ROUTE) == 1

    clock.advance(LIFETIME - 60)  # a minute before expiry: still good
    again = who_am_i("OAuth2 password", demo.base_url)
    assert again.returncode == 0, again.stderr
    assert demo.state.request_count(*TOKEN_ROUTE) == 1  # the cached token, no new request

    clock.advance(60)  # expired, for the client and the server alike
    later = who_am_i("OAuth2 password", demo.base_url)
    assert later.returncode == 0, later.stderr
    assert demo.state.request_count(*TOKEN_ROUTE) == 2  # exactly one renewal
    assert demo.state.request_count(*WHOAMI_ROUTE) == 3  # and no 401 on the way


def test_secret_list_counts_cached_tokens_as_in_use(demo: DemoServer) -> None:
    for provider in ("OAuth2 password", "JWT"):
        assert who_am_i(provider, demo.base_url).returncode == 0
    tokens = demo_tokens()
    # A token cached for a provider the workspace no longer has is left over.
    SecretStore().set(AUTH_WORKSPACE_ID, SecretAddress.token("Gone"), "{}", "development")
    lines = workbench_here("secret", "list", str(AUTH)).stdout.splitlines()
    for provider in ("OAuth2 password", "JWT"):
        line = next(line for line in lines if line.startswith(f"{provider}/auth.token\t"))
        assert "token cached for development" in line and "no longer" not in line
    assert "Gone/auth.token\tstored, but the workspace no longer uses it" in lines
    for text in tokens:
        assert text not in "\n".join(lines)


def test_a_custom_token_is_obtained_again_after_expiry(demo: DemoServer, clock: MovedClock) -> None:
    custom = ("POST", "/oauth/custom-token")
    assert who_am_i("OAuth2 custom token", demo.base_url).returncode == 0
    assert who_am_i("OAuth2 custom token", demo.base_url).returncode == 0
    assert demo.state.request_count(*custom) == 1
    clock.advance(LIFETIME)
    assert who_am_i("OAuth2 custom token", demo.base_url).returncode == 0
    assert demo.state.request_count(*custom) == 2  # no refresh token: obtained once more


@pytest.mark.parametrize("client_auth", ["basic", "body"])
def test_client_credentials_are_sent_either_way_and_the_token_obtained_again_after_expiry(
    demo: DemoServer, clock: MovedClock, tmp_path: Path, client_auth: str
) -> None:
    workspace = load_workspace(AUTH)
    provider, _ = find_call(workspace, "OAuth2 client credentials/Who am I")
    settings = {**provider.auth.settings, "client_auth": client_auth}
    provider = replace(provider, auth=replace(provider.auth, settings=settings))
    path = tmp_path / "client.toml"  # the same workspace id: the same private values
    save_workspace(replace(workspace, providers=(provider,)), path)

    def run() -> dict[str, str]:
        result = workbench_here(
            "run", str(path), "OAuth2 client credentials/Who am I", "--base-url", demo.base_url
        )
        assert result.returncode == 0, result.stderr
        return dict(json.loads(result.stdout))

    assert run()["user"] == "workbench-demo"
    (first,) = demo_tokens()  # cached, with no refresh token (RFC 6749 4.4.3)
    assert run()["method"] == "client_credentials"
    assert demo.state.request_count(*TOKEN_ROUTE) == 1  # the cached token was reused
    clock.advance(LIFETIME)
    assert run()["user"] == "workbench-demo"
    assert demo.state.request_count(*TOKEN_ROUTE) == 2  # obtained once more
    assert demo.state.request_count(*WHOAMI_ROUTE) == 3  # and no 401 on the way
    assert demo_tokens() != [first]


def test_a_bearer_jwt_is_signed_again_only_after_it_expires(
    demo: DemoServer, clock: MovedClock
) -> None:
    def run_and_read_token() -> str:
        result = who_am_i("JWT bearer", demo.base_url)
        assert result.returncode == 0, result.stderr
        (token,) = demo_tokens()
        return token

    first = run_and_read_token()
    clock.advance(LIFETIME - 60)  # the JWT's own lifetime (the method's default)
    assert run_and_read_token() == first
    clock.advance(60)
    assert run_and_read_token() != first


def test_a_revoked_token_is_renewed_once_and_the_call_retried(demo: DemoServer) -> None:
    assert who_am_i("OAuth2 password", demo.base_url).returncode == 0
    demo.state.revoke_tokens()
    result = who_am_i("OAuth2 password", demo.base_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user"] == "ada"
    assert demo.state.request_count(*TOKEN_ROUTE) == 2  # the first token, then one refresh
    assert demo.state.request_count(*WHOAMI_ROUTE) == 3  # 200, then 401 and the retried 200


@pytest.mark.parametrize("provider", TOKEN_PROVIDERS)
async def test_a_server_that_always_answers_401_gets_one_renewal_and_two_sends(
    demo: DemoServer, provider: str
) -> None:
    workspace = load_workspace(AUTH)
    prov, call = find_call(workspace, f"{provider}/Who am I")
    call = replace(call, url="/status/401")
    prov = replace(prov, calls=(call,))
    workspace = replace(workspace, providers=(prov,))
    session = Session.open(workspace, AUTH)
    session.base_url = demo.base_url
    try:
        exchange = await session.send(prov, call)
    finally:
        await session.aclose()
    assert exchange.status == 401
    assert session.tokens.requests == 2  # the first token and one renewal, never more
    assert demo.state.request_count("GET", "/status/{code}") == 2


# -- client certificates -----------------------------------------------------------------------


def test_without_the_certificate_the_tls_problem_is_named(
    demo: DemoServer, demo_tls_server: DemoServer, tmp_path: Path
) -> None:
    # A provider that does not trust the demo CA stops at the server's certificate...
    untrusting = who_am_i("No auth", demo_tls_server.base_url)
    assert untrusting.returncode == 6
    assert "TLS failed" in untrusting.stderr and "not trusted" in untrusting.stderr

    # ...and one that goes past it without a client certificate is told the server wants one.
    workspace = load_workspace(AUTH)
    prov, call = find_call(workspace, "Client certificate/Who am I")
    call = replace(call, options=CallOptions(verify_tls=False))
    prov = replace(prov, auth=replace(prov.auth, method="none"), calls=(call,))
    path = tmp_path / "no-certificate.toml"
    save_workspace(replace(workspace, providers=(prov,)), path)
    result = workbench_here(
        "run", str(path), "Client certificate/Who am I", "--base-url", demo_tls_server.base_url
    )
    assert result.returncode == 6, result.stderr
    assert "TLS failed" in result.stderr and "client certificate" in result.stderr


@pytest.mark.parametrize("line_break", ["\r", "\r\n"])
@pytest.mark.parametrize("provider", ["Client certificate", "JWT"])
def test_pems_pasted_with_carriage_returns_work(
    provider: str, line_break: str, demo: DemoServer, urls: dict[str, str]
) -> None:
    """Terminals paste line breaks as CR; PEM readers (OpenSSL's) want LF."""
    store = SecretStore()
    for address, per_environment in store.values(AUTH_WORKSPACE_ID).items():
        if address.startswith(f"{provider}/") and "BEGIN" in per_environment["*"]:
            pasted = per_environment["*"].replace("\n", line_break)
            store.set(AUTH_WORKSPACE_ID, SecretAddress.parse(address), pasted)
    result = who_am_i(provider, urls[provider])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["method"] == WHO[provider][0]


# -- two demo servers --------------------------------------------------------------------------


@contextlib.contextmanager
def demo_server_process() -> Iterator[tuple[str, str]]:
    """`workbench demo-server` on free ports, as a user runs it: its HTTP and HTTPS URLs once
    it has stored its credentials."""
    command = command_line("demo-server", "--port", "0", "--tls-port", "0")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        lines = [process.stderr.readline() for _ in range(3)]
        assert lines[2].startswith("Demo credentials stored"), lines
        http_url, https_url = re.findall(r"https?://127\.0\.0\.1:\d+", "".join(lines))
        yield http_url, https_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def test_two_demo_servers_at_once_both_keep_working() -> None:
    """The second one used to replace the first one's credentials in the secret store."""
    with demo_server_process() as (first, first_tls), demo_server_process() as (second, second_tls):
        for base_url, tls_url in ((first, first_tls), (second, second_tls)):
            for provider, url in (("Basic", base_url), ("Client certificate", tls_url)):
                result = who_am_i(provider, url)
                assert result.returncode == 0, (provider, url, result.stderr)
                assert json.loads(result.stdout)["method"] == WHO[provider][0]


def test_shared_demo_credentials_are_made_once_and_renewed_before_they_expire(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = SecretStore()
    first = shared_demo_credentials(store)
    assert shared_demo_credentials(store).to_json() == first.to_json()
    password = store.values(AUTH_WORKSPACE_ID)["Basic/auth.password"]["*"]
    assert password == first.basic_password
    monkeypatch.setattr(credentials_module, "RENEW_DAYS", CERTIFICATE_DAYS + 1)
    assert shared_demo_credentials(store).to_json() != first.to_json()


# -- private values ----------------------------------------------------------------------------


def test_secret_set_reads_a_whole_multiline_value_from_stdin(
    demo_credentials: DemoCredentials,
) -> None:
    pem = demo_credentials.jwt_private_key_pem
    result = workbench("secret", "set", str(AUTH), "JWT/auth.private_key", stdin=pem + "\n")
    assert result.returncode == 0, result.stderr
    address = address_named(load_workspace(AUTH), "JWT/auth.private_key")
    assert address is not None
    stored = SecretStore().values(AUTH_WORKSPACE_ID)[address.store_key]["*"]
    assert stored == pem  # every line, less the one newline added at the end
    assert pem not in result.stdout + result.stderr
    json_key = json.dumps({"private_key": pem, "client_email": "x@y"}, indent=2)
    workbench("secret", "set", str(AUTH), "JWT/auth.private_key", stdin=json_key + "\n\n")
    address = address_named(load_workspace(AUTH), "JWT/auth.private_key")
    assert address is not None
    stored = SecretStore().values(AUTH_WORKSPACE_ID)[address.store_key]["*"]
    assert stored == json_key + "\n"


def test_no_secret_or_token_leaks_anywhere(
    demo: DemoServer, demo_credentials: DemoCredentials, urls: dict[str, str]
) -> None:
    outputs = []
    for provider in WHO:
        for extra in (("--exchange",), ("--headers",)):
            result = who_am_i_process(provider, urls[provider], *extra)
            assert result.returncode == 0, result.stderr
            outputs += [result.stdout, result.stderr]
            if extra == ("--exchange",) and provider not in ("No auth", "Client certificate"):
                assert MASK in json.dumps(json.loads(result.stdout)["request"], ensure_ascii=False)
    values = demo_secret_values(demo_credentials) + demo_tokens()
    assert len(values) > len(demo_credentials.secret_values())  # tokens were cached
    for value in values:
        for output in outputs:
            assert value not in output
    assert project_files_holding(values) == []
