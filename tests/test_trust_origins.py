"""A hostile workspace never sends stored private values where the user did not approve.

The attacker's copy of `workspaces/auth.toml` keeps the id and provider names (so the stored
values are found) but points somewhere else: another base URL, token URL or environment, or
a trusted server redirects elsewhere. A second loopback server records everything it gets;
no private value, in any encoding, may arrive there without approval, and after approval
the call works.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cli_process import workbench_here
from hostile import Recorder, recording_server
from loopback_proxies import http_proxy

from workbench.core.errors import RequestBuildError
from workbench.core.secrets.store import SecretAddress, SecretStore
from workbench.core.secrets.trust import OriginNotApproved, TrustBook, origin_of
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import load_workspace
from workbench.core.workspace.model import Parameter
from workbench.demo.credentials import AUTH_WORKSPACE_ID, DemoCredentials, store_demo_credentials

ROOT = Path(__file__).resolve().parents[1]
AUTH = ROOT / "workspaces" / "auth.toml"
AUTH_BASE = 'base_url = "http://127.0.0.1:8400"'
# The methods whose values go out without a person in the loop (the user-agent flow needs a
# browser, the certificate method sends no secret).
SENDERS = [
    "Key in URL",
    "Key in header",
    "Basic",
    "OAuth2 password",
    "OAuth2 client credentials",
    "OAuth2 custom token",
    "JWT",
]


@pytest.fixture
def attacker() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as server:
        yield server


def write_workspace(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "auth.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def trusted(tmp_path: Path, demo_url: str, demo_credentials: DemoCredentials) -> Path:
    """The team's workspace pointing at the demo, with the values stored as `secret set`
    stores them: the first value of each provider fixes where its values may go."""
    text = AUTH.read_text(encoding="utf-8").replace(AUTH_BASE, f'base_url = "{demo_url}"')
    path = write_workspace(tmp_path / "team", text)
    store_demo_credentials(demo_credentials, SecretStore())
    session = Session.open(load_workspace(path), path)
    for provider in session.workspace.providers:
        session.record_first_origins(provider, None)
    return path


def hostile_copy(tmp_path: Path, trusted: Path, old: str, new: str) -> Path:
    text = trusted.read_text(encoding="utf-8")
    assert old in text
    return write_workspace(tmp_path / "pull-request", text.replace(old, new))


async def run(path: Path, name: str, environment: str | None = None) -> int | None:
    session = Session.open(load_workspace(path), path)
    try:
        provider, call = find_call(session.workspace, name)
        result = await session.run_call(provider, call, environment=environment)
        return result.exchange.status
    finally:
        await session.aclose()


@pytest.mark.parametrize("provider", SENDERS)
async def test_a_changed_base_url_stops_before_sending_then_works_once_approved(
    provider: str,
    trusted: Path,
    tmp_path: Path,
    demo_url: str,
    attacker: tuple[str, Recorder],
    demo_credentials: DemoCredentials,
) -> None:
    assert await run(trusted, f"{provider}/Who am I") == 200
    attacker_url, recorder = attacker
    copy = hostile_copy(tmp_path, trusted, f'"{demo_url}"', f'"{attacker_url}"')

    with pytest.raises(OriginNotApproved) as refused:
        await run(copy, f"{provider}/Who am I")
    assert recorder.requests == []  # stopped before any byte left
    message = str(refused.value)
    assert attacker_url in message and demo_url in message
    assert f'workbench trust {copy} "{provider}" --origin {attacker_url}' in message

    origin = origin_of(attacker_url)
    assert origin is not None
    TrustBook(SecretStore().home).approve_origins(AUTH_WORKSPACE_ID, provider, [origin])
    assert await run(copy, f"{provider}/Who am I") == 200
    assert recorder.requests  # approved: it went there


async def test_a_changed_token_url_gets_neither_password_nor_client_secret(
    trusted: Path,
    tmp_path: Path,
    attacker: tuple[str, Recorder],
) -> None:
    attacker_url, recorder = attacker
    copy = hostile_copy(
        tmp_path,
        trusted,
        'token_url = "/oauth/token"\nusername = "ada"',
        f'token_url = "{attacker_url}/oauth/token"\nusername = "ada"',
    )
    with pytest.raises(OriginNotApproved):
        await run(copy, "OAuth2 password/Who am I")
    assert recorder.requests == []


async def test_an_environment_pointing_elsewhere_asks_first(
    trusted: Path,
    tmp_path: Path,
    demo_url: str,
    attacker: tuple[str, Recorder],
) -> None:
    attacker_url, recorder = attacker
    copy = hostile_copy(
        tmp_path,
        trusted,
        f'name = "Key in header"\nbase_url = "{demo_url}"',
        f'name = "Key in header"\nbase_url = {{ development = "{demo_url}", '
        f'live = "{attacker_url}" }}',
    )
    assert await run(copy, "Key in header/Who am I", "development") == 200
    with pytest.raises(OriginNotApproved):
        await run(copy, "Key in header/Who am I", "live")
    assert recorder.requests == []


def redirecting_workspace(tmp_path: Path, redirector: str, target: str, code: int) -> Path:
    """A provider whose (approved) server redirects every call to `target` with `code`."""
    text = f"""format = 1
id = "{AUTH_WORKSPACE_ID}"
name = "Redirects"

[[providers]]
name = "Team API"
base_url = "{redirector}"
headers = [{{ name = "X-Team-Token", private = true }}]

[providers.auth]
method = "query"
name = "api_key"

[[providers.calls]]
name = "Get"
use_as = "data"
method = "GET"
url = "/go/{code}?to={target}/landed"

[[providers.calls]]
name = "Post"
use_as = "action"
method = "POST"
url = "/go/{code}?to={target}/landed"
body_type = "json"
body = '{{"note": "<note>"}}'
parameters = [{{ name = "note", private = true }}]

[[providers.calls]]
name = "Plain post"
use_as = "action"
method = "POST"
url = "/go/{code}?to={target}/landed"
body_type = "json"
body = '{{"a": 1}}'
"""
    return write_workspace(tmp_path / "redirects", text)


@pytest.mark.parametrize("code", [302, 307])
async def test_a_redirect_to_another_origin_carries_no_credential(
    code: int, tmp_path: Path, attacker: tuple[str, Recorder]
) -> None:
    attacker_url, recorder = attacker
    secrets = {
        "auth.value": "query-key-0123456789",
        "header.X-Team-Token": "team-token-0123456789",
        "Post/param.note": "private-note-0123456789",
    }
    with recording_server() as (trusted_url, trusted_recorder):
        path = redirecting_workspace(tmp_path, trusted_url, attacker_url, code)
        session = Session.open(load_workspace(path), path)
        for field, value in secrets.items():
            session.secrets.set(SecretAddress("Team API", field), value)
        session.record_first_origins(session.workspace.providers[0], None)
        try:
            provider, get = find_call(session.workspace, "Team API/Get")
            result = await session.run_call(provider, get)
            assert result.exchange.status == 200  # followed, to the attacker's /landed
            assert result.exchange.redirects[0][0] == code
            assert result.exchange.url.startswith(attacker_url)

            _, post = find_call(session.workspace, "Team API/Post")
            refused = await session.run_call(provider, post)
            _, plain = find_call(session.workspace, "Team API/Plain post")
            plain_result = await session.run_call(provider, plain)
        finally:
            await session.aclose()

    # The trusted server got the credentials; the attacker got none, in no encoding.
    assert trusted_recorder.leaked(secrets.values())
    assert recorder.leaked(secrets.values()) == []
    if code == 307:
        # A body holding a private value is not sent again; a plain one follows the 307.
        assert refused.exchange.status == 307
        assert refused.exchange.failure is not None
        assert "private value" in refused.exchange.failure.message
        assert plain_result.exchange.status == 200 and b'{"a": 1}' in recorder.received
    else:
        assert refused.exchange.status == 200  # a 302 after POST is a GET without the body


async def test_a_chained_value_cannot_move_a_call_to_another_host_or_up_the_path(
    trusted: Path, tmp_path: Path, demo_url: str, attacker: tuple[str, Recorder]
) -> None:
    attacker_url, recorder = attacker
    session = Session.open(load_workspace(trusted), trusted)
    provider, call = find_call(session.workspace, "Key in header/Who am I")
    # A value from a response, as chaining hands it over, standing in for a path segment.
    call = replace(call, url="/auth/header-key/[next]", parameters=(Parameter(name="next"),))
    try:
        for value in (f"{attacker_url}/steal", "//" + attacker_url.split("//")[1]):
            result = await session._send(provider, call, "development", {}, {"next": value}, None)
            assert result.request.url.startswith(demo_url)  # the value stayed a path segment
        with pytest.raises(RequestBuildError, match="would change the path"):
            await session._send(provider, call, "development", {}, {"next": ".."}, None)
    finally:
        await session.aclose()
    assert recorder.requests == []


def test_headless_run_names_the_command_that_approves(
    trusted: Path, tmp_path: Path, demo_url: str, attacker: tuple[str, Recorder]
) -> None:
    attacker_url, recorder = attacker
    copy = hostile_copy(tmp_path, trusted, f'"{demo_url}"', f'"{attacker_url}"')

    refused = workbench_here("run", str(copy), "Key in header/Who am I")
    assert refused.returncode == 3
    assert "Traceback" not in refused.stderr
    assert f"workbench trust {copy}" in refused.stderr
    assert recorder.requests == []

    listing = workbench_here("trust", str(copy))
    assert "NOT approved" in listing.stdout and attacker_url in listing.stdout

    approved = workbench_here("trust", str(copy), "Key in header")
    assert approved.returncode == 0, approved.stderr
    assert workbench_here("run", str(copy), "Key in header/Who am I").returncode == 0
    assert recorder.requests

    # --base-url is the user's own choice, for that run only.
    other = hostile_copy(tmp_path / "again", trusted, f'"{demo_url}"', '"http://127.0.0.1:9"')
    one_run = workbench_here("run", str(other), "Basic/Who am I", "--base-url", demo_url)
    assert one_run.returncode == 0, one_run.stderr
    assert workbench_here("run", str(other), "Basic/Who am I").returncode == 3


@pytest.mark.parametrize("provider", ["Key in header", "Basic", "OAuth2 password"])
async def test_values_given_for_the_run_in_the_environment_need_no_approval(
    provider: str,
    tmp_path: Path,
    demo_url: str,
    demo_credentials: DemoCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CI gives its values in environment variables for that run: the runner vouches for
    where the workspace points, and a token they obtain is approved for the same places."""
    from workbench.core.secrets.store import environment_variable

    text = AUTH.read_text(encoding="utf-8").replace(AUTH_BASE, f'base_url = "{demo_url}"')
    path = write_workspace(tmp_path / "ci", text)
    for name, field, value in demo_credentials.secret_values():
        monkeypatch.setenv(environment_variable(SecretAddress(name, field)), value)
    assert await run(path, f"{provider}/Who am I") == 200
    assert await run(path, f"{provider}/Who am I") == 200  # a cached token, if any, too


def test_trust_gives_a_workspace_without_id_one_so_the_approval_is_found_again(
    tmp_path: Path, demo_url: str
) -> None:
    text = AUTH.read_text(encoding="utf-8").replace(AUTH_BASE, f'base_url = "{demo_url}"')
    text = text.replace(f'id = "{AUTH_WORKSPACE_ID}"\n', "")
    path = write_workspace(tmp_path / "no-id", text)
    approved = workbench_here("trust", str(path), "Basic")
    assert approved.returncode == 0, approved.stderr
    assert "Gave" in approved.stderr and "the id" in approved.stderr
    assert load_workspace(path).id in path.read_text(encoding="utf-8")
    listing = workbench_here("trust", str(path))
    assert f"{demo_url}  approved" in listing.stdout


async def test_a_cached_token_never_approves_where_a_changed_workspace_points(
    tmp_path: Path,
    attacker: tuple[str, Recorder],
    demo_credentials: DemoCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a token obtained now, with credentials given for this run, fixes the provider's
    first origins; one found in the cache (from before workbench kept origins) asks."""
    import time

    from workbench.core.auth.tokens import Token
    from workbench.core.secrets.store import Secret, environment_variable

    attacker_url, recorder = attacker
    text = AUTH.read_text(encoding="utf-8").replace(AUTH_BASE, f'base_url = "{attacker_url}"')
    path = write_workspace(tmp_path / "pull-request", text)
    for name, field, value in demo_credentials.secret_values():
        monkeypatch.setenv(environment_variable(SecretAddress(name, field)), value)
    session = Session.open(load_workspace(path), path)
    cached = Token(Secret("cached-access-token-123456"), obtained_at=time.time(), expires_in=3600)
    session.tokens.save("OAuth2 password", "development", cached)
    await session.aclose()
    with pytest.raises(OriginNotApproved):
        await run(path, "OAuth2 password/Who am I")
    assert recorder.requests == []


async def test_a_proxy_added_to_the_workspace_gets_no_stored_value_until_approved(
    trusted: Path, tmp_path: Path, demo_url: str
) -> None:
    """A provider's own proxy sees what goes to an http:// server: it is approved like an
    origin, while the environment's proxies (the user's own) are not asked about."""
    with http_proxy() as proxy:
        copy = hostile_copy(
            tmp_path,
            trusted,
            f'name = "Key in header"\nbase_url = "{demo_url}"',
            f'name = "Key in header"\nbase_url = "{demo_url}"\nproxy = "{proxy.url}"',
        )
        with pytest.raises(OriginNotApproved) as refused:
            await run(copy, "Key in header/Who am I")
        assert proxy.used == 0
        assert f"would go to {proxy.url}" in str(refused.value)

        origin = origin_of(proxy.url)
        assert origin is not None
        TrustBook(SecretStore().home).approve_origins(AUTH_WORKSPACE_ID, "Key in header", [origin])
        assert await run(copy, "Key in header/Who am I") == 200
        assert proxy.used == 1
