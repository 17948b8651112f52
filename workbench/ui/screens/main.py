"""The main screen: the workspace tree, the editor of what it selects, the response, the keys.

The screen owns the open documents. Data goes down (the tree and the
editors are given models to show) and messages come up (the tree reports
the item under its cursor, editors report edits); every change to a
workspace goes through `workbench.core.workspace.editing` and `WorkspaceDocument`.
Sending, editing the tree and saving are one helper each (`SendFlow`,
`TreeEditing`, `SaveFlow`); the screen binds their keys and runs their workers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static
from textual.worker import Worker

from workbench.core.desk import TreeItem
from workbench.core.terminal_text import visible
from workbench.core.workspace import (
    Call,
    EditError,
    Provider,
    Renamed,
    UseAs,
    WorkspaceDocument,
    full_name,
    replace_call,
    replace_provider,
)
from workbench.ui.screens.chaining import ChainFlow
from workbench.ui.screens.initializing import InitializeFlow
from workbench.ui.screens.saving import SaveFlow
from workbench.ui.screens.sending import SendFlow, Sending
from workbench.ui.screens.tree_editing import TreeEditing
from workbench.ui.widgets.call_editor import CallEditor
from workbench.ui.widgets.environment_badge import EnvironmentBadge
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.private_input import PrivateValueStored
from workbench.ui.widgets.provider_editor import ProviderEditor
from workbench.ui.widgets.response_view import ResponseView
from workbench.ui.widgets.workspace_tree import WorkspaceTree

if TYPE_CHECKING:
    from workbench.core.sending import CallResult

EditorT = TypeVar("EditorT", CallEditor, ProviderEditor)

HINT = """\
Tree keys: n new call · N new provider · r rename
d duplicate · del delete · K / J move up / down
ctrl+j send · ctrl+e environment · ctrl+s save
F6 initialize: send, learn the response shape
ctrl+b hide the tree · ctrl+p commands · F1 all keys"""


class MainScreen(Screen[None]):
    """Tree on the left (ctrl+b hides it), editor above the response, keys at the bottom."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j,f5", "send", "Send", tooltip="Send the selected call", priority=True),
        Binding(
            "f6",
            "initialize",
            "Init",
            tooltip="Initialize: send, learn the response shape",
            # Priority, as send: the body editor (a TextArea) would take F6 as "select line".
            priority=True,
        ),
        Binding(
            "shift+f6",
            "initialize_from_sample",
            "Init from sample",
            tooltip="Initialize from a pasted response",
            show=False,
            priority=True,
        ),
        Binding("escape", "cancel_send", "Cancel", tooltip="Cancel the call in flight"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the workspace files", priority=True),
        Binding(
            "ctrl+e",
            "next_environment",
            "Env",
            tooltip="Next environment (development, live...)",
            priority=True,
        ),
        Binding(
            "ctrl+b",
            "toggle_tree",
            "Tree",
            tooltip="Show or hide the workspace tree",
            show=False,  # the footer keeps room for "esc Cancel" at 80 columns
        ),
        Binding(
            "f7",
            "refresh_data",
            "Refresh",
            tooltip="Refresh: send the selected data call again",
            show=False,
            priority=True,  # the body editor would take F7 as "select all"
        ),
        Binding("ctrl+t", "focus_tree", "Focus tree", show=False),
        Binding("ctrl+o", "go_to_call", "Go to call", show=False),
        # Not ctrl+r: in a private field that reveals the value, and a key that did both
        # would reload the workspace whenever the focus was one field off.
        Binding("ctrl+l", "reload", "Reload from disk", show=False),
    ]

    def __init__(
        self,
        documents: Sequence[WorkspaceDocument],
        selected: TreeItem | None = None,
        environment: str | None = None,
    ) -> None:
        super().__init__()
        self.documents = list(documents)
        self.selected: TreeItem | None = None
        self._initial = selected or (TreeItem(self.documents[0]) if self.documents else None)
        # The environment chosen per document; `--env` applies to those that have it.
        self._environments: dict[WorkspaceDocument, str] = {
            d: environment
            for d in self.documents
            if environment is not None and environment in d.workspace.environments
        }
        self.sender = SendFlow(self)
        self.tree_editing = TreeEditing(self)
        self.saving = SaveFlow(self)
        self.chaining = ChainFlow(self)
        self.initializing = InitializeFlow(self)

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="main-title", markup=False)
        with Horizontal(id="main-body"):
            yield WorkspaceTree(id="main-tree")
            with Vertical(id="main-work"):
                with ContentSwitcher(id="main-editor", initial="editor-hint"):
                    # The editors are mounted when first needed (see `_editor`).
                    yield Static(HINT, id="editor-hint", markup=False)
                yield ResponseView(id="main-response")
        with Horizontal(id="main-bottom"):
            yield Footer(compact=True)
            yield EnvironmentBadge(id="main-environment")

    def on_mount(self) -> None:
        self.query_one(WorkspaceTree).focus()
        if self._initial is not None:
            self.select(self._initial)

    async def on_unmount(self) -> None:
        for document in self.documents:
            await document.aclose()

    @property
    def workspace_tree(self) -> WorkspaceTree:
        return self.query_one(WorkspaceTree)

    @property
    def response_view(self) -> ResponseView:
        return self.query_one(ResponseView)

    # --- selection -------------------------------------------------------------------------

    def select(self, item: TreeItem) -> None:
        """Show `item` in the editor and put the tree's cursor on it."""
        self.selected = item
        self.refresh_workspaces()
        self.load_editor()

    @on(WorkspaceTree.Highlighted)
    def _highlighted(self, event: WorkspaceTree.Highlighted) -> None:
        if event.item != self.workspace_tree.cursor_item:
            # The cursor moved on (keys pressed faster than the screen handles them) and
            # a newer `Highlighted` is queued. Selecting this item would move the cursor
            # back to it, which posts one more; the two would then chase each other for
            # ever, reloading the editor so often that its tables never show their rows.
            return
        if event.item != self.selected:
            self.sync_editor()
            self.select(event.item)

    @on(WorkspaceTree.CallChosen)
    def _call_chosen(self, event: WorkspaceTree.CallChosen) -> None:
        self._editor(CallEditor, "call-editor").focus()

    def go_to(self, item: TreeItem) -> None:
        """Select `item` (from the command palette) and put the focus on the tree."""
        self.sync_editor()
        self.remove_class("-tree-hidden")
        self.select(item)
        self.workspace_tree.focus()

    def selected_call(self, purpose: str) -> tuple[WorkspaceDocument, Provider, Call] | None:
        """The selected call as edited (unsaved edits taken from the editor first); None,
        with a notice saying to select a call `purpose` (e.g. "to send it"), when the tree's
        cursor is on a workspace or provider."""
        self.sync_editor()
        item = self.selected
        provider = item.provider_model if item else None
        call = item.call_model if item else None
        if item is None or provider is None or call is None:
            self.notify(f"Select a call in the tree {purpose}.", severity="warning")
            return None
        return item.document, provider, call

    def current_document(self) -> WorkspaceDocument | None:
        if self.selected is not None:
            return self.selected.document
        return self.documents[0] if self.documents else None

    def refresh_workspaces(self) -> None:
        """Show the documents' current state: tree labels, title bar, environment."""
        self.workspace_tree.show(self.documents, self.selected)
        document = self.current_document()
        title = self.query_one("#main-title", Static)
        if document is None:
            title.update("workbench: no workspace")
            return
        title.update(visible(f"workbench · {document.title} · {document.path}"))
        badge = self.query_one(EnvironmentBadge)
        badge.environment = self.environment_of(document)
        badge.is_default = badge.environment == document.workspace.default_environment

    # --- editors ---------------------------------------------------------------------------

    def _editor(self, kind: type[EditorT], id: str) -> EditorT:
        """The editor `kind`, mounted (hidden) the first time it is needed.

        Start-up composes only what is visible: the tree and the hint, not the
        editors' tabs and tables.
        """
        switcher = self.query_one("#main-editor", ContentSwitcher)
        editor = next((c for c in switcher.children if isinstance(c, kind)), None)
        if editor is None:
            editor = kind(id=id)
            editor.display = False
            switcher.mount(editor)
        return editor

    def load_editor(self) -> None:
        """Show the selected call or provider in its editor (a hint for a workspace)."""
        switcher = self.query_one("#main-editor", ContentSwitcher)
        item = self.selected
        provider = item.provider_model if item else None
        if item is None or provider is None:
            switcher.current = "editor-hint"
            return
        environment = self.environment_of(item.document)
        call = item.call_model
        if call is not None:
            self._editor(CallEditor, "call-editor").load(
                provider, call, environment=environment, secrets=item.document.secrets
            )
            switcher.current = "call-editor"
        else:
            self._editor(ProviderEditor, "provider-editor").load(
                provider,
                environments=item.document.workspace.environments,
                environment=environment,
                secrets=item.document.secrets,
            )
            switcher.current = "provider-editor"

    def sync_editor(self) -> None:
        """Take what the editor shows into the document, so nothing typed is ever lost.

        The editor's model is pulled, rather than taken from its messages, so
        that a message still queued from the previous selection cannot land
        on the new one.
        """
        item = self.selected
        if item is None or item.provider is None:
            return
        current = self.query_one("#main-editor", ContentSwitcher).current
        try:
            if item.call is not None and current == "call-editor":
                call = self.query_one(CallEditor).to_model()
                renamed = replace_call(item.document.workspace, item.provider, item.call, call)
                selected = TreeItem(item.document, item.provider, call.name.strip())
            elif item.call is None and current == "provider-editor":
                provider = self.query_one(ProviderEditor).to_model()
                renamed = replace_provider(item.document.workspace, item.provider, provider)
                selected = TreeItem(item.document, provider.name.strip())
            else:
                return
        except EditError as error:
            self.notify(str(error), title="Name not taken over", severity="warning")
            return
        if renamed.workspace != item.document.workspace:
            self.apply_edit(item.document, renamed, selected, reload_editor=False)

    @on(CallEditor.CallEdited)
    @on(ProviderEditor.ProviderEdited)
    def _edited(self) -> None:
        self.sync_editor()

    @on(PrivateValueStored)
    def _private_value_stored(self, event: PrivateValueStored) -> None:
        self.notify(f"Stored {event.address} in the secret store.")

    def apply_edit(
        self,
        document: WorkspaceDocument,
        renamed: Renamed,
        selected: TreeItem | None,
        *,
        reload_editor: bool = True,
    ) -> None:
        """Put an edited workspace in its document and show it, the cursor on `selected`."""
        document.update(renamed.workspace, renamed.moves)
        self.selected = selected
        self.refresh_workspaces()
        if reload_editor:
            self.load_editor()

    # --- actions: sending, editing the tree, saving ----------------------------------------

    def action_send(self) -> None:
        self.sender.send_selected()

    def action_refresh_data(self) -> None:
        """Data calls are safe to send again at any time; an action is sent with ctrl+j."""
        selected = self.selected_call("to refresh it")
        if selected is None:
            return
        document, provider, call = selected
        if call.use_as is UseAs.ACTION:
            asks = " (it asks first)" if document.workspace.settings.confirm_actions else ""
            self.notify(
                f"{full_name(provider, call)} is an action call: F7 sends data calls only. "
                f"Send it with ctrl+j{asks}.",
                severity="warning",
                markup=False,
            )
            return
        self.sender.send_selected()

    @on(JsonTree.UseValueRequested)
    def _use_value(self, event: JsonTree.UseValueRequested) -> None:
        self.chaining.use_value(event.path)

    def action_cancel_send(self) -> None:
        self.sender.cancel()

    def action_initialize(self) -> None:
        self.initializing.initialize()

    def action_initialize_from_sample(self) -> None:
        self.initializing.initialize_from_sample()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_send":
            # Hidden, and escape passed on to others, unless a call is in flight.
            return self.sender.in_flight
        if action == "initialize":
            # Hidden while a call is in flight: the footer has room for "esc Cancel" then.
            return not self.sender.in_flight
        return True

    @work(exclusive=True, group="send", exit_on_error=False)
    async def send_in_worker(self, sending: Sending) -> CallResult:
        return await sending.send()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.sender.worker_changed(event)

    @work(group="dialog", exclusive=True)
    async def run_dialog(self, flow: Callable[[], Awaitable[object]]) -> None:
        """Run a flow that asks questions: waiting for a dialog's answer needs a worker."""
        await flow()

    def action_new_provider(self) -> None:
        self.tree_editing.new_provider()

    def action_new_call(self) -> None:
        self.tree_editing.new_call()

    def action_rename(self) -> None:
        self.tree_editing.rename()

    def action_duplicate(self) -> None:
        self.tree_editing.duplicate()

    def action_delete(self) -> None:
        self.tree_editing.delete()

    def action_move_up(self) -> None:
        self.tree_editing.move(-1)

    def action_move_down(self) -> None:
        self.tree_editing.move(1)

    def action_save(self) -> None:
        self.saving.save()

    def action_reload(self) -> None:
        self.saving.reload()

    def request_quit(self) -> None:
        self.saving.quit()

    # --- environment and layout ------------------------------------------------------------

    def environment_of(self, document: WorkspaceDocument) -> str:
        chosen = self._environments.get(document)
        environments = document.workspace.environments
        return chosen if chosen in environments else document.workspace.default_environment

    def set_environment(self, document: WorkspaceDocument, environment: str) -> None:
        self.sync_editor()
        self._environments[document] = environment
        self.refresh_workspaces()
        self.load_editor()

    def action_next_environment(self) -> None:
        document = self.current_document()
        if document is None:
            return
        environments = document.workspace.environments
        index = environments.index(self.environment_of(document))
        self.set_environment(document, environments[(index + 1) % len(environments)])
        self.notify(f"Environment: {self.environment_of(document)}", timeout=2)

    def action_toggle_tree(self) -> None:
        hidden = not self.has_class("-tree-hidden")
        self.set_class(hidden, "-tree-hidden")
        if not hidden:
            self.workspace_tree.focus()
        elif self.workspace_tree.has_focus:
            self.focus_next()

    def action_focus_tree(self) -> None:
        self.remove_class("-tree-hidden")
        self.workspace_tree.focus()

    def action_go_to_call(self) -> None:
        from textual.command import CommandPalette

        from workbench.ui.commands import GoToCallCommands

        self.app.push_screen(CommandPalette([GoToCallCommands], placeholder="Go to call…"))
