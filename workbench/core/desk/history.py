"""The history in the TUI: list the selected call's past exchanges (or every call's), open one
in the response area, compare two, send one again.

The database is read in a thread (a history of thousands of entries must not hold up the
screen). A past response is shown as it was kept: masked, its body cut at 1 MB. Sending
one again sends the call as it is now in the workspace with the values its parameters that
are not private had then, and today's private values: the history kept those masked, so
there is nothing else to send.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.desk.ask import confirm
from workbench.core.desk.items import TreeItem
from workbench.core.desk.response import Past
from workbench.core.errors import HistoryError
from workbench.core.history.diff import Change, ResponseNotJson, diff_responses
from workbench.core.history.entry import HistoryEntry, HistorySummary
from workbench.core.history.store import HistoryStore, WorkspaceKey
from workbench.core.workspace.model import ResponseType

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk


@dataclass(frozen=True)
class Listing:
    """What a history list shows: its title and entries (newest first)."""

    title: str
    entries: tuple[HistorySummary, ...]
    of_call: bool  # the selected call's, not every call's


class HistoryFlow:
    """What the history keys start (see the module's docstring)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @property
    def store(self) -> HistoryStore:
        """The history the documents' sessions write: beside their secret store."""
        documents = self.desk.documents
        store = documents[0].secrets.store if documents else None
        return HistoryStore(store.home if store is not None else None)

    async def listing(self, *, every: bool) -> Listing | None:
        """The selected call's entries, or every call's (`every`, or no call selected); None
        when the history cannot be read (told)."""
        item = self.desk.selected
        of_call = not every and item is not None and item.call is not None
        try:
            if of_call and item is not None:
                key = _key(item)
                entries = await asyncio.to_thread(
                    self.store.summaries, workspace=key, provider=item.provider, call=item.call
                )
                title = f"History of {item.provider}/{item.call}"
            else:
                entries = await asyncio.to_thread(self.store.summaries)
                title = "History of every call"
        except HistoryError as error:
            self.desk.ask.tell(str(error), title="History", severity="error")
            return None
        return Listing(title, tuple(entries), of_call)

    async def open(self, entry_id: int) -> None:
        """Show entry `entry_id` in the response area: under its call when that call is open
        (selected first), else in place of what is shown."""
        entry = await self._entry(entry_id)
        if entry is None:
            return
        desk = self.desk
        item = self._item_of(entry)
        if item is not None:
            desk.select(item)
        of = desk.answer_of(desk.selected)
        response_type = _response_type(entry, item)
        if of is not None and item is not None:
            desk.show(of, Past(entry, response_type))
        else:
            desk.show_only(Past(entry, response_type))

    async def compare(self, first_id: int, second_id: int) -> tuple[str, list[Change]] | None:
        """The differences from the older entry's JSON response to the newer's, with a title
        naming both; None (told why) when they cannot be compared."""
        older, newer = sorted((first_id, second_id))
        entries = [await self._entry(entry_id) for entry_id in (older, newer)]
        if entries[0] is None or entries[1] is None:
            return None
        try:
            changes = await asyncio.to_thread(diff_responses, entries[0], entries[1])
        except ResponseNotJson as error:
            self.desk.ask.tell(str(error), title="Not compared", severity="warning")
            return None
        title = f"#{older} → #{newer} · {entries[1].where.name}"
        return title, changes

    async def resend(self, entry_id: int) -> None:
        """Send the entry's call again (as it is now) with the values its parameters that are
        not private had then, and today's private values; in the entry's environment."""
        entry = await self._entry(entry_id)
        if entry is None:
            return
        desk = self.desk
        item = self._item_of(entry)
        where = entry.where
        if item is None:
            desk.ask.tell(
                f"{where.name} of {where.workspace_name} is not open (or no longer exists): "
                "open its workspace to send it again.",
                severity="warning",
            )
            return
        desk.select(item)
        document = item.document
        if desk.environment_of(document) != where.environment:
            question = (
                f"Entry #{entry_id} was sent to {where.environment}; the workspace now sends "
                f"to {desk.environment_of(document)}. Send it again in {where.environment}?"
            )
            if not await confirm(desk.ask, "Send to another environment?", question):
                return
            desk.set_environment(document, where.environment)
        provider, call = item.provider_model, item.call_model
        # Today's call: what it no longer has, or now keeps private or reads from a file, is
        # not taken from the past (a file is checked as the workspace's own).
        kept = {
            p.name: p
            for p in (
                *(provider.parameters if provider else ()),
                *(call.parameters if call else ()),
            )
        }
        values = {
            name: value
            for name, value in entry.exchange.request.parameters
            if name in kept and not kept[name].private and not kept[name].file
        }
        desk.ask.tell(
            f"Sending {where.name} again with the parameter values of #{entry_id} and today's "
            "private values (the history keeps those masked).",
            timeout=4,
        )
        await desk.sending.send_selected("Send again", past_values=values)

    async def _entry(self, entry_id: int) -> HistoryEntry | None:
        try:
            entry = await asyncio.to_thread(self.store.entry, entry_id)
        except HistoryError as error:
            self.desk.ask.tell(str(error), title="History", severity="error")
            return None
        if entry is None:
            self.desk.ask.tell(
                f"Entry #{entry_id} is no longer in the history.", severity="warning"
            )
        return entry

    def _item_of(self, entry: HistoryEntry) -> TreeItem | None:
        """The open call the entry was sent by, if it is open and still there."""
        where = entry.where
        for document in self.desk.documents:
            same = document.workspace.id == where.workspace_id or (
                where.workspace_path and str(document.path.resolve()) == where.workspace_path
            )
            item = TreeItem(document, where.provider, where.call)
            if same and item.call_model is not None:
                return item
        return None


def _key(item: TreeItem) -> WorkspaceKey:
    document = item.document
    return WorkspaceKey(document.workspace.id, str(document.path.resolve()))


def _response_type(entry: HistoryEntry, item: TreeItem | None) -> ResponseType:
    """How to show the body: as the call reads it, else as its Content-Type says."""
    call = item.call_model if item is not None else None
    if call is not None:
        return call.response_type
    content_type = entry.exchange.content_type
    return ResponseType.JSON if content_type.endswith("json") else ResponseType.TEXT
