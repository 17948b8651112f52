"""A workspace of one provider with one call, written for a test, and sending that call.

For tests about how a provider's connections are set up (its CA bundle, its proxy): the
provider "Intranet" with a base URL and any extra lines, its call "Ping" to `url`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.sending.exchange import Exchange
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import load_workspace


def one_call_workspace(folder: Path, base_url: str, lines: str = "", url: str = "/ping") -> Path:
    """`folder`/company.toml; `lines` go into the provider's table (`ca_bundle = "..."`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "company.toml"
    path.write_text(
        f"""format = 1
id = "0d6f7f0c2b8e4d1f9a3c5e7b9d1f3a5c"
name = "Company"

[[providers]]
name = "Intranet"
base_url = "{base_url}"
{lines}
[[providers.calls]]
name = "Ping"
url = "{url}"
""",
        encoding="utf-8",
    )
    return path


async def ping(path: Path) -> Exchange:
    """Send the workspace's one call in a session of its own; its exchange."""
    session = Session.open(load_workspace(path), path)
    try:
        provider, call = find_call(session.workspace, "Intranet/Ping")
        return (await session.run_call(provider, call)).exchange
    finally:
        await session.aclose()
