"""Proxies: the environment's (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) and a provider's own.

A call to the demo API goes through a loopback SOCKS5 proxy and a loopback HTTP proxy, each
counting what it carried: named by ALL_PROXY, HTTP_PROXY or the provider's `proxy`; NO_PROXY
bypasses them. Without the socks extra, a SOCKS proxy gets a message saying what to install;
an unreachable proxy is named (not the server), and a proxy's password appears in no message.
"""

from __future__ import annotations

import gc
import socket
import sys
from pathlib import Path

import pytest
from cli_process import workbench
from loopback_proxies import http_proxy, socks5_proxy
from one_call import one_call_workspace, ping

from workbench.core.errors import ConnectionSetupError, WorkspaceError
from workbench.core.secrets.store import SecretStore
from workbench.core.sending.exchange import FailureKind
from workbench.core.sending.proxies import bypassed, route_of, shown_proxy
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import dumps_workspace, load_workspace, loads_workspace
from workbench.demo.credentials import DemoCredentials, store_demo_credentials

AUTH = Path(__file__).resolve().parents[1] / "workspaces" / "auth.toml"
PASSWORD = "pr0xy-Secret-42"


def workspace(folder: Path, base_url: str, proxy: str | None = None) -> Path:
    line = f'proxy = "{proxy}"\n' if proxy is not None else ""
    return one_call_workspace(folder, base_url, line, url="/users")


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- through a proxy --------------------------------------------------------------------------


async def test_all_proxy_socks5_carries_the_call(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socks5_proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        exchange = await ping(workspace(tmp_path, demo_url))
        assert exchange.status == 200, exchange.failure
        assert proxy.used == 1


async def test_the_providers_socks5_proxy_carries_the_call(tmp_path: Path, demo_url: str) -> None:
    with socks5_proxy() as proxy:
        exchange = await ping(workspace(tmp_path, demo_url, proxy=proxy.url))
        assert exchange.status == 200, exchange.failure
        assert proxy.used == 1


@pytest.mark.parametrize("variable", ["ALL_PROXY", "http_proxy", "HTTP_PROXY"])
async def test_an_http_proxy_from_the_environment_carries_the_call(
    variable: str, tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with http_proxy() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        exchange = await ping(workspace(tmp_path, demo_url))
        assert exchange.status == 200, exchange.failure
        assert proxy.used == 1
        # httpx addresses an HTTP proxy with the absolute URL.
        assert proxy.seen[0].startswith(f"GET {demo_url}/users HTTP/1.1".encode())


async def test_the_providers_http_proxy_wins_over_the_environments(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with http_proxy() as own, socks5_proxy() as environments:
        monkeypatch.setenv("ALL_PROXY", environments.url)
        exchange = await ping(workspace(tmp_path, demo_url, proxy=own.url))
        assert exchange.status == 200, exchange.failure
        assert (own.used, environments.used) == (1, 0)


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "127.0.0.0/8", "*", "localhost,127.0.0.1"])
async def test_no_proxy_bypasses_the_environments_proxy(
    no_proxy: str, tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socks5_proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        exchange = await ping(workspace(tmp_path, demo_url))
        assert exchange.status == 200, exchange.failure
        assert proxy.used == 0


async def test_token_requests_go_through_the_proxy_too(
    tmp_path: Path,
    demo_url: str,
    demo_credentials: DemoCredentials,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = AUTH.read_text(encoding="utf-8").replace("http://127.0.0.1:8400", demo_url)
    path = tmp_path / "auth.toml"
    path.write_text(text, encoding="utf-8")
    store_demo_credentials(demo_credentials, SecretStore())
    session = Session.open(load_workspace(path), path)
    try:
        provider, call = find_call(session.workspace, "OAuth2 client credentials/Who am I")
        session.record_first_origins(provider, None)
        with http_proxy() as proxy:
            monkeypatch.setenv("ALL_PROXY", proxy.url)
            result = await session.run_call(provider, call)
    finally:
        await session.aclose()
    assert result.exchange.status == 200, result.exchange.failure
    lines = [head.split(b"\r\n")[0] for head in proxy.seen]
    assert lines == [
        f"POST {demo_url}/oauth/token HTTP/1.1".encode(),
        f"GET {demo_url}/auth/bearer/whoami HTTP/1.1".encode(),
    ]


def test_workbench_run_goes_through_all_proxy_socks5(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command that used to end in a traceback (ALL_PROXY=socks5://...)."""
    with socks5_proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        done = workbench("run", str(workspace(tmp_path, demo_url)), "Intranet/Ping")
        assert done.returncode == 0, done.stderr
        assert '"total": 25' in done.stdout or '"total":25' in done.stdout
        assert proxy.used == 1


# --- what goes wrong, said clearly --------------------------------------------------------------


async def test_a_socks_proxy_without_the_socks_extra_says_what_to_install(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "socksio", None)  # `import socksio` fails
    monkeypatch.setenv("ALL_PROXY", f"socks5://user:{PASSWORD}@127.0.0.1:1080")
    with pytest.raises(ConnectionSetupError) as refused:
        await ping(workspace(tmp_path, demo_url))
    message = str(refused.value)
    assert "pip install 'httpx[socks]'" in message
    assert "socks5://127.0.0.1:1080 (ALL_PROXY)" in message
    assert PASSWORD not in message


async def test_an_unreachable_proxy_is_named_not_the_server(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://ada:{PASSWORD}@127.0.0.1:{port}")
    exchange = await ping(workspace(tmp_path, demo_url))
    assert exchange.failure is not None and exchange.failure.kind is FailureKind.REFUSED
    message = exchange.failure.message
    assert message.startswith(f"Cannot reach the proxy http://127.0.0.1:{port} (HTTP_PROXY)")
    assert "NO_PROXY" in message
    assert PASSWORD not in message and "ada" not in message


async def test_an_unreachable_provider_proxy_says_to_change_the_workspace(
    tmp_path: Path, demo_url: str
) -> None:
    port = closed_port()
    exchange = await ping(workspace(tmp_path, demo_url, proxy=f"socks5://127.0.0.1:{port}"))
    assert exchange.failure is not None
    message = exchange.failure.message
    assert f"the proxy socks5://127.0.0.1:{port} (the provider's proxy)" in message
    assert "`proxy` in the workspace file" in message


# httpcore (1.0.9) leaves the socket of a refused SOCKS handshake to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_proxy_that_cannot_reach_the_server_says_so(tmp_path: Path) -> None:
    port = closed_port()
    with socks5_proxy() as proxy:
        exchange = await ping(workspace(tmp_path, f"http://127.0.0.1:{port}", proxy=proxy.url))
    gc.collect()  # that socket's warning, here rather than in a later test
    assert exchange.failure is not None
    message = exchange.failure.message
    assert message.startswith(f"The proxy {proxy.url} (the provider's proxy) did not connect")
    assert f"127.0.0.1:{port}" in message


async def test_a_proxy_workbench_cannot_use_is_named_without_its_password(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("all_proxy", f"socks4://ada:{PASSWORD}@127.0.0.1:1080")
    with pytest.raises(ConnectionSetupError) as refused:
        await ping(workspace(tmp_path, demo_url))
    message = str(refused.value)
    assert "socks4://127.0.0.1:1080 (all_proxy) cannot be used" in message
    assert PASSWORD not in message


def test_workbench_run_names_an_unreachable_proxy_without_its_password(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("ALL_PROXY", f"socks5://ada:{PASSWORD}@127.0.0.1:{port}")
    done = workbench("run", str(workspace(tmp_path, demo_url)), "Intranet/Ping")
    assert done.returncode == 6  # no answer
    assert f"socks5://127.0.0.1:{port} (ALL_PROXY)" in done.stderr
    assert "Traceback" not in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


# --- the workspace's proxy --------------------------------------------------------------------


def test_a_providers_proxy_round_trips_canonically_per_environment() -> None:
    text = """format = 1
id = "5b0e3c1a9d7f4e2b8c6a4e2d0f8b6a4c"
name = "Proxied"

[[providers]]
id = "d3m0pr0x"
name = "Demo"
base_url = "https://api.example.com"
ca_bundle = "ca.pem"

[providers.proxy]
live = "socks5h://127.0.0.1:1080"
"""
    loaded = loads_workspace(text, "proxied.toml")
    assert dumps_workspace(loaded) == text
    same = loads_workspace(text.replace("[providers.proxy]\nlive", "proxy.live"), "p.toml")
    assert dumps_workspace(same) == text


@pytest.mark.parametrize(
    ("proxy", "expected"),
    [
        (f"http://ada:{PASSWORD}@proxy.example:3128", "a proxy password must not be in"),
        ("socks4://127.0.0.1:1080", "expected a proxy URL like"),
        ("http://proxy.example:port", "expected a proxy URL like"),
    ],
)
def test_a_bad_provider_proxy_stops_loading_at_its_key(proxy: str, expected: str) -> None:
    text = f"""format = 1
name = "Proxied"

[[providers]]
name = "Demo"
base_url = "https://api.example.com"
proxy = "{proxy}"
"""
    with pytest.raises(WorkspaceError) as refused:
        loads_workspace(text, "proxied.toml")
    message = str(refused.value)
    assert message.startswith('proxied.toml:7: providers[0] "Demo" > proxy: ')
    assert expected in message
    assert PASSWORD not in message


# --- routing rules ----------------------------------------------------------------------------


def test_the_targets_scheme_picks_the_variable_and_lower_case_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://secure.example:3128")
    monkeypatch.setenv("https_proxy", "http://lower.example:3128")
    monkeypatch.setenv("ALL_PROXY", "socks5://all.example:1080")
    assert route_of("https://api.example.com/x", None).proxy == "http://lower.example:3128"
    assert route_of("https://api.example.com/x", None).source == "https_proxy"
    assert route_of("http://api.example.com/x", None).source == "ALL_PROXY"
    assert route_of("http://api.example.com/x", "proxy.example:8080").proxy == (
        "http://proxy.example:8080"
    )


@pytest.mark.parametrize(
    ("host", "no_proxy", "expected"),
    [
        ("api.example.com", "example.com", True),
        ("api.example.com", ".example.com", True),
        ("example.com", "example.com", True),
        ("badexample.com", "example.com", False),
        ("10.1.2.3", "10.0.0.0/8", True),
        ("10.1.2.3", "10.1.2.4", False),
        ("::1", "::1", True),
        ("::1", "[::1]", True),
        ("api.example.com", "", False),
        ("anything", " * ", True),
    ],
)
def test_no_proxy_follows_curls_rules(host: str, no_proxy: str, expected: bool) -> None:
    assert bypassed(host, no_proxy) is expected


def test_a_shown_proxy_has_no_user_or_password() -> None:
    assert shown_proxy(f"http://ada:{PASSWORD}@[::1]:3128") == "http://[::1]:3128"
    assert shown_proxy("proxy.example:3128") == "http://proxy.example:3128"
