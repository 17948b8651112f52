"""The demo API's credentials: random, so no secret is ever written in the source tree.

One `DemoCredentials` holds every key the auth endpoints check: API keys, the
demo user's passwords, the OAuth client secret, an RSA key pair for JWTs and a
small PKI (a CA, a server certificate for 127.0.0.1/localhost and a client
certificate) for the HTTPS port that requires client certificates.
`store_demo_credentials` copies the private values into the secret store for
the example workspace `workspaces/auth.toml`. The demo commands use
`shared_demo_credentials`: made once and kept in the secret store, so every demo
server a user runs, several at once too, accepts what the store holds for
`workspaces/auth.toml` (tests give each server its own).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from workbench.core.secrets import SecretStore

AUTH_WORKSPACE_ID = "a17c0e5b3d2f4a6b8c9d0e1f2a3b4c5d"
"""The id of `workspaces/auth.toml`, whose providers use these credentials."""

DEMO_USER = "ada"
CLIENT_ID = "workbench-demo"
JWT_ISSUER = "workbench-demo@demo.iam.example"
CLIENT_CERT_NAME = "workbench-demo-client"

DEMO_SERVER_ID = "workbench-demo-server"
"""Where the secret store keeps the demo API's own credentials (no workspace has this id)."""

# Long enough for a demo server left running for weeks; shared credentials whose
# certificates expire within RENEW_DAYS are made anew when a demo server starts.
CERTIFICATE_DAYS = 365
RENEW_DAYS = 7


@dataclass(frozen=True, repr=False)
class DemoCredentials:
    """Every credential of one demo server. PEM texts are PKCS8 keys and X.509 certificates.

    `repr` hides the values, so a credentials object in a log or a failing
    test's output leaks nothing.
    """

    url_key: str
    header_key: str
    basic_password: str
    oauth_password: str
    client_secret: str
    jwt_private_key_pem: str
    jwt_public_key_pem: str
    ca_pem: str
    server_certificate_pem: str
    server_key_pem: str
    client_certificate_pem: str
    client_key_pem: str

    @classmethod
    def generate(cls) -> DemoCredentials:
        """New random credentials: fresh keys, passwords and certificates."""
        jwt_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_certificate = _ca_certificate(ca_key)
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_certificate = _leaf_certificate(
            ca_certificate,
            ca_key,
            server_key,
            "workbench-demo-server",
            ExtendedKeyUsageOID.SERVER_AUTH,
            [
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.IPAddress(ipaddress.ip_address("::1")),
            ],
        )
        client_key = ec.generate_private_key(ec.SECP256R1())
        client_certificate = _leaf_certificate(
            ca_certificate,
            ca_key,
            client_key,
            CLIENT_CERT_NAME,
            ExtendedKeyUsageOID.CLIENT_AUTH,
            [],
        )
        return cls(
            url_key=_random("url-key"),
            header_key=_random("header-key"),
            basic_password=_random("basic"),
            oauth_password=_random("password"),
            client_secret=_random("client-secret"),
            jwt_private_key_pem=_key_pem(jwt_key),
            jwt_public_key_pem=_public_key_pem(jwt_key.public_key()),
            ca_pem=_certificate_pem(ca_certificate),
            server_certificate_pem=_certificate_pem(server_certificate),
            server_key_pem=_key_pem(server_key),
            client_certificate_pem=_certificate_pem(client_certificate),
            client_key_pem=_key_pem(client_key),
        )

    def secret_values(self) -> list[tuple[str, str, str]]:
        """(provider, field, value) of every private value of `workspaces/auth.toml`."""
        return [
            ("Key in URL", "auth.value", self.url_key),
            ("Key in header", "auth.value", self.header_key),
            ("Basic", "auth.password", self.basic_password),
            ("OAuth2 password", "auth.password", self.oauth_password),
            ("OAuth2 password", "auth.client_secret", self.client_secret),
            ("OAuth2 client credentials", "auth.client_secret", self.client_secret),
            ("OAuth2 user-agent", "auth.client_secret", self.client_secret),
            ("OAuth2 custom token", "auth.client_secret", self.client_secret),
            ("JWT", "auth.private_key", self.jwt_private_key_pem),
            ("JWT bearer", "auth.private_key", self.jwt_private_key_pem),
            ("Client certificate", "auth.certificate", self.client_certificate_pem),
            ("Client certificate", "auth.private_key", self.client_key_pem),
            ("Client certificate", "auth.ca_bundle", self.ca_pem),
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DemoCredentials | None:
        """Credentials as `to_json` wrote them; None for anything else."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or set(data) != names:
            return None
        if not all(isinstance(value, str) for value in data.values()):
            return None
        return cls(**data)

    def expire_within(self, days: int) -> bool:
        """Whether a certificate expires within `days` (or cannot be read)."""
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
        try:
            return any(
                x509.load_pem_x509_certificate(pem.encode("ascii")).not_valid_after_utc < deadline
                for pem in (self.ca_pem, self.server_certificate_pem, self.client_certificate_pem)
            )
        except ValueError:
            return True

    def __repr__(self) -> str:
        return "DemoCredentials(<random values hidden>)"


def shared_demo_credentials(store: SecretStore) -> DemoCredentials:
    """The credentials of the user's demo servers, made on first use and kept in `store`,
    with the private values of `workspaces/auth.toml` stored (again) from them.

    Shared, because `workspaces/auth.toml` has one set of values: a second demo server
    with credentials of its own would replace the first one's, and the first would refuse
    every call. Under the store's lock, so two servers starting together agree.
    SecretStoreError when the store cannot be read or written.
    """
    from workbench.core.secrets import SecretAddress

    address = SecretAddress("Demo API", "credentials")
    with store.locked():
        stored = store.values(DEMO_SERVER_ID).get(str(address), {}).get("*")
        credentials = DemoCredentials.from_json(stored) if stored else None
        if credentials is None or credentials.expire_within(RENEW_DAYS):
            credentials = DemoCredentials.generate()
            store.set(DEMO_SERVER_ID, address, credentials.to_json())
        store_demo_credentials(credentials, store)
    return credentials


def store_demo_credentials(credentials: DemoCredentials, store: SecretStore) -> None:
    """Store the private values for `workspaces/auth.toml`, the same for every environment."""
    from workbench.core.secrets import SecretAddress

    for provider, field, value in credentials.secret_values():
        store.set(AUTH_WORKSPACE_ID, SecretAddress(provider, field), value)


def _random(kind: str) -> str:
    # The readable prefix tells a user which value they are looking at; the
    # random part is what makes it a secret.
    return f"demo-{kind}-{secrets.token_urlsafe(24)}"


def _key_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _public_key_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    # Back-dated a little so a client whose clock is slightly behind still accepts it.
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=CERTIFICATE_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, certificate_signing: bool) -> x509.KeyUsage:
    """A CA signs certificates; a leaf (EC key, TLS 1.2/1.3) only makes signatures."""
    return x509.KeyUsage(
        digital_signature=not certificate_signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certificate_signing,
        crl_sign=certificate_signing,
        encipher_only=False,
        decipher_only=False,
    )


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = _name("workbench demo CA")
    return (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(certificate_signing=True), critical=True)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    ca_certificate: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    key: ec.EllipticCurvePrivateKey,
    common_name: str,
    usage: x509.ObjectIdentifier,
    alternative_names: list[x509.GeneralName],
) -> x509.Certificate:
    # The extensions strict verifiers insist on (Python 3.13's VERIFY_X509_STRICT among
    # them): key identifiers, a non-CA basic constraint, key and extended key usage.
    builder = (
        _builder(_name(common_name), ca_certificate.subject, key.public_key())
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(certificate_signing=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if alternative_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(alternative_names), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256())
