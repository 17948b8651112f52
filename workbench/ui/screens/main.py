"""The main screen: the workspace tree, the editor of what it selects, the response, the keys.

The screen draws the desk (`workbench.core.desk`), which owns the open
documents and does the work: it loads the editor of the selected item,
shows the desk's response state, and turns keys and widget messages into
desk calls. A desk flow that may ask something runs in a worker, because
waiting for a dialog's answer needs one.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Static

from workbench.core.desk import (
    Answered,
    AnswerOf,
    Cancelled,
    Change,
    Desk,
    Idle,
    InFlight,
    NotSent,
    Past,
    Problem,
    ResponseState,
    Streaming,
    TreeItem,
)
from workbench.core.history import local_time
from workbench.core.secrets import PersonalSources
from workbench.core.terminal_text import visible
from workbench.core.workspace import Defaults, UseAs, ValueSlot, WorkspaceDocument, full_name
from workbench.ui.ask import DialogAsk
from workbench.ui.dialogs.jump import JumpScreen
from workbench.ui.dialogs.shape_view import SavedShapeScreen
from workbench.ui.key_names import key_name
from workbench.ui.outside import OutsideError, edit_text, long_text_of, page_text, suffix_of
from workbench.ui.own_values import own_note
from workbench.ui.screens.history import browse_history
from workbench.ui.screens.places import current_editor, pane_of, places, reveal_and_focus
from workbench.ui.widgets.call_editor import CallEditor, UrlInput
from workbench.ui.widgets.environment_badge import EnvironmentBadge
from workbench.ui.widgets.json_tree import JsonTree
from workbench.ui.widgets.parameter_table import ParameterRow
from workbench.ui.widgets.private_input import PrivateInput
from workbench.ui.widgets.provider_editor import ProviderEditor
from workbench.ui.widgets.response_view import ResponseView, ShownView
from workbench.ui.widgets.value_input import ValueInput
from workbench.ui.widgets.workspace_editor import EnvironmentTable, WorkspaceEditor
from workbench.ui.widgets.workspace_tree import WorkspaceTree

EditorT = TypeVar("EditorT", CallEditor, ProviderEditor, WorkspaceEditor)
TREE_WIDTH = 26  # the tree's least default width, and all of it at 80 columns
TREE_EDGES = 2  # its right border and scrollbar

# Each {action} is the key that runs it now (`key_name`).
HINT = """\
Tree: n new call · N new provider · r rename
d duplicate · del delete · K / J move up / down
w new workspace file · o open one
{send} send · {choose_environment} env · {save} save · {undo} undo
{initialize} initialize: send, learn the response shape
{tree_key} tree · {focus_editor} editor (on a workspace: its settings)
{focus_response} response · {jump} jump · ctrl+p commands · {help} all"""
HINT_ACTIONS = re.findall(r"\{(\w+)\}", HINT)


class MainScreen(Screen[None]):
    """Tree on the left (ctrl+b or F2 hides it), editor above the response, keys at the bottom."""

    # The selected document's environment, bound down to the badge (`data_bind`).
    environment: reactive[str] = reactive("")
    environment_is_default: reactive[bool] = reactive(True)

    BINDINGS: ClassVar[list[BindingType]] = [
        # The ids name the keys a [keymap] table of the user's config file may rebind.
        Binding(
            "ctrl+j,f5",
            "send",
            "Send",
            tooltip="Send the selected call",
            priority=True,
            id="send",
        ),
        Binding(
            "f6",
            "initialize",
            "Init",
            tooltip="Initialize: send, learn the response shape",
            # Priority, as send: the body editor (a TextArea) would take F6 as "select line".
            priority=True,
            id="initialize",
        ),
        Binding(
            "shift+f6",
            "initialize_from_sample",
            "Init from sample",
            tooltip="Initialize from a pasted response",
            show=False,
            priority=True,
        ),
        Binding(
            "f12",
            "view_shape",
            "Shape",
            tooltip="Show the call's saved response shape",
            show=False,
            id="view_shape",
        ),
        Binding(
            "escape", "cancel_send", "Cancel", tooltip="Cancel the call in flight", id="cancel"
        ),
        Binding(
            "ctrl+s", "save", "Save", tooltip="Save the workspace files", priority=True, id="save"
        ),
        Binding(
            "f8",
            "choose_environment",
            "Env",
            tooltip="Choose the environment (development, live...)",
            priority=True,
            id="choose_environment",
        ),
        Binding(
            "shift+f8",
            "log_in",
            "Log in",
            tooltip="Log in to the selected provider (OAuth2 user-agent flow)",
            show=False,
        ),
        Binding(
            "ctrl+b",
            "toggle_tree",
            "Tree",
            tooltip="Show or hide the workspace tree (F2 in tmux, whose prefix is ctrl+b)",
            show=False,  # the footer keeps room for "esc Cancel" at 80 columns
        ),
        Binding(
            "f7",
            "refresh_data",
            "Refresh",
            tooltip="Refresh: send the selected data call again",
            show=False,
            priority=True,  # the body editor would take F7 as "select all"
            id="refresh",
        ),
        Binding(
            "shift+f7",
            "fill_private_values",
            "Set missing",
            tooltip="Set missing private values, one by one",
            show=False,
            id="fill_private_values",
        ),
        Binding(
            "ctrl+o",
            "jump",
            "Jump",
            tooltip="Jump: a letter on each pane, tab and field",
            id="jump",
        ),
        Binding(
            "f2",
            "tree_key",
            "Tree",
            tooltip="Go to the tree; in the tree, hide it",
            show=False,
            id="tree",
        ),
        Binding(
            "f3", "focus_editor", "Editor", tooltip="Go to the editor", show=False, id="editor"
        ),
        Binding(
            "f4",
            "focus_response",
            "Response",
            tooltip="Go to the response",
            show=False,
            id="response",
        ),
        Binding(
            "f9",
            "toggle_maximize",
            "Maximise",
            tooltip="Maximise the pane with the focus, or restore it",
            show=False,
            priority=True,
            id="maximise",
        ),
        Binding(
            "f10",
            "outside",
            "Editor/pager",
            tooltip="The body or notes in $EDITOR; in the response, the response in $PAGER",
            show=False,
            id="outside",
        ),
        Binding(
            "shift+f4",
            "history",
            "History",
            tooltip="History of the selected call: open, compare or send again a past exchange",
            show=False,
            id="history",
        ),
        Binding(
            "shift+f3",
            "history(True)",
            "History of every call",
            tooltip="History of every call, filtered as you type",
            show=False,
            id="history_all",
        ),
        Binding("ctrl+t", "focus_tree", "Focus tree", show=False),
        Binding("ctrl+g", "go_to_call", "Go to call", show=False, id="go_to_call"),
        # An editor's text undo (the body's) comes first; this undoes a deleted call or row.
        Binding("ctrl+z", "undo", "Undo delete", show=False, id="undo"),
        # ctrl+l keeps its terminal meaning; reloading is shift+F5, as a browser's reload.
        Binding("ctrl+l", "redraw", "Redraw the screen", show=False),
        Binding("shift+f5", "reload", "Reload from disk", show=False, priority=True),
        Binding(
            "shift+f2",
            "keep_own",
            "Keep the value for you only",
            tooltip="Keep the base URL or parameter value under the cursor for you only (local)",
            show=False,
            id="keep_own",
        ),
    ]

    def __init__(
        self,
        documents: Sequence[WorkspaceDocument],
        selected: TreeItem | None = None,
        environment: str | None = None,
        folder: Path | None = None,
        defaults: Defaults | None = None,
        sources: PersonalSources | None = None,
    ) -> None:
        super().__init__()
        self.desk = Desk(
            documents,
            DialogAsk(self),
            selected=selected,
            environment=environment,
            folder=folder,
            defaults=defaults,
            sources=sources,
        )
        self._tree_width: int | None = None  # chosen with < and >; None: fit the names
        self._workspace_editor_wanted = False  # a workspace shows the hint until F3
        # The response drawn last and whose it is; how the user left each call's answer.
        self._drawn: tuple[AnswerOf | None, ResponseState] = (None, Idle())
        self._views: dict[AnswerOf, tuple[weakref.ref[Answered], ShownView]] = {}
        self.desk.subscribe(self._changed)

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="main-title", markup=False)
        with Horizontal(id="main-body"):
            yield WorkspaceTree(id="main-tree")
            with Vertical(id="main-work"):
                with ContentSwitcher(id="main-editor", initial="editor-hint"):
                    # The editors are mounted when first needed (see `_editor`).
                    yield Static(
                        HINT.format_map({a: key_name(self, a) for a in HINT_ACTIONS}),
                        id="editor-hint",
                        markup=False,
                    )
                yield ResponseView(id="main-response")
        with Horizontal(id="main-bottom"):
            yield Footer(compact=True)
            yield EnvironmentBadge(id="main-environment").data_bind(
                environment=MainScreen.environment, is_default=MainScreen.environment_is_default
            )

    def on_mount(self) -> None:
        self.workspace_tree.focus()
        self._changed(Change.TREE | Change.EDITOR | Change.RESPONSE)

    def on_resize(self) -> None:
        self._fit_tree()

    def _fit_tree(self) -> None:
        """The tree as wide as its longest line, within a third of the screen (at least
        TREE_WIDTH), unless the user chose a width with < and >."""
        tree = self.workspace_tree
        width = self._tree_width
        if width is None:
            room = max(TREE_WIDTH, self.size.width // 3)
            width = min(max(TREE_WIDTH, tree.virtual_size.width + TREE_EDGES), room)
        tree.styles.width = width

    def action_resize_tree(self, cells: int) -> None:
        """Make the tree `cells` wider (narrower when negative), kept for this session."""
        tree = self.workspace_tree
        widest = max(TREE_WIDTH, self.size.width - 30)  # the editor keeps room to work
        self._tree_width = min(max(12, tree.outer_size.width + cells), widest)
        self._fit_tree()

    async def on_unmount(self) -> None:
        await self.desk.aclose()

    @property
    def documents(self) -> list[WorkspaceDocument]:
        return self.desk.documents

    @property
    def selected(self) -> TreeItem | None:
        return self.desk.selected

    @property
    def workspace_tree(self) -> WorkspaceTree:
        return self.query_one(WorkspaceTree)

    @property
    def response_view(self) -> ResponseView:
        return self.query_one(ResponseView)

    # --- drawing the desk --------------------------------------------------------------------

    def _changed(self, change: Change) -> None:
        if Change.TREE in change:
            self._draw_tree()
        if Change.EDITOR in change:
            self._load_editor()
        if Change.RESPONSE in change:
            self._draw_response()
        if Change.BUSY in change:
            self.refresh_bindings()
        if Change.PRIVATE_VALUES in change:
            for field in self.query_one("#main-editor").query(PrivateInput):
                field.show_state()

    def _draw_tree(self) -> None:
        """The documents' current state: tree labels, title bar, environment."""
        desk = self.desk
        self.workspace_tree.show(desk.documents, desk.selected)
        self.call_after_refresh(self._fit_tree)  # its lines measured once laid out
        document = desk.current_document()
        title = self.query_one("#main-title", Static)
        if document is None:
            title.update("workbench: no workspace yet: w makes a new one, o opens one")
            return
        title.update(visible(f"workbench · {document.title} · {document.path}"))
        self.environment = desk.environment_of(document)
        self.environment_is_default = self.environment == document.workspace.default_environment

    def _draw_response(self) -> None:
        """The selected call's latest response, named in the pane's border; an answer comes
        back as the user left it (tab, nodes, scroll)."""
        view, state, desk = self.response_view, self.desk.response, self.desk
        of = desk.answer_of(desk.selected)
        drawn_of, drawn = self._drawn
        if isinstance(drawn, Answered) and drawn_of is not None:
            self._views[drawn_of] = (weakref.ref(drawn), view.view_state())
        self._drawn = (of, state)
        view.border_title = visible(f"{of.name} · {of.environment}") if of else ""
        if isinstance(state, InFlight):
            view.show_sending(state.method, state.url, state.environment)
        elif isinstance(state, Streaming):
            view.show_stream(state.live, state.environment)
        elif isinstance(state, Answered):
            kept = self._views.pop(of, None) if of else None
            view.show_exchange(
                state.result.exchange,
                environment=state.environment,
                response_type=state.response_type,
                parsed_json=state.parsed_json,
                wrapped_data=state.wrapped_data,
                view=kept[1] if kept and kept[0]() is state else None,
                own_note=own_note(
                    of.document.own_values(of.provider, of.call, of.environment),
                    edited_here=False,
                )
                if of
                else "",
            )
        elif isinstance(state, Past):
            entry, where = state.entry, state.entry.where
            view.border_title = visible(
                f"{where.name} · {where.environment} · "
                f"from history #{entry.id}, {local_time(entry.sent_at)}"
            )
            view.show_exchange(
                entry.exchange, environment=where.environment, response_type=state.response_type
            )
        elif isinstance(state, Cancelled):
            view.show_cancelled(state.environment)
        elif isinstance(state, Problem):
            if of != drawn_of:
                view.clear()  # what the tabs show is another call's
            view.show_problem(state.text)
        elif isinstance(state, NotSent):
            view.show_not_sent(state.environment)
        else:
            view.clear()

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

    def _load_editor(self) -> None:
        """Show the selected call or provider in its editor (a hint for a workspace)."""
        desk = self.desk
        switcher = self.query_one("#main-editor", ContentSwitcher)
        item = desk.selected
        provider = item.provider_model if item else None
        if item is None or provider is None:
            # The workspace editor is made when first asked for (F3): start-up stays light.
            if item is not None and self._workspace_editor_wanted:
                workspace_editor = self._editor(WorkspaceEditor, "workspace-editor")
                document = item.document
                shared = document.shared.environments
                own_environments = tuple(
                    e for e in document.workspace.environments if e not in shared
                )
                workspace_editor.load(document.workspace, document.defaults, own_environments)
                switcher.current = "workspace-editor"
            else:
                switcher.current = "editor-hint"
            return
        environment = desk.environment_of(item.document)
        secrets = self.desk.private_values(item.document)
        call = item.call_model
        own = item.document.own_values(provider.name, item.call, environment)
        if call is not None:
            call_editor = self._editor(CallEditor, "call-editor")
            call_editor.load(
                provider, call, environment=environment, secrets=secrets, item=item, own=own
            )
            switcher.current = "call-editor"
        else:
            self._editor(ProviderEditor, "provider-editor").load(
                provider,
                environments=item.document.workspace.environments,
                environment=environment,
                secrets=secrets,
                item=item,
                base_url_override=item.document.base_url,
                own=own,
            )
            switcher.current = "provider-editor"

    def flush_editor(self) -> None:
        """Hand the desk an edit whose message is still queued, before an action reads the
        workspace: keys can overtake the messages of the keystrokes typed before them."""
        current = self.query_one("#main-editor", ContentSwitcher).current
        if current == "call-editor":
            edit = self.query_one(CallEditor).take_edit()
            if edit is not None and edit[0] is not None:
                self.desk.edit_call(edit[0], edit[1])
        elif current == "provider-editor":
            pending = self.query_one(ProviderEditor).take_edit()
            if pending is not None and pending[0] is not None:
                self.desk.edit_provider(pending[0], pending[1])

    @on(UrlInput.CurlPasted)
    def _curl_pasted(self, event: UrlInput.CurlPasted) -> None:
        self.flush_editor()
        item = self.desk.selected
        if item is not None:
            self.desk.tree.paste_curl(item, event.command)

    @on(CallEditor.CallEdited)
    def _call_edited(self, event: CallEditor.CallEdited) -> None:
        if event.item is not None:
            self.desk.edit_call(event.item, event.call)

    @on(WorkspaceEditor.SettingsEdited)
    def _workspace_edited(self, event: WorkspaceEditor.SettingsEdited) -> None:
        document = self.desk.current_document()
        if document is not None:
            self.desk.workspace.edit_settings(document, event.name, event.settings)

    @on(EnvironmentTable.Asked)
    def _environment_asked(self, event: EnvironmentTable.Asked) -> None:
        document, edits = self.desk.current_document(), self.desk.workspace
        if document is None:
            return
        if event.what == "add":
            self.run_flow(edits.add_environment(document))
        elif event.what == "rename":
            self.run_flow(edits.rename_environment(document, event.environment))
        elif event.what == "remove":
            self.run_flow(edits.remove_environment(document, event.environment))
        else:
            edits.make_default(document, event.environment)

    @on(WorkspaceEditor.ValueEditAsked)
    def _value_asked(self, event: WorkspaceEditor.ValueEditAsked) -> None:
        document = self.desk.current_document()
        if document is not None:
            edits = self.desk.workspace
            self.run_flow(edits.ask_value(document, event.slot, event.environment, event.current))

    @on(ProviderEditor.ProviderEdited)
    def _provider_edited(self, event: ProviderEditor.ProviderEdited) -> None:
        if event.item is not None:
            self.desk.edit_provider(event.item, event.provider)

    # --- selection -------------------------------------------------------------------------

    @on(WorkspaceTree.Highlighted)
    def _highlighted(self, event: WorkspaceTree.Highlighted) -> None:
        if event.item != self.workspace_tree.cursor_item:
            # The cursor moved on (keys pressed faster than the screen handles them) and
            # a newer `Highlighted` is queued. Selecting this item would move the cursor
            # back to it, which posts one more; the two would then chase each other for
            # ever, reloading the editor so often that its tables never show their rows.
            return
        if event.item != self.desk.selected:
            self.flush_editor()
            self.desk.select(event.item)

    @on(WorkspaceTree.CallChosen)
    def _call_chosen(self, event: WorkspaceTree.CallChosen) -> None:
        self._editor(CallEditor, "call-editor").focus()

    def go_to(self, item: TreeItem) -> None:
        """Select `item` (from the command palette) and put the focus on the tree."""
        self.flush_editor()
        self.remove_class("-tree-hidden")
        self.desk.select(item)
        self.workspace_tree.focus()

    # --- actions ---------------------------------------------------------------------------

    def run_flow(self, flow: Coroutine[Any, Any, object], *, group: str = "dialog") -> None:
        """Run a desk flow in a worker (its questions wait for dialogs); a newer flow of the
        same group replaces an older one."""
        self.run_worker(flow, group=group, exclusive=True, exit_on_error=group != "send")

    def action_send(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.sending.send_selected(), group="send")

    def action_refresh_data(self) -> None:
        """Data calls are safe to send again at any time; an action is sent with send's key."""
        self.flush_editor()
        desk = self.desk
        selected = desk.selected_call("to refresh it")
        if selected is None:
            return
        document, provider, call = selected
        if call.use_as is UseAs.ACTION:
            asks = (
                " (it asks first)" if document.defaults.confirms_actions(document.workspace) else ""
            )
            self.notify(
                f"{full_name(provider, call)} is an action call: "
                f"{key_name(self, 'refresh_data')} sends data calls only. "
                f"Send it with {key_name(self, 'send')}{asks}.",
                severity="warning",
                markup=False,
            )
            return
        self.run_flow(desk.sending.send_selected(), group="send")

    def action_history(self, every: bool = False) -> None:
        self.flush_editor()
        self.run_flow(browse_history(self, every=every))

    def action_cancel_send(self) -> None:
        self.workers.cancel_group(self, "send")

    def action_fill_private_values(self) -> None:
        self.flush_editor()  # private values of calls just edited count
        self.run_flow(self.desk.filling.fill_missing())

    def action_log_in(self) -> None:
        self.flush_editor()  # the provider's settings as edited
        self.run_flow(self.desk.logging_in.log_in_selected())

    def action_initialize(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.initializing.initialize(), group="send")

    def action_initialize_from_sample(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.initializing.initialize_from_sample())

    def action_view_shape(self) -> None:
        """F12: the selected call's shape as the workspace has it (edits included), read-only."""
        self.flush_editor()
        selected = self.desk.selected_call("to see its response shape")
        if selected is None:
            return
        _, provider, call = selected
        name = full_name(provider, call)
        if call.shape is None:
            self.notify(
                f"{name} is not initialized: F6 initializes it (shift+F6 from a pasted response).",
                severity="warning",
            )
            return
        self.app.push_screen(SavedShapeScreen(name, call.shape))

    @on(JsonTree.UseValueRequested)
    def _use_value(self, event: JsonTree.UseValueRequested) -> None:
        self.flush_editor()
        self.run_flow(self.desk.chaining.use_value(event.path))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_flight = self.desk.sending.in_flight
        if action == "cancel_send":
            # Hidden, and escape passed on to others, unless a call is in flight.
            return in_flight
        if action == "initialize":
            # Hidden while a call is in flight: the footer has room for "esc Cancel" then.
            return not in_flight
        return True

    def action_new_provider(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.tree.new_provider())

    def action_new_call(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.tree.new_call())

    def action_copy_command(self, tool: str) -> None:
        """Copy the selected call as a curl or HTTPie ("httpie") command."""
        self.flush_editor()
        command = self.desk.shell_command(tool)
        if command is not None:
            self.app.copy_to_clipboard(command)
            variables = (
                " (private values as $WORKBENCH_SECRET__… variables)" if "${" in command else ""
            )
            name = "an HTTPie" if tool == "httpie" else "a curl"
            self.notify(f"Copied the call as {name} command{variables}.", markup=False)

    def action_new_workspace(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.files.new_workspace())

    def action_open_workspace(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.files.open_workspace())

    def action_rename(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.tree.rename())

    def action_duplicate(self) -> None:
        self.flush_editor()
        self.desk.tree.duplicate()

    def action_delete(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.tree.delete())

    def action_move_up(self) -> None:
        self.flush_editor()
        self.desk.tree.move(-1)

    def action_move_down(self) -> None:
        self.flush_editor()
        self.desk.tree.move(1)

    def action_save(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.saving.save())

    def action_reload(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.saving.reload())

    def request_quit(self) -> None:
        """Quit, asking first when there are unsaved edits."""
        self.flush_editor()
        self.run_flow(self._quit())

    async def _quit(self) -> None:
        if await self.desk.saving.quit():
            self.app.exit()

    # --- environment and layout ------------------------------------------------------------

    def action_choose_environment(self) -> None:
        self.flush_editor()
        self.run_flow(self.desk.choose_environment())

    def action_undo(self) -> None:
        self.flush_editor()
        self.desk.undo()

    def action_keep_own(self) -> None:
        """Make the base URL or the parameter value under the cursor the person's own."""
        item = self.desk.selected
        slot = own_slot(self.focused, item.provider if item else None)
        if item is None or slot is None:
            self.notify(
                "Put the cursor on a base URL or a parameter's value: "
                f"{key_name(self, 'keep_own')} keeps it for you only.",
                severity="warning",
            )
            return
        self.flush_editor()
        self.desk.keep_own(item.document, slot)

    def action_redraw(self) -> None:
        self.app.refresh(layout=True, repaint=True)

    def action_toggle_tree(self) -> None:
        hidden = not self.has_class("-tree-hidden")
        self.set_class(hidden, "-tree-hidden")
        if not hidden:
            self.workspace_tree.focus()
        elif self.workspace_tree.has_focus:
            self.focus_next()

    def action_focus_tree(self) -> None:
        self.minimize()
        self.remove_class("-tree-hidden")
        self.workspace_tree.focus()

    def action_tree_key(self) -> None:
        """F2: to the tree; in the tree, hide it (what ctrl+b does outside tmux)."""
        if self.workspace_tree.has_focus:
            self.action_toggle_tree()
        else:
            self.action_focus_tree()

    def action_focus_editor(self) -> None:
        self.minimize()
        editor = current_editor(self.query_one("#main-editor", ContentSwitcher))
        if editor is None and self.desk.selected is not None:
            self._workspace_editor_wanted = True  # F3 on a workspace: its editor
            self._load_editor()
            editor = current_editor(self.query_one("#main-editor", ContentSwitcher))
        if editor is None:
            self.notify("Select a call or a provider in the tree first.", timeout=3)
            return
        if isinstance(editor, WorkspaceEditor):
            editor.focus()  # made just now, it focuses its name once composed
        else:
            editor.query("#url, #base-url").first().focus()

    def action_focus_response(self) -> None:
        self.minimize()
        self.response_view.focus_content()

    def action_toggle_maximize(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        # The tree is not one of them: hiding it (F2, ctrl+b) gives the others its room.
        pane = pane_of(self.focused, (self.query_one("#main-editor"), self.response_view))
        if pane is None:
            self.notify("F9 maximises the editor or the response: go there first (F3, F4).")
            return
        self.maximized = pane

    def action_jump(self) -> None:
        self.minimize()
        found = dict(
            places(
                self.workspace_tree,
                self.query_one("#main-editor", ContentSwitcher),
                self.response_view,
            )
        )
        targets = {key: place.marker.region.offset for key, place in found.items()}

        def go(key: str | None) -> None:
            if key is not None:
                found[key].go()

        self.app.push_screen(JumpScreen(targets), go)

    def action_outside(self) -> None:
        """F10: from the response, the response in `$PAGER`; elsewhere the focused body or
        notes (else the call's body) in `$EDITOR`, read back into the editor."""
        view = self.response_view
        try:
            if pane_of(self.focused, (view,)) is not None:
                text = view.pager_text()
                if text is None:
                    self.notify("No response to show yet: ctrl+j sends the call.")
                else:
                    page_text(self.app, text)
                return
            editor = current_editor(self.query_one("#main-editor", ContentSwitcher))
            area = long_text_of(self.focused, editor)
            if area is None:
                self.notify(
                    "F10 opens a call's body or notes in $EDITOR (select a call first), or the "
                    "response in $PAGER (F4 first).",
                    markup=False,
                )
                return
            edited = edit_text(self.app, area.text, suffix=suffix_of(area))
        except OutsideError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if edited is not None:
            area.replace(edited, (0, 0), area.document.end)  # one step that ctrl+z undoes
        reveal_and_focus(area)

    @on(ResponseView.SaveBodyRequested)
    def _save_body(self, event: ResponseView.SaveBodyRequested) -> None:
        self.run_flow(self.desk.save_body(revealing=event.revealing))

    def action_go_to_call(self) -> None:
        from textual.command import CommandPalette

        from workbench.ui.palette import GoToCall

        self.app.push_screen(CommandPalette([GoToCall], placeholder="Go to call…"))


def own_slot(focused: Widget | None, provider: str | None) -> ValueSlot | None:
    """The value under the cursor a person can make their own: the provider editor's base URL
    (of `provider`, the selected one) or a parameter's value; None for anything else."""
    for node in focused.ancestors_with_self if focused is not None else ():
        if isinstance(node, ParameterRow):
            return node.value_slot()
        if isinstance(node, ValueInput) and node.id == "base-url" and provider:
            return ValueSlot(provider, None, "base_url", "")
    return None
