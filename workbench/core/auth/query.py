"""Private key in URL: one query parameter, e.g. `?api_key=...`, added to every call."""

from __future__ import annotations

from workbench.core.auth.base import (
    AuthAdditions,
    AuthMethod,
    AuthSetting,
    ResolvedSettings,
    text_setting,
)
from workbench.core.auth.tokens import Token


def _apply(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    # The value stays a Secret: the request builder masks it (in every URL
    # encoding) wherever the request is shown.
    return AuthAdditions(query=[(text_setting(settings, "name"), settings["value"])])


METHOD = AuthMethod(
    name="query",
    label="Private key in URL",
    settings=(
        AuthSetting("name", "Parameter name", default="api_key"),
        AuthSetting("value", "Key", private=True, help="Sent as ?NAME=KEY with every call."),
    ),
    apply=_apply,
)
