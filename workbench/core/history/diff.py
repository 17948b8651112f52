"""Comparing two JSON responses: the values added, removed and changed, each by its path.

Objects are compared key by key and lists item by item (by position), so a path names one
place in the data the way chaining and shapes do (`data[0].email`, `headers['x-id']`). A
value whose type changed (`1` to `"1"`, an object to null) is a change of that value, not of
what is inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from workbench.core.errors import WorkbenchError
from workbench.core.history.entry import HistoryEntry
from workbench.core.shape.json_path import key_path, label

SHOWN_VALUE = 60  # characters of a value a line shows


class ResponseNotJson(WorkbenchError):
    """An entry's response cannot be compared: no body, not JSON, or cut at the cap."""


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


_MARKS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}


@dataclass(frozen=True)
class Change:
    """One difference: at `path`, `old` became `new` (None for the side without it)."""

    path: str
    kind: ChangeKind
    old: object = None
    new: object = None

    def line(self) -> str:
        """`~ data[0].email: "a@x.org" -> "b@x.org"`, `+ path: value`, `- path: value`."""
        where = f"{_MARKS[self.kind]} {label(self.path)}"
        if self.kind is ChangeKind.ADDED:
            return f"{where}: {_shown(self.new)}"
        if self.kind is ChangeKind.REMOVED:
            return f"{where}: {_shown(self.old)}"
        return f"{where}: {_shown(self.old)} -> {_shown(self.new)}"

    def as_json(self) -> dict[str, object]:
        shown: dict[str, object] = {"path": self.path, "change": str(self.kind)}
        if self.kind is not ChangeKind.ADDED:
            shown["old"] = self.old
        if self.kind is not ChangeKind.REMOVED:
            shown["new"] = self.new
        return shown


def json_diff(old: object, new: object, path: str = "") -> list[Change]:
    """Every difference between two JSON values, in document order."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key, value in old.items():
            inner = key_path(path, str(key))
            if key in new:
                changes += json_diff(value, new[key], inner)
            else:
                changes.append(Change(inner, ChangeKind.REMOVED, old=value))
        changes += [
            Change(key_path(path, str(key)), ChangeKind.ADDED, new=value)
            for key, value in new.items()
            if key not in old
        ]
        return changes
    if isinstance(old, list) and isinstance(new, list):
        changes = []
        for index in range(max(len(old), len(new))):
            inner = f"{path}[{index}]"
            if index >= len(new):
                changes.append(Change(inner, ChangeKind.REMOVED, old=old[index]))
            elif index >= len(old):
                changes.append(Change(inner, ChangeKind.ADDED, new=new[index]))
            else:
                changes += json_diff(old[index], new[index], inner)
        return changes
    # `True == 1` and `1 == 1.0` in Python; in JSON they are different values.
    if type(old) is not type(new) or old != new:
        return [Change(path, ChangeKind.CHANGED, old=old, new=new)]
    return []


def diff_responses(old: HistoryEntry, new: HistoryEntry) -> list[Change]:
    """The differences from `old`'s JSON response to `new`'s. Raises `ResponseNotJson`."""
    return json_diff(_json_of(old), _json_of(new))


def _json_of(entry: HistoryEntry) -> object:
    name = f"Entry {entry.id} ({entry.where.name})"
    if entry.cut:
        raise ResponseNotJson(
            f"{name} kept only the first {len(entry.exchange.body)} bytes of its response, "
            "which cannot be compared as JSON."
        )
    if not entry.exchange.body:
        raise ResponseNotJson(f"{name} has no response body to compare.")
    try:
        return json.loads(entry.exchange.body)
    except ValueError:
        raise ResponseNotJson(f"{name} did not answer JSON; only JSON is compared.") from None


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"
