"""Authentication methods, one module each, looked up by the name used in workspace files."""

from __future__ import annotations

from workbench.core.auth import (
    basic,
    certificate,
    header,
    json_web_token,
    none,
    oauth2_code,
    oauth2_custom,
    oauth2_password,
    query,
)
from workbench.core.auth.base import AuthAdditions, AuthMethod, AuthSetting

# In the order the UI offers them; one method per line.
_ALL: tuple[AuthMethod, ...] = (
    none.METHOD,
    query.METHOD,
    header.METHOD,
    basic.METHOD,
    oauth2_password.METHOD,
    oauth2_code.METHOD,
    oauth2_custom.METHOD,
    json_web_token.METHOD,
    certificate.METHOD,
)
METHODS: dict[str, AuthMethod] = {m.name: m for m in _ALL}

__all__ = ["METHODS", "AuthAdditions", "AuthMethod", "AuthSetting", "method"]


def method(name: str) -> AuthMethod | None:
    """The authentication method called `name` in workspace files, or None."""
    return METHODS.get(name)
