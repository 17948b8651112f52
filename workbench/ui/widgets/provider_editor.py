"""The editor of one provider: base URL on top; auth, shared headers and params, notes in tabs.

It turns a `Provider` into fields and back; the provider's calls pass
through untouched, and renaming is the screen's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Select, Static, TabbedContent, TabPane, TextArea

from workbench.core import auth as auth_methods
from workbench.core.desk import PrivateValueAccess, TreeItem
from workbench.core.sending import shown_proxy
from workbench.core.terminal_text import visible
from workbench.core.workspace import PerEnvironment, Provider, ValueSlot, value_for
from workbench.ui.own_values import own_note
from workbench.ui.widgets.auth_form import AuthForm
from workbench.ui.widgets.header_table import HeaderTable
from workbench.ui.widgets.model_editor import ModelEditor
from workbench.ui.widgets.parameter_table import ParameterTable
from workbench.ui.widgets.private_input import PrivateValueStored
from workbench.ui.widgets.value_input import ValueInput


class ProviderEditor(ModelEditor[Provider]):
    """Edits one provider's settings; posts `ProviderEdited` whenever the user changes them."""

    class ProviderEdited(Message):
        """The user changed the provider being edited."""

        def __init__(self, item: TreeItem | None, provider: Provider) -> None:
            super().__init__()
            self.item = item
            self.provider = provider

    PrivateValueStored = PrivateValueStored
    FIRST_FIELD = "#base-url"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._provider: Provider | None = None
        self._environments: tuple[str, ...] = ()
        self._environment = ""
        self._secrets: PrivateValueAccess | None = None
        self._base_url_override: str | None = None
        self._own: dict[ValueSlot, str] = {}  # the person's own values, marked "(local)"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="provider-line"):
            yield Static("", id="provider-name", markup=False)
            yield Label("Base URL", classes="field-label")
            yield ValueInput(
                environment="",
                placeholder="https://api.example.com",
                compact=True,
                id="base-url",
            )
        yield Static("", id="base-url-hint", markup=False)
        with TabbedContent(id="provider-tabs"):
            with TabPane("Auth", id="provider-auth"), VerticalScroll(can_focus=False):
                yield Select(
                    [(method.label, name) for name, method in auth_methods.METHODS.items()],
                    allow_blank=False,
                    compact=True,
                    id="auth-method",
                    tooltip="Authentication method",
                )
                yield AuthForm(id="auth")
            with TabPane("Headers", id="provider-headers"), VerticalScroll(can_focus=False):
                yield HeaderTable(id="headers")
            with TabPane("Params", id="provider-params"), VerticalScroll(can_focus=False):
                yield ParameterTable(id="parameters")
            with TabPane("Notes", id="provider-notes"):
                yield TextArea(soft_wrap=True, compact=True, id="notes")

    def load(
        self,
        provider: Provider,
        *,
        environments: tuple[str, ...],
        environment: str,
        secrets: PrivateValueAccess,
        item: TreeItem | None = None,
        base_url_override: str | None = None,
        own: Mapping[ValueSlot, str] | None = None,
    ) -> None:
        """Show `provider`, with per-environment values as they are in `environment`;
        `base_url_override` is where this run sends instead (`--base-url`), said, not edited;
        `own`: the person's own values there (`WorkspaceDocument.own_values`), marked."""
        self._own = {s: w for s, w in (own or {}).items() if s.call is None}
        self._provider = provider
        self._base_url_override = base_url_override
        self._environments = environments
        self._environment = environment
        self._secrets = secrets
        self.loaded(item, provider)
        if self.is_mounted:
            self._show(provider, environment, secrets)

    def on_mount(self) -> None:
        if self._provider is not None and self._secrets is not None:
            self._show(self._provider, self._environment, self._secrets)

    def to_model(self) -> Provider:
        """The provider as edited: its calls as loaded, private values left out."""
        if self._provider is None:
            raise RuntimeError("ProviderEditor.to_model() before load()")
        if not self.is_mounted:
            return self._provider
        return replace(
            self._provider,
            base_url=self.query_one("#base-url", ValueInput).to_model(),
            auth=self.query_one(AuthForm).to_model(),
            headers=self.query_one(HeaderTable).to_model(),
            parameters=self.query_one(ParameterTable).to_model(),
            notes=self.query_one("#notes", TextArea).text,
        )

    def edited(self, item: TreeItem | None, model: Provider) -> Message:
        return self.ProviderEdited(item, model)

    def _show(self, provider: Provider, environment: str, secrets: PrivateValueAccess) -> None:
        self.query_one("#provider-name", Static).update(visible(provider.name))
        self.query_one("#base-url", ValueInput).load(provider.base_url, environment)
        self._show_base_url_hint()
        self.query_one(AuthForm).load(
            provider.auth, provider=provider, environment=environment, secrets=secrets
        )
        self.query_one("#auth-method", Select).value = provider.auth.method
        self.query_one(HeaderTable).load(
            provider.headers,
            provider=provider,
            call=None,
            environment=environment,
            secrets=secrets,
        )
        self.query_one(ParameterTable).load(
            provider.parameters,
            provider=provider,
            call=None,
            environment=environment,
            secrets=secrets,
            own={s: w for s, w in self._own.items() if s.kind == "parameter"},
        )
        self.query_one("#notes", TextArea).text = provider.notes

    @on(Select.Changed, "#auth-method")
    def _method_chosen(self) -> None:
        # The select's current value, not the message's: a message from an earlier load may be late.
        method = self.query_one("#auth-method", Select).value
        if isinstance(method, str):
            self.query_one(AuthForm).show_method(method)

    def _show_base_url_hint(self) -> None:
        """Where the calls really go when that is not simply the field: overridden for this
        run, one value per environment, through the provider's proxy."""
        base_url = self._provider.base_url if self._provider else ""
        lines = []
        if self._base_url_override is not None:
            # The field keeps the file's URL: that is what is edited and saved.
            lines.append(f"This run sends to {self._base_url_override} (--base-url)")
        own_base_url = {s: w for s, w in self._own.items() if s.kind == "base_url"}
        if own_base_url:
            lines.extend(own_note(own_base_url, edited_here=True).splitlines())
        base_url_input = self.query_one("#base-url", ValueInput)
        base_url_input.set_class(bool(own_base_url), "-own")
        if isinstance(base_url, PerEnvironment):
            others = ", ".join(
                f"{name}: {base_url.values[name]}"
                for name in self._environments
                if name != self._environment and name in base_url.values
            )
            lines.append(
                f"Per environment: editing the {self._environment} value"
                + (f" ({others})" if others else "")
            )
        proxy = value_for(self._provider.proxy, self._environment) if self._provider else ""
        if proxy:
            # Edited in the workspace file only; said here so that a failure is no surprise.
            lines.append(f"Through the proxy {shown_proxy(proxy)} (proxy in the workspace file)")
        hint = self.query_one("#base-url-hint", Static)
        hint.display = bool(lines)
        hint.update("\n".join(visible(line) for line in lines))
