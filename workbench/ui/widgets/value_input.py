"""An input for a value of the workspace: plain, or the current environment's entry."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from workbench.core.workspace import PerEnvironment, Value, value_for


def shown_text(value: Value, environment: str) -> str:
    """The text an editor shows for `value` in `environment` ("" when it has none there)."""
    return value_for(value, environment) or ""


def edited_value(original: Value, environment: str, text: str) -> Value:
    """`original` once the user has made `text` its value in `environment`.

    A plain value simply becomes `text`. A per-environment value keeps its
    other entries and gets `text` for this environment; when the text is what
    was shown, the original comes back unchanged, so an untouched editor
    gives an equal model.
    """
    if not isinstance(original, PerEnvironment):
        return text
    if text == shown_text(original, environment):
        return original
    return PerEnvironment({**original.values, environment: text})


class ValueInput(Input):
    """An `Input` over a `Value`; a per-environment value is edited for the current environment."""

    def __init__(self, value: Value = "", *, environment: str, **kwargs: Any) -> None:
        super().__init__(shown_text(value, environment), **kwargs)
        self._original = value
        self._environment = environment
        self._describe()

    def load(self, value: Value, environment: str) -> None:
        """Show `value` as it is in `environment`."""
        self._original = value
        self._environment = environment
        self.value = shown_text(value, environment)
        self._describe()

    @property
    def per_environment(self) -> bool:
        """Whether the value differs per environment (only this environment's entry is edited)."""
        return isinstance(self._original, PerEnvironment)

    def to_model(self) -> Value:
        """The value as edited."""
        return edited_value(self._original, self._environment, self.value)

    def _describe(self) -> None:
        self.set_class(self.per_environment, "-per-environment")
        self.tooltip = (
            f"Differs per environment: this is the {self._environment} value"
            if self.per_environment
            else None
        )
