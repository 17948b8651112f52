"""Command palette providers: every action of the workbench by name, and "Go to call".

The actions are read from the `BINDINGS` of the app, the main screen and the
workspace tree, so the palette offers exactly what the keys do, and shows
each action's key as its help.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.markup import escape

from workbench.core.desk import Desk, TreeItem
from workbench.ui.key_names import in_effect
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.workspace_tree import WorkspaceTree

if TYPE_CHECKING:
    from workbench.ui.screens.main import MainScreen


@dataclass(frozen=True)
class Candidate:
    """One entry of the palette: what is shown, its help line, and what it runs."""

    text: str
    help: str
    run: Callable[[], Any]


class GoToCall(Provider):
    """`Go to call: Provider/Call` for every call of every open workspace."""

    def main_screen(self) -> MainScreen | None:
        """The main screen the palette was opened over (the one screen with a desk)."""
        screen = self.screen
        return screen if isinstance(getattr(screen, "desk", None), Desk) else None  # type: ignore[return-value]

    def candidates(self, screen: MainScreen) -> Iterable[Candidate]:
        several = len(screen.documents) > 1
        for document in screen.documents:
            suffix = f"  ({document.workspace.name})" if several else ""
            for provider in document.workspace.providers:
                for call in provider.calls:
                    item = TreeItem(document, provider.name, call.name)
                    yield Candidate(
                        f"Go to call: {item.path}{suffix}",
                        f"{call.method.value} {call.url}",
                        partial(screen.go_to, item),
                    )

    async def discover(self) -> Hits:
        screen = self.main_screen()
        for candidate in self.candidates(screen) if screen else ():
            # Content and escape: names and URLs are not markup (`/users/[id]` would lose `[id]`).
            help = escape(candidate.help)
            yield DiscoveryHit(Content(candidate.text), candidate.run, help=help)

    async def search(self, query: str) -> Hits:
        screen = self.main_screen()
        matcher = self.matcher(query)
        for candidate in self.candidates(screen) if screen else ():
            score = matcher.match(candidate.text)
            if score > 0:
                help = escape(candidate.help)
                yield Hit(score, matcher.highlight(candidate.text), candidate.run, help=help)


class WorkbenchActions(GoToCall):
    """Every action that has a key, named as in the help screen, then every call."""

    def candidates(self, screen: MainScreen) -> Iterable[Candidate]:
        tree = screen.query_one(WorkspaceTree)
        owners: list[tuple[DOMNode, Iterable[Binding]]] = [
            (screen, in_effect(self.app, Binding.make_bindings(type(screen).BINDINGS))),
            (tree, Binding.make_bindings(WorkspaceTree.BINDINGS)),
            (self.app, in_effect(self.app, Binding.make_bindings(type(self.app).BINDINGS))),
        ]
        # Of the JSON tree's keys, the one that edits the workspace: it acts on the cursor's value.
        json_tree = screen.query_one(JsonTree)
        chaining = [b for b in Binding.make_bindings(JsonTree.BINDINGS) if b.action == "use_value"]
        owners.append((json_tree, chaining))
        seen: set[str] = set()
        for owner, bindings in owners:
            keys: dict[str, list[Binding]] = {}
            for binding in bindings:
                keys.setdefault(binding.action, []).append(binding)
            for action, same in keys.items():
                title = same[0].tooltip or same[0].description
                if action in seen or not title:
                    continue
                seen.add(action)
                shown = ", ".join(self.app.get_key_display(b) for b in same)
                yield Candidate(title, f"key: {shown}", partial(self.app.run_action, action, owner))
        yield from super().candidates(screen)
