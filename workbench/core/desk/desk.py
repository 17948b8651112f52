"""The desk's state: open documents, the selection, environments, the response shown.

Flows (sending, saving, tree edits, initializing, chaining, logging in) are one module
each and act through the few members here: `selected_call`, `apply_edit`,
`show`, `ask`. Every change is published as a `Change`, so a screen redraws
exactly what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Flag, auto
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.desk.ask import Ask, Choice
from workbench.core.desk.body_file import save_body
from workbench.core.desk.chaining import ChainFlow
from workbench.core.desk.documents import DocumentFlows
from workbench.core.desk.filling import FillFlow
from workbench.core.desk.history import HistoryFlow
from workbench.core.desk.initializing import InitializeFlow
from workbench.core.desk.items import TreeItem
from workbench.core.desk.logging_in import LoginFlow
from workbench.core.desk.private_values import KeptByDesk
from workbench.core.desk.response import Answered, AnswerOf, Idle, NotSent, ResponseState
from workbench.core.desk.saving import SaveFlow
from workbench.core.desk.sending import SendFlow
from workbench.core.desk.tree_edits import TreeEdits
from workbench.core.desk.workspace_edits import WorkspaceEdits
from workbench.core.errors import WorkbenchError
from workbench.core.interop import export_command
from workbench.core.secrets.sources import PersonalSources
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.editing import EditError, Renamed, replace_call, replace_provider
from workbench.core.workspace.environments import ValueSlot
from workbench.core.workspace.model import Call, Defaults, Provider, Workspace

if TYPE_CHECKING:
    from workbench.core.sending.session import CallResult


class Change(Flag):
    """What a screen must redraw."""

    TREE = auto()  # the documents' tree, title and environment
    EDITOR = auto()  # the selected item's editor: load it again
    RESPONSE = auto()  # `Desk.response`
    BUSY = auto()  # a call started or ended: keys that depend on it
    PRIVATE_VALUES = auto()  # a private value was stored: the editors say which are set
    QUIT = auto()  # the user chose to quit


Listener = Callable[[Change], None]
ANSWERS_KEPT = 20  # calls whose latest response is kept (per environment)


@dataclass(frozen=True)
class Undo:
    """An edit ctrl+z can take back: the document's workspace and selection before it."""

    document: WorkspaceDocument
    workspace: Workspace
    selected: TreeItem | None
    edit: Renamed
    what: str


class Desk:
    """The application's logic over a set of open workspace documents."""

    def __init__(
        self,
        documents: Sequence[WorkspaceDocument],
        ask: Ask,
        *,
        selected: TreeItem | None = None,
        environment: str | None = None,
        folder: Path | None = None,
        defaults: Defaults | None = None,
        sources: PersonalSources | None = None,
    ) -> None:
        """`folder`: where new and opened workspace files are taken from (default: the first
        document's folder, else the current one); `defaults`: the user's, for the workspaces
        opened or made here (default: the first document's); `sources`: the user's own sources
        of private values (and store choice), for those opened with no other open."""
        self.documents = list(documents)
        self.ask = ask
        self.selected: TreeItem | None = selected or (
            TreeItem(self.documents[0]) if self.documents else None
        )
        # The environment chosen per document; `--env` applies to those that have it.
        self._environments: dict[WorkspaceDocument, str] = {
            d: environment
            for d in self.documents
            if environment is not None and environment in d.workspace.environments
        }
        self.response: ResponseState = Idle()
        # Each call's latest response per environment, the most recent last (see `show`).
        self._answers: dict[AnswerOf, ResponseState] = {}
        self._undo: list[Undo] = []
        self._listeners: list[Listener] = []
        self.sending = SendFlow(self)
        self.saving = SaveFlow(self)
        self.tree = TreeEdits(self)
        self.initializing = InitializeFlow(self)
        self.chaining = ChainFlow(self)
        self.workspace = WorkspaceEdits(self)
        if folder is None:
            folder = self.documents[0].path.parent if self.documents else Path.cwd()
        if defaults is None:
            defaults = self.documents[0].defaults if self.documents else Defaults()
        self.files = DocumentFlows(self, folder, defaults, sources)
        self.logging_in = LoginFlow(self)
        self.filling = FillFlow(self)
        self.history = HistoryFlow(self)
        self._show_selected()

    # --- publishing ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def publish(self, change: Change) -> None:
        for listener in self._listeners:
            listener(change)

    def publish_tree(self) -> None:
        """The documents changed in a way the tree shows (saved, renamed...)."""
        self.publish(Change.TREE)

    def publish_editor(self) -> None:
        """What the editor shows changed (environments, values): the tree and badge too."""
        self.publish(Change.TREE | Change.EDITOR)

    def publish_busy(self) -> None:
        """A call started or ended."""
        self.publish(Change.BUSY)

    def publish_private_values(self) -> None:
        """A private value was stored outside the editors (asked for by a send)."""
        self.publish(Change.PRIVATE_VALUES)

    def show(self, of: AnswerOf, state: ResponseState) -> None:
        """Keep `state` as the latest of `of`; shown now if `of` is the selected call's."""
        self._answers.pop(of, None)
        self._answers[of] = state
        while len(self._answers) > ANSWERS_KEPT:  # a big body each: the oldest go
            del self._answers[next(iter(self._answers))]
        if of == self.answer_of(self.selected):
            self.response = state
            self.publish(Change.RESPONSE)

    def show_only(self, state: ResponseState) -> None:
        """Show `state` now, kept for no call (a past response of a call that is not open)."""
        self.response = state
        self.publish(Change.RESPONSE)

    def answer_of(self, item: TreeItem | None) -> AnswerOf | None:
        """Whose response `item` shows: its call in its document's environment (None for a
        workspace or a provider)."""
        if item is None or item.provider is None or item.call is None:
            return None
        return AnswerOf(item.document, item.provider, item.call, self.environment_of(item.document))

    @property
    def shown_answer(self) -> tuple[WorkspaceDocument, CallResult] | None:
        """The document and result of the answer shown, if an answer is shown."""
        if isinstance(self.response, Answered) and self.selected is not None:
            return self.selected.document, self.response.result
        return None

    def _show_selected(self) -> None:
        """Show the selected call's latest response (after a change of selection or
        environment): its answer, or that it was not sent yet."""
        of = self.answer_of(self.selected)
        state: ResponseState = Idle()
        if of is not None:
            state = self._answers.get(of) or NotSent(of.name, of.environment)
        if state is self.response or (isinstance(state, Idle | NotSent) and state == self.response):
            return
        self.response = state
        self.publish(Change.RESPONSE)

    def _rename_answers(self, old: TreeItem, new: TreeItem) -> None:
        """A call or provider renamed in the editor keeps its responses."""
        if (old.provider, old.call) == (new.provider, new.call):
            return
        renamed: dict[AnswerOf, ResponseState] = {}
        for of, state in self._answers.items():
            if of.document is old.document and of.provider == old.provider:
                if old.call is None or of.call == old.call:
                    of = AnswerOf(
                        of.document, new.provider or "", new.call or of.call, of.environment
                    )
            renamed[of] = state
        self._answers = renamed

    async def save_body(self, *, revealing: bool) -> Path | None:
        """Save the shown answer's body to a file the user names (`body_file`)."""
        return await save_body(self, revealing=revealing)

    # --- selection and environment ------------------------------------------------------------

    def select(self, item: TreeItem) -> None:
        if item != self.selected:
            self.selected = item
            self.publish(Change.TREE | Change.EDITOR)
            self._show_selected()

    def reselect(self, item: TreeItem | None) -> None:
        """Select `item` and load its editor again, even when it was selected (its model
        changed underneath, e.g. reloaded from disk)."""
        self.selected = item
        self.publish(Change.TREE | Change.EDITOR)
        self._show_selected()

    def current_document(self) -> WorkspaceDocument | None:
        if self.selected is not None:
            return self.selected.document
        return self.documents[0] if self.documents else None

    def environment_of(self, document: WorkspaceDocument) -> str:
        chosen = self._environments.get(document)
        environments = document.workspace.environments
        return chosen if chosen in environments else document.workspace.default_environment

    def set_environment(self, document: WorkspaceDocument, environment: str) -> None:
        self._environments[document] = environment
        self.publish(Change.TREE | Change.EDITOR)
        self._show_selected()

    async def choose_environment(self) -> None:
        """Ask which environment the current document's calls go to (digits pick one), and
        say which it is now. Asked, not cycled: a key pressed by habit must not send the next
        call to `live`."""
        document = self.current_document()
        if document is None:
            return
        workspace, current = document.workspace, self.environment_of(document)
        choices = [
            Choice(
                str(number),
                f"{name} (now)" if name == current else name,
                name,
                "primary" if name == workspace.default_environment else "warning",
            )
            for number, name in enumerate(workspace.environments[:9], start=1)
        ]
        question = (
            f"Where the calls of {document.title} are sent; now {current}. "
            f"Anything but {workspace.default_environment} is highlighted in the status bar."
        )
        chosen = await self.ask.choose("Environment", question, choices)
        if chosen is None or chosen == current:
            return
        self.set_environment(document, chosen)
        self.ask.tell(f"Environment: {chosen}", timeout=2)

    def selected_call(self, purpose: str) -> tuple[WorkspaceDocument, Provider, Call] | None:
        """The selected call as edited; None, with a notice saying to select a call `purpose`
        (e.g. "to send it"), when the selection is a workspace or provider."""
        item = self.selected
        provider = item.provider_model if item else None
        call = item.call_model if item else None
        if item is None or provider is None or call is None:
            self.ask.tell(f"Select a call in the tree {purpose}.", severity="warning")
            return None
        return item.document, provider, call

    def shell_command(self, tool: str = "curl") -> str | None:
        """The selected call as the curl (or "httpie") command that sends what it sends, its
        private values as environment variable references; None (having said why) when
        there is none."""
        selected = self.selected_call(f"to copy it as a {tool} command")
        if selected is None:
            return None
        document, provider, call = selected
        try:
            return export_command(
                tool,
                document.workspace,
                provider,
                call,
                environment=self.environment_of(document),
                secrets=document.secrets,
                base_url=document.base_url,
                folder=document.path.parent,
            )
        except WorkbenchError as error:
            self.ask.tell(str(error), title=f"No {tool} command", severity="warning")
            return None

    # --- edits --------------------------------------------------------------------------------

    def edit_call(self, item: TreeItem, call: Call) -> None:
        """The user edited `item`'s call in the editor (a rename included)."""
        if item.provider is None or item.call is None:
            return
        try:
            renamed = replace_call(item.document.workspace, item.provider, item.call, call)
        except EditError as error:
            self.ask.tell(str(error), title="Name not taken over", severity="warning")
            return
        self._edited(item, renamed, TreeItem(item.document, item.provider, call.name.strip()))

    def edit_provider(self, item: TreeItem, provider: Provider) -> None:
        """The user edited `item`'s provider in the editor (a rename included)."""
        if item.provider is None or item.call is not None:
            return
        try:
            renamed = replace_provider(item.document.workspace, item.provider, provider)
        except EditError as error:
            self.ask.tell(str(error), title="Name not taken over", severity="warning")
            return
        self._edited(item, renamed, TreeItem(item.document, provider.name.strip()))

    def _edited(self, item: TreeItem, renamed: Renamed, now: TreeItem) -> None:
        if renamed.workspace == item.document.workspace:
            return
        selected = now if item == self.selected else self.selected
        self._rename_answers(item, now)
        self.apply_edit(item.document, renamed, selected, reload_editor=False)

    def apply_edit(
        self,
        document: WorkspaceDocument,
        renamed: Renamed,
        selected: TreeItem | None,
        *,
        reload_editor: bool = True,
        undo: str | None = None,
    ) -> None:
        """Put an edited workspace in its document and select `selected`; `undo` names what
        the edit takes away (e.g. "the call Demo/Get user") when ctrl+z may bring it back."""
        if undo is not None:
            self._undo.append(Undo(document, document.workspace, self.selected, renamed, undo))
        document.update(renamed.workspace, renamed.moves)
        self.selected = selected
        self.publish(Change.TREE | Change.EDITOR if reload_editor else Change.TREE)
        self._show_selected()

    def keep_own(self, document: WorkspaceDocument, slot: ValueSlot) -> None:
        """Make a base URL or parameter value the person's own (`WorkspaceDocument.keep_own`),
        saying what that means or why it cannot be."""
        what = "the base URL" if slot.kind == "base_url" else f"the value of {slot.name}"
        problem = document.keep_own(slot)
        if problem is not None:
            self.ask.tell(f"Not made yours: {problem}.", severity="warning")
            return
        self.publish(Change.TREE | Change.EDITOR)
        self.ask.tell(
            f"{what[0].upper()}{what[1:]} is yours only now: edits of it go to "
            f"{document.local_path.name} (out of git), not the shared file. Save to keep it."
        )

    def undo(self) -> None:
        """Bring back what the last undoable edit took away, as it was."""
        if not self._undo:
            self.ask.tell("Nothing to undo.", timeout=2)
            return
        undo = self._undo.pop()
        undo.document.restore(undo.workspace, undo.edit.moves)
        self.reselect(undo.selected)
        self.ask.tell(f"Brought back {undo.what}.", timeout=3)

    def private_values(self, document: WorkspaceDocument) -> KeptByDesk:
        """What the editors of `document` read and store private values through."""
        return KeptByDesk(document, self.ask)

    async def aclose(self) -> None:
        for document in self.documents:
            await document.aclose()
