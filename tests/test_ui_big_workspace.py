"""A big workspace in the tree: providers open collapsed, call lines are made when needed.

Start-up and each keystroke must not cost more with the number of calls (see
`workbench.ui.widgets.workspace_tree`); what a user sees must stay the same: every
provider listed, the selected call shown and editable, any provider opened with space.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import tomli_w

from tests.ui_app import SIZE, main_screen, open_app, screen_text
from tests.ui_wait import wait_for
from workbench.core.desk import TreeItem
from workbench.ui.widgets.workspace_tree import EXPAND_ALL_UP_TO

PROVIDERS, CALLS = 30, 40  # 1,200 calls: more than a small workspace


def big_workspace(folder: Path) -> Path:
    providers = [
        {
            "name": f"Provider {p:02d}",
            "base_url": "http://127.0.0.1:9",
            "calls": [{"name": f"Call {p}-{c}", "url": f"/items/{c}"} for c in range(CALLS)],
        }
        for p in range(PROVIDERS)
    ]
    path = folder / "big.toml"
    path.write_text(tomli_w.dumps({"format": 1, "name": "Big", "providers": providers}))
    return path


async def test_a_big_workspace_opens_with_the_selected_calls_provider_only(
    tmp_path: Path, demo_url: str
) -> None:
    assert PROVIDERS * CALLS > EXPAND_ALL_UP_TO
    app = open_app(big_workspace(tmp_path), demo_url, on="Provider 07/Call 7-3")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.workspace_tree
        await wait_for(pilot, lambda: "Call 7-3" in screen_text(app), what="the selected call")
        assert tree.cursor_item == TreeItem(screen.documents[0], "Provider 07", "Call 7-3")
        # Only the open provider's call lines exist (41 lines, not 1,231).
        assert tree.last_line < PROVIDERS + CALLS + 1

        # Up to the previous provider, closed; space opens it: its calls are there.
        for _ in range(5):
            await pilot.press("up")
        await wait_for(
            pilot, lambda: tree.cursor_item == TreeItem(screen.documents[0], "Provider 06")
        )
        shown = screen_text(app)
        assert "▶ Provider 06" in shown and "▼ Provider 07" in shown
        await pilot.press("space")
        await wait_for(pilot, lambda: "Call 6-0" in screen_text(app), what="Provider 06's calls")
        await pilot.press("down", "down")
        await wait_for(
            pilot,
            lambda: tree.cursor_item == TreeItem(screen.documents[0], "Provider 06", "Call 6-1"),
            what="the cursor on a call made on demand",
        )


async def test_going_to_a_call_of_a_closed_provider_opens_it_and_edits_show_at_once(
    tmp_path: Path, demo_url: str
) -> None:
    app = open_app(big_workspace(tmp_path), demo_url, on="Provider 00/Call 0-0")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.workspace_tree
        document = screen.documents[0]
        await wait_for(pilot, lambda: "Call 0-0" in screen_text(app), what="the first call")
        far = TreeItem(document, "Provider 29", "Call 29-39")
        screen.go_to(far)
        await wait_for(pilot, lambda: tree.cursor_item == far, what="the cursor on the far call")
        await wait_for(pilot, lambda: "Call 29-39" in screen_text(app), what="the far call shown")

        call = far.call_model
        assert call is not None
        screen.desk.edit_call(far, dataclasses.replace(call, url="/changed"))
        renamed = TreeItem(document, "Provider 29", "Call 29-38")
        call = renamed.call_model
        assert call is not None
        screen.desk.edit_call(renamed, dataclasses.replace(call, method="POST"))
        await wait_for(
            pilot, lambda: "POST Call 29-38" in screen_text(app), what="the edited call's label"
        )
