"""No authentication, or self-handled: credentials, if any, are the call's own private values."""

from __future__ import annotations

from workbench.core.auth.base import AuthAdditions, AuthMethod
from workbench.core.secrets import Secret


def _apply(settings: dict[str, str | Secret]) -> AuthAdditions:
    return AuthAdditions()


METHOD = AuthMethod(name="none", label="None or self-handled", settings=(), apply=_apply)
