"""What a hostile server or workspace can make workbench show: no control sequence reaches
the terminal, and no known private value (in any encoding) is shown or printed unasked.

A small loopback server answers with escape sequences in its reason phrase, a header and
the body, echoes the credentials it receives, and refuses token requests quoting them.
"""

from __future__ import annotations

import base64
import json
import os
import pty
import secrets
import select
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from cli_process import command_line, environment, workbench_bytes

from tests.ui_wait import settle, wait_for
from workbench.core.desk import TreeItem
from workbench.core.secrets.store import MASK, SecretAddress, auth_field, environment_variable
from workbench.core.terminal_text import has_control
from workbench.core.workspace.document import WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen
from workbench.ui.widgets.json_tree import JsonEntry, JsonTree
from workbench.ui.widgets.response_view import ResponseView
from workbench.ui.widgets.status_line import StatusLine

ROOT = Path(__file__).resolve().parents[1]
SIZE = (80, 24)
# Colour, set the window title, ring the bell, and a C1 "clear screen".
ESCAPES = "\x1b[31m\x1b]0;pwned\x07\x9b2J"
# Names from a workspace file cannot hold control characters (loading refuses them, see
# test_run_refuses_names_with_control_characters): the server's words are the hostile ones.
PROVIDER = "Evil"
TEXT_CALL = "Text"
JSON_CALL = "Json"
ECHO_CALL = "Echo"
BINARY_CALL = "Binary"
TOKEN_CALL = "Token"


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the test's output stays clean

    def _answer(self) -> None:
        received = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        authorization = self.headers.get("Authorization", "")
        path = self.path.partition("?")[0]
        if path == "/text":
            self._send(200, f"OK {ESCAPES}", "text/plain", f"plain {ESCAPES} text\nline 2\n")
        elif path == "/json":
            # json.dumps writes the controls as \u escapes: they are in the parsed strings.
            data = {"message": f"json {ESCAPES}", f"key {ESCAPES}": 1}
            self._send(200, f"OK {ESCAPES}", "application/json", json.dumps(data))
        elif path == "/binary":
            credential = authorization.partition(" ")[2]
            self._send_bytes(b"\x00\x01\xfe" + credential.encode() + b"\xff", "image/png")
        elif path == "/echo":
            credential = authorization.partition(" ")[2]
            data = {"authorization": authorization, "credential": credential}
            self._send(200, "OK", "application/json", json.dumps(data), authorization)
        else:  # a token endpoint that quotes what it was sent in its error
            description = f"refused {authorization} for {received}"
            data = {"error": "invalid_client", "error_description": description}
            self._send(400, "Bad Request", "application/json", json.dumps(data))

    def _send_bytes(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send(self, status: int, reason: str, kind: str, body: str, echo: str = "") -> None:
        data = body.encode("utf-8")
        self.send_response(status, reason)
        self.send_header("Content-Type", kind)
        self.send_header("X-Evil", f"header {ESCAPES}")
        if echo:
            self.send_header("X-Echo", echo)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def hostile_url() -> Iterator[str]:
    """The hostile server on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    # A short poll: `shutdown()` waits for the loop's next look (0.5 s by default).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def toml_text(value: str) -> str:
    """A TOML basic string: JSON's escapes (\\u001b, \\", \\\\) are TOML's too."""
    return json.dumps(value)


def write_workspace(folder: Path, base_url: str, auth: str = "") -> Path:
    calls = [
        (TEXT_CALL, "GET", "/text"),
        (JSON_CALL, "GET", "/json"),
        (ECHO_CALL, "GET", "/echo"),
        (BINARY_CALL, "GET", "/binary"),
    ]
    lines = [
        "format = 1",
        f'id = "{secrets.token_hex(16)}"',
        'name = "Hostile"',
        "",
        "[[providers]]",
        f"name = {toml_text(PROVIDER)}",
        f'base_url = "{base_url}"',
        "calls = [",
        *(
            f'    {{ name = {toml_text(name)}, use_as = "data", method = "{method}", '
            f'url = "{url}" }},'
            for name, method, url in calls
        ),
        "]",
        auth,
    ]
    path = folder / "hostile.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def set_private(provider: str, setting: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private value from the environment, as CI gives it (seen by the CLI's subprocess)."""
    address = SecretAddress(provider, auth_field(setting))
    monkeypatch.setenv(environment_variable(address), value)


def encoded(value: str) -> list[str]:
    """The forms a leaked value would take: plain, URL- and form-encoded, base64."""
    return [
        value,
        quote(value, safe=""),
        quote_plus(value),
        base64.b64encode(value.encode()).decode(),
    ]


# --- the screen --------------------------------------------------------------------------------


def controls_on_screen(app: WorkbenchApp) -> list[str]:
    """The screen's lines that hold a control character, as they would reach the terminal.

    The compositor's strips are exactly what Textual turns into terminal output: each
    segment's text is written as is, with Textual's own colour and cursor sequences
    around it (not in it). So a control character in a strip's text is one that a
    widget passed through from its content. The SVG screenshot cannot show this: its
    export escapes or drops such characters.
    """
    strips = app.screen._compositor.render_strips()
    return [strip.text for strip in strips if has_control(strip.text)]


def screen_text(app: WorkbenchApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def open_app(path: Path, call: str) -> WorkbenchApp:
    document = WorkspaceDocument.load(path)
    return WorkbenchApp([document], selected=TreeItem(document, PROVIDER, call))


def response_view(app: WorkbenchApp) -> ResponseView:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen.response_view


@pytest.mark.parametrize("call", [TEXT_CALL, JSON_CALL])
async def test_no_control_sequence_reaches_the_screen(
    call: str, hostile_url: str, tmp_path: Path
) -> None:
    app = open_app(write_workspace(tmp_path, hostile_url), call)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert controls_on_screen(app) == []
        await pilot.press("ctrl+j")
        await settle(pilot, app)
        view = response_view(app)
        status = view.query_one(StatusLine)
        await wait_for(pilot, lambda: "\\x1b[31m" in status.text)
        assert controls_on_screen(app) == []
        for tab in ("json", "body", "headers", "request"):
            view.action_show_tab(tab)
            await pilot.pause()
            assert controls_on_screen(app) == [], tab
        view.action_show_tab("headers")
        await pilot.pause()
        assert "header \\x1b[31m\\x1b]0;pwned\\x07\\x9b2J" in screen_text(app)
        app.notify(f"{ESCAPES} [b]not markup[/b]", title=call)
        await wait_for(pilot, lambda: "markup[/b]" in screen_text(app))
        assert controls_on_screen(app) == []


def app_with_echoed_token(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> tuple[str, WorkbenchApp]:
    """A bearer token the hostile server sends back, and the app on `call` that sends it."""
    token = f"tok-{secrets.token_hex(12)}"
    auth = '[providers.auth]\nmethod = "header"\nheader = "Authorization"'
    set_private(PROVIDER, "value", f"Bearer {token}", monkeypatch)
    return token, open_app(write_workspace(tmp_path, hostile_url, auth), call)


async def test_echoed_private_value_is_masked_until_revealed(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, app = app_with_echoed_token(hostile_url, tmp_path, monkeypatch, ECHO_CALL)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+j")
        await settle(pilot, app)
        view = response_view(app)
        await wait_for(pilot, lambda: "credential" in screen_text(app))
        for tab in ("json", "body", "headers"):
            view.action_show_tab(tab)
            await pilot.pause()
            assert token not in screen_text(app), tab
            assert MASK in screen_text(app), tab

        view.action_show_tab("body")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: token in screen_text(app))
        assert "private values shown" in screen_text(app)
        view.action_show_tab("json")
        await pilot.pause()
        assert token in screen_text(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: token not in screen_text(app))
        # Only what is shown is masked: the data (for chaining) is as received.
        tree_data = view.query_one(JsonTree).root.data
        assert isinstance(tree_data, JsonEntry) and isinstance(tree_data.value, dict)
        assert tree_data.value["credential"] == token


async def test_an_echoed_value_in_a_binary_body_is_masked_in_the_hex_view(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, app = app_with_echoed_token(hostile_url, tmp_path, monkeypatch, BINARY_CALL)
    masked_hex = MASK.encode()[:3].hex(" ")  # the mask's first bytes, as the dump shows them
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("ctrl+j")
        await settle(pilot, app)
        view = response_view(app)
        view.action_show_tab("body")
        await wait_for(pilot, lambda: "00 01 fe" in screen_text(app))
        assert masked_hex in screen_text(app) and token[:4].encode().hex(" ") not in screen_text(
            app
        )
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: masked_hex not in screen_text(app))
        assert token[:4].encode().hex(" ") in screen_text(app)


async def test_token_endpoint_error_shows_no_client_secret(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_secret, password = f"cs-{secrets.token_hex(10)}", f"pw {secrets.token_hex(10)}"
    path = write_workspace(tmp_path, hostile_url, oauth_auth())
    set_private(PROVIDER, "client_secret", client_secret, monkeypatch)
    set_private(PROVIDER, "password", password, monkeypatch)
    app = open_app(path, ECHO_CALL)
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.press("ctrl+j")
        await settle(pilot, app)
        await wait_for(pilot, lambda: "refused" in screen_text(app))
        shown = screen_text(app)
    assert_no_leak(shown, client_secret, password)


# --- the command line --------------------------------------------------------------------------


def oauth_auth() -> str:
    return "\n".join(
        [
            "[providers.auth]",
            'method = "oauth2_password"',
            'token_url = "/token"',
            'username = "ada"',
            'client_id = "workbench-test"',
            'client_auth = "basic"',
        ]
    )


def assert_no_leak(output: str, client_secret: str, password: str) -> None:
    basic = base64.b64encode(f"workbench-test:{client_secret}".encode()).decode()
    for value in (*encoded(client_secret), *encoded(password), basic):
        assert value not in output
    assert MASK in output


def in_terminal(*args: str) -> tuple[int, bytes]:
    """The CLI with stdout and stderr on a pseudo-terminal, as a person runs it: the exit
    code and every byte it wrote to the terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        command_line(*args),
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=environment(),
    )
    os.close(terminal)
    output = bytearray()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the program closed the terminal (it exited)
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.wait(timeout=10), bytes(output)


@pytest.mark.parametrize("call", [TEXT_CALL, JSON_CALL])
def test_run_on_a_terminal_prints_no_control_sequence(
    call: str, hostile_url: str, tmp_path: Path
) -> None:
    path = write_workspace(tmp_path, hostile_url)
    code, output = in_terminal("run", str(path), f"{PROVIDER}/{call}", "-i")
    assert code == 0, output
    text = output.decode("utf-8")
    assert "\\x1b[31m" in text and "X-Evil" in text  # shown, as escapes
    # The terminal's own line discipline turns "\n" into "\r\n": every other control is ours.
    assert not has_control(text.replace("\r\n", "")), text


def test_run_refuses_names_with_control_characters(hostile_url: str, tmp_path: Path) -> None:
    path = write_workspace(tmp_path, hostile_url)
    text = path.read_text(encoding="utf-8").replace('name = "Evil"', f"name = {toml_text(ESCAPES)}")
    path.write_text(text, encoding="utf-8")
    code, output = in_terminal("run", str(path), f"{PROVIDER}/{TEXT_CALL}")
    assert code == 3
    assert "control character" in output.decode("utf-8")
    assert "\\x1b[31m" in output.decode("utf-8") and b"\x1b" not in output


def test_run_piped_body_stays_byte_exact(hostile_url: str, tmp_path: Path) -> None:
    path = write_workspace(tmp_path, hostile_url)
    result = workbench_bytes("run", str(path), f"{PROVIDER}/{TEXT_CALL}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"plain {ESCAPES} text\nline 2\n".encode()


def test_run_masks_an_echoed_credential_unless_revealed(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = f"pw-{secrets.token_hex(12)}"
    auth = '[providers.auth]\nmethod = "basic"\nusername = "ada"'
    path = write_workspace(tmp_path, hostile_url, auth)
    set_private(PROVIDER, "password", password, monkeypatch)
    basic = base64.b64encode(f"ada:{password}".encode()).decode()

    # --base-url: the user names the server, which approves sending credentials there.
    masked = workbench_bytes(
        "run", str(path), f"{PROVIDER}/{ECHO_CALL}", "-i", "--base-url", hostile_url
    )
    assert masked.returncode == 0, masked.stderr
    output = (masked.stdout + masked.stderr).decode()
    assert basic not in output and password not in output
    # The whole header value is one private value; its base64 part alone is one too.
    assert json.loads(masked.stdout) == {"authorization": MASK, "credential": MASK}
    assert f"X-Echo: {MASK}" in masked.stderr.decode()

    revealed = workbench_bytes(
        "run", str(path), f"{PROVIDER}/{ECHO_CALL}", "-i", "--reveal", "--base-url", hostile_url
    )
    assert json.loads(revealed.stdout)["credential"] == basic
    assert f"X-Echo: Basic {basic}" in revealed.stderr.decode()


def test_run_token_error_shows_no_client_secret(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_secret, password = f"cs-{secrets.token_hex(10)}", f"pw {secrets.token_hex(10)}"
    path = write_workspace(tmp_path, hostile_url, oauth_auth())
    set_private(PROVIDER, "client_secret", client_secret, monkeypatch)
    set_private(PROVIDER, "password", password, monkeypatch)
    result = workbench_bytes("run", str(path), f"{PROVIDER}/{ECHO_CALL}", "--base-url", hostile_url)
    assert result.returncode == 7, result.stderr
    stderr = result.stderr.decode()
    assert "refused" in stderr
    assert_no_leak(stderr + result.stdout.decode(), client_secret, password)


def test_refused_header_value_shows_no_private_value(
    hostile_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """h11 refuses a header value with a line break when it is sent, quoting the value (as
    Python writes bytes) in its error; here a custom token header carries the client secret."""
    client_secret = f"cs-{secrets.token_hex(10)}\nX-Injected: 1"
    auth = "\n".join(
        [
            "[providers.auth]",
            'method = "oauth2_custom"',
            'token_url = "/token"',
            'token_headers = "X-Client-Secret: <client_secret>"',
            'token_body = "{}"',
        ]
    )
    path = write_workspace(tmp_path, hostile_url, auth)
    set_private(PROVIDER, "client_secret", client_secret, monkeypatch)
    result = workbench_bytes("run", str(path), f"{PROVIDER}/{ECHO_CALL}", "--base-url", hostile_url)
    stderr = result.stderr.decode()
    assert result.returncode == 7, stderr
    assert "Illegal header value" in stderr and MASK in stderr
    assert client_secret.partition("\n")[0] not in stderr


async def test_an_error_description_cut_short_shows_no_part_of_a_secret() -> None:
    """The description is cut at MAX_DESCRIPTION characters: a secret straddling the cut
    must be masked before it is cut, or its first half would show."""
    import httpx

    from workbench.core.auth import oauth
    from workbench.core.auth.tokens import TokenContext
    from workbench.core.errors import AuthError
    from workbench.core.secrets.store import Secret

    secret = Secret("client-secret-0123456789abcdef")
    padding = "p" * (oauth.MAX_DESCRIPTION - 14)
    answer = {"error": "invalid_client", "error_description": padding + secret.reveal()}
    transport = httpx.MockTransport(lambda request: httpx.Response(400, json=answer))
    async with httpx.AsyncClient(transport=transport) as http:
        context = TokenContext("P", "OAuth2", "development", {"client_secret": secret}, http)
        with pytest.raises(AuthError) as refused:
            await oauth.request_token(context, "https://auth.example/token", b"", {})
    assert "client-secret" not in str(refused.value)
    assert padding in str(refused.value)
