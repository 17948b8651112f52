"""JSON Web Token: a service account proves itself with a JWT it signs (RFC 7523), as on Google.

Two modes:
- exchange (default): the signed JWT is the assertion of the JWT bearer grant
  (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`) at the token
  endpoint; the access token it returns is sent as `Authorization: Bearer`.
- bearer: the signed JWT itself is the Bearer token, nothing is exchanged.
  It is still a `Token` (its lifetime is the JWT's), so the token cache
  re-signs it shortly before it expires; "obtaining" it is local signing.

The private key is PEM, or the whole JSON key file of a Google service
account: then its `client_email` is the default issuer, `private_key_id` the
default key id and `token_uri` the default token URL. pyjwt signs; pyjwt
and cryptography are imported when signing (this module loads at start-up).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from workbench.core.auth import oauth, tokens
from workbench.core.auth.base import (
    AuthMethod,
    AuthSetting,
    ResolvedSettings,
    pem_setting,
    text_setting,
)
from workbench.core.auth.setting_values import choice
from workbench.core.auth.tokens import Token, TokenContext
from workbench.core.errors import AuthError, RequestBuildError
from workbench.core.secrets.store import Secret

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"  # RFC 7523 section 2.1
LABEL = "JSON Web Token"
ALGORITHMS_BY_KEY = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "EC": ("ES256", "ES384", "ES512"),
    "Ed25519/Ed448": ("EdDSA",),
}

MODE = AuthSetting(
    "mode",
    "Mode",
    default="exchange",
    choices=("exchange", "bearer"),
    help="exchange: trade the signed JWT for an access token at the token URL; "
    "bearer: send the signed JWT itself as the Bearer token.",
)
ALGORITHM = AuthSetting(
    "algorithm",
    "Signing algorithm",
    default="RS256",
    choices=tuple(a for algorithms in ALGORITHMS_BY_KEY.values() for a in algorithms),
)
LIFETIME = AuthSetting(
    "lifetime", "Lifetime (seconds)", default="3600", help="How long each signed JWT is valid."
)


@dataclass(frozen=True)
class SigningKey:
    """The private key, with what a Google service-account key file also says."""

    pem: Secret
    issuer: str = ""
    key_id: str = ""
    token_url: str = ""


def signing_key(text: str) -> SigningKey:
    """A PEM key as is, or the key and defaults from a Google service-account JSON key file."""
    if not text.lstrip().startswith("{"):
        return SigningKey(Secret(text))
    try:
        data = json.loads(text)
    except ValueError as error:
        # JSONDecodeError's text gives the position only, never the content.
        raise AuthError(f"{LABEL}: the private key looks like JSON but is not: {error}.") from None
    key = data.get("private_key") if isinstance(data, dict) else None
    if not isinstance(key, str):
        raise AuthError(
            f"{LABEL}: the private key is JSON without a private_key field; give a PEM key or "
            "a Google service-account key file."
        )

    def text_field(name: str) -> str:
        value = data.get(name)
        return value if isinstance(value, str) else ""

    return SigningKey(
        Secret(key),
        issuer=text_field("client_email"),
        key_id=text_field("private_key_id"),
        token_url=text_field("token_uri"),
    )


class JwtFlow:
    """Signs the JWT and, in exchange mode, trades it for an access token."""

    async def obtain(self, context: TokenContext) -> Token:
        settings = context.settings
        key = signing_key(pem_setting(settings, "private_key"))
        token_url = context.endpoint("token_url") if "token_url" in settings else key.token_url
        mode = choice(settings, MODE, LABEL)
        if mode == "exchange" and not token_url:
            raise RequestBuildError(
                f"{LABEL}: exchange mode needs a token URL: set token_url, or use a Google "
                "service-account key file (its token_uri is the default)."
            )
        audience = text_setting(settings, "audience") or token_url
        if not audience:
            raise RequestBuildError(
                f"{LABEL}: the JWT needs an audience: set audience (or token_url, its default)."
            )
        now = int(tokens.clock())
        lifetime = _lifetime(settings)
        # A Secret in both modes: the signed JWT is a credential (masked wherever it shows).
        assertion = Secret(sign(settings, key, audience=audience, now=now, lifetime=lifetime))
        if mode == "bearer":
            return Token(assertion, obtained_at=now, expires_in=lifetime)
        return await oauth.request_form_token(
            context, token_url, JWT_BEARER_GRANT, assertion=assertion.reveal()
        )

    async def refresh(self, context: TokenContext, token: Token) -> Token | None:
        return None  # a new JWT is signed instead


def sign(
    settings: ResolvedSettings, key: SigningKey, *, audience: str, now: int, lifetime: int
) -> str:
    """The signed JWT: iss, aud, iat, exp, and sub and scope when set."""
    import jwt

    issuer = text_setting(settings, "issuer") or key.issuer
    if not issuer:
        raise RequestBuildError(
            f"{LABEL}: the JWT needs an issuer: set issuer (with a Google service-account key "
            "file, its client_email is the default)."
        )
    claims: dict[str, Any] = {"iss": issuer, "aud": audience, "iat": now, "exp": now + lifetime}
    for claim, setting in (("sub", "subject"), ("scope", "scope")):
        if value := text_setting(settings, setting):
            claims[claim] = value
    key_id = text_setting(settings, "key_id") or key.key_id
    algorithm = choice(settings, ALGORITHM, LABEL)
    private_key = _load_private_key(key.pem)
    try:
        return jwt.encode(
            claims, private_key, algorithm=algorithm, headers={"kid": key_id} if key_id else None
        )
    except (jwt.InvalidKeyError, TypeError):  # TypeError: e.g. an EC key for RS256
        kind = _key_kind(private_key)
        fits = ", ".join(ALGORITHMS_BY_KEY.get(kind, ALGORITHM.choices))
        raise AuthError(
            f"{LABEL}: this {kind} private key cannot sign with {algorithm}. Choose an "
            f"algorithm that fits it: {fits}."
        ) from None


def _load_private_key(pem: Secret) -> Any:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(pem.reveal().encode("utf-8"), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise AuthError(
            f"{LABEL}: the private key is not an unencrypted PEM private key "
            "('-----BEGIN PRIVATE KEY-----...') nor a Google service-account JSON key file. "
            "Store the whole file with `workbench secret set ... < key.pem`."
        ) from None


def _key_kind(private_key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RSA"
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return "EC"
    if isinstance(private_key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return "Ed25519/Ed448"
    return "unknown"


def _lifetime(settings: ResolvedSettings) -> int:
    text = text_setting(settings, "lifetime") or LIFETIME.default
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise RequestBuildError(
            f"{LABEL}: the lifetime is {text!r}; expected a whole number of seconds, like 3600."
        )
    return seconds


METHOD = AuthMethod(
    name="jwt",
    label=LABEL,
    settings=(
        MODE,
        AuthSetting(
            "token_url",
            "Token URL",
            required=False,
            help="Where exchange mode trades the JWT; absolute or relative to the base URL. "
            "Default: token_uri of a Google service-account key.",
        ),
        AuthSetting(
            "issuer",
            "Issuer (iss)",
            required=False,
            help="The service account, e.g. name@project.iam.gserviceaccount.com. Default: "
            "client_email of a Google service-account key.",
        ),
        AuthSetting(
            "subject", "Subject (sub)", required=False, help="A user to act for, if allowed."
        ),
        AuthSetting("scope", "Scope", required=False, help="Space-separated scopes."),
        AuthSetting("audience", "Audience (aud)", required=False, help="Default: the token URL."),
        ALGORITHM,
        LIFETIME,
        AuthSetting("key_id", "Key ID (kid)", required=False),
        AuthSetting(
            "private_key",
            "Private key",
            private=True,
            multiline=True,
            help="PEM, or the whole JSON key file of a Google service account.",
        ),
    ),
    apply=oauth.apply_bearer,
    token_flow=JwtFlow(),
)
