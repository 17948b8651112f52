"""Authentication methods, one module each, looked up by the name used in workspace files."""

from __future__ import annotations

from workbench.core.auth import header, none
from workbench.core.auth.base import AuthAdditions, AuthMethod, AuthSetting

METHODS: dict[str, AuthMethod] = {m.name: m for m in (none.METHOD, header.METHOD)}

__all__ = ["METHODS", "AuthAdditions", "AuthMethod", "AuthSetting", "method"]


def method(name: str) -> AuthMethod | None:
    """The authentication method called `name` in workspace files, or None."""
    return METHODS.get(name)
