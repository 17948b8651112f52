"""TLS for the demo's HTTPS port: the server certificate, and client certificates required.

Only clients presenting a certificate signed by the demo CA complete the
handshake, as on a real mutual-TLS API.
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path

from workbench.demo.credentials import DemoCredentials


def server_context(credentials: DemoCredentials) -> ssl.SSLContext:
    """A server-side context with the demo server certificate that requires a client certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=credentials.ca_pem)
    # `load_cert_chain` reads only files: the PEMs live on disk for the moment it
    # takes to load them, in a private (0700) directory that is removed at once.
    with tempfile.TemporaryDirectory(prefix="workbench-demo-tls-") as directory:
        certificate = Path(directory) / "server.pem"
        key = Path(directory) / "server.key"
        certificate.write_text(credentials.server_certificate_pem, encoding="ascii")
        key.touch(mode=0o600)
        key.write_text(credentials.server_key_pem, encoding="ascii")
        context.load_cert_chain(certificate, key)
    return context
