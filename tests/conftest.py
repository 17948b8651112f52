"""Fixtures shared by the whole suite: the demo API on loopback and an isolated secret store."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.core.auth import tokens
from workbench.core.config.settings import CONFIG_VARIABLE
from workbench.core.secrets.store import ENV_PREFIX, HOME_VARIABLE, forget_known_values
from workbench.demo.credentials import DemoCredentials
from workbench.demo.server import DemoServer


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The demo API on a free port, shared by the session and stopped cleanly at its end."""
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_tls_server(demo_server: DemoServer) -> DemoServer:
    """The demo API's HTTPS companion (`.base_url` is https://127.0.0.1:PORT).

    It shares `demo_server`'s state and credentials, requires a client
    certificate signed by the demo CA, and stops with `demo_server`.
    """
    return demo_server.start_tls_companion()


@pytest.fixture(scope="session")
def demo_credentials(demo_server: DemoServer) -> DemoCredentials:
    """The random credentials of the session's demo API (and of its HTTPS companion)."""
    return demo_server.credentials


@pytest.fixture
def demo_url(demo_server: DemoServer) -> str:
    return demo_server.base_url


@pytest.fixture
def fresh_demo(demo_server: DemoServer) -> DemoServer:
    """The demo API with seed users and zeroed request counts, for tests that change or count."""
    demo_server.state.reset()
    return demo_server


class MovedClock:
    """Seconds since the epoch as the token cache (`tokens.clock`) and the demo API
    (`DemoState.clock`) see them in this process: the real time plus every `advance` so far."""

    def __init__(self) -> None:
        self.offset = 0.0

    def advance(self, seconds: float) -> None:
        """Move time on by `seconds` at once, for the client and the demo API alike."""
        self.offset += seconds

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def clock(demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> MovedClock:
    """A clock the test moves on instead of sleeping until tokens expire. It moves time for
    the CLI run in this process (`cli_process.workbench_here`) and for the demo API, not for
    CLI processes of their own."""
    moved = MovedClock()
    monkeypatch.setattr(tokens, "clock", moved)
    monkeypatch.setattr(demo_server.state, "clock", moved)
    return moved


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made in a test jump to the end of each animation, as with TEXTUAL_ANIMATIONS=none.

    Pilot waits for running animations after each key, and a tab's sliding underline or a
    smooth scroll only moves to where the tests read the screen afterwards. Apps the tests
    start in a terminal of their own (tmux) keep the animations.
    """
    from textual import constants

    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the secret store and config at a temporary directory; hide CI secret variables
    and proxy variables.

    No test may read or write the real secret store or config file of the person running the
    suite. The config file (`config.toml` there) does not exist until a test writes it.
    """
    home = tmp_path / "workbench-home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv(HOME_VARIABLE, str(home))
    monkeypatch.setenv(CONFIG_VARIABLE, str(home / "config.toml"))
    for name in list(os.environ):
        # The runner's proxies too: a test that wants one sets it.
        if name.startswith(ENV_PREFIX) or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    forget_known_values()  # values of earlier tests would be masked in this one's output
    return home


@pytest.fixture
def demo_workspace(tmp_path: Path) -> Path:
    """A copy of the bundled demo workspace that a test may edit and save."""
    copy = tmp_path / "demo.toml"
    shutil.copy(Path(__file__).resolve().parents[1] / "workspaces" / "demo.toml", copy)
    return copy
