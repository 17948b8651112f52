"""The editable list of a call's or provider's parameters: name, value and their flags."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from workbench.core.secrets import Owner, SecretAddress
from workbench.core.workspace import Location, Parameter, ValueSlot
from workbench.ui.widgets.rows_editor import RowContext, RowEditor, RowsEditor

# "auto" stands for no `in`: the location is decided from where the parameter is used.
AUTO = "auto"
LOCATIONS = [(AUTO, AUTO)] + [(location.value, location.value) for location in Location]


class ParameterRow(RowEditor[Parameter]):
    """One parameter: the shared columns, then optional, allow blank, in and file.

    A chained parameter (`source`) shows where its value comes from; the
    chain itself is edited elsewhere and passes through unchanged.
    """

    def __init__(self, model: Parameter, context: RowContext) -> None:
        super().__init__(model, context)
        if model.source is not None:
            # Chained: the value comes from another call's response when this one is sent.
            self._value_input.placeholder = (
                f"from {model.source.call}: {model.source.path or '(all)'}"
            )
        self._optional_checkbox = Checkbox(
            value=model.optional,
            compact=True,
            classes="row-optional",
            tooltip="Optional: with no value, the parameter is left out",
        )
        self._blank_checkbox = Checkbox(
            value=model.allow_blank,
            compact=True,
            classes="row-allow-blank",
            tooltip="Allow blank: with no value, the parameter is sent empty",
        )
        self._location_select = Select(
            LOCATIONS,
            value=model.location.value if model.location else AUTO,
            allow_blank=False,
            compact=True,
            classes="row-in",
            tooltip="Where it is sent; auto decides from the URL, the body and the method",
        )
        self._file_checkbox = Checkbox(
            value=model.file,
            compact=True,
            classes="row-file",
            tooltip="File: in a multipart body, the value is the path of a file to upload",
        )

    def compose_flags(self) -> ComposeResult:
        yield self._optional_checkbox
        yield self._blank_checkbox
        yield self._location_select
        yield self._file_checkbox

    def flags(self) -> dict[str, Any]:
        location = self._location_select.value
        return {
            "optional": self._optional_checkbox.value,
            "allow_blank": self._blank_checkbox.value,
            "location": Location(location)
            if isinstance(location, str) and location != AUTO
            else None,
            "file": self._file_checkbox.value,
        }

    def value_slot(self) -> ValueSlot:
        """Where this row's value is in the workspace (for making it a person's own)."""
        context = self._row_context
        call = context.call.name if context.call is not None else None
        return ValueSlot(context.provider.name, call, "parameter", self.to_model().name)

    def to_model(self) -> Parameter:
        parameter = super().to_model()
        # A value typed here, or making it private, takes over from the call it was chained to.
        if parameter.source is not None and (parameter.value or parameter.private):
            return replace(parameter, source=None)
        return parameter


class ParameterTable(RowsEditor[Parameter]):
    """Parameters, one per line; private ones are entered masked and kept in the secret store."""

    COLUMNS = (
        ("Name", "row-name"),
        ("Value", "row-value"),
        ("Priv", "row-private"),
        ("Opt", "row-optional"),
        ("Blank", "row-allow-blank"),
        ("In", "row-in"),
        ("File", "row-file"),
    )
    NOUN = "parameter"

    def address_of(self, provider: Owner, name: str, call: Owner | None) -> SecretAddress:
        return SecretAddress.parameter(provider, name, call)

    def new_row(self, model: Parameter, context: RowContext) -> ParameterRow:
        return ParameterRow(model, context)

    def empty_model(self) -> Parameter:
        return Parameter(name="")
