"""A provider's authentication settings as a form generated from the method's declared settings.

Nothing here knows a particular method: each `AuthSetting` becomes a field
(a choice a `Select`, a multiline setting a small `TextArea`, a private one
a masked `PrivateInput`), so a method added to `workbench.core.auth.METHODS`
gets its form for free.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalGroup
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from workbench.core import auth as auth_methods
from workbench.core.auth import AuthSetting
from workbench.core.desk import PrivateValueAccess
from workbench.core.secrets import Owner, SecretAddress
from workbench.core.workspace import Auth, PerEnvironment, Value
from workbench.ui.widgets.private_input import PrivateInput
from workbench.ui.widgets.value_input import edited_value, shown_text

# The widget holding a plain setting's text.
SettingWidget = Input | Select[str] | TextArea


class AuthForm(Widget):
    """One method's settings; private ones go to the secret store, never into the model."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loaded = Auth()
        self._shown = Auth()  # the method shown, with the settings its fields started from
        self._provider: Owner | str = ""
        self._environment = ""
        self._secrets: PrivateValueAccess | None = None
        self._box: VerticalGroup | None = None
        self._fields: dict[str, SettingWidget] = {}

    def load(
        self, auth: Auth, *, provider: Owner, environment: str, secrets: PrivateValueAccess
    ) -> None:
        """Show `auth`, the authentication of `provider`, as it is in `environment`."""
        self._loaded = auth
        self._provider = provider
        self._environment = environment
        self._secrets = secrets
        self._build(auth)

    def show_method(self, method: str) -> None:
        """Show the settings of `method`: the loaded ones for the loaded method, else empty ones."""
        if method != self._shown.method:
            self._build(self._loaded if method == self._loaded.method else Auth(method))

    def to_model(self) -> Auth:
        """The authentication as edited (plain settings only)."""
        if self._box is None or not self._box.is_mounted:
            # Until the fields are on screen, nobody can have changed them.
            return self._shown
        settings: dict[str, Value] = {}
        for name, widget in self._fields.items():
            text = _text_of(widget)
            original = self._shown.settings.get(name)
            if original is not None:
                settings[name] = edited_value(original, self._environment, text)
            elif text:
                settings[name] = text
        return replace(self._shown, settings=settings)

    def _build(self, auth: Auth) -> None:
        self._shown = auth
        self._fields = {}
        method = auth_methods.method(auth.method)
        self._box = VerticalGroup(*self._compose_fields(method.settings if method else ()))
        # Through the message queue, one form after the other: removing fields
        # that are still being mounted would break them.
        self.call_later(self._show_box, self._box)

    async def _show_box(self, box: VerticalGroup) -> None:
        if box is not self._box:
            return  # another method was chosen before this form was shown
        await self.remove_children()
        await self.mount(box)

    def _compose_fields(self, settings: tuple[AuthSetting, ...]) -> ComposeResult:
        if not settings:
            yield Static("This method has no settings.", classes="auth-help")
        for setting in settings:
            original = self._shown.settings.get(setting.name)
            label = setting.label if setting.required else f"{setting.label} (optional)"
            yield Horizontal(
                Label(label, classes="auth-label", markup=False),
                self._field(setting, original),
                classes="auth-setting",
            )
            notes = [setting.help] if setting.help else []
            if isinstance(original, PerEnvironment):
                notes.insert(0, f"Per environment: editing the {self._environment} value.")
            if notes:
                yield Static(" ".join(notes), classes="auth-help", markup=False)

    def _field(self, setting: AuthSetting, original: Value | None) -> Widget:
        widget_id = f"auth-{setting.name}"
        if setting.private:
            assert self._secrets is not None
            return PrivateInput(
                SecretAddress.auth(self._provider, setting.name),
                secrets=self._secrets,
                environment=self._environment,
                multiline=setting.multiline,
                compact=True,
                id=widget_id,
            )
        text = shown_text(original, self._environment) if original is not None else ""
        widget: SettingWidget
        if setting.choices:
            # A value outside the choices (hand-edited file) stays selectable rather than lost.
            choices = setting.choices + ((text,) if text and text not in setting.choices else ())
            widget = Select(
                [(choice, choice) for choice in choices],
                value=text or Select.NULL,
                prompt=f"default: {setting.default}" if setting.default else "choose",
                compact=True,
                id=widget_id,
            )
        elif setting.multiline:
            widget = TextArea(text, compact=True, id=widget_id, classes="auth-multiline")
        else:
            widget = Input(text, placeholder=setting.default, compact=True, id=widget_id)
        self._fields[setting.name] = widget
        return widget


def _text_of(widget: SettingWidget) -> str:
    if isinstance(widget, Select):
        return "" if widget.is_blank() else str(widget.value)
    if isinstance(widget, TextArea):
        return widget.text
    return widget.value
