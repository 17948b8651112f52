"""The history holds no private value, in any encoding, whatever was sent and echoed back.

Every authentication method of `workspaces/auth.toml` is sent to the demo API (which checks
the credentials), then to a server that echoes each request it gets (line, headers, body) in
its body and a header, tokens included; so is a workspace with a private value in every
place a call can put one (provider and call headers, path, query and body parameters, a value
given for the run). Then the raw bytes of the database and of its write-ahead log are
searched for each value in every form (`leaks.leaked_in`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_process import workbench_here
from hostile import ATTACKER_TOKEN, Recorder, recording_server
from leaks import demo_secret_values, demo_tokens, leaked_in

from workbench.core.history import FILE_NAME, HistoryStore, WorkspaceKey
from workbench.core.secrets import MASK, SecretAddress, SecretStore
from workbench.core.sending import Session
from workbench.core.workspace import find_call, load_workspace
from workbench.demo.credentials import AUTH_WORKSPACE_ID, DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
AUTH = ROOT / "workspaces" / "auth.toml"
# Every method whose values go out without a person in the loop (the user-agent flow needs a
# browser to log in; its token is a cached value like the others' tokens).
METHODS = [
    "Key in URL",
    "Key in header",
    "Basic",
    "OAuth2 password",
    "OAuth2 client credentials",
    "OAuth2 custom token",
    "JWT",
    "JWT bearer",
]
CERTIFICATE = "Client certificate"

LEAKS_ID = "1eaf5ca1ab1e4e0ba5e0dd5eed5a1e55"
LEAKS = f'''format = 1
id = "{LEAKS_ID}"
name = "Leaks"

[[providers]]
name = "Echo"
base_url = "BASE"
headers = [{{ name = "X-Provider-Secret", private = true }}]
parameters = [{{ name = "shared_key", private = true, in = "query" }}]

[providers.auth]
method = "header"
header = "X-Api-Key"

[[providers.calls]]
name = "Everything"
method = "POST"
url = "/things/[path_secret]"
headers = [{{ name = "X-Call-Secret", private = true }}]
parameters = [
    {{ name = "path_secret", private = true }},
    {{ name = "query_secret", private = true, in = "query" }},
    {{ name = "body_secret", private = true }},
    {{ name = "form_secret", private = true, in = "body" }},
    {{ name = "given_secret", private = true, optional = true, in = "header" }},
    {{ name = "visible", value = "plain-visible-value" }},
]
body_type = "json"
body = '{{"secret": "<body_secret>", "visible": "<visible>", "form": "<form_secret>"}}'

[[providers.calls]]
name = "Form"
method = "POST"
url = "/form"
parameters = [{{ name = "form_secret", private = true }}]
body_type = "form"
'''
# One value per place, each with characters that encode differently in URLs, JSON and forms.
PLACED = {
    "auth.value": 'Bearer auth-Valu3/+=&"x',
    "header.X-Provider-Secret": "prov-h3ader/+=&key",
    "param.shared_key": "shared-qu3ry/+=&?#key",
    "Everything/header.X-Call-Secret": "call-h3ader-secret-value",
    "Everything/param.path_secret": "path-s3cret/../x y",
    "Everything/param.query_secret": "query-s3cret&a=b c",
    "Everything/param.body_secret": 'body-s3cret"\\\n</tag>',
    "Everything/param.form_secret": "form-s3cret+ü=1&2",
    "Form/param.form_secret": "form-b0dy+ü=1&2 x",
}
GIVEN = "given-for-the-run-s3cret/+="


def history_bytes(home: Path) -> bytes:
    """The database and its write-ahead log (and index), as they are on disk."""
    files = sorted(home.glob(f"{FILE_NAME}*"))
    assert any(path.name.endswith("-wal") for path in files) or files
    return b"".join(path.read_bytes() for path in files)


def auth_values(credentials: DemoCredentials) -> list[str]:
    # With what methods derive from them: Basic's user:password, a client's id:secret.
    derived = [f"ada:{credentials.basic_password}", f"workbench-demo:{credentials.client_secret}"]
    return demo_secret_values(credentials) + derived


@pytest.fixture
def echo() -> Iterator[tuple[str, Recorder]]:
    with recording_server(echo=True) as server:
        yield server


async def send_all(path: Path, names: list[str], base_url: str | None) -> list[int | None]:
    session = Session.open(load_workspace(path), path)
    session.base_url = base_url
    statuses = []
    try:
        for name in names:
            provider, call = find_call(session.workspace, name)
            result = await session.run_call(provider, call)
            statuses.append(result.exchange.status)
    finally:
        await session.aclose()
    return statuses


async def test_no_credential_of_any_method_reaches_the_history(
    tmp_path: Path,
    demo_server: DemoServer,
    demo_tls_server: DemoServer,
    demo_credentials: DemoCredentials,
    echo: tuple[str, Recorder],
    isolated_home: Path,
) -> None:
    text = AUTH.read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8400", demo_server.base_url)
    text = text.replace("https://127.0.0.1:8443", demo_tls_server.base_url)
    path = tmp_path / "auth.toml"
    path.write_text(text, encoding="utf-8")
    store_demo_credentials(demo_credentials, SecretStore())
    session = Session.open(load_workspace(path), path)
    for provider in session.workspace.providers:
        session.record_first_origins(provider, None)
    # The real API checks each credential...
    names = [f"{method}/Who am I" for method in [*METHODS, CERTIFICATE]]
    assert await send_all(path, names, None) == [200] * len(names)
    tokens = demo_tokens()
    assert len(tokens) >= 4
    # ...and a server given with --base-url echoes each back; with no token cached, tokens
    # come from its token endpoint.
    for method in METHODS:
        SecretStore().delete(AUTH_WORKSPACE_ID, SecretAddress.token(method), every_environment=True)
    echo_url, recorder = echo
    await send_all(path, [f"{method}/Who am I" for method in METHODS], echo_url)
    values = auth_values(demo_credentials) + tokens + [ATTACKER_TOKEN]
    assert len(recorder.leaked(values)) >= 6  # they really went out, and came back

    assert leaked_in(history_bytes(isolated_home), values) == []
    entries = HistoryStore().summaries(workspace=WorkspaceKey(AUTH_WORKSPACE_ID, ""))
    assert len(entries) == 2 * len(METHODS) + 1
    echoed = HistoryStore().entry(entries[0].id)
    assert echoed is not None and MASK.encode() in echoed.exchange.body


def test_no_private_value_in_any_place_reaches_the_history(
    tmp_path: Path, echo: tuple[str, Recorder], isolated_home: Path
) -> None:
    echo_url, recorder = echo
    path = tmp_path / "leaks.toml"
    path.write_text(LEAKS.replace("BASE", echo_url), encoding="utf-8")
    store = SecretStore()
    for field, value in PLACED.items():
        store.set(LEAKS_ID, SecretAddress("Echo", field), value)
    for name, extra in (("Echo/Everything", ["-p", f"given_secret={GIVEN}"]), ("Echo/Form", [])):
        result = workbench_here("run", str(path), name, "--base-url", echo_url, *extra)
        assert result.returncode == 0, result.stderr
    values = [*PLACED.values(), GIVEN]
    assert len(recorder.leaked(values)) == len(values)  # each was sent and echoed

    assert leaked_in(history_bytes(isolated_home), values) == []
    [form, everything] = HistoryStore().summaries(workspace=WorkspaceKey(LEAKS_ID, ""))
    kept = HistoryStore().entry(everything.id)
    assert kept is not None
    # What is not private is kept as it was, for reading and re-sending.
    assert ("visible", "plain-visible-value") in kept.exchange.request.parameters
    assert [name for name, _ in kept.exchange.request.parameters] == ["visible"]
    assert b"plain-visible-value" in kept.exchange.request.body
