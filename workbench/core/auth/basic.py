"""HTTP Basic: `Authorization: Basic base64(username:password)` on every call (RFC 7617)."""

from __future__ import annotations

import base64

from workbench.core.auth.base import (
    AuthAdditions,
    AuthMethod,
    AuthSetting,
    ResolvedSettings,
    text_setting,
)
from workbench.core.auth.tokens import Token
from workbench.core.secrets import Secret


def _apply(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    credentials = f"{text_setting(settings, 'username')}:{text_setting(settings, 'password')}"
    encoded = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    # The whole header value is the secret: base64 hides nothing, and the
    # password alone never appears in the request to be masked.
    return AuthAdditions(headers=[("Authorization", Secret(f"Basic {encoded}"))])


METHOD = AuthMethod(
    name="basic",
    label="HTTP Basic",
    settings=(
        AuthSetting("username", "Username"),
        AuthSetting("password", "Password", private=True),
    ),
    apply=_apply,
)
