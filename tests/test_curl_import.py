"""curl in: a pasted command becomes a call, its credentials private values, never file text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import workbench_here
from textual.widgets import Input

from tests.ui_app import SIZE, main_screen, notified, open_app
from tests.ui_keys import paste
from tests.ui_wait import wait_for
from workbench.core.interop import CurlError, import_curl, parse_curl
from workbench.core.secrets import SecretAddress
from workbench.core.workspace import (
    Auth,
    BodyType,
    Header,
    Location,
    Method,
    Parameter,
    Provider,
    UseAs,
    Workspace,
)
from workbench.core.workspace.io import dumps_workspace

DOCS_EXAMPLE = r"""curl -X POST 'https://api.example.com/v1/users?notify=true' \
  -H 'Authorization: Bearer sk_live_abc123' \
  -H "Accept: application/json" \
  --json '{"name": "Ada", "tags": ["a b"]}' \
  --max-time 12 -sSL
"""


def test_a_docs_example_with_line_continuations_becomes_a_call() -> None:
    parsed = parse_curl(DOCS_EXAMPLE.replace("\n", "\r"))  # as a terminal pastes it
    call = parsed.call
    assert (call.method, call.url) == (Method.POST, "https://api.example.com/v1/users")
    assert call.parameters == (Parameter("notify", "true", location=Location.QUERY),)
    assert call.headers == (Header("Accept", "application/json"),)
    assert (call.body_type, call.body) == (BodyType.JSON, '{"name": "Ada", "tags": ["a b"]}')
    assert call.options.timeout == 12 and call.options.follow_redirects
    assert parsed.auth == Auth("header", {"header": "Authorization"})
    assert [c.value for c in parsed.credentials] == ["Bearer sk_live_abc123"]


@pytest.mark.parametrize(
    ("command", "body_type", "fields"),
    [
        ("curl -d 'a=1&b=x%20y' http://h/f", BodyType.FORM, [("a", "1"), ("b", "x y")]),
        ("curl --data-urlencode 'q=a b&c' http://h/f", BodyType.FORM, [("q", "a b&c")]),
        ("curl -F name=Ada -F photo=@me.png http://h/f", BodyType.MULTIPART, [("name", "Ada")]),
    ],
)
def test_form_bodies_become_body_parameters(
    command: str, body_type: BodyType, fields: list[tuple[str, str]]
) -> None:
    call = parse_curl(command).call
    assert call.method is Method.POST and call.body_type is body_type
    given = [(p.name, p.value) for p in call.parameters if not p.file]
    assert given == fields
    if body_type is BodyType.MULTIPART:
        assert [p for p in call.parameters if p.file] == [
            Parameter("photo", "me.png", location=Location.BODY, file=True)
        ]


def test_get_with_data_puts_it_in_the_query_and_options_follow_curl() -> None:
    call = parse_curl("curl -G -d page=2 -d per_page=5 -k example.com/users").call
    assert (call.method, call.url, call.body_type) == (
        Method.GET,
        "http://example.com/users",
        BodyType.NONE,
    )
    assert [(p.name, p.value, p.location) for p in call.parameters] == [
        ("page", "2", Location.QUERY),
        ("per_page", "5", Location.QUERY),
    ]
    assert not call.options.verify_tls and not call.options.follow_redirects  # no -L


def test_user_and_password_become_basic_auth_with_a_private_password() -> None:
    parsed = parse_curl("curl -u 'ada:pa ss' -XDELETE https://h/users/3")
    assert parsed.call.method is Method.DELETE
    assert parsed.auth == Auth("basic", {"username": "ada"})
    assert [(c.setting, c.value) for c in parsed.credentials] == [("password", "pa ss")]
    assert "pa ss" not in repr(parsed)


def test_a_raw_body_keeps_its_content_type_and_a_file_body_is_not_read() -> None:
    call = parse_curl("curl -H 'Content-Type: text/xml' --data-raw '<a>1</a>' http://h/x").call
    assert (call.body_type, call.body, call.content_type) == (BodyType.RAW, "<a>1</a>", "text/xml")
    parsed = parse_curl("curl -d @secrets.json http://h/x")
    assert parsed.call.body == "" and "comes from a file" in parsed.notes[0]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("wget http://h", "starts with `curl`"),
        ("curl 'http://h", "quotes do not match"),
        ("curl --frobnicate http://h", "unrecognized arguments"),
        ("curl http://a http://b", "has 2"),
    ],
)
def test_what_is_not_a_readable_curl_command_says_why(command: str, message: str) -> None:
    with pytest.raises(CurlError, match=message):
        parse_curl(command)


def test_into_a_workspace_the_url_finds_its_provider_and_secrets_stay_out_of_the_file() -> None:
    demo = Provider("Demo", "http://127.0.0.1:8400")
    workspace = Workspace(id="w1", name="W", providers=(demo,))
    imported = import_curl(
        workspace, "curl -H 'X-Api-Key: key-123' 'http://127.0.0.1:8400/keys/check'"
    )
    assert (imported.provider, imported.call) == ("Demo", "GET check")
    provider = imported.workspace.provider("Demo")
    assert provider is not None and provider.auth == demo.auth  # its other calls: unchanged
    call = provider.call("GET check")
    assert call is not None and call.url == "/keys/check"
    assert call.headers == (Header("X-Api-Key", private=True),)
    assert imported.secrets == ((SecretAddress.header(provider, "X-Api-Key", call), "key-123"),)
    assert imported.secrets[0][0].key == f"{provider.id}/{call.id}/header.X-Api-Key"
    assert "key-123" not in dumps_workspace(imported.workspace)

    other = import_curl(imported.workspace, "curl -u ada:pw https://api.github.com/repos/x/y")
    assert other.provider == "api.github.com"
    new = other.workspace.provider("api.github.com")
    assert new is not None and new.base_url == "https://api.github.com"
    assert new.calls[0].url == "/repos/x/y"
    assert new.auth == Auth("basic", {"username": "ada"})  # a new provider takes it
    assert other.secrets == ((SecretAddress.auth(new, "password"), "pw"),)


def test_certificate_files_are_read_into_private_values(tmp_path: Path) -> None:
    (tmp_path / "c.pem").write_text("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
    parsed = parse_curl(f"curl --cert {tmp_path}/c.pem --key {tmp_path}/missing.pem https://h/")
    assert parsed.auth == Auth("certificate", {})
    assert [c.setting for c in parsed.credentials] == ["certificate"]
    assert "could not be read" in parsed.notes[0]


def test_import_curl_adds_the_call_stores_the_key_and_it_is_sent(
    demo_workspace: Path, demo_url: str, isolated_home: Path
) -> None:
    """From a shell: the demo's key check, pasted from its docs, works at the first run."""
    command = f"curl -sS -H 'X-Api-Key: demo-key-123' {demo_url}/keys/check"
    imported = workbench_here(
        "import", "curl", "--into", str(demo_workspace), "--provider", "Keys", stdin=command
    )
    assert imported.returncode == 2 and "has no provider 'Keys'" in imported.stderr

    workspace_text = demo_workspace.read_text().replace(
        'base_url = "http://127.0.0.1:8400"', f'base_url = "{demo_url}"'
    )
    demo_workspace.write_text(workspace_text)
    imported = workbench_here("import", "curl", "--into", str(demo_workspace), stdin=command)
    assert imported.returncode == 0, imported.stderr
    assert "Added Demo/GET check" in imported.stderr and "demo-key-123" not in imported.stderr
    assert "demo-key-123" not in demo_workspace.read_text()
    ran = workbench_here("run", str(demo_workspace), "Demo/GET check")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["length"] == len("demo-key-123")


async def test_a_curl_command_pasted_into_the_url_field_becomes_the_call(
    demo_workspace: Path, demo_url: str
) -> None:
    app = open_app(demo_workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        document = screen.documents[0]
        await pilot.press("f3")  # the URL field
        command = """curl -X PATCH http://127.0.0.1:8400/users/3 \\
          -H 'X-Api-Key: k-9' \\
          --json '{"name": "Grace"}'"""
        await paste(pilot, command)  # the provider's base URL: the call's URL is relative
        await wait_for(pilot, lambda: screen.query_one("#url", Input).value == "/users/3")
        call = document.workspace.providers[0].call("Echo")
        assert call is not None and call.method is Method.PATCH and call.use_as is UseAs.ACTION
        assert (call.body_type, call.body) == (BodyType.JSON, '{"name": "Grace"}')
        assert call.headers == (Header("X-Api-Key", private=True),)
        address = SecretAddress.header(document.workspace.providers[0], "X-Api-Key", call)
        stored = document.secrets.get(address, "live")
        assert stored is not None and stored.reveal() == "k-9"
        assert "now sends what the curl command sends" in notified(app)
        await pilot.press("ctrl+z")  # in the URL field: the text's own undo first
        screen.workspace_tree.focus()
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: document.workspace == document.saved)


def test_a_proxy_becomes_a_new_providers_proxy_but_never_with_its_password() -> None:
    workspace = Workspace(id="w1", name="W", providers=(Provider("Demo", "http://127.0.0.1:8400"),))
    imported = import_curl(workspace, "curl -x socks5h://127.0.0.1:1080 https://api.example.com/a")
    provider = imported.workspace.provider("api.example.com")
    assert provider is not None and provider.proxy == "socks5h://127.0.0.1:1080"
    assert 'proxy = "socks5h://127.0.0.1:1080"' in dumps_workspace(imported.workspace)

    secret = import_curl(workspace, "curl --proxy http://ada:pr0xy-pw@proxy:3128 https://b.example")
    added = secret.workspace.providers[-1]
    assert secret.workspace.provider("b.example") == Provider(
        "b.example", "https://b.example", calls=added.calls, id=added.id
    )
    assert any("http://proxy:3128 was left out" in note for note in secret.notes)
    assert "pr0xy-pw" not in dumps_workspace(secret.workspace) + " ".join(secret.notes)

    existing = import_curl(workspace, "curl -x http://proxy:3128 http://127.0.0.1:8400/users")
    demo = existing.workspace.provider("Demo")
    assert demo is not None and demo.proxy == ""  # its other calls go as they went
    assert any("http://proxy:3128, which Demo does not name" in note for note in existing.notes)
