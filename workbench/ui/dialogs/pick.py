"""A command palette that picks one of a list of candidates (fuzzy, keys only).

Chaining picks the call that takes a value, then its parameter, with this;
`typed` turns what was typed into one more entry (a new parameter's name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from workbench.core.desk import Candidate

T = TypeVar("T")


def pick_provider(
    candidates: Sequence[Candidate[T]],
    typed: Callable[[str], Candidate[T] | None] | None,
    choose: Callable[[T], None],
) -> type[Provider]:
    """A palette provider offering `candidates` (plus what `typed` makes of the query); the
    entry chosen is passed to `choose`."""

    class Choices(Provider):
        async def discover(self) -> Hits:
            for candidate in candidates:
                # Names and URLs are not markup: `[id]` is a placeholder, not a style.
                shown, help = Content(candidate.text), escape(candidate.help)
                run = partial(choose, candidate.value)
                yield DiscoveryHit(shown, run, text=candidate.text, help=help)

        async def search(self, query: str) -> Hits:
            matcher = self.matcher(query)
            for candidate in candidates:
                score = matcher.match(candidate.text)
                if score > 0:
                    text = matcher.highlight(candidate.text)
                    run = partial(choose, candidate.value)
                    yield Hit(score, text, run, help=escape(candidate.help))
            extra = typed(query) if typed is not None else None
            if extra is not None:  # last: a name typed is a new one
                shown, help = Content(extra.text), escape(extra.help)
                run = partial(choose, extra.value)
                yield Hit(0.01, shown, run, text=extra.text, help=help)

    return Choices
