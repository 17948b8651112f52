"""The editable list of a call's or provider's headers: name, value, private."""

from __future__ import annotations

from workbench.core.secrets import header_field
from workbench.core.workspace import Header
from workbench.ui.widgets.rows_editor import RowContext, RowEditor, RowsEditor


class HeaderTable(RowsEditor[Header]):
    """Headers, one per line; private ones are entered masked and kept in the secret store."""

    COLUMNS = (("Name", "row-name"), ("Value", "row-value"), ("Priv", "row-private"))
    NOUN = "header"
    FIELD = header_field

    def new_row(self, model: Header, context: RowContext) -> RowEditor[Header]:
        return RowEditor(model, context)

    def empty_model(self) -> Header:
        return Header(name="")
