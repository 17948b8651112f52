"""The editable list of a call's or provider's headers: name, value, private."""

from __future__ import annotations

from workbench.core.secrets import Owner, SecretAddress
from workbench.core.workspace import Header
from workbench.ui.widgets.rows_editor import RowContext, RowEditor, RowsEditor


class HeaderTable(RowsEditor[Header]):
    """Headers, one per line; private ones are entered masked and kept in the secret store."""

    COLUMNS = (("Name", "row-name"), ("Value", "row-value"), ("Priv", "row-private"))
    NOUN = "header"

    def address_of(self, provider: Owner, name: str, call: Owner | None) -> SecretAddress:
        return SecretAddress.header(provider, name, call)

    def new_row(self, model: Header, context: RowContext) -> RowEditor[Header]:
        return RowEditor(model, context)

    def empty_model(self) -> Header:
        return Header(name="")
