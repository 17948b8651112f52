"""Private key in header: one header, e.g. `Authorization: Bearer ...`, added to every call."""

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
    return AuthAdditions(headers=[(text_setting(settings, "header"), settings["value"])])


METHOD = AuthMethod(
    name="header",
    label="Private key in header",
    settings=(
        AuthSetting("header", "Header name", default="Authorization"),
        AuthSetting(
            "value",
            "Header value",
            private=True,
            help="The whole value, with any prefix you need, e.g. 'Bearer abc123'.",
        ),
    ),
    apply=_apply,
)
