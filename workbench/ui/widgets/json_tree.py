"""A JSON tree whose nodes are created only when their parent is expanded.

A 14 MB document has about a million values; making a node for each would
take many seconds. Here a container's children are made when it is first
expanded, at most `PAGE_SIZE` at a time: the rest of a long array (or object)
waits behind a "… N more" node that loads the next page when selected, and a
search jump loads just the page holding its target.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from workbench.core.secrets import Masker
from workbench.core.sending import Abandoned, Owned, discard, release_discarded
from workbench.core.shape import JsonPath, path_text
from workbench.core.terminal_text import visible
from workbench.ui.response_model import child_keys, preview, search_json

PAGE_SIZE = 500
EXPAND_ALL_LIMIT = 2_000  # nodes one "expand all" may create: beyond that the UI would lag
MAX_MATCHES = 10_000


@dataclass(eq=False)
class JsonEntry:
    """A node for one value; `keys` is set when its children are first made."""

    path: JsonPath
    value: object
    keys: Sequence[str | int] | None = None


@dataclass(eq=False)
class MoreEntry:
    """A stand-in for the parent's children `start` to `end` (exclusive), not made yet."""

    start: int
    end: int


NodeData = JsonEntry | MoreEntry
JsonNode = TreeNode[NodeData]


def _plain(text: str) -> Content:
    """A border text that quotes the query typed: plain text, not markup."""
    return Content(visible(text))


@dataclass(frozen=True)
class TreeView:
    """The nodes expanded (parents before children), the cursor's path, the scroll."""

    expanded: tuple[JsonPath, ...]
    cursor: JsonPath | None
    scroll_y: int


class JsonTree(Tree[NodeData]):
    """A lazily expanded view of parsed JSON, with path copying and search.

    Labels show keys and values with private values masked (unless `revealing`) and control
    characters as visible escapes; each label is made so when its node is, so a big document
    costs nothing more. The data itself (for chaining, `u`) stays as received.
    """

    BINDINGS = [
        Binding("right", "expand_node", "Expand", show=False, id="json_expand"),
        Binding("left", "collapse_node", "Collapse", show=False, id="json_collapse"),
        Binding("e", "expand_all", "Expand all", id="json_expand_all"),
        Binding("E", "collapse_all", "Collapse all", show=False, id="json_collapse_all"),
        Binding("c", "copy_path", "Copy path", id="json_copy_path"),
        Binding(
            "u",
            "use_value",
            "Use",
            tooltip="Use as a parameter of another call (chain)",
            show=False,  # the footer keeps room for "/ Search" at 80 columns
            id="json_use_value",
        ),
        Binding("n", "next_match", "Next match", show=False, id="json_next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="json_previous_match"),
    ]
    # Label parts; `preview` names the value kinds.
    PARTS = ("key", "index", "string", "number", "boolean", "null", "object", "array", "more")
    COMPONENT_CLASSES = {f"json-tree--{part}" for part in PARTS}

    class PathHighlighted(Message):
        """The cursor moved to a value; `path` is like `data[3].address.city`."""

        def __init__(self, path: str, value: object) -> None:
            super().__init__()
            self.path = path
            self.value = value

    class UseValueRequested(Message):
        """`u`: use the value under the cursor (at `path`; None when there is none) as a
        parameter of another call. The screen knows which call's response this is."""

        def __init__(self, path: JsonPath | None) -> None:
            super().__init__()
            self.path = path

    class _SearchDone(Message, bubble=False):
        def __init__(self, query: str, document: Owned, matches: list[JsonPath]) -> None:
            super().__init__()
            self.query, self.document, self.matches = query, document, matches

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.guide_depth = 3
        self.auto_expand = False  # enter expands in `action_select_cursor`, at once
        self._document: Owned | None = None
        self._query = ""
        self._matches: list[JsonPath] = []
        self._match = -1
        self._styles: dict[str, Style] = {}  # component styles, looked up once per theme
        self._masker = Masker(())
        self._revealing = False

    def load(self, data: object, masker: Masker | None = None) -> None:
        """Show `data`: the root and its first page of children, nothing deeper; `masker`
        masks the private values in labels."""
        self.unload()
        self._masker = masker or Masker(())
        self._document = Owned(data)  # workers and messages hold this box, not the data
        self.border_subtitle = ""
        self.reset(self._label(None, data), JsonEntry((), data))
        if self._expandable(data):
            self._expand(self.root)
        else:
            self.root.allow_expand = False
        self.cursor_line = 0  # the root

    def unload(self) -> None:
        """Drop the data (a new response is on its way)."""
        # Tree nodes are in reference cycles, which only the cyclic GC frees: take their
        # values away, so the document is freed now, in steps, in a thread.
        nodes = [self.root]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            node.data = None
        if self._document is not None:
            discard(self._document)
            self._release()
        self._document, self._query, self._matches, self._match = None, "", [], -1
        self.border_subtitle = ""
        self.reset("")

    def search(self, query: str) -> None:
        """Find keys or values containing `query` (in a thread) and go to the first match."""
        self._query, self._matches, self._match = query, [], -1
        if not query or self._document is None:
            self.border_subtitle = ""
            return
        self.border_subtitle = _plain(f"searching for {query!r}…")
        self._run_search(query, self._document)

    @property
    def revealing(self) -> bool:
        return self._revealing

    @revealing.setter
    def revealing(self, revealing: bool) -> None:
        """Show private values as received (True) or masked: the labels made so far change."""
        self._revealing = revealing
        nodes = [self.root]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            if isinstance(node.data, JsonEntry):
                path = node.data.path
                node.set_label(self._label(path[-1] if path else None, node.data.value))

    def select_path(self, path: JsonPath) -> JsonNode:
        """Expand down to the value at `path`, loading only the pages on the way, and select it."""
        node = self._reach(path)
        _ = self.last_line  # builds the line list, so the node's line is known
        self.move_cursor(node, animate=False)
        return node

    def _reach(self, path: JsonPath) -> JsonNode:
        """The node of the value at `path`, its ancestors expanded (their pages loaded)."""
        node: JsonNode = self.root
        for key in path:
            if not node.is_expanded:
                self._expand(node)
            node = self._child(node, key)
        return node

    def view(self) -> TreeView:
        """What the user opened and where they are, to come back to it (`restore`)."""
        expanded: list[JsonPath] = []
        nodes = [self.root]
        while nodes:
            node = nodes.pop()
            if node.is_expanded and isinstance(node.data, JsonEntry):
                expanded.append(node.data.path)
                nodes.extend(reversed(node.children))
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        path = cursor.path if isinstance(cursor, JsonEntry) else None
        return TreeView(tuple(expanded), path, self.scroll_offset.y)

    def restore(self, view: TreeView) -> None:
        """Open what `view` had open (parents first), put the cursor back, scroll back."""
        if () not in view.expanded:
            self.root.collapse()
        for path in view.expanded:
            try:
                node = self._reach(path)
            except (KeyError, ValueError):
                continue  # not in this document
            self._expand(node)
        if view.cursor is not None:
            try:
                self.select_path(view.cursor)
            except (KeyError, ValueError):
                pass
        self.call_after_refresh(self.scroll_to, y=view.scroll_y, animate=False)

    # Actions -------------------------------------------------------------------------------

    # Expanding makes the children at once, not when `NodeExpanded` comes back: keys typed
    # right after (right, down) are handled before that message, and found no children.

    def action_expand_node(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded and node.children:
            _ = self.last_line  # the lines built, so the child's line is known
            self.move_cursor(node.children[0])
        else:
            self._expand(node)

    def action_toggle_node(self) -> None:
        """Space: expand or collapse the node under the cursor."""
        node = self.cursor_node
        if node is not None:
            self._toggle(node)

    def action_select_cursor(self) -> None:
        """Enter: expand or collapse a container; on "… N more", load its next page."""
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, MoreEntry) and node.parent is not None:
            self._load_page(node.parent, node, node.data.start)
        else:
            self._toggle(node)

    def action_collapse_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.is_expanded:
            node.collapse()
        elif node is not None and node.parent is not None:
            self.move_cursor(node.parent)

    def action_expand_all(self) -> None:
        """Expand below the cursor, breadth first, until `EXPAND_ALL_LIMIT` nodes are made."""
        queue: deque[JsonNode] = deque([self.cursor_node or self.root])
        made = 0
        while queue and made < EXPAND_ALL_LIMIT:
            node = queue.popleft()
            if isinstance(node.data, JsonEntry) and node.allow_expand:
                made += self._fill(node)
                node.expand()
                queue.extend(node.children)
        if queue:
            self.notify(
                f"Expanded {made:,} nodes and stopped there (the limit is "
                f"{EXPAND_ALL_LIMIT:,}); expand deeper nodes one at a time.",
                markup=False,
            )

    def action_collapse_all(self) -> None:
        (self.cursor_node or self.root).collapse_all()

    def action_copy_path(self) -> None:
        node = self.cursor_node
        if node is None or not isinstance(node.data, JsonEntry):
            return
        path = path_text(node.data.path)
        if not path:
            self.notify("The root is the whole response: it has no path to copy.")
            return
        self.app.copy_to_clipboard(path)
        self.notify(f"Copied {path}", markup=False)

    def copy_value(self) -> tuple[str, str, bool] | None:
        """The value under the cursor as text to copy (a text as it is, anything else as
        JSON, a subtree indented), masked unless revealing; what it is; whether something was
        masked. None: no value under the cursor."""
        node = self.cursor_node
        if node is None or not isinstance(node.data, JsonEntry):
            return None
        value = node.data.value
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(
                value, ensure_ascii=False, indent=2 if self._expandable(value) else None
            )
        shown = text if self._revealing else self._masker.text(text)
        path = path_text(node.data.path)
        return (
            shown,
            f"the value at {visible(path)}" if path else "the whole response",
            shown != text,
        )

    def action_use_value(self) -> None:
        node = self.cursor_node
        entry = node.data if node is not None and self._document is not None else None
        path = entry.path if isinstance(entry, JsonEntry) else None
        self.post_message(self.UseValueRequested(path))

    def action_next_match(self) -> None:
        self._step_match(+1)

    def action_previous_match(self) -> None:
        self._step_match(-1)

    # Events --------------------------------------------------------------------------------

    @on(Tree.NodeExpanded)
    def _fill_on_expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        # Expanded by the tree itself (a click on the arrow, shift+space): fill it now.
        event.stop()
        self._fill(event.node)

    @on(Tree.NodeHighlighted)
    def _report_path(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        event.stop()
        entry = event.node.data
        if isinstance(entry, JsonEntry):
            self.post_message(self.PathHighlighted(path_text(entry.path), entry.value))

    @on(_SearchDone)
    def _show_matches(self, message: _SearchDone) -> None:
        if message.document is not self._document or message.query != self._query:
            return  # the data or the query changed while the search ran
        self._matches = message.matches
        if not self._matches:
            self.border_subtitle = _plain(f"no match for {message.query!r}")
            return
        self._match = -1
        self._step_match(+1)

    # A description of its own: by default Textual puts repr() of the arguments in it.
    @work(thread=True, exclusive=True, group="json-search", description="JSON search")
    def _run_search(self, query: str, document: Owned) -> None:
        worker = get_current_worker()
        try:
            found = search_json(
                document.value, query, limit=MAX_MATCHES, is_cancelled=lambda: worker.is_cancelled
            )
        except Abandoned:
            return
        self.post_message(self._SearchDone(query, document, found))

    @work(thread=True, group="release", description="free a JSON document")
    def _release(self) -> None:
        release_discarded()

    # Nodes ---------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def get_label_width(self, node: JsonNode) -> int:
        # Called for every visible line on each rebuild; the base class renders each label.
        return node.label.cell_len + (2 if node.allow_expand else 0)  # type: ignore[union-attr]

    def _step_match(self, step: int) -> None:
        if not self._matches:
            return
        self._match = (self._match + step) % len(self._matches)
        self.select_path(self._matches[self._match])
        total = f"{len(self._matches):,}{'+' if len(self._matches) == MAX_MATCHES else ''}"
        self.border_subtitle = _plain(f"match {self._match + 1:,} of {total} for {self._query!r}")

    def _expand(self, node: JsonNode) -> None:
        self._fill(node)
        node.expand()

    def _toggle(self, node: JsonNode) -> None:
        if node.is_expanded:
            node.collapse()
        elif node.allow_expand:
            self._expand(node)

    def _fill(self, node: JsonNode) -> int:
        """Make the first page of a container's children, once; returns how many were made."""
        entry = node.data
        if not isinstance(entry, JsonEntry) or entry.keys is not None:
            return 0
        if not isinstance(entry.value, dict | list):
            return 0
        entry.keys = child_keys(entry.value)
        end = min(len(entry.keys), PAGE_SIZE)
        self._add_page(node, 0, end, 0)
        if end < len(entry.keys):
            node.add(self._more_label(end, len(entry.keys)), MoreEntry(end, len(entry.keys)))
        return end

    def _add_page(self, node: JsonNode, start: int, end: int, position: int) -> None:
        entry = node.data
        assert isinstance(entry, JsonEntry) and entry.keys is not None
        container = entry.value
        assert isinstance(container, dict | list)
        for offset, index in enumerate(range(start, end)):
            key = entry.keys[index]
            value = container[key]  # type: ignore[index]
            node.add(
                self._label(key, value),
                JsonEntry((*entry.path, key), value),
                before=position + offset,
                allow_expand=self._expandable(value),
            )

    def _load_page(self, parent: JsonNode, more: JsonNode, start: int) -> None:
        """Replace a "more" node by the page from `start`, keeping "more" nodes around it."""
        gap = more.data
        assert isinstance(gap, MoreEntry)
        end = min(start + PAGE_SIZE, gap.end)
        position = parent.children.index(more)
        more.remove()
        if gap.start < start:
            parent.add(
                self._more_label(gap.start, start), MoreEntry(gap.start, start), before=position
            )
            position += 1
        self._add_page(parent, start, end, position)
        if end < gap.end:
            parent.add(
                self._more_label(end, gap.end),
                MoreEntry(end, gap.end),
                before=position + end - start,
            )

    def _child(self, node: JsonNode, key: str | int) -> JsonNode:
        entry = node.data
        assert isinstance(entry, JsonEntry) and entry.keys is not None
        index = key if isinstance(key, int) else entry.keys.index(key)
        for child in node.children:
            data = child.data
            if isinstance(data, JsonEntry) and data.path[-1] == key:
                return child
            if isinstance(data, MoreEntry) and data.start <= index < data.end:
                page_start = data.start + (index - data.start) // PAGE_SIZE * PAGE_SIZE
                self._load_page(node, child, page_start)
                return self._child(node, key)
        raise KeyError(key)

    @staticmethod
    def _expandable(value: object) -> bool:
        return isinstance(value, dict | list) and bool(value)

    def _style(self, part: str) -> Style:
        """A part's text style, without a background, so the cursor's and focus's show through.

        Cached: looking a component style up takes ~0.1 ms, too slow for 500 labels at once.
        """
        style = self._styles.get(part)
        if style is None:
            name = f"json-tree--{part}"
            # The full style has the colour blended over the background (theme colours may be
            # translucent); the partial one has the text style alone.
            blended = self.get_component_rich_style(name).color
            style = self.get_component_rich_style(name, partial=True) + Style(color=blended)
            self._styles[part] = style
        return style

    def _label(self, key: str | int | None, value: object) -> Text:
        # The whole text is masked before the preview cuts it, so no part of a value shows.
        mask = self._masker.text if self._masker and not self._revealing else str
        kind, shown = preview(mask(value) if isinstance(value, str) else value)
        label = Text(no_wrap=True)
        if isinstance(key, int):
            label.append(str(key), self._style("index"))
            label.append(": ")
        elif key is not None:
            # Keys and texts may hold control characters: escaped, they cannot reach the
            # terminal (JSON's quoting escapes some, not DEL, C1 or bidi controls).
            label.append(visible(mask(key)), self._style("key"))
            label.append(": ")
        label.append(visible(shown), self._style(kind))
        return label

    def _more_label(self, start: int, end: int) -> Text:
        text = f"… {end - start:,} more ({start:,}–{end - 1:,}): enter loads {PAGE_SIZE:,}"
        return Text(text, self._style("more"))
