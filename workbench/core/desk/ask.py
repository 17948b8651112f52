"""How the desk talks to the user: the questions it asks (`Ask`) and what it tells.

The desk never shows anything itself. The TUI answers these with modal
dialogs and notifications; tests answer them with a script (`tests/desk_script.py`).
Every question may be declined: None (or False) means the user cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from workbench.core.auth.login import LoginPrompt, PastedLine
    from workbench.core.secrets.store import SecretAddress
    from workbench.core.shape.fields import Shape
    from workbench.core.shape.initialize import Learned
    from workbench.core.workspace.model import Call

T = TypeVar("T")
Severity = Literal["information", "warning", "error"]
Variant = Literal["default", "primary", "success", "warning", "error"]


@dataclass(frozen=True)
class Choice:
    """One answer of a `choose` question: the key that picks it, its label, the value returned,
    and how it looks (a destructive answer is "error")."""

    key: str
    label: str
    value: str
    variant: Variant = "default"


YES = Choice("y", "Yes", "yes", "primary")
NO = Choice("n", "No", "no")


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """One entry of a `pick` list: what is shown, a help line, and the value it stands for."""

    text: str
    help: str
    value: T


@dataclass(frozen=True)
class PrivateValueAnswer:
    """A private value typed by the user; `environment` None means for every environment."""

    value: str = field(repr=False)  # never in a log or a traceback
    environment: str | None = None


@dataclass(frozen=True)
class Sample:
    """A pasted sample response (`text`) and the data read from it."""

    text: str
    data: object


@dataclass(frozen=True)
class Login:
    """A login the user completes in a browser (OAuth2 user-agent flow): whose, why, and how
    to run it. `run` tells what to open through its first argument as the login starts,
    reads what the user pastes through its second, and returns once the token is stored;
    it raises `WorkbenchError` saying why the login failed."""

    provider: str
    environment: str
    reason: str
    run: Callable[[Callable[[LoginPrompt], None], PastedLine], Awaitable[None]]


class Ask(Protocol):
    """The user, as the desk sees them."""

    async def choose(self, title: str, question: str, choices: Sequence[Choice]) -> str | None:
        """One of `choices` (its value), or None when cancelled."""
        ...

    async def name(
        self, title: str, value: str, problem: Callable[[str], str | None]
    ) -> str | None:
        """A name, offered as `value`; `problem` says what is wrong with a candidate (None: ok)."""
        ...

    async def private_value(
        self, address: SecretAddress, description: str, environment: str
    ) -> PrivateValueAnswer | None:
        """A private value for `address`, typed masked."""
        ...

    async def pick(
        self,
        placeholder: str,
        candidates: Sequence[Candidate[T]],
        typed: Callable[[str], Candidate[T] | None] | None = None,
    ) -> T | None:
        """One of `candidates` found by typing (or what `typed` makes of the text typed)."""
        ...

    async def log_in(self, login: Login) -> bool:
        """Run `login` while showing its URL and taking what the user pastes: True once it
        succeeded, False when the user gave up (a failure is shown first)."""
        ...

    async def sample(self, name: str, call: Call, draft: str) -> tuple[Sample | None, str]:
        """A sample response of `call`, and the text the dialog held when it closed."""
        ...

    async def review_shape(self, name: str, learned: Learned, source: str) -> Shape | None:
        """The shape to keep after reviewing `learned` (None: keep the saved one)."""
        ...

    def tell(
        self,
        message: str,
        *,
        title: str = "",
        severity: Severity = "information",
        timeout: float | None = None,
    ) -> None:
        """Show a short notice (plain text, never markup)."""
        ...


async def confirm(ask: Ask, title: str, question: str) -> bool:
    """A yes/no question; only "yes" is yes."""
    return await ask.choose(title, question, (YES, NO)) == "yes"
