"""The desk's questions answered with Textual dialogs, its notices shown as notifications.

Waiting for a dialog's answer needs a worker: the screen runs every desk
flow in one (`MainScreen.run_flow`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from textual.command import CommandPalette

from workbench.core.desk import Candidate, Choice, Login, PrivateValueAnswer, Sample, Severity
from workbench.ui.dialogs.choice import ChoiceScreen
from workbench.ui.dialogs.login_prompt import LoginScreen
from workbench.ui.dialogs.name_prompt import NamePromptScreen
from workbench.ui.dialogs.pick import pick_provider
from workbench.ui.dialogs.sample_prompt import SamplePromptScreen
from workbench.ui.dialogs.secret_prompt import PrivateValuePromptScreen
from workbench.ui.dialogs.shape_review import ShapeReviewScreen

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from workbench.core.secrets import SecretAddress
    from workbench.core.shape import Learned, Shape
    from workbench.core.workspace import Call

T = TypeVar("T")


class DialogAsk:
    """`workbench.core.desk.Ask` for a Textual app."""

    def __init__(self, node: DOMNode) -> None:
        self._node = node  # its app, once mounted, shows the dialogs

    @property
    def app(self) -> App[object]:
        return self._node.app

    async def choose(self, title: str, question: str, choices: Sequence[Choice]) -> str | None:
        return await self.app.push_screen_wait(ChoiceScreen(title, question, choices))

    async def name(
        self, title: str, value: str, problem: Callable[[str], str | None]
    ) -> str | None:
        return await self.app.push_screen_wait(NamePromptScreen(title, value, problem))

    async def private_value(
        self, address: SecretAddress, description: str, environment: str
    ) -> PrivateValueAnswer | None:
        prompt = PrivateValuePromptScreen(address, description, environment)
        return await self.app.push_screen_wait(prompt)

    async def pick(
        self,
        placeholder: str,
        candidates: Sequence[Candidate[T]],
        typed: Callable[[str], Candidate[T] | None] | None = None,
    ) -> T | None:
        picked: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()

        def choose(value: T | None) -> None:
            if not picked.done():
                picked.set_result(value)

        def closed(_: object) -> None:
            # The palette runs a chosen entry with `call_later` after it closes: give that its
            # turn first (two hops), then a palette closed without a choice answers None.
            self.app.call_later(self.app.call_later, choose, None)

        palette = CommandPalette(
            [pick_provider(candidates, typed, choose)], placeholder=placeholder
        )
        await self.app.push_screen(palette, closed)
        return await picked

    async def log_in(self, login: Login) -> bool:
        return await self.app.push_screen_wait(LoginScreen(login)) is True

    async def sample(self, name: str, call: Call, draft: str) -> tuple[Sample | None, str]:
        prompt = SamplePromptScreen(name, call, draft)
        sample = await self.app.push_screen_wait(prompt)
        return sample, sample.text if sample is not None else prompt.draft

    async def review_shape(self, name: str, learned: Learned, source: str) -> Shape | None:
        return await self.app.push_screen_wait(ShapeReviewScreen(name, learned, source))

    def tell(
        self,
        message: str,
        *,
        title: str = "",
        severity: Severity = "information",
        timeout: float | None = None,
    ) -> None:
        # Not markup: names and answers from the server may hold [brackets].
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=False)
