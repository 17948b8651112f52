"""The status line above a response: status and reason, time, size, environment, failure.

The widget carries one class naming the outcome (`-success`, `-redirect`,
`-client-error`, `-server-error`, `-informational`, `-failed`, `-sending`,
`-cancelled`, `-problem`) so `response.tcss` colours it from theme variables.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label

from workbench.core.secrets import Masker
from workbench.core.sending import Exchange, format_size
from workbench.core.terminal_text import visible

OUTCOME_CLASSES = (
    "-informational",
    "-success",
    "-redirect",
    "-client-error",
    "-server-error",
    "-failed",
    "-sending",
    "-cancelled",
    "-problem",
)


def outcome_class(status: int | None) -> str:
    """The class for a status code: by its hundreds, `-failed` when there was no answer."""
    if status is None:
        return "-failed"
    return {1: "-informational", 2: "-success", 3: "-redirect", 4: "-client-error"}.get(
        status // 100, "-server-error"
    )


def duration_text(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


class StatusLine(Widget):
    """One row of facts about the last exchange, and a second row for a failure message."""

    DEFAULT_CSS = """
    StatusLine { height: auto; }
    StatusLine > Horizontal { height: 1; }
    StatusLine #status-message { display: none; }
    StatusLine.-has-message #status-message { display: block; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._environment = ""

    def compose(self) -> ComposeResult:
        # markup=False: URLs and messages may hold "[name]" or "['key']", which are not markup.
        with Horizontal():
            yield Label(id="status-code", markup=False)
            yield Label(id="status-detail", markup=False)
            yield Label(id="status-environment", markup=False)
        yield Label(id="status-message", markup=False)

    def show_sending(self, method: str, url: str, environment: str) -> None:
        self._show("-sending", "Sending…", f"{method} {url}", environment)

    def show_exchange(self, exchange: Exchange, environment: str) -> None:
        time_text = duration_text(exchange.total_time)
        if exchange.status is None:
            code = "No answer"
            detail = f"{exchange.request.method} {exchange.request.url} · {time_text}"
        else:
            code = f"{exchange.status} {exchange.reason}".strip()
            detail = f"{time_text} · {format_size(exchange.size)}"
            if exchange.redirects:
                # The hops and the final URL are in the Request tab.
                count = len(exchange.redirects)
                detail += f" · {count} redirect{'s' if count > 1 else ''}"
            if exchange.http_version:
                detail += f" · {exchange.http_version}"
        message = exchange.failure.message if exchange.failure else ""
        self._show(outcome_class(exchange.status), code, detail, environment, message)

    def show_problem(self, message: str) -> None:
        """A call that was not sent: the environment stays as it was."""
        self._show("-problem", "Not sent", "", self.environment, message)

    def show_cancelled(self, environment: str) -> None:
        self._show("-cancelled", "Cancelled", "", environment)

    def clear(self) -> None:
        self._show("", "", "", self.environment)

    @property
    def environment(self) -> str:
        return self._environment

    @property
    def text(self) -> str:
        """Everything the line shows, as plain text (for tests and screen readers)."""
        labels = self.query(Label)
        return " · ".join(str(label.content) for label in labels if str(label.content))

    def _show(
        self, outcome: str, code: str, detail: str, environment: str, message: str = ""
    ) -> None:
        self._environment = environment
        self.remove_class(*OUTCOME_CLASSES)
        if outcome:
            self.add_class(outcome)
        self.set_class(bool(message), "-has-message")
        # A reason phrase, a URL or a message may quote what a server or a workspace wrote:
        # private values are masked and control characters shown, not run.
        masker = Masker.known()
        texts = {
            "#status-code": code,
            "#status-detail": detail,
            "#status-environment": environment and f"env: {environment}",
            "#status-message": message,
        }
        for selector, text in texts.items():
            shown = visible(masker.text(text), keep_newlines=selector == "#status-message")
            self.query_one(selector, Label).update(shown)
