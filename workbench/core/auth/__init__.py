"""Authentication methods, one module each, looked up by the name used in workspace files.

This is the package's public face: the CLI and the UI import from here. The
methods are loaded at once (the UI lists them); logging in, tokens and the
OAuth2 helpers are imported when first used (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.auth import (
    basic,
    certificate,
    header,
    json_web_token,
    none,
    oauth2_client,
    oauth2_code,
    oauth2_custom,
    oauth2_password,
    query,
)
from workbench.core.auth.base import AuthAdditions, AuthMethod, AuthSetting
from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.auth.login import (
        DEFAULT_TIMEOUT_SECONDS as DEFAULT_TIMEOUT_SECONDS,
        LoginPrompt as LoginPrompt,
        PastedLine as PastedLine,
        log_in as log_in,
    )
    from workbench.core.auth.oauth import CredentialsRefused as CredentialsRefused
    from workbench.core.auth.oauth2_code import UserAgentFlow as UserAgentFlow
    from workbench.core.auth.settings import (
        method_of as method_of,
        resolve_settings as resolve_settings,
    )
    from workbench.core.auth.tokens import Token as Token, TokenManager as TokenManager

# In the order the UI offers them; one method per line.
_ALL: tuple[AuthMethod, ...] = (
    none.METHOD,
    query.METHOD,
    header.METHOD,
    basic.METHOD,
    oauth2_password.METHOD,
    oauth2_client.METHOD,
    oauth2_code.METHOD,
    oauth2_custom.METHOD,
    json_web_token.METHOD,
    certificate.METHOD,
)
METHODS: dict[str, AuthMethod] = {m.name: m for m in _ALL}

__getattr__, __dir__, _lazy_names = lazy_face(
    __name__,
    {
        "login": ("DEFAULT_TIMEOUT_SECONDS", "LoginPrompt", "PastedLine", "log_in"),
        "oauth": ("CredentialsRefused",),
        "oauth2_code": ("UserAgentFlow",),
        "settings": ("method_of", "resolve_settings"),
        "tokens": ("Token", "TokenManager"),
    },
)
__all__ = ["METHODS", "AuthAdditions", "AuthMethod", "AuthSetting", "method", *_lazy_names]


def method(name: str) -> AuthMethod | None:
    """The authentication method called `name` in workspace files, or None."""
    return METHODS.get(name)
