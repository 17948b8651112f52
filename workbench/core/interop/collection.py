"""What importing another tool's collection shares: its variables, and the import's result.

Collections (Postman, Posting) write values as variables (`{{name}}`, `${NAME}`) that
each environment fills differently. Workbench has no variables: `Variables` fills them in,
giving a plain value where every environment agrees and a `PerEnvironment` value where
they differ. A variable marked secret makes whatever uses it private: its values are
returned for the secret store (one per environment when they differ), never put in the
workspace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workbench.core.errors import WorkbenchError
from workbench.core.secrets.store import SecretAddress
from workbench.core.workspace.model import Method, PerEnvironment, UseAs, Value, Workspace

# Methods that change nothing on the server: their calls are data, the others actions
# (an action asks before it is sent).
SAFE_METHODS = frozenset({Method.GET, Method.HEAD, Method.OPTIONS})


class CollectionError(WorkbenchError):
    """The file is not a collection workbench can read; the message says what is wrong."""


@dataclass(frozen=True)
class PrivateValue:
    """A value for the secret store: where it goes, and for which environment (None: all)."""

    address: SecretAddress
    value: str = ""
    environment: str | None = None

    def __repr__(self) -> str:
        return f"PrivateValue({self.address}, environment={self.environment!r})"


@dataclass(frozen=True)
class CollectionImport:
    """The workspace with the collection added, its calls, and the private values to store."""

    workspace: Workspace
    provider: str
    calls: tuple[str, ...]
    secrets: tuple[PrivateValue, ...] = ()
    notes: tuple[str, ...] = ()


def use_of(method: Method) -> UseAs:
    """How a call with `method` is used: data when it changes nothing."""
    return UseAs.DATA if method in SAFE_METHODS else UseAs.ACTION


class Variables:
    """The collection's variables, per environment, and which of them are secret."""

    def __init__(
        self,
        pattern: str,
        written: str,
        environments: tuple[str, ...],
        values: Mapping[str, Mapping[str, str]],
        secret: frozenset[str] = frozenset(),
    ) -> None:
        self.pattern = pattern  # its first group that matched is the name
        self._pattern = re.compile(pattern)
        self._written = written  # how the tool writes a variable: "{{%s}}", "${%s}"
        self.environments = environments
        self._values = values  # environment -> name -> value
        self.secret = secret
        self.unknown: set[str] = set()  # used but set in no environment (for a note)

    def names(self, text: str) -> list[str]:
        """The variables `text` uses, in order."""
        return [_name(match) for match in self._pattern.finditer(text)]

    def written(self, name: str) -> str:
        """The variable `name` as the tool writes it."""
        return self._written % name

    def per_environment(self, text: str) -> dict[str, str]:
        """`text` with its variables filled in, for each environment that sets them all (for
        every environment as it is, when none does)."""
        filled = {env: self._fill(text, env) for env in self.environments}
        given = {env: value for env, value in filled.items() if value is not None}
        if given:
            return given
        self.unknown.update(self.names(text))
        return {env: text for env in self.environments}

    def value(self, text: str) -> Value:
        """`text` filled in: plain where the environments agree, else per environment."""
        filled = self.per_environment(text)
        if len(set(filled.values())) == 1:
            return next(iter(filled.values()))
        return PerEnvironment(filled)

    def first(self, text: str) -> str:
        """`text` filled in for the first environment that sets its variables (where one
        value is needed)."""
        return next(iter(self.per_environment(text).values()))

    def is_private(self, text: str) -> bool:
        """Whether `text` uses a secret variable."""
        return any(name in self.secret for name in self.names(text))

    def placeholders(self, text: str, left: str, right: str) -> tuple[str, list[str]]:
        """`text` with each variable written `left + name + right` (a workbench placeholder),
        and the names."""
        names: list[str] = []

        def placeholder(match: re.Match[str]) -> str:
            name = _name(match)
            if name not in names:
                names.append(name)
            return f"{left}{name}{right}"

        return self._pattern.sub(placeholder, text), names

    def private_values(
        self, address: SecretAddress, text: str, encode: Callable[[str], str] = str
    ) -> list[PrivateValue]:
        """`text` filled in (and `encode`d) for the secret store at `address`: once, or per
        environment."""
        filled = {env: encode(value) for env, value in self.per_environment(text).items()}
        if len(set(filled.values())) == 1 and len(filled) == len(self.environments):
            return [PrivateValue(address, next(iter(filled.values())))]
        return [PrivateValue(address, value, env) for env, value in filled.items()]

    def _fill(self, text: str, environment: str) -> str | None:
        """`text` filled in for `environment`; None when it leaves a variable unset."""
        values = self._values.get(environment, {})
        if any(name not in values for name in self.names(text)):
            return None
        return self._pattern.sub(lambda match: values[_name(match)], text)


def _name(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None).strip()
