"""Resolving a provider's authentication settings for one environment.

Plain settings come from the workspace (per environment when so written,
else the method's default); private ones from the secret store. Token
flows, request building and the transport all start from this.
"""

from __future__ import annotations

from workbench.core import auth
from workbench.core.auth.base import AuthMethod, ResolvedSettings
from workbench.core.errors import RequestBuildError
from workbench.core.secrets.store import SecretAddress, SecretResolver
from workbench.core.workspace.model import Provider, value_for


def method_of(provider: Provider) -> AuthMethod:
    """The provider's authentication method; `RequestBuildError` for an unknown name."""
    method = auth.method(provider.auth.method)
    if method is None:
        raise RequestBuildError(
            f"Provider '{provider.name}' uses the unknown authentication method "
            f"'{provider.auth.method}'. Known methods: {', '.join(auth.METHODS)}."
        )
    return method


def resolve_settings(
    provider: Provider, environment: str, secrets: SecretResolver
) -> ResolvedSettings:
    """The provider's authentication settings for `environment`.

    Raises `SecretMissing` for a required private setting that is not set and
    `RequestBuildError` for a required plain setting with no value.
    """
    method = method_of(provider)
    settings: ResolvedSettings = {}
    for setting in method.settings:
        if setting.private:
            address = SecretAddress.auth(provider, setting.name)
            secret = (
                secrets.require(address, environment)
                if setting.required
                else secrets.get(address, environment)
            )
            if secret is not None:
                settings[setting.name] = secret
            continue
        configured = provider.auth.settings.get(setting.name)
        value = value_for(configured, environment) if configured is not None else None
        value = value or setting.default
        if not value and setting.required:
            raise RequestBuildError(
                f"The authentication setting '{setting.label}' ({setting.name}) of provider "
                f"'{provider.name}' has no value in environment '{environment}'. "
                "Set it in the provider's authentication."
            )
        if value:
            settings[setting.name] = value
    return settings
