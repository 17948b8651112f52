"""docs/demo-api.md lists every demo endpoint and `demo-server` option."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from workbench.cli import build_parser
from workbench.demo.router import Handler, Router
from workbench.demo.server import ROUTE_MODULES

DEMO_DOC = Path(__file__).resolve().parents[1] / "docs" / "demo-api.md"


def demo_section() -> str:
    return DEMO_DOC.read_text(encoding="utf-8")


class RecordingRouter(Router):
    """A router that remembers the patterns the route modules add."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: list[str] = []

    def add(self, methods: str | Iterable[str], pattern: str, handler: Handler) -> None:
        self.patterns.append(pattern)


def demo_patterns() -> list[str]:
    router = RecordingRouter()
    for module in ROUTE_MODULES:
        module.register(router)
    # The README writes a catch-all "{rest:path}" as "...".
    return [re.sub(r"\{\w+:path\}", "...", pattern) for pattern in router.patterns]


def test_every_demo_endpoint_is_documented() -> None:
    section = demo_section()
    assert len(demo_patterns()) > 20
    assert [p for p in demo_patterns() if f"{p}`" not in section and f"{p}?" not in section] == []


def test_every_demo_server_option_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo-server", "--help"])
    options = set(re.findall(r"--[a-z][a-z-]+", capsys.readouterr().out)) - {"--help"}
    assert {"--port", "--tls-port", "--token-lifetime", "--api-version"} <= options
    assert sorted(o for o in options if f"`{o} " not in demo_section()) == []
