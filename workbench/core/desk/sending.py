"""Sending the selected call: confirm an action, send, show the outcome, ask what is missing.

The call runs through the document's long-lived `Session` (`run_call`:
chained parameters, sending, reading the answer into data). A private value
that is missing is asked for (masked) and the call sent again, as is the
login a token needs (OAuth2 user-agent flow); a stored value bound for an
origin not approved, or a file outside the workspace, is asked about first.
Any other `WorkbenchError` is shown as a problem, without touching the
workspace. Cancelling (the screen cancels the task that awaits
`send_selected`) shows "cancelled"; a streamed answer shows its events as they
arrive (`Streaming`), and cancelling it keeps them, shown as stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.desk.ask import NO, Choice, confirm
from workbench.core.desk.private_values import keep_typed_value
from workbench.core.desk.response import (
    Answered,
    AnswerOf,
    Cancelled,
    InFlight,
    LiveStream,
    Problem,
    Streaming,
)
from workbench.core.errors import (
    LoginNeeded,
    RequestBuildError,
    SecretMissing,
    SecretStoreError,
    WorkbenchError,
    WorkspaceError,
)
from workbench.core.secrets.needed import PrivateValue, private_values
from workbench.core.secrets.trust import FileNotApproved, OriginNotApproved
from workbench.core.sending.request import preview_url
from workbench.core.sending.url import join
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.model import Call, Provider, UseAs, base_url_of

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk
    from workbench.core.sending.session import CallResult  # imports httpx: not at start
    from workbench.core.sending.stream import OnEvent, StreamEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sending:
    """A call on its way: what is sent, from which document, to which environment."""

    document: WorkspaceDocument
    provider: Provider
    call: Call
    environment: str
    # Parameter values given for this send (a past request's, sent again from the history).
    overrides: Mapping[str, str] = field(default_factory=dict)

    @property
    def of(self) -> AnswerOf:
        """Whose response this send's outcome is."""
        return AnswerOf(self.document, self.provider.name, self.call.name, self.environment)

    @property
    def url(self) -> str:
        """The URL as written (placeholders unfilled): the exchange shows the real one."""
        base = base_url_of(self.provider, self.environment, self.document.base_url)
        return join(base, self.call.url)

    async def send(
        self, history_problem: Callable[[str], None], on_event: OnEvent | None = None
    ) -> CallResult:
        """Send through the document's session; `history_problem` is told when the history
        cannot keep the exchange (the send goes on), `on_event` of each event of a stream."""
        # The first send imports the HTTP stack and loads the CA bundle (about 0.1 s): in a
        # thread, so the screen stays live.
        await asyncio.to_thread(warm_up)
        session = self.document.session()
        if session.history is not None:
            session.history.on_problem = history_problem
        return await session.run_call(
            self.provider,
            self.call,
            environment=self.environment,
            overrides=self.overrides,
            on_event=on_event,
        )


def warm_up() -> None:
    """Import the HTTP stack and load the CA bundle (run in a thread: it takes a while)."""
    from workbench.core.sending.session import warm_up

    warm_up()


class SendFlow:
    """What happens around a send: the confirmation, the outcome, the questions it raises."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._current: Sending | None = None  # the latest send: an older one shows nothing

    @property
    def in_flight(self) -> bool:
        return self._current is not None

    async def send_selected(
        self, verb: str = "Send", past_values: Mapping[str, str] | None = None
    ) -> CallResult | None:
        """Send the selected call as edited and show the outcome; the result, or None when
        nothing was sent or it failed. `verb` names what sending is for in the confirmation;
        `past_values` are parameter values to send instead of the workspace's."""
        desk = self.desk
        selected = desk.selected_call(f"to {verb.lower()} it")
        if selected is None:
            return None
        document, provider, call = selected
        environment = desk.environment_of(document)
        sending = Sending(document, provider, call, environment, dict(past_values or {}))
        try:  # a placeholder nothing fills is refused before any question
            url = preview_url(
                provider, call, environment=sending.environment, base_url=document.base_url
            )
        except RequestBuildError as error:
            desk.show(sending.of, Problem(str(error)))
            return None
        if call.use_as is UseAs.ACTION and document.defaults.confirms_actions(document.workspace):
            question = (
                f"{provider.name}/{call.name} is an action: {call.method} {url} "
                f"changes things on the server. {verb} it in {sending.environment}?"
            )
            if not await confirm(desk.ask, f"{verb} an action call?", question):
                return None
        return await self.send(sending)

    async def send(self, sending: Sending) -> CallResult | None:
        """Send until it is answered, or until the user declines what it asks."""
        while True:
            outcome = await self._attempt(sending)
            if isinstance(outcome, BaseException):
                if not await self._after_failure(sending, outcome):
                    return None
                continue
            return outcome

    async def _attempt(self, sending: Sending) -> CallResult | BaseException:
        desk = self.desk
        self._current = sending
        desk.show(sending.of, InFlight(sending.call.method.value, sending.url, sending.environment))
        desk.publish_busy()
        live = LiveStream()

        def on_event(event: StreamEvent) -> None:
            live.add(event)
            if live.count == 1 and self._current is sending:  # the stream shows from now on
                desk.show(sending.of, Streaming(live, sending.environment))

        try:
            result = await sending.send(self._history_problem, on_event)
        except asyncio.CancelledError:
            if self._current is sending:  # not replaced by a newer send
                live.stopped = True
                stopped = Streaming(live, sending.environment) if live.count else None
                desk.show(sending.of, stopped or Cancelled(sending.environment))
            raise
        except Exception as error:  # shown below, a bug included: no traceback on screen
            return error
        finally:
            if self._current is sending:
                self._current = None
                desk.publish_busy()
        desk.show(sending.of, Answered(result, sending.environment))
        return result

    def _history_problem(self, message: str) -> None:
        self.desk.ask.tell(message, title="Not kept in the history", severity="warning")

    async def _after_failure(self, sending: Sending, error: BaseException) -> bool:
        """Show why the send failed; True when the user gave what was missing (send again)."""
        desk = self.desk
        if isinstance(error, OriginNotApproved | FileNotApproved):
            desk.show(sending.of, Problem(str(error)))
            return await self._approve(sending, error)
        if isinstance(error, SecretMissing):
            value = missing_value(sending.document, error)
            if value is not None:
                desk.show(
                    sending.of,
                    Problem(
                        f"The private value {value.address} is not set for {sending.environment}."
                    ),
                )
                return await self._ask_private_value(sending, value)
        if isinstance(error, LoginNeeded):
            provider = sending.document.workspace.provider(error.provider)
            if provider is not None:  # the call's provider, or a chained source's
                return await self._log_in(sending, provider, error.environment)
        if isinstance(error, WorkbenchError):
            desk.show(sending.of, Problem(str(error)))
        else:
            # A bug, not a user error: say so plainly; the log has the details.
            log.error("unexpected error while sending", exc_info=error)
            desk.show(sending.of, Problem(f"Unexpected error while sending: {error!r}"))
        return False

    async def _approve(
        self, sending: Sending, refusal: OriginNotApproved | FileNotApproved
    ) -> bool:
        """Ask whether to send where the workspace now points (or upload the file); a yes is
        remembered in the user's data directory."""
        # "No" comes first, so Enter pressed out of habit does not send.
        choices = (NO, Choice("y", "Yes, send it", "yes", "warning"))
        title = (
            "Send to a new place?" if isinstance(refusal, OriginNotApproved) else refusal.role.title
        )
        if await self.desk.ask.choose(title, refusal.question, choices) != "yes":
            return False
        trust = sending.document.session().trust
        try:
            if isinstance(refusal, OriginNotApproved):
                trust.approve_origin(refusal.key, refusal.origin)
            else:
                trust.approve_file(refusal.path)
        except SecretStoreError as error:
            self.desk.show(sending.of, Problem(str(error)))
            return False
        return True

    async def _log_in(self, sending: Sending, provider: Provider, environment: str) -> bool:
        """Offer the login a call needs; True once logged in (send again)."""
        desk = self.desk
        needs = f"{sending.provider.name}/{sending.call.name} needs a token"
        if provider.name != sending.provider.name:  # for a chained source's provider
            needs += f" from {provider.name}"
        desk.show(sending.of, Problem(f"{needs} in {environment}: log in first."))
        reason = f"{needs}."
        if await desk.logging_in.log_in(sending.document, provider, environment, reason):
            return True
        desk.show(
            sending.of,
            Problem(
                f"Not logged in to {provider.name} for {environment}. Send the call again, "
                "or press shift+F8, to log in."
            ),
        )
        return False

    async def _ask_private_value(self, sending: Sending, value: PrivateValue) -> bool:
        desk, document = self.desk, sending.document
        answer = await desk.ask.private_value(value.address, value.description, sending.environment)
        if answer is None:
            return False
        try:
            keep_typed_value(document, desk.ask, value.address, answer)
        except (SecretStoreError, WorkspaceError) as error:
            desk.show(sending.of, Problem(str(error)))
            return False
        desk.publish_private_values()
        return True


def missing_value(document: WorkspaceDocument, error: SecretMissing) -> PrivateValue | None:
    """The private value a `SecretMissing` is about."""
    return next((v for v in private_values(document.workspace) if v.address == error.address), None)
