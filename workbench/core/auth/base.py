"""What every authentication method declares: its settings, and what it adds to a request.

A method is data plus functions: `apply` (pure) turns resolved settings, and
the current token for token-based methods, into headers and query
parameters; `token_flow` (token-based methods only) obtains and renews
tokens over HTTP; `transport` (client certificates) says how the TLS
connection itself must be set up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.secrets.store import Secret
from workbench.core.terminal_text import plain_line_breaks

if TYPE_CHECKING:
    from workbench.core.auth.tokens import Token, TokenFlow
    from workbench.core.sending.transport import TransportConfig

# A method's settings once resolved for one environment: text for plain
# settings, `Secret` for private ones. Optional settings with no value are absent.
ResolvedSettings = dict[str, str | Secret]


@dataclass(frozen=True)
class AuthSetting:
    """One setting of an authentication method.

    A private setting is never stored in the workspace file: its value lives in
    the secret store under the field `auth.<name>` (per environment when the
    user sets it so, like the connector's development and live keys).
    `choices` lists the allowed values of a setting that is a choice;
    `multiline` marks settings holding PEM keys, JSON or templates.
    """

    name: str
    label: str
    private: bool = False
    required: bool = True
    default: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    multiline: bool = False


@dataclass
class AuthAdditions:
    """What authentication adds to one request. Secret values stay `Secret` until sent."""

    headers: list[tuple[str, str | Secret]] = field(default_factory=list)
    query: list[tuple[str, str | Secret]] = field(default_factory=list)


# Given the resolved settings and, for token-based methods, the current token
# (None when there is none yet, e.g. when only previewing a request), say what
# to add to the request. Pure: no I/O.
ApplyAuth = Callable[[ResolvedSettings, "Token | None"], AuthAdditions]

# For methods that change the TLS connection (client certificates).
TransportOf = Callable[[ResolvedSettings], "TransportConfig"]


@dataclass(frozen=True)
class AuthMethod:
    """An authentication method: its name in workspace files, its label and settings."""

    name: str
    label: str
    settings: tuple[AuthSetting, ...]
    apply: ApplyAuth
    token_flow: TokenFlow | None = None
    transport: TransportOf | None = None

    def setting(self, name: str) -> AuthSetting | None:
        return next((s for s in self.settings if s.name == name), None)


def no_additions(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    """`apply` for methods that add nothing to the request itself."""
    return AuthAdditions()


def text_setting(settings: ResolvedSettings, name: str) -> str:
    """A plain (non-private) setting as text; "" when absent."""
    value = settings.get(name, "")
    return value.reveal() if isinstance(value, Secret) else value


def pem_setting(settings: ResolvedSettings, name: str) -> str:
    """A PEM setting's text, with the line breaks PEM readers take ("" when absent).

    Read here rather than only when stored: a value pasted before, or set from a file
    with CR LF line breaks, works too.
    """
    return plain_line_breaks(text_setting(settings, name))
