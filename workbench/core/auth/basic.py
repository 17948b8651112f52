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
from workbench.core.secrets.store import Secret


def _apply(settings: ResolvedSettings, token: Token | None) -> AuthAdditions:
    credentials = f"{text_setting(settings, 'username')}:{text_setting(settings, 'password')}"
    # The whole header value is the secret: base64 hides nothing, and the password alone
    # never appears in the request to be masked. The bare base64 part is a `Secret` of its
    # own, so that it is masked wherever it turns up without the scheme (an echoing server).
    encoded = Secret(base64.b64encode(credentials.encode("utf-8")).decode("ascii"))
    # Bound to approved origins as the password is (a stored one is; one given for this run
    # in an environment variable is not).
    password = settings.get("password")
    bound = not isinstance(password, Secret) or password.bound
    header = Secret(f"Basic {encoded.reveal()}", bound=bound)
    return AuthAdditions(headers=[("Authorization", header)])


METHOD = AuthMethod(
    name="basic",
    label="HTTP Basic",
    settings=(
        AuthSetting("username", "Username"),
        AuthSetting("password", "Password", private=True),
    ),
    apply=_apply,
)
