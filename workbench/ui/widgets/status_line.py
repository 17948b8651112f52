"""The status line above a response: status and reason, time, size, environment, failure.

The widget carries one class naming the outcome (`-success`, `-redirect`,
`-client-error`, `-server-error`, `-informational`, `-failed`, `-sending`,
`-cancelled`, `-problem`) so `response.tcss` colours it from theme variables.

In a narrow pane (80 columns leave it 54) the line gives up what is said
elsewhere first: the "env:" label, then the environment (the pane's border
names it), then the reason phrase; time, size and protocol stay.
"""

from __future__ import annotations

from rich.cells import cell_len
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


def events_text(count: int) -> str:
    return f"{count:,} event{'' if count == 1 else 's'}"


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

    CODE_GAP = 2  # the code's padding-right in response.tcss
    ENVIRONMENT_GAP = 1  # the environment's padding-left

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._environment = ""
        # What the line says, as shown (masked, visible): code, code without its reason
        # phrase, detail, environment. `_fit` picks the fullest wording that fits.
        self._said = ("", "", "", "")

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
            code = short_code = "No answer"
            detail = f"{exchange.request.method} {exchange.request.url} · {time_text}"
        else:
            short_code = str(exchange.status)
            code = f"{exchange.status} {exchange.reason}".strip()
            detail = f"{time_text} · {format_size(exchange.size)}"
            if exchange.redirects:
                # The hops and the final URL are in the Request tab.
                count = len(exchange.redirects)
                detail += f" · {count} redirect{'s' if count > 1 else ''}"
            if exchange.http_version:
                detail += f" · {exchange.http_version}"
            if exchange.stream is not None:
                detail += f" · {events_text(exchange.event_count)}"
        message = exchange.failure.message if exchange.failure else ""
        self._show(outcome_class(exchange.status), code, detail, environment, message, short_code)

    def show_streaming(
        self, count: int, elapsed: float, environment: str, stopped: bool = False
    ) -> None:
        """A streamed answer arriving (or stopped by the user): time so far and events."""
        detail = f"{elapsed:,.1f} s · {events_text(count)}"
        if stopped:
            self._show("-cancelled", "Stopped", detail + " · connection closed", environment)
        else:
            self._show("-sending", "Streaming…", detail, environment)

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
        """Everything the line says, as plain text, also what a narrow pane leaves out (for
        tests and screen readers)."""
        code, _, detail, environment = self._said
        message = str(self.query_one("#status-message", Label).content)
        said = (code, detail, environment and f"env: {environment}", message)
        return " · ".join(text for text in said if text)

    def on_resize(self) -> None:
        self._fit()

    def _show(
        self,
        outcome: str,
        code: str,
        detail: str,
        environment: str,
        message: str = "",
        short_code: str = "",
    ) -> None:
        self._environment = environment
        # Classes change only when they must: each change restyles the line, which a stream
        # redrawing it a dozen times a second would pay every time.
        stale = [name for name in OUTCOME_CLASSES if name != outcome and self.has_class(name)]
        if stale:
            self.remove_class(*stale)
        if outcome and not self.has_class(outcome):
            self.add_class(outcome)
        self.set_class(bool(message), "-has-message")
        # A reason phrase, a URL or a message may quote what a server or a workspace wrote:
        # private values are masked and control characters shown, not run.
        masker = Masker.known()

        def shown(text: str, *, keep_newlines: bool = False) -> str:
            return visible(masker.text(text), keep_newlines=keep_newlines)

        self._said = (shown(code), shown(short_code or code), shown(detail), shown(environment))
        _update(self.query_one("#status-message", Label), shown(message, keep_newlines=True))
        self._fit()

    def _fit(self) -> None:
        """Show the fullest wording that fits the line's width (all of it before layout)."""
        code, short_code, detail, environment = self._said
        wordings = [
            (code, environment and f"env: {environment}"),
            (code, environment),
            (code, ""),
            (short_code, ""),
        ]
        room = self.content_size.width

        def width(code: str, environment: str) -> int:
            gaps = (self.CODE_GAP if code else 0) + (self.ENVIRONMENT_GAP if environment else 0)
            return cell_len(code) + cell_len(detail) + cell_len(environment) + gaps

        fits = (w for w in wordings if not room or width(*w) <= room)
        code, environment = next(fits, wordings[-1])
        _update(self.query_one("#status-code", Label), code)
        # The detail takes the room left (1fr, one line): its text never changes its size,
        # so it is redrawn without laying the screen out again, as a stream does every tick.
        _update(self.query_one("#status-detail", Label), detail, layout=False)
        shown_environment = self.query_one("#status-environment", Label)
        _update(shown_environment, environment)
        shown_environment.display = bool(environment)  # no padding left alone


def _update(label: Label, text: str, *, layout: bool = True) -> None:
    """Update `label` only when its text changes: an update lays the screen out again."""
    if str(label.content) != text:
        label.update(text, layout=layout)
