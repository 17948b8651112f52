"""Sending calls: building requests, the HTTP client, sessions, and reading answers into data.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.sending.exchange import (
        Exchange as Exchange,
        SentRequest as SentRequest,
        format_size as format_size,
    )
    from workbench.core.sending.kept_cookies import (
        KeptCookies as KeptCookies,
    )
    from workbench.core.sending.large_bodies import (
        LARGE_BODY as LARGE_BODY,
        PIECE as PIECE,
        Abandoned as Abandoned,
        IsCancelled as IsCancelled,
        Owned as Owned,
        charset_of as charset_of,
        decode_text as decode_text,
        discard as discard,
        long_lived_data as long_lived_data,
        never as never,
        parse_json as parse_json,
        release_discarded as release_discarded,
    )
    from workbench.core.sending.proxies import (
        shown_proxy as shown_proxy,
    )
    from workbench.core.sending.response_data import (
        ResponseDataError as ResponseDataError,
    )
    from workbench.core.sending.session import (
        CallResult as CallResult,
        Session as Session,
        warm_up as warm_up,
    )
    from workbench.core.sending.stream import (
        NOT_JSON as NOT_JSON,
        OnEvent as OnEvent,
        StreamEvent as StreamEvent,
        StreamKind as StreamKind,
    )
    from workbench.core.sending.url import (
        join as join,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "exchange": (
            "Exchange",
            "SentRequest",
            "format_size",
        ),
        "kept_cookies": ("KeptCookies",),
        "large_bodies": (
            "Abandoned",
            "IsCancelled",
            "LARGE_BODY",
            "Owned",
            "PIECE",
            "charset_of",
            "decode_text",
            "discard",
            "long_lived_data",
            "never",
            "parse_json",
            "release_discarded",
        ),
        "proxies": ("shown_proxy",),
        "response_data": ("ResponseDataError",),
        "session": (
            "CallResult",
            "Session",
            "warm_up",
        ),
        "stream": ("NOT_JSON", "OnEvent", "StreamEvent", "StreamKind"),
        "url": ("join",),
    },
)
