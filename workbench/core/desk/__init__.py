"""The desk: the application's logic under the TUI, with no screen of its own.

It holds the open workspace documents, what is selected and in which
environment, and runs what the user asks for: sending, saving, editing the
tree, initializing, chaining, logging in. It asks the user through `Ask` and
publishes what changed (`Change`); the Textual screen draws the desk's state
and turns keys and widget messages into desk calls. Tests drive it with a
scripted `Ask`.

This is the package's public face (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.desk.ask import (
        NO as NO,
        YES as YES,
        Ask as Ask,
        Candidate as Candidate,
        Choice as Choice,
        Login as Login,
        PrivateValueAnswer as PrivateValueAnswer,
        Sample as Sample,
        Severity as Severity,
        Variant as Variant,
        confirm as confirm,
    )
    from workbench.core.desk.desk import Change as Change, Desk as Desk
    from workbench.core.desk.history import Listing as Listing
    from workbench.core.desk.items import TreeItem as TreeItem
    from workbench.core.desk.private_values import (
        KeptByDesk as KeptByDesk,
        PrivateValueAccess as PrivateValueAccess,
    )
    from workbench.core.desk.response import (
        UNPARSED as UNPARSED,
        Answered as Answered,
        AnswerOf as AnswerOf,
        Cancelled as Cancelled,
        Idle as Idle,
        InFlight as InFlight,
        LiveStream as LiveStream,
        NotSent as NotSent,
        Past as Past,
        Problem as Problem,
        ResponseState as ResponseState,
        Streaming as Streaming,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "ask": (
            "NO",
            "YES",
            "Ask",
            "Candidate",
            "Choice",
            "Login",
            "PrivateValueAnswer",
            "Sample",
            "Severity",
            "Variant",
            "confirm",
        ),
        "desk": ("Change", "Desk"),
        "history": ("Listing",),
        "items": ("TreeItem",),
        "private_values": ("KeptByDesk", "PrivateValueAccess"),
        "response": (
            "UNPARSED",
            "Answered",
            "AnswerOf",
            "Cancelled",
            "Idle",
            "InFlight",
            "LiveStream",
            "NotSent",
            "Past",
            "Problem",
            "ResponseState",
            "Streaming",
        ),
    },
)
