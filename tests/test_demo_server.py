"""The demo API over real loopback HTTP: every endpoint, error shapes, framing and lifecycle."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import signal
import ssl
import struct
import subprocess
import sys
import textwrap
import threading
import time
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import trustme

from tests.ui_wait import wait_until
from workbench.demo.messages import Response
from workbench.demo.router import Handler, Router
from workbench.demo.server import DemoServer


@pytest.fixture
def client(demo_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo_url, timeout=10) as client:
        yield client


def assert_error(response: httpx.Response, status: int, contains: str = "") -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status
    assert contains in body["error"]


# --- users -------------------------------------------------------------------


def test_users_first_page_has_paging_fields(client: httpx.Client, fresh_demo: DemoServer) -> None:
    response = client.get("/users")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("page", "per_page", "total", "total_pages")} == {
        "page": 1,
        "per_page": 10,
        "total": 25,
        "total_pages": 3,
    }
    assert [user["id"] for user in body["data"]] == list(range(1, 11))


def test_users_last_and_past_the_end_pages(client: httpx.Client, fresh_demo: DemoServer) -> None:
    assert len(client.get("/users", params={"page": 3}).json()["data"]) == 5
    assert client.get("/users", params={"page": 4}).json()["data"] == []
    assert len(client.get("/users", params={"per_page": 100}).json()["data"]) == 25


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "two"}, {"per_page": "0"}, {"per_page": "101"}]
)
def test_users_bad_paging_is_400(client: httpx.Client, params: dict[str, str]) -> None:
    name = next(iter(params))
    assert_error(client.get("/users", params=params), 400, repr(name))


def test_seed_users_have_varied_shapes(client: httpx.Client, fresh_demo: DemoServer) -> None:
    users = client.get("/users", params={"per_page": 100}).json()["data"]
    assert any("phone" in user for user in users)
    assert any("phone" not in user for user in users)
    assert any(user["birthday"] is None for user in users)
    assert any(user["manager_id"] is None for user in users)
    assert any(isinstance(user["manager_id"], int) for user in users)
    for user in users:
        assert user["created_at"].endswith("Z")
        dt.datetime.fromisoformat(user["created_at"].replace("Z", "+00:00"))
        assert isinstance(user["active"], bool)
        assert set(user["address"]) == {"street", "city", "geo"}
        assert set(user["address"]["geo"]) == {"lat", "lng"}
        assert all(isinstance(tag, str) for tag in user["tags"])


def test_user_lifecycle(client: httpx.Client, fresh_demo: DemoServer) -> None:
    created = client.post("/users", json={"name": "Joan Clarke", "email": "joan@example.com"})
    assert created.status_code == 201
    user = created.json()
    assert user["id"] == 26
    assert created.headers["location"] == "/users/26"
    assert user["active"] is True and user["tags"] == [] and "phone" not in user

    assert client.get(created.headers["location"]).json() == user

    patched = client.patch("/users/26", json={"phone": "+1 555 0100", "tags": ["new"]}).json()
    assert patched["phone"] == "+1 555 0100"
    assert patched["name"] == "Joan Clarke"

    replaced = client.put("/users/26", json={"name": "J. Clarke", "email": "jc@example.com"})
    assert replaced.status_code == 200
    assert replaced.json()["created_at"] == user["created_at"]
    assert "phone" not in replaced.json()
    assert replaced.json()["tags"] == []

    deleted = client.delete("/users/26")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(client.get("/users/26"), 404, "user 26 not found")
    assert client.get("/users").json()["total"] == 25


def test_put_accepts_a_user_as_fetched(client: httpx.Client, fresh_demo: DemoServer) -> None:
    user = client.get("/users/2").json()
    user["name"] = "Alan M. Turing"
    assert client.put("/users/2", json=user).json() == user


def test_missing_user_is_404(client: httpx.Client) -> None:
    response = client.get("/users/999")
    assert response.json() == {"error": "user 999 not found", "status": 404}
    assert_error(client.patch("/users/999", json={"active": False}), 404)
    assert_error(client.delete("/users/999"), 404)
    assert_error(client.get("/users/abc"), 404, "user abc not found")


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"content": b'{"name": ', "headers": {"content-type": "application/json"}}, 400, "JSON"),
        ({"json": {"name": "No Email"}}, 400, "missing required field(s): email"),
        ({"json": ["not", "an", "object"]}, 400, "JSON object"),
        ({"json": {"name": "A", "email": "a@x", "colour": "red"}}, 400, "unknown field(s): colour"),
        ({"json": {"name": "A", "email": "a@x", "active": "yes"}}, 400, "'active'"),
        ({"json": {"name": "A", "email": "a@x", "birthday": "soon"}}, 400, "'birthday'"),
        ({"data": {"name": "A", "email": "a@x"}}, 415, "application/json"),
    ],
)
def test_create_user_rejects_bad_bodies(
    client: httpx.Client, fresh_demo: DemoServer, kwargs: dict[str, Any], status: int, message: str
) -> None:
    assert_error(client.post("/users", **kwargs), status, message)
    assert client.get("/users").json()["total"] == 25


def test_requests_are_counted_per_route(client: httpx.Client, fresh_demo: DemoServer) -> None:
    client.get("/users/1")
    client.get("/users/2")
    client.get("/users")
    assert fresh_demo.state.request_count("GET", "/users/{id}") == 2
    assert fresh_demo.state.request_count("GET", "/users") == 1
    assert fresh_demo.state.request_count("POST", "/users") == 0


# --- echo --------------------------------------------------------------------


def test_echo_reports_query_and_headers(client: httpx.Client) -> None:
    response = client.get("/echo?a=1&a=2&empty=", headers={"X-Trace": "abc"})
    body = response.json()
    assert body["method"] == "GET"
    assert body["path"] == "/echo"
    assert body["query"] == {"a": ["1", "2"], "empty": [""]}
    assert body["headers"]["x-trace"] == "abc"
    assert body["body"] == "" and body["json"] is None
    assert body["form"] == {} and body["files"] == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS", "PATCH"])
def test_echo_answers_any_method_below_it(client: httpx.Client, method: str) -> None:
    body = client.request(method, "/echo/anything/below").json()
    assert (body["method"], body["path"]) == (method, "/echo/anything/below")


def test_echo_parses_json(client: httpx.Client) -> None:
    body = client.post("/echo", json={"name": "Ada", "tags": ["x"]}).json()
    assert body["json"] == {"name": "Ada", "tags": ["x"]}
    assert json.loads(body["body"]) == body["json"]
    assert body["body_base64"] is False


def test_echo_parses_urlencoded_form(client: httpx.Client) -> None:
    body = client.post("/echo", data={"a": ["1", "2"], "city": "Zürich"}).json()
    assert body["form"] == {"a": ["1", "2"], "city": ["Zürich"]}


def test_echo_parses_multipart_with_files(client: httpx.Client) -> None:
    binary = bytes(range(256)) + b"\r\n--not-a-boundary\r\n"
    response = client.post(
        "/echo",
        data={"title": "report"},
        files=[
            ("doc", ("notes.txt", "first line\nsecond line\n".encode(), "text/plain")),
            ("blob", ("data.bin", binary, "application/octet-stream")),
        ],
    )
    body = response.json()
    assert body["form"] == {"title": ["report"]}
    assert body["files"] == [
        {
            "field": "doc",
            "filename": "notes.txt",
            "content_type": "text/plain",
            "size": 23,
            "text": "first line\nsecond line\n",
        },
        {
            "field": "blob",
            "filename": "data.bin",
            "content_type": "application/octet-stream",
            "size": len(binary),
            "text": None,
        },
    ]
    assert body["body_base64"] is True


def test_echo_broken_multipart_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/echo",
        content=b"no parts here",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert_error(response, 400, "boundary")


def test_chunked_request_body_is_refused(client: httpx.Client) -> None:
    assert_error(client.post("/echo", content=iter([b"streamed"])), 411, "Content-Length")


def test_unsupported_method_is_json_501(client: httpx.Client) -> None:
    # http.server itself rejects the method; its error is JSON like every other.
    response = client.request("PURGE", "/echo")
    assert_error(response, 501)
    assert response.headers["connection"] == "close"


# --- status, redirect, slow ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (200, "OK"),
        (201, "Created"),
        (404, "Not Found"),
        (418, "I'm a Teapot"),
        (503, "Service Unavailable"),
    ],
)
def test_status_answers_the_code(client: httpx.Client, code: int, reason: str) -> None:
    response = client.post(f"/status/{code}")
    assert response.status_code == code
    assert response.json() == {"status": code, "reason": reason}


def test_status_204_and_304_have_no_body(client: httpx.Client) -> None:
    for code in (204, 304):
        response = client.get(f"/status/{code}")
        assert response.status_code == code
        assert response.content == b""


def test_status_3xx_points_to_echo(client: httpx.Client) -> None:
    assert client.get("/status/301").headers["location"] == "/echo"
    assert client.get("/status/307", follow_redirects=True).json()["path"] == "/echo"


@pytest.mark.parametrize("code", ["99", "600", "teapot"])
def test_status_rejects_bad_codes(client: httpx.Client, code: str) -> None:
    assert_error(client.get(f"/status/{code}"), 400)


def test_redirect_with_target_and_code(client: httpx.Client) -> None:
    response = client.get("/redirect", params={"to": "/users/1", "code": 307})
    assert response.status_code == 307
    assert response.headers["location"] == "/users/1"
    assert client.get("/redirect?to=/users/1", follow_redirects=True).json()["id"] == 1


def test_redirect_chain_ends_at_echo(client: httpx.Client) -> None:
    response = client.get("/redirect/3", follow_redirects=True)
    assert response.json()["path"] == "/echo"
    assert [r.url.path for r in response.history] == ["/redirect/3", "/redirect/2", "/redirect/1"]


@pytest.mark.parametrize(
    "url", ["/redirect?to=http://example.com/", "/redirect?to=//example.com", "/redirect?code=200"]
)
def test_redirect_rejects_bad_targets(client: httpx.Client, url: str) -> None:
    assert_error(client.get(url), 400)


def test_slow_waits(client: httpx.Client) -> None:
    started = time.monotonic()
    assert client.get("/slow", params={"seconds": 0.3}).json() == {"waited_seconds": 0.3}
    assert time.monotonic() - started >= 0.3
    assert_error(client.get("/slow", params={"seconds": 61}), 400, "'seconds'")


def test_slow_can_be_abandoned_by_a_client_timeout(demo_url: str, client: httpx.Client) -> None:
    with httpx.Client(base_url=demo_url, timeout=0.2) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.get("/slow", params={"seconds": 5})
    assert client.get("/users/1").status_code == 200


def test_slow_stream_sends_chunks_over_time(client: httpx.Client) -> None:
    arrivals = []
    started = time.monotonic()
    with client.stream("GET", "/slow/stream", params={"seconds": 0.4, "chunks": 4}) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        for line in response.iter_lines():
            arrivals.append((json.loads(line), time.monotonic() - started))
    assert [line["chunk"] for line, _ in arrivals] == [1, 2, 3, 4]
    # Progress is visible: the first line arrives well before the last.
    assert arrivals[0][1] < arrivals[-1][1] - 0.2


# --- content -----------------------------------------------------------------


def test_large_json_has_the_asked_size(client: httpx.Client) -> None:
    response = client.get("/large", params={"mb": 2})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) == 2 * 1024 * 1024
    document = response.json()
    assert document["count"] == len(document["items"]) > 1000
    item = document["items"][0]
    assert set(item) == {"id", "name", "email", "score", "active", "tags", "nested"}
    assert isinstance(item["score"], float)
    assert item["nested"]["a"]["b"]["c"] == item["id"]


def test_large_is_deterministic_and_exact_for_small_sizes(client: httpx.Client) -> None:
    first = client.get("/large", params={"bytes": 1000}).content
    assert len(first) == 1000
    assert first == client.get("/large", params={"bytes": 1000}).content
    assert json.loads(first)["count"] > 0


@pytest.mark.parametrize("query", ["bytes=10", "mb=101", "bytes=100&mb=1", "mb=lots"])
def test_large_rejects_bad_sizes(client: httpx.Client, query: str) -> None:
    assert_error(client.get(f"/large?{query}"), 400)


def test_binary_is_deterministic_bytes(client: httpx.Client) -> None:
    response = client.get("/binary", params={"bytes": 70000})
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == (bytes(range(256)) * 274)[:70000]
    assert client.get("/binary").content == bytes(range(256)) * 16


def test_image_is_a_valid_png(client: httpx.Client) -> None:
    response = client.get("/image")
    assert response.headers["content-type"] == "image/png"
    data = response.content
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, kinds = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind_and_data = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind_and_data) == crc
        kinds.append(kind_and_data[:4])
        position += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">II", data[16:24]) == (16, 16)


def test_xml_document(client: httpx.Client) -> None:
    response = client.get("/xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    books = root.findall("book")
    assert root.tag == "catalog" and root.get("count") == str(len(books)) == "3"
    assert books[1].findtext("author/last") == "de Saint-Exupéry"
    assert [price.get("currency") for price in root.iter("price")] == ["EUR", "EUR", "USD"]


def test_text_document(client: httpx.Client) -> None:
    response = client.get("/text")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "café" in response.text


# --- routing and framing -------------------------------------------------------


def test_unknown_path_is_json_404(client: httpx.Client) -> None:
    assert_error(client.get("/nope"), 404, "/nope")


def test_wrong_method_is_405_with_allow(client: httpx.Client) -> None:
    response = client.post("/users/1")
    assert_error(response, 405)
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH, PUT"


def test_head_sends_headers_only(client: httpx.Client) -> None:
    response = client.head("/large", params={"bytes": 5000})
    assert response.headers["content-length"] == "5000"
    assert response.content == b""


def test_keep_alive_survives_every_framing(demo_server: DemoServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", demo_server.port, timeout=10)
    try:
        paths = ["/users/1", "/slow/stream?seconds=0&chunks=3", "/status/204", "/binary?bytes=10"]
        sockets = set()
        for path in paths + ["/echo"]:
            connection.request("HEAD" if path == "/echo" else "GET", path)
            response = connection.getresponse()
            response.read()
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


def test_literal_routes_win_over_placeholders() -> None:
    router = Router()

    def answer(status: int) -> Handler:
        return lambda request: Response(status)

    router.add("GET", "/users/{id}", answer(200))
    router.add("GET", "/users/me", answer(201))
    route, params = router.resolve("GET", "/users/me")
    assert route.pattern == "/users/me" and params == {}
    route, params = router.resolve("GET", "/users/7%20x")
    assert route.pattern == "/users/{id}" and params == {"id": "7 x"}
    with pytest.raises(ValueError, match="already registered"):
        router.add(("GET", "POST"), "/users/me", answer(202))


# --- lifecycle ---------------------------------------------------------------


def test_stop_ends_slow_requests_and_frees_the_port() -> None:
    server = DemoServer().start()
    port = server.port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/slow?seconds=30")
        wait_until(lambda: server.state.request_count("GET", "/slow") == 1, what="the handler")
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 5
        # The handler answers 503 if it wins the race against the connection shutdown.
        try:
            assert connection.getresponse().status == 503
        except (http.client.HTTPException, OSError):
            pass
    finally:
        connection.close()
    with DemoServer(port=port) as again:
        with httpx.Client() as client:
            assert client.get(f"{again.base_url}/users/1").status_code == 200


def test_https_with_a_trusted_certificate() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    with DemoServer(ssl_context=server_context) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        with httpx.Client(base_url=server.base_url, verify=client_context) as client:
            assert client.get("/users/1").json()["id"] == 1
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{server.base_url}/users/1")  # untrusted: the handshake fails


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_serve_forever_announces_and_stops_on_ctrl_c() -> None:
    code = "from workbench.demo.server import serve_forever; serve_forever(port=0)"
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("Demo API listening on http://127.0.0.1:")
        assert line.rstrip().endswith("(Ctrl+C to stop)")
        url = line.split()[4]
        assert httpx.get(f"{url}/users/1").status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_importing_the_server_stays_light() -> None:
    script = textwrap.dedent(
        """
        import sys
        from workbench.demo.server import DemoServer
        heavy = sorted({name.split(".")[0] for name in sys.modules} & {"textual", "rich", "httpx"})
        print(",".join(heavy))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_concurrent_clients(client: httpx.Client, fresh_demo: DemoServer) -> None:
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            with httpx.Client(base_url=fresh_demo.base_url) as own:
                for user_id in range(1, 6):
                    assert own.get(f"/users/{user_id}").status_code == 200
        except BaseException as error:  # re-raised by the assertion in the main thread
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert fresh_demo.state.request_count("GET", "/users/{id}") == 40
