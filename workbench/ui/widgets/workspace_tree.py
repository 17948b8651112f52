"""The workspace tree: workspaces > providers > calls, with each call's method and kind.

A call line reads `○· GET  List users`: the first mark is filled (`●`) once
the call is initialized (its response shape learned), the second is `·` for
a data call and `!` for an action call (one that changes things on the
server). A workspace with unsaved edits ends with `*`.

A workspace of more than `EXPAND_ALL_UP_TO` calls opens with its providers collapsed
(but the selected call's), and a provider's call lines are made when it is first expanded:
start-up and each keystroke then cost about the same at 100 or 100,000 calls.

The tree only shows documents and reports which item the cursor is on; the
editing keys bound here run actions of the screen, which owns the documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.core.desk import TreeItem
from workbench.core.terminal_text import visible
from workbench.core.workspace import Call, Method, UseAs, WorkspaceDocument

METHOD_LABELS = {
    Method.GET: "GET ",
    Method.POST: "POST",
    Method.PUT: "PUT ",
    Method.PATCH: "PTCH",
    Method.DELETE: "DEL ",
    Method.HEAD: "HEAD",
    Method.OPTIONS: "OPTS",
}
ACTION_MARK = "!"
DATA_MARK = "·"
INITIALIZED_MARK = "●"
UNINITIALIZED_MARK = "○"
UNSAVED_MARK = " *"
# What each mark means, for the help screen.
MARKS = (
    (INITIALIZED_MARK, "initialized (response shape learned)"),
    (UNINITIALIZED_MARK, "not initialized"),
    (DATA_MARK, "data call"),
    (ACTION_MARK, "action call (changes the server)"),
    (UNSAVED_MARK.strip(), "unsaved edits"),
)


# A workspace of at most this many calls opens with every provider expanded; a bigger one
# with only the selected call's provider open (its call lines are made when expanded).
EXPAND_ALL_UP_TO = 500

# A label is a few parts, each with the component class that styles it (None: plain).
_Parts = list[tuple[str, str | None]]


def _call_parts(call: Call) -> _Parts:
    action = call.use_as is UseAs.ACTION
    initialized = call.shape is not None
    return [
        (INITIALIZED_MARK, "workspace-tree--initialized")
        if initialized
        else (UNINITIALIZED_MARK, "workspace-tree--uninitialized"),
        (ACTION_MARK if action else DATA_MARK, f"workspace-tree--{call.use_as.value}"),
        (" ", None),
        (METHOD_LABELS[call.method], "workspace-tree--method"),
        (" ", None),
        (visible(call.name), None),
    ]


def label_parts(item: TreeItem) -> _Parts:
    """The parts of an item's label, from the document's current model.

    Names come from a workspace file, maybe someone else's: their control characters are
    shown as escapes, never sent to the terminal.
    """
    document = item.document
    if item.provider is None:
        return [(visible(document.workspace.name), None)] + (
            [(UNSAVED_MARK, "workspace-tree--unsaved")] if document.dirty else []
        )
    call = item.call_model
    return _call_parts(call) if call else [(visible(item.call or item.provider), None)]


def _structure(documents: Sequence[WorkspaceDocument]) -> tuple[object, ...]:
    """The documents, providers and calls shown, by name (the tree is rebuilt when they
    change); a provider's call names come from its immutable model's index."""
    return tuple(
        (document, tuple((p.name, tuple(p.calls_by_name)) for p in document.workspace.providers))
        for document in documents
    )


def _label_source(item: TreeItem) -> object:
    """What `item`'s label is made from: its call, its provider, or its workspace's name and
    unsaved mark (a new object, or another value, means the label may have changed)."""
    if item.provider is None:
        return (item.document.workspace.name, item.document.dirty)
    return item.call_model if item.call is not None else item.provider_model


class WorkspaceTree(Tree[TreeItem]):
    """The workspaces, their providers and calls; the cursor picks what the editor shows."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "workspace-tree--action",
        "workspace-tree--data",
        "workspace-tree--initialized",
        "workspace-tree--method",
        "workspace-tree--uninitialized",
        "workspace-tree--unsaved",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "screen.new_call", "New call", show=False, id="tree_new_call"),
        Binding("N", "screen.new_provider", "New provider", show=False, id="tree_new_provider"),
        Binding("r", "screen.rename", "Rename", show=False, id="tree_rename"),
        Binding(
            "w", "screen.new_workspace", "New workspace file", show=False, id="tree_new_workspace"
        ),
        Binding(
            "o",
            "screen.open_workspace",
            "Open a workspace file",
            show=False,
            id="tree_open_workspace",
        ),
        Binding(
            "greater_than_sign", "screen.resize_tree(4)", "Wider tree", show=False, id="tree_wider"
        ),
        Binding(
            "less_than_sign",
            "screen.resize_tree(-4)",
            "Narrower tree",
            show=False,
            id="tree_narrower",
        ),
        Binding("d", "screen.duplicate", "Duplicate", show=False, id="tree_duplicate"),
        Binding(
            "c",
            "screen.copy_command('curl')",
            "Copy as curl",
            tooltip="Copy the call as a curl command (private values as variables)",
            show=False,
            id="tree_copy_curl",
        ),
        Binding(
            "C",
            "screen.copy_command('httpie')",
            "Copy as HTTPie",
            tooltip="Copy the call as an HTTPie command (private values as variables)",
            show=False,
            id="tree_copy_httpie",
        ),
        Binding("delete,x", "screen.delete", "Delete", show=False, id="tree_delete"),
        Binding("ctrl+up,K", "screen.move_up", "Move up", show=False, id="tree_move_up"),
        Binding("ctrl+down,J", "screen.move_down", "Move down", show=False, id="tree_move_down"),
    ]

    class Highlighted(Message):
        """The cursor moved to `item`."""

        def __init__(self, item: TreeItem) -> None:
            super().__init__()
            self.item = item

    class CallChosen(Message):
        """Enter was pressed on a call: the user wants to edit it."""

        def __init__(self, item: TreeItem) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("workspaces", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._structure: tuple[object, ...] = ()  # the names shown (see `_structure`)
        self._node_of: dict[TreeItem, TreeNode[TreeItem]] = {}  # the items with a node now
        self._sources: dict[int, object] = {}  # by node id: what its label was made from

    def show(self, documents: Sequence[WorkspaceDocument], cursor: TreeItem | None) -> None:
        """Show the documents' current models and put the cursor on `cursor` (when given).

        Only labels are updated when the items are the same, so the cursor, the scroll
        position and what the user has collapsed stay put. Every keystroke in an editor comes
        here, so its cost must not grow with the workspace: a provider's call lines are made
        only once it is expanded (a big workspace opens with them collapsed), and a call's
        label is made again only when its provider's model changed (models are immutable).
        """
        structure = _structure(documents)
        if structure != self._structure:
            self._rebuild(documents, structure)
            if cursor is not None:
                self._move_to(cursor)
            return
        for item, node in self._node_of.items():
            if item.call is None and self._relabel(node, item) and item.provider is not None:
                for leaf in node.children:
                    assert leaf.data is not None
                    self._relabel(leaf, leaf.data)
        if cursor is not None and cursor != self.cursor_item:
            self._move_to(cursor)

    def _relabel(self, node: TreeNode[TreeItem], item: TreeItem) -> bool:
        """Make `node`'s label again if what it is made from changed; True if it did."""
        source = _label_source(item)
        if self._sources.get(node.id) is source:
            return False
        self._sources[node.id] = source
        label = self._plain(item)
        if str(node.label) != str(label):
            node.set_label(label)
        return True

    def _rebuild(
        self, documents: Sequence[WorkspaceDocument], structure: tuple[object, ...]
    ) -> None:
        """Make the tree's nodes again, keeping what the user expanded or collapsed."""
        shown = {
            item: node.is_expanded for item, node in self._node_of.items() if item.call is None
        }
        calls = sum(len(p.calls) for d in documents for p in d.workspace.providers)
        self.clear()
        self._structure, self._node_of, self._sources = structure, {}, {}
        for document in documents:
            item = TreeItem(document)
            workspace_node = self._add(self.root, item, expand=shown.get(item, True))
            for provider in document.workspace.providers:
                item = TreeItem(document, provider.name)
                expand = shown.get(item, calls <= EXPAND_ALL_UP_TO)
                self._add(workspace_node, item, expand=expand)

    def _add(
        self, parent: TreeNode[TreeItem], item: TreeItem, *, expand: bool
    ) -> TreeNode[TreeItem]:
        node = parent.add(self._plain(item), data=item, expand=expand)
        self._node_of[item] = node
        self._sources[node.id] = _label_source(item)
        if expand:
            self._fill(node)
        return node

    def _fill(self, node: TreeNode[TreeItem]) -> None:
        """Give a provider's node its call lines, if it has none yet."""
        item = node.data
        provider = item.provider_model if item is not None and item.is_provider else None
        if provider is None or node.children:
            return
        assert item is not None
        for call in provider.calls:
            call_item = TreeItem(item.document, item.provider, call.name)
            leaf = node.add_leaf(self._plain(call_item), data=call_item)
            self._node_of[call_item] = leaf
            self._sources[leaf.id] = call

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[TreeItem]) -> None:
        event.stop()
        self._fill(event.node)

    @property
    def cursor_item(self) -> TreeItem | None:
        """The item under the cursor now (a `Highlighted` still queued may name an older one)."""
        return self.cursor_node.data if self.cursor_node is not None else None

    def _move_to(self, item: TreeItem) -> None:
        if item.call is not None:
            provider_node = self._node_of.get(TreeItem(item.document, item.provider))
            if provider_node is not None:
                self._fill(provider_node)
        node = self._node_of.get(item)
        if node is None:
            return
        for ancestor in (node.parent, node.parent.parent if node.parent else None):
            if ancestor is not None and ancestor is not self.root:
                ancestor.expand()
        # `last_line` lays out the (new) lines, which gives the node its line number now:
        # a key pressed right after start-up or an edit moves from this node.
        if self.last_line >= 0:
            self.move_cursor(node)

    @staticmethod
    def _plain(item: TreeItem) -> Text:
        # Text, not str, which the tree would read as markup: a name may hold "[".
        return Text("".join(text for text, _ in label_parts(item)))

    def get_label_width(self, node: TreeNode[TreeItem]) -> int:
        # Called for every line at each rebuild; the base class renders each label to measure
        # it (most of a 10,000-call start). The plain label has the same cells, unstyled.
        if node.data is None:
            return super().get_label_width(node)
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        return icon + sum(cell_len(text) for text, _ in label_parts(node.data))

    def render_label(self, node: TreeNode[TreeItem], base_style: Style, style: Style) -> Text:
        if node.data is None:
            return super().render_label(node, base_style, style)
        label = Text.assemble(
            *(
                (text, self.get_component_rich_style(part, partial=True)) if part else text
                for text, part in label_parts(node.data)
            )
        )
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style), label)
        return label

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[TreeItem]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Highlighted(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        event.stop()
        if event.node.data is not None and event.node.data.is_call:
            self.post_message(self.CallChosen(event.node.data))
