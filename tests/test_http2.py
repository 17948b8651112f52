"""HTTP/2 when the server offers it: ALPN over TLS picks h2, and the exchange says which.

A loopback server that speaks only HTTP/2 (the h2 library) answers a call, and the exchange,
`workbench run` and the TUI's status line say HTTP/2; the demo API (HTTP/1.1, cleartext) and
an HTTPS server without ALPN still answer over HTTP/1.1.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from cli_process import workbench
from h2_server import H2Server, h2_server
from hostile import recording_server
from loopback_proxies import http_proxy, socks5_proxy
from one_call import one_call_workspace, ping

from tests.ui_app import SIZE, open_app, screen_text, send

CA_FILE = "ca.pem"


@pytest.fixture
def private_ca() -> trustme.CA:
    return trustme.CA()


def server_context(private_ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    private_ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def http2(private_ca: trustme.CA) -> Iterator[H2Server]:
    with h2_server(server_context(private_ca)) as server:
        yield server


def trusting_workspace(folder: Path, base_url: str, private_ca: trustme.CA) -> Path:
    """The one-call workspace, trusting the private CA through its provider's ca_bundle."""
    path = one_call_workspace(folder, base_url, f'ca_bundle = "{CA_FILE}"\n')
    private_ca.cert_pem.write_to_path(str(folder / CA_FILE))
    return path


async def test_a_server_offering_h2_is_spoken_to_in_http2(
    tmp_path: Path, http2: H2Server, private_ca: trustme.CA
) -> None:
    exchange = await ping(trusting_workspace(tmp_path, http2.url, private_ca))
    assert exchange.status == 200, exchange.failure
    assert exchange.http_version == "HTTP/2"
    assert exchange.reason == "OK"
    assert json.loads(exchange.body) == {"protocol": "HTTP/2", "method": "GET", "path": "/ping"}
    assert http2.answered == 1


async def test_the_demo_api_answers_in_http1(tmp_path: Path, demo_url: str) -> None:
    exchange = await ping(one_call_workspace(tmp_path, demo_url, url="/users"))
    assert exchange.status == 200, exchange.failure
    assert exchange.http_version == "HTTP/1.1"


async def test_an_https_server_without_h2_answers_in_http1(
    tmp_path: Path, private_ca: trustme.CA
) -> None:
    with recording_server(tls=server_context(private_ca)) as (url, recorder):
        exchange = await ping(trusting_workspace(tmp_path, url, private_ca))
    assert exchange.status == 200, exchange.failure
    assert exchange.http_version == "HTTP/1.1"
    assert recorder.requests[0].startswith(b"GET /ping HTTP/1.1")


def test_workbench_run_says_http2(tmp_path: Path, http2: H2Server, private_ca: trustme.CA) -> None:
    path = trusting_workspace(tmp_path, http2.url, private_ca)
    done = workbench("run", str(path), "Intranet/Ping")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("HTTP/2 200 OK · ")
    exchange = json.loads(workbench("run", str(path), "Intranet/Ping", "--exchange").stdout)
    assert exchange["response"]["http_version"] == "HTTP/2"


async def test_the_status_line_says_http2(
    tmp_path: Path, http2: H2Server, private_ca: trustme.CA
) -> None:
    path = trusting_workspace(tmp_path, http2.url, private_ca)
    app = open_app(path, http2.url, on="Intranet/Ping")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app)
        assert "200 OK" in screen_text(app)
        assert " · HTTP/2" in screen_text(app)


async def test_http2_goes_through_a_socks_proxy_too(
    tmp_path: Path, http2: H2Server, private_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socks5_proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        exchange = await ping(trusting_workspace(tmp_path, http2.url, private_ca))
        assert exchange.http_version == "HTTP/2", exchange.failure
        assert proxy.used == 1


async def test_https_proxy_tunnels_to_an_http2_server(
    tmp_path: Path, http2: H2Server, private_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    with http_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # not for an https:// server
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        exchange = await ping(trusting_workspace(tmp_path, http2.url, private_ca))
        assert exchange.http_version == "HTTP/2", exchange.failure
        assert len(proxy.seen) == 1
        assert proxy.seen[0].startswith(f"CONNECT 127.0.0.1:{http2.port} HTTP/1.1\r\n".encode())
