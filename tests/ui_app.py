"""The app as the UI tests open it, and the screen as text they read.

`open_app` opens a workspace file the way `workbench --open` does; `screen_text`
reads what a user sees (Textual's SVG export, as plain text, line by line).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from tests.ui_wait import settle
from workbench.core.config import Config
from workbench.core.desk import TreeItem
from workbench.core.secrets import SecretStore
from workbench.core.workspace import Workspace, WorkspaceDocument
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.main import MainScreen

SIZE = (80, 24)


def open_app(
    path: Path, base_url: str, *, on: str = "", config: Config | None = None, **options: object
) -> WorkbenchApp:
    """The app on `path` with every provider sent to `base_url`; `on` ("Provider/Call")
    opens it on that call, as `workbench --open` does, for tests about what follows. With a
    `config`, the app and the workspace take their settings from it, as `workbench` does."""
    defaults = None if config is None else config.defaults
    document = WorkspaceDocument.load(path, base_url=base_url, defaults=defaults)
    options["config"] = config
    if on:
        provider, call = on.split("/", 1)
        options["selected"] = TreeItem(document, provider, call)
    return WorkbenchApp([document], **options)  # type: ignore[arg-type]


def main_screen(app: App[Any]) -> MainScreen:
    """The main screen, also while a dialog or the palette is open over it."""
    screen = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
    assert screen is not None, f"no main screen in {app.screen_stack}"
    return screen


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, line by line, from Textual's SVG export."""
    svg = app.export_screenshot()
    lines: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*?y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        lines.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(lines.items()))


def notified(app: App[Any]) -> str:
    """Every notification shown so far, one a line (a toast wraps its text on screen)."""
    return "\n".join(str(n.message) for n in app._notifications)


async def send(pilot: Pilot[None], app: App[Any]) -> None:
    """Send the selected call (ctrl+j) and wait until its response is shown."""
    await pilot.press("ctrl+j")
    await settle(pilot, app)


def stored_by_name(workspace: Workspace) -> dict[str, dict[str, str]]:
    """The workspace's values in the secret store file, each under its name as people see
    it (`Demo/Check API key/param.X-Api-Key`): the store keeps them under ids."""
    names = {p.id: p.name for p in workspace.providers if p.id}
    names |= {c.id: c.name for p in workspace.providers for c in p.calls if c.id}
    return {
        "/".join(names.get(part, part) for part in key.split("/")): per_env
        for key, per_env in SecretStore().values(workspace.id).items()
    }
