"""Sending the selected call from the main screen: confirm, send in a worker, show, cancel.

The call is run by `workbench.core` through the document's long-lived
`Session` (`run_call`: chained parameters, sending, reading the answer
into data), in the screen's `send` worker; `SendFlow` decides when to send
and hands the outcome to the response view, then to the sending's `then`
(initializing learns the shape there). A missing private value is asked
for (masked) and the call sent again; any other `WorkbenchError` is shown
as a problem, without a traceback and without touching the workspace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from workbench.core.errors import (
    SecretMissing,
    SecretStoreError,
    WorkbenchError,
    WorkspaceError,
)
from workbench.core.secrets import FileNotApproved, OriginNotApproved, PrivateValue, private_values
from workbench.core.sending import join
from workbench.core.workspace import (
    Call,
    Provider,
    ResponseType,
    UseAs,
    WorkspaceDocument,
    value_for,
)
from workbench.ui.screens.confirm import NO, Choice, ChoiceScreen, confirm
from workbench.ui.screens.secret_prompt import PrivateValueAnswer, PrivateValuePromptScreen
from workbench.ui.widgets.response_view import UNPARSED

if TYPE_CHECKING:
    from workbench.core.sending import CallResult
    from workbench.ui.screens.main import MainScreen


@dataclass(frozen=True)
class Sending:
    """A call on its way: what is sent, from which document, to which environment, and what
    to do with its result once it is shown (`then`)."""

    document: WorkspaceDocument
    provider: Provider
    call: Call
    environment: str
    then: Callable[[CallResult], None] | None = None

    @property
    def url(self) -> str:
        """The URL as written (placeholders unfilled): the exchange shows the real one."""
        base = self.document.base_url or value_for(self.provider.base_url, self.environment)
        return join(base or "", self.call.url)

    async def send(self) -> CallResult:
        # The first send imports the HTTP stack and loads the CA bundle (about 0.1 s): in a
        # thread, so the screen stays live.
        await asyncio.to_thread(_warm_up)
        session = self.document.session()
        return await session.run_call(self.provider, self.call, environment=self.environment)


def _warm_up() -> None:
    from workbench.core.sending import warm_up

    warm_up()


def parsed_json(result: CallResult) -> object:
    """The body as the session parsed it into data, when it parsed it as JSON; otherwise
    `UNPARSED` and the response view parses what it shows itself."""
    body = result.body_data
    if not result.has_data or result.call.response_type is not ResponseType.JSON:
        return UNPARSED
    # A text here may also be an error body kept as text (include_errors): parse it again.
    return UNPARSED if isinstance(body, str) else body


def missing_value(document: WorkspaceDocument, error: SecretMissing) -> PrivateValue | None:
    """The private value a `SecretMissing` is about."""
    return next((v for v in private_values(document.workspace) if v.address == error.address), None)


class SendFlow:
    """What happens around one send: the confirmation, the worker, the outcome."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._worker: Worker[CallResult] | None = None
        self._sending: Sending | None = None
        # The document and result whose answer the response view shows (chaining reads it).
        self.shown: tuple[WorkspaceDocument, CallResult] | None = None

    @property
    def in_flight(self) -> bool:
        return self._worker is not None

    def send_selected(
        self, then: Callable[[CallResult], None] | None = None, *, verb: str = "Send"
    ) -> None:
        """Send the selected call as edited (unsaved edits included), then show the result
        and hand it to `then`. `verb` names what sending is for in the confirmation."""
        screen = self.screen
        selected = screen.selected_call(f"to {verb.lower()} it")
        if selected is None:
            return
        document, provider, call = selected
        sending = Sending(document, provider, call, screen.environment_of(document), then)
        if call.use_as is UseAs.ACTION and document.workspace.settings.confirm_actions:
            question = (
                f"{provider.name}/{call.name} is an action: {call.method} {sending.url} "
                f"changes things on the server. {verb} it in {sending.environment}?"
            )

            def answered(answer: str | None) -> None:
                if answer == "yes":
                    self.start(sending)

            title = f"{verb} an action call?"
            screen.app.push_screen(confirm(title, question), answered)
            return
        self.start(sending)

    def start(self, sending: Sending) -> None:
        self._sending = sending
        self.shown = None
        self.screen.response_view.show_sending(
            sending.call.method.value, sending.url, sending.environment
        )
        self._worker = self.screen.send_in_worker(sending)
        self.screen.refresh_bindings()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def worker_changed(self, event: Worker.StateChanged) -> None:
        """Show how the send worker ended; other workers (a superseded send) are ignored."""
        worker, sending = event.worker, self._sending
        if worker is not self._worker or sending is None:
            return
        view = self.screen.response_view
        if event.state is WorkerState.SUCCESS:
            result = worker.result
            assert result is not None
            self.shown = (sending.document, result)
            view.show_exchange(
                result.exchange,
                environment=sending.environment,
                response_type=sending.call.response_type,
                parsed_json=parsed_json(result),
            )
            if sending.then is not None:
                sending.then(result)
        elif event.state is WorkerState.CANCELLED:
            view.show_cancelled(sending.environment)
        elif event.state is WorkerState.ERROR:
            self._failed(sending, worker.error)
        else:
            return
        self._worker = None
        self.screen.refresh_bindings()

    def _failed(self, sending: Sending, error: BaseException | None) -> None:
        view = self.screen.response_view
        if isinstance(error, OriginNotApproved | FileNotApproved):
            view.show_problem(str(error))
            self._ask_approval(sending, error)
            return
        if isinstance(error, SecretMissing):
            value = missing_value(sending.document, error)
            if value is not None:
                view.show_problem(
                    f"The private value {value.address} is not set for {sending.environment}."
                )
                self._ask_private_value(sending, value)
                return
        if isinstance(error, WorkbenchError):
            view.show_problem(str(error))
        else:
            # A bug, not a user error: say so plainly; the log has the details.
            self.screen.log.error(error)
            view.show_problem(f"Unexpected error while sending: {error!r}")

    def _ask_approval(self, sending: Sending, refusal: OriginNotApproved | FileNotApproved) -> None:
        """Ask whether to send where the workspace now points (or upload the file); a yes is
        remembered in the user's data directory and the call sent again."""

        def answered(answer: str | None) -> None:
            if answer != "yes":
                return
            trust = sending.document.session().trust
            try:
                if isinstance(refusal, OriginNotApproved):
                    trust.approve_origin(refusal.provider, refusal.origin)
                else:
                    trust.approve_file(refusal.path)
            except SecretStoreError as error:
                self.screen.response_view.show_problem(str(error))
                return
            self.start(sending)

        # "No" comes first, so Enter pressed out of habit does not send.
        choices = (NO, Choice("y", "Yes, send it", "yes", "warning"))
        title = "Send to a new place?" if isinstance(refusal, OriginNotApproved) else "Upload?"
        self.screen.app.push_screen(ChoiceScreen(title, refusal.question, choices), answered)

    def _ask_private_value(self, sending: Sending, value: PrivateValue) -> None:
        def answered(answer: PrivateValueAnswer | None) -> None:
            if answer is None:
                return
            try:
                if sending.document.ensure_id():
                    self.screen.notify(
                        f"Gave {sending.document.path.name} the id {sending.document.workspace.id} "
                        "(one added line); commit it so your teammates' values match."
                    )
                sending.document.secrets.set(value.address, answer.value, answer.environment)
                # The user typed it for the workspace they see: its first value fixes where
                # the provider's values may go.
                sending.document.session().record_first_origins(
                    sending.provider, answer.environment
                )
            except (SecretStoreError, WorkspaceError) as error:
                self.screen.response_view.show_problem(str(error))
                return
            self.start(sending)

        prompt = PrivateValuePromptScreen(value.address, value.description, sending.environment)
        self.screen.app.push_screen(prompt, answered)
