"""The environment badge: which environment calls are sent to, always on screen.

Any environment other than the workspace's first (its default, usually
`development`) is highlighted, so sending to `live` is never a surprise.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget


class EnvironmentBadge(Widget):
    """Shows the current environment, bound to the screen's (`data_bind`)."""

    environment: reactive[str] = reactive("")
    is_default: reactive[bool] = reactive(True)

    def render(self) -> str:
        return f"env {self.environment}"

    def watch_is_default(self, is_default: bool) -> None:
        self.set_class(not is_default, "-not-default")
