"""The history: every exchange kept, masked, in the user's data directory.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.history.diff import (
        Change as Change,
        ChangeKind as ChangeKind,
        ResponseNotJson as ResponseNotJson,
        diff_responses as diff_responses,
        json_diff as json_diff,
    )
    from workbench.core.history.entry import (
        BODY_CAP as BODY_CAP,
        HistoryEntry as HistoryEntry,
        HistorySummary as HistorySummary,
        Where as Where,
        kept_entry as kept_entry,
        local_time as local_time,
    )
    from workbench.core.history.recorder import HistoryRecorder as HistoryRecorder
    from workbench.core.history.store import (
        DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES,
        DEFAULT_MAX_ENTRIES as DEFAULT_MAX_ENTRIES,
        FILE_NAME as FILE_NAME,
        HistoryStore as HistoryStore,
        WorkspaceKey as WorkspaceKey,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "diff": ("Change", "ChangeKind", "ResponseNotJson", "diff_responses", "json_diff"),
        "entry": (
            "BODY_CAP",
            "HistoryEntry",
            "HistorySummary",
            "Where",
            "kept_entry",
            "local_time",
        ),
        "recorder": ("HistoryRecorder",),
        "store": (
            "DEFAULT_MAX_BYTES",
            "DEFAULT_MAX_ENTRIES",
            "FILE_NAME",
            "HistoryStore",
            "WorkspaceKey",
        ),
    },
)
