"""The places of the main screen that keys go to: panes, tabs and main fields.

Jump mode (ctrl+o) puts a letter on each place on screen; F2, F3 and F4 go to
the tree, the editor and the response; 1-4 in the response pick its tabs.
Each place knows the widget its letter is drawn on and how to go there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.widget import Widget
from textual.widgets import ContentSwitcher, TabbedContent, TabPane

from workbench.ui.widgets.response_view import TABS, ResponseView
from workbench.ui.widgets.workspace_tree import WorkspaceTree

# The tabs of each editor and their letters; the response's tabs are 1-4, as inside it.
EDITOR_TABS = {
    "call-tabs": {"p": "call-params", "h": "call-headers", "b": "call-body"}
    | {"o": "call-options", "n": "call-notes"},
    "provider-tabs": {"a": "provider-auth", "h": "provider-headers", "p": "provider-params"}
    | {"n": "provider-notes"},
    "workspace-tabs": {"w": "workspace-main", "e": "workspace-environments"}
    | {"v": "workspace-values"},
}
EDITOR_FIELDS = {"m": "#method", "u": "#url", "s": "#use-as", "l": "#base-url"}
RESPONSE_TABS = {str(number): name for number, name in enumerate(TABS, start=1)}


@dataclass(frozen=True)
class Place:
    """Where a jump letter is drawn (`marker`) and what going there does."""

    marker: Widget
    go: Callable[[], object]


def focus_first_in(container: Widget) -> None:
    """Focus the first widget in `container` that takes the focus (after it is shown)."""

    def focus() -> None:
        screen = container.screen
        target = next((w for w in screen.focus_chain if container in w.ancestors), None)
        (target or container).focus()

    container.call_after_refresh(focus)


def show_tab(tabs: TabbedContent, pane: str) -> None:
    tabs.active = pane
    focus_first_in(tabs.get_pane(pane))


def reveal_and_focus(widget: Widget) -> None:
    """Focus `widget`, showing the tab it is on first (a hidden tab's field takes no keys)."""
    pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
    tabs = next((a for a in widget.ancestors if isinstance(a, TabbedContent)), None)
    if pane is not None and tabs is not None and pane.id is not None:
        tabs.active = pane.id
    widget.call_after_refresh(widget.focus)


def current_editor(switcher: ContentSwitcher) -> Widget | None:
    """The call or provider editor shown (None while the hint is)."""
    current = switcher.visible_content
    return None if current is None or current.id == "editor-hint" else current


def places(
    tree: WorkspaceTree, switcher: ContentSwitcher, response: ResponseView
) -> Iterator[tuple[str, Place]]:
    """Every place visible now, with its letter."""
    if tree.display:
        yield "t", Place(tree, tree.focus)
    editor = current_editor(switcher)
    if editor is not None:
        for key, selector in EDITOR_FIELDS.items():
            for field in editor.query(selector):
                yield key, Place(field, field.focus)
        for tabs in editor.query(TabbedContent):
            for key, pane in EDITOR_TABS.get(tabs.id or "", {}).items():
                yield key, Place(tabs.get_tab(pane), partial(show_tab, tabs, pane))
    tabs = response.query_one(TabbedContent)
    for key, name in RESPONSE_TABS.items():
        yield key, Place(tabs.get_tab(TABS[name]), partial(response.action_show_tab, name))


def pane_of(widget: Widget | None, panes: tuple[Widget, ...]) -> Widget | None:
    """The pane (`panes`: tree, editor, response) that holds `widget`."""
    if widget is None:
        return None
    return next((pane for pane in panes if pane in widget.ancestors_with_self), None)
