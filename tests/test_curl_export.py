"""curl out: a call as the curl command that sends what workbench sends, private values as
environment variable references; run for real against the demo API where curl is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from loopback_proxies import LoopbackProxy, http_proxy, socks5_proxy

from workbench.core.interop import export_command
from workbench.core.secrets import SecretAddress, SecretResolver, environment_variable
from workbench.core.workspace import load_workspace
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
export_curl = partial(export_command, "curl")
export_httpie = partial(export_command, "httpie")
KEY_VARIABLE = environment_variable(SecretAddress.parameter("Demo", "X-Api-Key", "Check API key"))
ProxyMaker = Callable[[], AbstractContextManager[LoopbackProxy]]
needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def exported(
    name: str, demo_url: str, secrets: SecretResolver | None = None, **options: bool
) -> str:
    workspace = load_workspace(ROOT / "workspaces" / "demo.toml")
    provider = workspace.providers[0]
    call = provider.call(name)
    assert call is not None
    return export_curl(
        workspace,
        provider,
        call,
        environment="development",
        secrets=secrets or SecretResolver(workspace.id, environ={}),
        base_url=demo_url,
        **options,
    )


def run(command: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ.get("PATH", ""), **variables}
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=environment, timeout=30
    )


def test_a_private_value_is_a_variable_reference_never_the_value(demo_url: str) -> None:
    secrets = SecretResolver("x", environ={KEY_VARIABLE: "key-never-shown"})
    command = exported("Check API key", demo_url, secrets)
    assert f'-H "X-Api-Key: ${{{KEY_VARIABLE}}}"' in command
    assert "key-never-shown" not in command
    assert command.startswith(f"curl {demo_url}/keys/check \\\n  -H ")
    revealed = exported("Check API key", demo_url, secrets, reveal=True)
    assert "-H 'X-Api-Key: key-never-shown'" in revealed


@needs_curl
def test_the_exported_command_sends_what_workbench_sends(
    demo_url: str, fresh_demo: DemoServer
) -> None:
    key = 'k\'ey $HOME "x"'  # every kind of quote and a dollar: the shell must not touch it
    answered = run(exported("Check API key", demo_url), **{KEY_VARIABLE: key})
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["length"] == len(key)

    echo = json.loads(run(exported("Echo", demo_url)).stdout)
    assert echo["method"] == "POST" and echo["json"] == {"message": 'héllo "world"'}
    assert run(exported("Get user", demo_url)).stdout.count('"id": 1') == 1


@needs_curl
def test_basic_authentication_is_exported_as_user_and_password(
    tmp_path: Path, demo_url: str, demo_credentials: object
) -> None:
    workspace = load_workspace(ROOT / "workspaces" / "auth.toml")
    basic = next(p for p in workspace.providers if p.auth.method == "basic")
    call = basic.calls[0]
    command = export_curl(
        workspace,
        basic,
        call,
        environment="development",
        secrets=SecretResolver(workspace.id, environ={}),
        base_url=demo_url,
    )
    variable = environment_variable(SecretAddress.auth("Basic", "password"))
    assert f'-u "ada:${{{variable}}}"' in command
    password = demo_credentials.basic_password  # type: ignore[attr-defined]
    answered = run(command, **{variable: password})
    assert answered.returncode == 0 and "ada" in answered.stdout, answered.stderr


def test_a_token_made_at_send_time_is_named_in_a_comment(demo_url: str) -> None:
    workspace = load_workspace(ROOT / "workspaces" / "auth.toml")
    oauth = next(p for p in workspace.providers if p.auth.method == "oauth2_password")
    command = export_curl(
        workspace,
        oauth,
        oauth.calls[0],
        environment="development",
        secrets=SecretResolver(workspace.id, environ={}),
    )
    assert command.startswith("# OAuth2 password sends a token it obtains (oauth2_password)")
    assert "Authorization" not in command.split("\n", 1)[1]


def test_a_document_exports_from_the_command_line(demo_url: str, isolated_home: Path) -> None:
    from cli_process import workbench_here

    shown = workbench_here(
        "export",
        "curl",
        str(ROOT / "workspaces" / "demo.toml"),
        "Demo/Echo",
        "--base-url",
        demo_url,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"curl {demo_url}/echo")
    missing = workbench_here("export", "curl", str(ROOT / "workspaces" / "demo.toml"), "Demo/Nope")
    assert missing.returncode == 3 and "Nope" in missing.stderr  # as `run` says it


async def test_c_in_the_tree_copies_the_call_as_curl_without_its_private_value(
    demo_workspace: Path, demo_url: str
) -> None:
    from tests.ui_app import SIZE, main_screen, notified, open_app
    from tests.ui_wait import wait_for

    app = open_app(demo_workspace, demo_url, on="Demo/Check API key")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(app)
        document = screen.documents[0]
        document.secrets.set(SecretAddress.parameter("Demo", "X-Api-Key", "Check API key"), "s3")
        screen.workspace_tree.focus()
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard.startswith("curl "), what="copied")
        assert f"${{{KEY_VARIABLE}}}" in app.clipboard and "s3" not in app.clipboard
        assert f"curl {demo_url}/keys/check" in app.clipboard  # where this run sends it
        assert "Copied the call as a curl command" in notified(app)


def test_the_httpie_command_gives_http_the_same_request(demo_url: str) -> None:
    """Run through `sh` with `printf` in place of `http`: the words http would get."""
    workspace = load_workspace(ROOT / "workspaces" / "demo.toml")
    provider = workspace.providers[0]
    call = provider.call("Check API key")
    assert call is not None
    command = export_httpie(
        workspace,
        provider,
        call,
        environment="development",
        secrets=SecretResolver(workspace.id, environ={}),
        base_url=demo_url,
    )
    assert command.startswith(f"http --ignore-stdin GET {demo_url}/keys/check \\\n")
    key = 'k\'ey $HOME "x"'
    printed = run("printf '%s\\n' " + command.split(" ", 1)[1], **{KEY_VARIABLE: key})
    assert printed.stdout.splitlines() == [
        "--ignore-stdin",
        "GET",
        f"{demo_url}/keys/check",
        "Accept:application/json",
        f"X-Api-Key:{key}",
        "--follow",
    ]


async def test_shift_c_in_the_tree_copies_the_call_as_httpie(
    demo_workspace: Path, demo_url: str
) -> None:
    from tests.ui_app import SIZE, main_screen, notified, open_app
    from tests.ui_wait import wait_for

    app = open_app(demo_workspace, demo_url, on="Demo/Echo")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        main_screen(app).workspace_tree.focus()
        await pilot.press("C")
        await wait_for(pilot, lambda: app.clipboard.startswith("http "), what="copied")
        assert "--raw" in app.clipboard and "Copied the call as an HTTPie command" in notified(app)


@pytest.mark.parametrize("make_proxy", [http_proxy, socks5_proxy])
def test_the_providers_proxy_is_in_the_command(demo_url: str, make_proxy: ProxyMaker) -> None:
    workspace = load_workspace(ROOT / "workspaces" / "demo.toml")
    with make_proxy() as proxy:
        provider = replace(workspace.providers[0], proxy=proxy.url)
        call = provider.call("List users")
        assert call is not None
        resolver = SecretResolver(workspace.id, environ={})
        arguments = (workspace, provider, call)
        options = {"environment": "development", "secrets": resolver, "base_url": demo_url}
        command = export_curl(*arguments, **options)
        assert command.rstrip().endswith(f"--proxy {proxy.url}")
        httpie = export_httpie(*arguments, **options)
        assert f"--proxy=http:{proxy.url}" in httpie and f"--proxy=https:{proxy.url}" in httpie
        if shutil.which("curl") is not None:
            answered = run(command)
            assert answered.returncode == 0, answered.stderr
            assert proxy.used == 1
