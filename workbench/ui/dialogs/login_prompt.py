"""A modal that runs an OAuth2 user-agent login: the URL to open, the listener, the paste field.

Workbench often runs over SSH, with no browser of its own: the user opens
the authorization URL anywhere (F2 copies it through the terminal, OSC 52),
and either the browser comes back to the loopback listener or the user
pastes the address it landed on (or the bare code). Whichever comes first
completes the login (`workbench.core.auth.login` decides; this dialog only
shows and passes on). A failure stays in the dialog, without a traceback,
until the user starts again (F5) or closes it; escape ends the login and
its listener.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workbench.core.errors import WorkbenchError
from workbench.core.secrets import shown_message
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.core.auth import LoginPrompt
    from workbench.core.desk import Login

log = logging.getLogger(__name__)
HINT = "enter: use what you pasted   F2: copy the URL   escape: cancel"
FAILED_HINT = "F5: log in again   F2: copy the URL   escape: close"


class LoginScreen(ModalScreen[bool]):
    """Run `login`; dismisses with True once it succeeded, False when the user closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel the login"),
        Binding("f2", "copy_url", "Copy the authorization URL"),
        Binding("f5", "again", "Log in again (after a failure)"),
    ]

    def __init__(self, login: Login) -> None:
        super().__init__(classes="dialog-screen")
        self._login = login
        self._url = ""
        self._pasted: asyncio.Queue[str | None] = asyncio.Queue()
        self._failed = False

    def compose(self) -> ComposeResult:
        login = self._login
        # Scrolls: at 80x24 a long URL and an error may not fit together.
        with VerticalScroll(classes="dialog login-prompt"):
            yield Static(
                visible(f"Log in to {login.provider} ({login.environment})"),
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                visible(
                    f"{login.reason} Open this URL in a browser, on this machine or any other:"
                ),
                classes="dialog-text",
                markup=False,
            )
            yield Static("Starting the login…", id="login-url", markup=False)
            yield Static("", id="login-listener", markup=False)
            yield Input(
                placeholder="paste the URL the browser landed on, or the code", compact=True
            )
            yield Static("", classes="dialog-error", id="login-problem", markup=False)
            yield Static(HINT, classes="dialog-hint", id="login-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._start()

    @property
    def url(self) -> str:
        """The authorization URL shown ("" until the login has started)."""
        return self._url

    def _start(self) -> None:
        self._failed = False
        self._pasted = asyncio.Queue()  # what was pasted for an earlier login is not for this
        self._say("#login-problem", "")
        self._say("#login-hint", HINT)
        self.refresh_bindings()
        self.run_worker(self._log_in(), group="login", exclusive=True, exit_on_error=False)

    async def _log_in(self) -> None:
        try:
            await self._login.run(self._show, self._pasted.get)
        except WorkbenchError as error:
            self._fail(str(error))
            return
        except Exception as error:  # a bug, not a refused login: no traceback on screen
            log.error("unexpected error while logging in", exc_info=error)
            self._fail(f"Unexpected error while logging in: {error!r}")
            return
        self.dismiss(True)

    def _show(self, prompt: LoginPrompt) -> None:
        self._url = prompt.url
        self._say("#login-url", visible(prompt.url))
        if prompt.listening:
            port = urlsplit(prompt.redirect_uri).port
            waiting = (
                f"Waiting for the browser at {prompt.redirect_uri} (from another machine, "
                f"forward the port first: ssh -L {port}:127.0.0.1:{port} HOST), or paste "
                "below the address it lands on."
            )
        else:
            waiting = f"{prompt.note or ''} Paste below the address the browser lands on."
        self._say("#login-listener", visible(waiting.strip()))

    def _fail(self, message: str) -> None:
        self._failed = True
        self._say("#login-listener", "The login ended; nothing waits for the browser now.")
        self._say("#login-problem", shown_message(message))
        self._say("#login-hint", FAILED_HINT)
        self.refresh_bindings()

    def _say(self, where: str, text: str) -> None:
        self.query_one(where, Static).update(text)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self._failed:
            self._say("#login-problem", "This login has ended: F5 starts a new one.")
        elif not text:
            self._say(
                "#login-problem",
                "Paste the URL the browser landed on (or the code), or escape to cancel.",
            )
        else:
            self._say("#login-problem", "")
            self._say("#login-listener", "Checking what you pasted…")
            self._pasted.put_nowait(text)
        event.input.clear()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "again":
            return self._failed
        return True

    def action_copy_url(self) -> None:
        if not self._url:
            self.notify("The login has not shown its URL yet.", severity="warning")
            return
        self.app.copy_to_clipboard(self._url)
        self.notify(
            "Copied the authorization URL (through the terminal: OSC 52, which some terminals "
            "must be told to allow).",
            markup=False,
        )

    def action_again(self) -> None:
        self._start()

    def action_cancel(self) -> None:
        # Cancelling the worker ends the login, which closes its listener.
        self.workers.cancel_group(self, "login")
        self.dismiss(False)
