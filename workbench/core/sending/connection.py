"""How a provider's connections are set up: its client certificate, the CAs it trusts, its proxy.

The result is a `TransportConfig`, which also picks the pooled client its calls and token
requests go through.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.core.auth.base import AuthMethod, ResolvedSettings
from workbench.core.errors import ConnectionSetupError
from workbench.core.secrets.trust import FileRole, Trust
from workbench.core.sending.transport import TransportConfig
from workbench.core.workspace.model import Provider, value_for


def provider_transport(
    provider: Provider,
    environment: str,
    method: AuthMethod,
    settings: ResolvedSettings,
    trust: Trust,
) -> TransportConfig:
    """The setup of `provider`'s connections in `environment`: the client certificate of its
    authentication, its CA bundle (with the certificate method's own, if any), its proxy."""
    config = method.transport(settings) if method.transport else TransportConfig()
    proxy = (value_for(provider.proxy, environment) or "").strip()
    if proxy:
        config = replace(config, proxy=proxy)
    bundle = ca_bundle_pem(provider, environment, trust)
    if bundle:
        config = replace(config, ca_pem="\n".join(p for p in (bundle, config.ca_pem) if p))
    return config


def ca_bundle_pem(provider: Provider, environment: str, trust: Trust) -> str:
    """The PEM text of the provider's `ca_bundle` file; "" when it names none.

    The file is read like any file a workspace names: from the workspace's folder, anything
    outside it (or hidden) only once the user approved it, devices refused (see `Trust`).
    """
    text = (value_for(provider.ca_bundle, environment) or "").strip()
    if not text:
        return ""
    role = FileRole(
        f"the ca_bundle of provider '{provider.name}'",
        "trust the CAs of",
        "`SSL_CERT_FILE=PATH` in the environment",
        "Trust these CAs?",
    )
    path = trust.workspace_file(text, role, given_by_user=False)
    try:
        pem = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConnectionSetupError(
            f"Cannot read {path}, the ca_bundle of provider '{provider.name}': "
            f"{getattr(error, 'strerror', None) or error}."
        ) from None
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise ConnectionSetupError(
            f"{path}, the ca_bundle of provider '{provider.name}', holds no PEM certificate "
            "(-----BEGIN CERTIFICATE-----). Give the CA certificates of its servers in PEM."
        )
    return pem
