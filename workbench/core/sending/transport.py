"""TLS settings of a connection: server verification and an optional client certificate.

Servers are checked against the OS trust store (through truststore, so a company CA the
system trusts is trusted here too) plus certifi's bundle; `SSL_CERT_FILE` / `SSL_CERT_DIR`,
when set, name the CAs to trust instead, as for curl and OpenSSL; a provider's CA bundle (or
the one of its client certificate) replaces both for that provider.

Certificates and keys are PEM text (keys as `Secret`), as kept in the secret
store. The ssl module loads a client certificate chain only from files, so
the PEM text is written to a private temporary directory just long enough
to be loaded, then removed.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workbench.core.errors import AuthError, ConnectionSetupError
from workbench.core.secrets.store import Secret


@dataclass(frozen=True)
class TransportConfig:
    """What makes two requests need different HTTP clients.

    `proxy` is the provider's own; without it, each request goes through the proxy the
    environment names for it, if any (see `proxies.route_of`).
    """

    verify: bool = True
    proxy: str | None = None
    ca_pem: str | None = None  # trust these CAs instead of the system's
    client_cert_pem: str | None = None
    client_key_pem: Secret | None = None
    client_key_password: Secret | None = None

    def ssl_context(self) -> ssl.SSLContext:
        if not self.verify:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        elif self.ca_pem:
            try:
                context = ssl.create_default_context(cadata=self.ca_pem)
            except ssl.SSLError as error:
                raise AuthError(
                    f"The CA bundle is not a valid PEM certificate: {error.reason or error}."
                ) from None
        elif self.client_cert_pem is None:
            return default_context()
        else:
            context = _system_context(*_environment_trust())
        if self.client_cert_pem:
            self._load_client_certificate(context)
        return context

    def _load_client_certificate(self, context: ssl.SSLContext) -> None:
        assert self.client_cert_pem is not None
        with tempfile.TemporaryDirectory(prefix="workbench-tls-") as folder:
            os.chmod(folder, 0o700)
            cert_file = Path(folder) / "cert.pem"
            cert_file.write_text(self.client_cert_pem, encoding="utf-8")
            key_file = None
            if self.client_key_pem is not None:
                key_file = Path(folder) / "key.pem"
                key_file.touch(mode=0o600)
                key_file.write_text(self.client_key_pem.reveal(), encoding="utf-8")
            password = self.client_key_password.reveal() if self.client_key_password else None
            try:
                context.load_cert_chain(cert_file, key_file, password=password)
            except ssl.SSLError as error:
                raise AuthError(
                    "Client certificate: the certificate and private key could not be loaded "
                    f"({error.reason or error}). Check that both are PEM, that they belong "
                    "together, and the passphrase."
                ) from None


def default_context() -> ssl.SSLContext:
    """The TLS context of every client that verifies servers against the usual CAs.

    Made once per `SSL_CERT_FILE` / `SSL_CERT_DIR` and shared (clients do not change it):
    loading the CA bundle takes tens of milliseconds, which `warm_up` can spend ahead in a
    thread.
    """
    return _shared_context(*_environment_trust())


def _environment_trust() -> tuple[str, str]:
    return os.environ.get("SSL_CERT_FILE", ""), os.environ.get("SSL_CERT_DIR", "")


@cache
def _shared_context(cert_file: str, cert_dir: str) -> ssl.SSLContext:
    return _system_context(cert_file, cert_dir)


def _system_context(cert_file: str, cert_dir: str) -> ssl.SSLContext:
    """A new context trusting the CAs of the environment variables, or else the OS's."""
    if cert_file or cert_dir:
        try:
            return ssl.create_default_context(cafile=cert_file or None, capath=cert_dir or None)
        except (OSError, ssl.SSLError) as error:
            raise ConnectionSetupError(
                f"The CAs named by SSL_CERT_FILE ({cert_file or 'not set'}) / SSL_CERT_DIR "
                f"({cert_dir or 'not set'}) cannot be loaded: "
                f"{getattr(error, 'strerror', None) or getattr(error, 'reason', None) or error}. "
                "Point them at a PEM file / a folder of certificates, or unset them to use "
                "the system's CAs."
            ) from None
    import certifi
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # certifi's bundle as well: a minimal container may have no CA certificates installed.
    context.load_verify_locations(cafile=certifi.where())
    return context
