"""What the call and provider editors share: telling the screen when the user changed the model."""

from __future__ import annotations

from typing import ClassVar, Generic, Self, TypeVar

from textual import on
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from workbench.core.desk import TreeItem
from workbench.ui.widgets.rows_editor import RowsEditor

Model = TypeVar("Model")


class ModelEditor(Widget, Generic[Model]):
    """An editor of one model object that posts `edited(model)` whenever the edited model changes.

    Every field change is compared with the model last reported, so the
    changes that loading itself causes (widgets posting `Changed` for the
    values they were given) never look like edits.
    """

    # The field that gets the focus when the editor is given it.
    FIRST_FIELD: ClassVar[str]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._reported: Model | None = None
        self.item: TreeItem | None = None  # what the loaded model is, for the desk

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the editor's first field (the editor itself cannot hold the focus)."""
        self.query_one(self.FIRST_FIELD).focus(scroll_visible)
        return self

    def to_model(self) -> Model:
        """The model as currently edited."""
        raise NotImplementedError

    def edited(self, item: TreeItem | None, model: Model) -> Message:
        """The message telling the screen about an edit of `item`."""
        raise NotImplementedError

    def loaded(self, item: TreeItem | None, model: Model) -> None:
        """Remember the freshly loaded model, which is not an edit."""
        self.item = item
        self._reported = model

    def take_edit(self) -> tuple[TreeItem | None, Model] | None:
        """The edit not reported yet (its message still queued), now reported; None if none."""
        if self._reported is None:
            return None
        model = self.to_model()
        if model == self._reported:
            return None
        self._reported = model
        return self.item, model

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    @on(RowsEditor.RowsChanged)
    def _field_changed(self) -> None:
        edit = self.take_edit()
        if edit is not None:
            self.post_message(self.edited(*edit))
