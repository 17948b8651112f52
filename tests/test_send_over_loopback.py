"""Sending calls to the demo API over real loopback HTTP: methods, bodies, substitution,
redirects, timeouts, the size cap and transport failures."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.ui_wait import wait_until_async
from workbench.core.secrets.store import SecretResolver, SecretStore
from workbench.core.sending.client import ClientPool, send
from workbench.core.sending.exchange import Exchange, FailureKind
from workbench.core.sending.request import BuiltRequest, build_request
from workbench.core.workspace.model import (
    BodyType,
    Call,
    CallOptions,
    Header,
    Method,
    Parameter,
    Provider,
    Workspace,
)
from workbench.demo.server import DemoServer

AWKWARD = 'quote " backslash \\ newline \n tab \t emoji 🚀 </script> & ? # % / ü'


def workspace_with(base_url: str, *calls: Call, provider: Provider | None = None) -> Workspace:
    base = provider or Provider(name="Demo")
    return Workspace(
        id="test-ws", name="Test", providers=(replace(base, base_url=base_url, calls=calls),)
    )


def built_request(
    base_url: str,
    call: Call,
    *,
    provider: Provider | None = None,
    overrides: dict[str, str] | None = None,
) -> BuiltRequest:
    """`call` built as a call of a one-provider workspace at `base_url`, no secrets stored."""
    workspace = workspace_with(base_url, call, provider=provider)
    return build_request(
        workspace,
        workspace.providers[0],
        call,
        environment="development",
        secrets=SecretResolver(workspace.id, SecretStore(), environ={}),
        overrides=overrides or {},
    )


async def exchange_for(
    base_url: str,
    call: Call,
    *,
    provider: Provider | None = None,
    overrides: dict[str, str] | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    pool: ClientPool | None = None,
) -> Exchange:
    built = built_request(base_url, call, provider=provider, overrides=overrides)
    if pool is not None:
        return await send(built, pool, max_bytes=max_bytes)
    async with ClientPool() as own_pool:
        return await send(built, own_pool, max_bytes=max_bytes)


def echoed(exchange: Exchange) -> dict[str, Any]:
    assert exchange.failure is None, exchange.failure
    assert exchange.status == 200
    data: dict[str, Any] = json.loads(exchange.body)
    return data


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_each_method_reaches_the_server(demo_url: str, method: str) -> None:
    call = Call(name="Echo", method=Method(method), url="/echo")
    assert echoed(await exchange_for(demo_url, call))["method"] == method


async def test_head_gets_headers_and_no_body(demo_url: str) -> None:
    exchange = await exchange_for(demo_url, Call(name="Head", method=Method.HEAD, url="/echo"))
    assert exchange.status == 200
    assert exchange.body == b""
    assert exchange.header("content-type") is not None


async def test_shared_and_call_headers_and_query(demo_url: str) -> None:
    provider = Provider(
        name="Demo",
        headers=(Header("X-Team", "shared"), Header("X-Override", "provider")),
        parameters=(Parameter("api_version", "2"),),
    )
    call = Call(
        name="Echo",
        url="/echo?fixed=yes",
        headers=(Header("x-override", "call"),),
        parameters=(Parameter("q", AWKWARD),),
    )
    data = echoed(await exchange_for(demo_url, call, provider=provider))
    assert data["headers"]["x-team"] == "shared"
    assert data["headers"]["x-override"] == "call"
    assert data["query"] == {"fixed": ["yes"], "api_version": ["2"], "q": [AWKWARD]}


async def test_path_parameter_with_awkward_value_arrives_intact(demo_url: str) -> None:
    call = Call(name="Echo", url="/echo/[name]/tail", parameters=(Parameter("name", AWKWARD),))
    data = echoed(await exchange_for(demo_url, call))
    assert unquote(data["path"]) == f"/echo/{AWKWARD}/tail"


async def test_json_body_with_awkward_values_stays_valid(demo_url: str) -> None:
    call = Call(
        name="Create",
        method=Method.POST,
        url="/echo",
        body_type=BodyType.JSON,
        body='{"name": "<name>", "age": <age>, "nested": {"note": "<name>"}}',
        parameters=(Parameter("name", AWKWARD), Parameter("age", "42")),
    )
    data = echoed(await exchange_for(demo_url, call))
    assert data["json"] == {"name": AWKWARD, "age": 42, "nested": {"note": AWKWARD}}
    assert data["headers"]["content-type"].startswith("application/json")


async def test_form_body(demo_url: str) -> None:
    call = Call(
        name="Form",
        method=Method.POST,
        url="/echo",
        body_type=BodyType.FORM,
        parameters=(Parameter("who", AWKWARD), Parameter("n", "1")),
    )
    data = echoed(await exchange_for(demo_url, call))
    assert data["form"] == {"who": [AWKWARD], "n": ["1"]}


async def test_multipart_body_with_a_file(demo_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_text("file content ü\n", encoding="utf-8")
    call = Call(
        name="Upload",
        method=Method.POST,
        url="/echo",
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("title", "My notes"), Parameter("doc", str(upload), file=True)),
    )
    data = echoed(await exchange_for(demo_url, call))
    assert data["form"]["title"] == ["My notes"]
    [file] = data["files"]
    assert (file["field"], file["filename"], file["size"]) == ("doc", "notes.txt", 16)


async def test_raw_body_keeps_its_content_type(demo_url: str) -> None:
    call = Call(
        name="Raw",
        method=Method.POST,
        url="/echo",
        body_type=BodyType.RAW,
        content_type="text/csv",
        body="id,name\n1,<name>\n",
        parameters=(Parameter("name", "Ada"),),
    )
    data = echoed(await exchange_for(demo_url, call))
    assert data["body"] == "id,name\n1,Ada\n"
    assert data["headers"]["content-type"] == "text/csv"


async def test_redirects_followed_or_not(demo_url: str) -> None:
    followed = await exchange_for(demo_url, Call(name="R", url="/redirect/2"))
    assert followed.status == 200
    assert json.loads(followed.body)["path"] == "/echo"
    stopped = await exchange_for(
        demo_url,
        Call(name="R", url="/redirect/2", options=CallOptions(follow_redirects=False)),
    )
    assert stopped.status in (301, 302, 303, 307, 308)
    assert stopped.ok


async def test_timeout_is_a_clear_failure(demo_url: str) -> None:
    call = Call(name="Slow", url="/slow?seconds=3", options=CallOptions(timeout=0.3))
    exchange = await exchange_for(demo_url, call)
    assert exchange.failure is not None
    assert exchange.failure.kind is FailureKind.TIMEOUT
    assert "0.3 s" in exchange.failure.message
    assert exchange.total_time < 2


async def test_size_cap_stops_a_large_body(demo_url: str) -> None:
    exchange = await exchange_for(
        demo_url, Call(name="Large", url="/large?bytes=2000000"), max_bytes=100_000
    )
    assert exchange.status == 200
    assert exchange.size == 100_000
    assert exchange.failure is not None
    assert exchange.failure.kind is FailureKind.TOO_LARGE
    assert "max_response_bytes" in exchange.failure.message


async def test_large_body_under_the_cap_arrives_whole(demo_url: str) -> None:
    exchange = await exchange_for(demo_url, Call(name="Large", url="/large?bytes=2000000"))
    assert exchange.failure is None
    assert len(json.loads(exchange.body)["items"]) > 100


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_refused_connection_says_what_to_check() -> None:
    exchange = await exchange_for(f"http://127.0.0.1:{closed_port()}", Call(name="X", url="/"))
    assert exchange.status is None
    assert exchange.failure is not None
    assert exchange.failure.kind is FailureKind.REFUSED
    assert "Is the server running" in exchange.failure.message


async def test_tls_to_a_plain_http_port_is_a_tls_failure(demo_url: str) -> None:
    exchange = await exchange_for(demo_url.replace("http://", "https://"), Call(name="X", url="/"))
    assert exchange.failure is not None
    assert exchange.failure.kind is FailureKind.TLS


async def test_one_client_serves_many_requests(demo_url: str) -> None:
    async with ClientPool() as pool:
        for _ in range(3):
            await exchange_for(demo_url, Call(name="Echo", url="/echo"), pool=pool)
        assert len(pool) == 1


async def test_cancelling_a_slow_call_returns_promptly(fresh_demo: DemoServer) -> None:
    call = Call(name="Slow", url="/slow?seconds=5")
    task = asyncio.create_task(exchange_for(fresh_demo.base_url, call))
    await wait_until_async(
        lambda: fresh_demo.state.request_count("GET", "/slow") == 1, what="the request to arrive"
    )
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=2)


async def test_timings_and_status_are_recorded(demo_url: str) -> None:
    exchange = await exchange_for(demo_url, Call(name="Missing", url="/users/99999"))
    assert exchange.status == 404
    assert exchange.reason == "Not Found"
    assert exchange.http_version == "HTTP/1.1"
    assert exchange.time_to_headers is not None
    assert 0 < exchange.time_to_headers <= exchange.total_time
    assert not exchange.ok
