"""Cookies a server sets go back with the same provider's next calls in the same environment.

Against the demo API's cookie session (/cookies/login sets it, /cookies/whoami
needs it, /cookies/logout expires it), through a `Session` as the CLI and the
TUI send: the cookie reaches only the provider, environment and origin that
got it, on the paths it names, shown masked in the exchange's request. `workbench
run --cookies` keeps the jars between runs, in the user's data directory.
"""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from cli_process import workbench, workbench_here

from workbench.commands.exit_codes import ExitCode
from workbench.core.secrets.store import MASK, SecretStore
from workbench.core.sending.exchange import Exchange
from workbench.core.sending.session import Session
from workbench.core.sending.transport import TransportConfig
from workbench.core.workspace.io import save_workspace
from workbench.core.workspace.model import Call, Method, Provider, Workspace
from workbench.demo.routes_cookies import SESSION_COOKIE
from workbench.demo.server import DemoServer

CALLS = (
    Call("Log in", method=Method.POST, url="/cookies/login"),
    Call("Who am I", url="/cookies/whoami"),
    Call("Log out", method=Method.POST, url="/cookies/logout"),
    Call("Echo", url="/echo"),
    Call("Log in and go on", method=Method.POST, url="/cookies/login?next=/cookies/whoami"),
)
WORKSPACE = Workspace(
    id="cookie-test",
    name="Cookies",
    providers=(Provider("Site", calls=CALLS), Provider("Other", calls=CALLS)),
)


@pytest.fixture
async def session(fresh_demo: DemoServer, tmp_path: Path) -> AsyncIterator[Session]:
    opened = Session.open(WORKSPACE, tmp_path / "cookies.toml", store=SecretStore())
    opened.base_url = fresh_demo.base_url
    yield opened
    await opened.aclose()


async def send(session: Session, call: str, provider: str = "Site", env: str = "") -> Exchange:
    found = WORKSPACE.provider(provider)
    assert found is not None
    target = found.call(call)
    assert target is not None
    return await session.send(found, target, environment=env or None)


def cookie_sent(exchange: Exchange) -> str | None:
    return next((v for n, v in exchange.request.headers if n.lower() == "cookie"), None)


def set_cookie_value(exchange: Exchange) -> str:
    header = exchange.header("set-cookie")
    assert header is not None
    return header.split(";")[0].split("=", 1)[1]


async def test_a_cookie_set_by_one_call_goes_back_with_the_next(session: Session) -> None:
    assert (await send(session, "Who am I")).status == 401  # no session yet
    login = await send(session, "Log in")
    assert login.status == 200
    value = set_cookie_value(login)
    assert login.cookies == (f"{SESSION_COOKIE} (127.0.0.1/cookies, for the session)",)

    whoami = await send(session, "Who am I")
    assert whoami.status == 200, whoami.body
    assert json.loads(whoami.body)["method"] == "cookie"
    # Shown by name, its value masked: a cookie is a credential.
    assert cookie_sent(whoami) == f"{SESSION_COOKIE}={MASK}"
    assert value not in repr(whoami.request)
    assert whoami.cookies == login.cookies


async def test_cookies_stay_with_their_provider_environment_origin_and_path(
    session: Session, fresh_demo: DemoServer
) -> None:
    assert (await send(session, "Log in")).status == 200

    other = await send(session, "Who am I", provider="Other")
    assert other.status == 401 and cookie_sent(other) is None
    live = await send(session, "Who am I", env="live")
    assert live.status == 401 and cookie_sent(live) is None
    # Path=/cookies: not sent to /echo, which would show what it received.
    echo = await send(session, "Echo")
    assert cookie_sent(echo) is None
    assert "cookie" not in {name.lower() for name in json.loads(echo.body)["headers"]}
    # The same server under another name is another origin.
    session.base_url = fresh_demo.base_url.replace("127.0.0.1", "localhost")
    elsewhere = await send(session, "Who am I")
    assert elsewhere.status == 401 and cookie_sent(elsewhere) is None
    # The clients shared by every provider keep none of them.
    assert not session.pool.client_for(TransportConfig()).cookies

    session.base_url = fresh_demo.base_url
    assert (await send(session, "Who am I")).status == 200


async def test_a_cookie_set_by_a_redirect_goes_with_the_next_hop(session: Session) -> None:
    exchange = await send(session, "Log in and go on")
    assert exchange.redirects and exchange.status == 200, exchange.body
    assert json.loads(exchange.body)["method"] == "cookie"
    assert (await send(session, "Who am I")).status == 200


async def test_a_cookie_the_server_expires_is_dropped(session: Session) -> None:
    await send(session, "Log in")
    logout = await send(session, "Log out")
    assert cookie_sent(logout) == f"{SESSION_COOKIE}={MASK}"
    assert logout.cookies == ()
    after = await send(session, "Who am I")
    assert after.status == 401 and cookie_sent(after) is None


def test_run_lists_the_kept_cookies_and_writes_none_to_the_workspace(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "cookies.toml"
    save_workspace(WORKSPACE, path)
    before = path.read_bytes()
    result = workbench_here(
        "run", str(path), "Site/Log in", "--base-url", fresh_demo.base_url, "--exchange"
    )
    assert result.returncode == 0, result.stderr
    exchange = json.loads(result.stdout)
    assert exchange["cookies"] == [f"{SESSION_COOKIE} (127.0.0.1/cookies, for the session)"]
    assert path.read_bytes() == before


def test_run_with_cookies_keeps_them_for_the_next_run_privately(
    fresh_demo: DemoServer, tmp_path: Path, isolated_home: Path
) -> None:
    path = tmp_path / "cookies.toml"
    save_workspace(WORKSPACE, path)
    before = path.read_bytes()
    url = ("--base-url", fresh_demo.base_url)

    def run(call: str, *options: str, process: bool = False) -> CompletedProcess[str]:
        command = workbench if process else workbench_here
        return command("run", str(path), call, *url, *options)

    # A process each: the cookie outlives the process that got it.
    login = run("Site/Log in", "--cookies", process=True)
    assert login.returncode == 0, login.stderr
    kept = isolated_home / "cookies.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    value = json.loads(kept.read_text())["workspaces"]["cookie-test"]["Site"]["development"]
    session = value[0]["value"]
    assert value[0]["name"] == SESSION_COOKIE and fresh_demo.state.has_session(session)

    assert run("Site/Who am I").returncode == ExitCode.CLIENT_ERROR  # kept only with --cookies
    whoami = run("Site/Who am I", "--cookies", "--exchange", process=True)
    assert whoami.returncode == 0, whoami.stderr
    exchange = json.loads(whoami.stdout)
    assert exchange["response"]["status"] == 200
    assert [SESSION_COOKIE, MASK] in [h[1].split("=", 1) for h in exchange["request"]["headers"]]
    # Per provider and environment, as in one session.
    assert run("Other/Who am I", "--cookies").returncode == ExitCode.CLIENT_ERROR
    assert run("Site/Who am I", "--cookies", "--env", "live").returncode == ExitCode.CLIENT_ERROR
    # The value is private: in no output, never in the workspace.
    assert not [r for r in (login, whoami) if session in r.stdout + r.stderr]
    assert path.read_bytes() == before

    # --clear-cookies forgets them: this run starts without, and so do later ones.
    assert run("Site/Who am I", "--clear-cookies").returncode == ExitCode.CLIENT_ERROR
    assert run("Site/Who am I", "--cookies").returncode == ExitCode.CLIENT_ERROR
    assert "cookie-test" not in json.loads(kept.read_text())["workspaces"]
    # A cookie the server expires is dropped from the file too.
    assert run("Site/Log in", "--cookies").returncode == 0
    assert run("Site/Log out", "--cookies").returncode == 0
    assert json.loads(kept.read_text())["workspaces"] == {}


def test_a_cookie_file_that_cannot_be_read_stops_the_run_with_what_to_do(
    fresh_demo: DemoServer, tmp_path: Path, isolated_home: Path
) -> None:
    path = tmp_path / "cookies.toml"
    save_workspace(WORKSPACE, path)
    kept = isolated_home / "cookies.json"
    kept.write_text("{not json")
    kept.chmod(0o600)
    url = ("--base-url", fresh_demo.base_url)
    result = workbench_here("run", str(path), "Site/Who am I", *url, "--cookies")
    assert result.returncode == ExitCode.NOT_SENT
    assert f"The cookie file {kept} is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr and kept.read_text() == "{not json"
    # An entry this version cannot read is left out; the others are sent.
    good = {"origin": fresh_demo.base_url, "version": 0, "name": SESSION_COOKIE}
    good |= {"value": fresh_demo.state.open_session(), "port": None, "port_specified": False}
    good |= {"domain": "127.0.0.1", "domain_specified": False, "domain_initial_dot": False}
    good |= {"path": "/cookies", "path_specified": True, "secure": False, "expires": None}
    good |= {"discard": True, "comment": None, "comment_url": None, "rest": {}, "rfc2109": False}
    jar = [{**good, "name": 7}, good]
    document = {"format": 1, "workspaces": {"cookie-test": {"Site": {"development": jar}}}}
    kept.write_text(json.dumps(document))
    result = workbench_here("run", str(path), "Site/Who am I", *url, "--cookies")
    assert result.returncode == 0, result.stderr
