"""A scripted user for the desk: answers its questions from a list and records what it was told.

Tests of the desk run without Textual: each question pops the next answer
(a test that gets a question it did not expect fails, naming it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from workbench.core.auth import LoginPrompt
from workbench.core.desk import Candidate, Choice, Login, PrivateValueAnswer, Sample, Severity
from workbench.core.errors import WorkbenchError

T = TypeVar("T")


@dataclass
class ScriptedUser:
    """`workbench.core.desk.Ask` with answers given in advance."""

    answers: list[Any] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # each question's title, in order
    questions: list[str] = field(default_factory=list)  # the text of each choice asked
    told: list[tuple[str, Severity]] = field(default_factory=list)
    prompts: list[LoginPrompt] = field(default_factory=list)  # what each login showed

    def _answer(self, question: str) -> Any:
        self.asked.append(question)
        assert self.answers, f"unexpected question: {question}"
        return self.answers.pop(0)

    async def choose(self, title: str, question: str, choices: Sequence[Choice]) -> str | None:
        self.questions.append(question)
        answer = self._answer(title)
        assert answer is None or answer in [c.value for c in choices], (answer, choices)
        return answer  # type: ignore[no-any-return]

    async def name(
        self, title: str, value: str, problem: Callable[[str], str | None]
    ) -> str | None:
        answer = self._answer(title)
        assert answer is None or problem(answer) is None
        return answer  # type: ignore[no-any-return]

    async def private_value(
        self, address: object, description: str, environment: str
    ) -> PrivateValueAnswer | None:
        return self._answer(f"private value {address}")  # type: ignore[no-any-return]

    async def pick(
        self,
        placeholder: str,
        candidates: Sequence[Candidate[T]],
        typed: Callable[[str], Candidate[T] | None] | None = None,
    ) -> T | None:
        """The answer is the text of the candidate to pick (or a text to type)."""
        text = self._answer(placeholder)
        if text is None:
            return None
        for candidate in candidates:
            if candidate.text == text:
                return candidate.value
        extra = typed(text) if typed else None
        assert extra is not None, f"no candidate {text!r} in {[c.text for c in candidates]}"
        return extra.value

    async def log_in(self, login: Login) -> bool:
        """The answer plays the browser: called (in a thread) with the login's prompt, it
        returns the text to paste, or None to paste nothing (it let the redirect reach the
        listener). A failed login is told as an error, then given up (False)."""
        browser = self._answer(f"log in to {login.provider}")
        if browser is None:
            return False
        browsed: asyncio.Future[str | None] | None = None

        def show(prompt: LoginPrompt) -> None:
            nonlocal browsed
            self.prompts.append(prompt)
            browsed = asyncio.ensure_future(asyncio.to_thread(browser, prompt))

        async def paste() -> str | None:
            nonlocal browsed
            assert browsed is not None, "asked for a paste before the URL was shown"
            text, browsed = await browsed, asyncio.Future()  # one paste, then nothing more
            # The browser's failure (an assertion) fails the test.
            return text if text is not None else await browsed

        try:
            await login.run(show, paste)
        except WorkbenchError as error:
            self.told.append((str(error), "error"))
            return False
        return True

    async def sample(self, name: str, call: object, draft: str) -> tuple[Sample | None, str]:
        sample = self._answer(f"sample of {name}")
        return sample, sample.text if sample else draft

    async def review_shape(self, name: str, learned: Any, source: str) -> Any:
        answer = self._answer(f"shape of {name}")
        return answer(learned) if callable(answer) else answer

    def tell(
        self,
        message: str,
        *,
        title: str = "",
        severity: Severity = "information",
        timeout: float | None = None,
    ) -> None:
        self.told.append((message, severity))

    def was_told(self, part: str) -> bool:
        return any(part in message for message, _ in self.told)
