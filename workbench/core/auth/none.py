"""No authentication, or self-handled: credentials, if any, are the call's own private values."""

from __future__ import annotations

from workbench.core.auth.base import AuthMethod, no_additions

METHOD = AuthMethod(name="none", label="None or self-handled", settings=(), apply=no_additions)
