"""The editor of one call: method, URL, use-as; then params, headers, body, options, notes in tabs.

It turns a `Call` into fields and the fields back into a `Call`; renaming,
sending and saving are the screen's job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, TabbedContent, TabPane, TextArea

from workbench.core.desk import PrivateValueAccess, TreeItem
from workbench.core.workspace import (
    BodyType,
    Call,
    CallOptions,
    Method,
    Provider,
    ResponseType,
    UseAs,
    ValueSlot,
)
from workbench.ui.widgets.header_table import HeaderTable
from workbench.ui.widgets.model_editor import ModelEditor
from workbench.ui.widgets.parameter_table import ParameterTable
from workbench.ui.widgets.private_input import PrivateValueStored


def _options(values: type[StrEnum]) -> list[tuple[str, str]]:
    return [(value.value, value.value) for value in values]


class UrlInput(Input):
    """The URL field: a pasted curl command (several lines too) becomes the whole call."""

    class CurlPasted(Message):
        def __init__(self, command: str) -> None:
            super().__init__()
            self.command = command

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls `Input._on_paste` after this one unless the default is prevented.
        if event.text.lstrip().startswith("curl "):
            event.prevent_default()
            event.stop()
            self.post_message(self.CurlPasted(event.text))


class CallEditor(ModelEditor[Call]):
    """Edits one call of a provider; posts `CallEdited` whenever the user changes it."""

    class CallEdited(Message):
        """The user changed the call being edited (`item`, as it was named before this edit)."""

        def __init__(self, item: TreeItem | None, call: Call) -> None:
            super().__init__()
            self.item = item
            self.call = call

    PrivateValueStored = PrivateValueStored
    FIRST_FIELD = "#url"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._provider: Provider | None = None
        self._call: Call | None = None
        self._environment = ""
        self._secrets: PrivateValueAccess | None = None
        self._own: dict[ValueSlot, str] = {}  # the person's own values, marked "(local)"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="call-line"):
            yield Select(
                _options(Method), allow_blank=False, compact=True, id="method", tooltip="Method"
            )
            yield UrlInput(
                placeholder="URL, e.g. /users/[id], or paste a curl command", compact=True, id="url"
            )
            yield Select(
                _options(UseAs),
                allow_blank=False,
                compact=True,
                id="use-as",
                tooltip="Use as: data (safe to re-run) or action (changes things on the server)",
            )
        with TabbedContent(id="call-tabs"):
            with TabPane("Params", id="call-params"), VerticalScroll(can_focus=False):
                yield ParameterTable(id="parameters")
            with TabPane("Headers", id="call-headers"), VerticalScroll(can_focus=False):
                yield HeaderTable(id="headers")
            with TabPane("Body", id="call-body"):
                with Horizontal(classes="field-line"):
                    yield Label("Body", classes="field-label")
                    yield Select(
                        _options(BodyType), allow_blank=False, compact=True, id="body-type"
                    )
                    yield Label("Content type", classes="field-label", id="content-type-label")
                    yield Input(placeholder="text/plain", compact=True, id="content-type")
                yield TextArea(soft_wrap=True, compact=True, id="body")
            with TabPane("Options", id="call-options"), VerticalScroll(can_focus=False):
                with Horizontal(classes="field-line"):
                    yield Label("Timeout (s)", classes="field-label")
                    # Empty: the call takes the default timeout of the user's config file.
                    yield Input(placeholder="default", type="number", compact=True, id="timeout")
                with Horizontal(classes="field-line"):
                    yield Label("Response", classes="field-label")
                    yield Select(
                        _options(ResponseType), allow_blank=False, compact=True, id="response-type"
                    )
                yield Checkbox("Follow redirects", compact=True, id="follow-redirects")
                yield Checkbox("Verify TLS certificates", compact=True, id="verify-tls")
                yield Checkbox(
                    "Include errors: a non-2xx answer is data, not a failure",
                    compact=True,
                    id="include-errors",
                )
                yield Checkbox(
                    "Capture headers: response headers become part of the data",
                    compact=True,
                    id="capture-headers",
                )
            with TabPane("Notes", id="call-notes"):
                yield TextArea(soft_wrap=True, compact=True, id="notes")

    def load(
        self,
        provider: Provider,
        call: Call,
        *,
        environment: str,
        secrets: PrivateValueAccess,
        item: TreeItem | None = None,
        own: Mapping[ValueSlot, str] | None = None,
    ) -> None:
        """Show `call` of `provider`, with per-environment values as they are in `environment`;
        `own`: the person's own values there (`WorkspaceDocument.own_values`), marked."""
        self._own = {s: w for s, w in (own or {}).items() if s.call is not None}
        self._provider = provider
        self._call = call
        self._environment = environment
        self._secrets = secrets
        self.loaded(item, call)
        if self.is_mounted:
            self._show(provider, call, environment, secrets)

    def on_mount(self) -> None:
        if self._provider is not None and self._call is not None and self._secrets is not None:
            self._show(self._provider, self._call, self._environment, self._secrets)

    def to_model(self) -> Call:
        """The call as currently edited (private parameters and headers carry no value)."""
        if self._call is None:
            raise RuntimeError("CallEditor.to_model() before load()")
        call = self._call
        if not self.is_mounted:
            return call
        return replace(
            call,
            method=Method(self._choice("#method")),
            url=self.query_one("#url", Input).value,
            use_as=UseAs(self._choice("#use-as")),
            parameters=self.query_one(ParameterTable).to_model(),
            headers=self.query_one(HeaderTable).to_model(),
            body_type=BodyType(self._choice("#body-type")),
            content_type=self.query_one("#content-type", Input).value,
            body=self.query_one("#body", TextArea).text,
            response_type=ResponseType(self._choice("#response-type")),
            options=CallOptions(
                timeout=self._timeout(call.options.timeout),
                follow_redirects=self._checked("#follow-redirects"),
                verify_tls=self._checked("#verify-tls"),
                include_errors=self._checked("#include-errors"),
                capture_headers=self._checked("#capture-headers"),
            ),
            notes=self.query_one("#notes", TextArea).text,
        )

    def edited(self, item: TreeItem | None, model: Call) -> Message:
        return self.CallEdited(item, model)

    def _show(
        self, provider: Provider, call: Call, environment: str, secrets: PrivateValueAccess
    ) -> None:
        self.query_one("#method", Select).value = call.method.value
        self.query_one("#url", Input).value = call.url
        self.query_one("#use-as", Select).value = call.use_as.value
        self.query_one(ParameterTable).load(
            call.parameters,
            provider=provider,
            call=call,
            environment=environment,
            secrets=secrets,
            own=self._own,
        )
        self.query_one(HeaderTable).load(
            call.headers,
            provider=provider,
            call=call,
            environment=environment,
            secrets=secrets,
        )
        self.query_one("#body-type", Select).value = call.body_type.value
        self.query_one("#content-type", Input).value = call.content_type
        self.query_one("#body", TextArea).text = call.body
        self.query_one("#response-type", Select).value = call.response_type.value
        timeout = call.options.timeout
        self.query_one("#timeout", Input).value = "" if timeout is None else f"{timeout:g}"
        self.query_one("#follow-redirects", Checkbox).value = call.options.follow_redirects
        self.query_one("#verify-tls", Checkbox).value = call.options.verify_tls
        self.query_one("#include-errors", Checkbox).value = call.options.include_errors
        self.query_one("#capture-headers", Checkbox).value = call.options.capture_headers
        self.query_one("#notes", TextArea).text = call.notes
        self._show_content_type()

    @on(Select.Changed, "#body-type")
    def _show_content_type(self) -> None:
        # The content type is the call's own only for raw bodies; the others set their own.
        raw = self.query_one("#body-type", Select).value == BodyType.RAW.value
        self.query_one("#content-type-label").display = raw
        self.query_one("#content-type").display = raw

    def _choice(self, selector: str) -> str:
        return str(self.query_one(selector, Select).value)

    def _checked(self, selector: str) -> bool:
        return self.query_one(selector, Checkbox).value

    def _timeout(self, loaded: float | None) -> float | None:
        """The typed timeout, None when the field is empty (the default); the loaded one while
        the text is not a positive number."""
        text = self.query_one("#timeout", Input).value
        if not text.strip():
            return None
        try:
            timeout = float(text)
        except ValueError:
            return loaded
        return timeout if math.isfinite(timeout) and timeout > 0 else loaded
