"""Client-side SSL certificate: the TLS connection itself proves who the caller is (mutual TLS).

Nothing is added to the request; the method gives the transport a client
certificate and key (and optionally the CA to trust instead of the
system's), so calls of this provider go through a client set up with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.auth.base import (
    AuthMethod,
    AuthSetting,
    ResolvedSettings,
    no_additions,
    pem_setting,
)
from workbench.core.secrets.store import Secret

if TYPE_CHECKING:
    from workbench.core.sending.transport import TransportConfig


def _transport(settings: ResolvedSettings) -> TransportConfig:
    # Imported here: it imports ssl, which start-up does not need.
    from workbench.core.sending.transport import TransportConfig

    passphrase = settings.get("passphrase")
    return TransportConfig(
        ca_pem=pem_setting(settings, "ca_bundle") or None,
        client_cert_pem=pem_setting(settings, "certificate"),
        client_key_pem=Secret(pem_setting(settings, "private_key")),
        client_key_password=passphrase if isinstance(passphrase, Secret) else None,
    )


METHOD = AuthMethod(
    name="certificate",
    label="Client-side SSL certificate",
    settings=(
        AuthSetting(
            "certificate",
            "Certificate (PEM)",
            private=True,
            multiline=True,
            help="The client certificate, optionally followed by its intermediate CAs.",
        ),
        AuthSetting("private_key", "Private key (PEM)", private=True, multiline=True),
        AuthSetting(
            "passphrase",
            "Key passphrase",
            private=True,
            required=False,
            help="Only for an encrypted private key.",
        ),
        AuthSetting(
            "ca_bundle",
            "CA bundle (PEM)",
            private=True,
            required=False,
            multiline=True,
            help="Trust these CAs for the server instead of the system's, e.g. a private CA.",
        ),
    ),
    apply=no_additions,
    transport=_transport,
)
