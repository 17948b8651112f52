"""What every authentication method declares: its settings, and what it adds to a request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.core.secrets import Secret


@dataclass(frozen=True)
class AuthSetting:
    """One setting of an authentication method.

    A private setting is never stored in the workspace file: its value lives in
    the secret store under the field `auth.<name>` (per environment when the
    user sets it so, like the connector's development and live keys).
    """

    name: str
    label: str
    private: bool = False
    required: bool = True
    default: str = ""
    help: str = ""


@dataclass
class AuthAdditions:
    """What authentication adds to one request. Secret values stay `Secret` until sent."""

    headers: list[tuple[str, str | Secret]] = field(default_factory=list)
    query: list[tuple[str, str | Secret]] = field(default_factory=list)


# Given the method's resolved settings (text for plain settings, Secret for
# private ones), say what to add to the request. Pure: no I/O.
ApplyAuth = Callable[[dict[str, str | Secret]], AuthAdditions]


@dataclass(frozen=True)
class AuthMethod:
    """An authentication method: its name in workspace files, its label and settings."""

    name: str
    label: str
    settings: tuple[AuthSetting, ...]
    apply: ApplyAuth

    def setting(self, name: str) -> AuthSetting | None:
        return next((s for s in self.settings if s.name == name), None)
