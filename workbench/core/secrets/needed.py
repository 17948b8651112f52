"""Which private values a workspace needs: the addresses the secret store is asked for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workbench.core import auth
from workbench.core.secrets.store import SecretAddress, SecretResolver
from workbench.core.workspace.model import Call, Provider, Workspace


@dataclass(frozen=True)
class PrivateValue:
    """A private value the workspace refers to, with a human description of its use."""

    address: SecretAddress
    description: str
    optional: bool = False


def private_values(workspace: Workspace) -> Iterator[PrivateValue]:
    """Every private value of every provider, in workspace order."""
    for provider in workspace.providers:
        yield from provider_private_values(provider)


def addresses_in_use(workspace: Workspace) -> frozenset[SecretAddress]:
    """Every address the workspace may keep a value under: its private values, and each
    provider's cached token (`auth.tokens`)."""
    return frozenset(
        (
            *(value.address for value in private_values(workspace)),
            *(SecretAddress.token(provider) for provider in workspace.providers),
        )
    )


def missing_values(
    workspace: Workspace, secrets: SecretResolver, environment: str
) -> list[PrivateValue]:
    """The private values the calls need (not optional) that no source has for `environment`:
    what this person still has to set. A command of their config counts as having its value
    (it is not run here: it may ask them to unlock something)."""
    return [
        value
        for value in private_values(workspace)
        if not value.optional and secrets.source_of(value.address, environment) is None
    ]


def token_caches(workspace: Workspace) -> Iterator[PrivateValue]:
    """Where each provider whose method obtains tokens keeps them (`auth.tokens`): values
    workbench stores and renews itself, not ones the user sets."""
    for provider in workspace.providers:
        method = auth.method(provider.auth.method)
        if method is not None and method.token_flow is not None:
            yield PrivateValue(
                SecretAddress.token(provider),
                f"{method.label}: token, obtained again when needed",
                optional=True,
            )


def provider_private_values(provider: Provider) -> Iterator[PrivateValue]:
    """The private values of one provider: authentication, shared and per-call ones."""
    yield from _shared_private_values(provider)
    for call in provider.calls:
        yield from _own_private_values(provider, call)


def call_private_values(provider: Provider, call: Call) -> Iterator[PrivateValue]:
    """The private values one call of `provider` may send: the provider's and its own."""
    yield from _shared_private_values(provider)
    yield from _own_private_values(provider, call)


def _shared_private_values(provider: Provider) -> Iterator[PrivateValue]:
    """Authentication settings, shared headers and parameters."""
    method = auth.method(provider.auth.method)
    for setting in method.settings if method else ():
        if setting.private:
            yield PrivateValue(
                SecretAddress.auth(provider, setting.name),
                f"{method.label if method else ''}: {setting.label}",
                optional=not setting.required,
            )
    for header in provider.headers:
        if header.private:
            yield PrivateValue(
                SecretAddress.header(provider, header.name),
                f"shared header {header.name}",
            )
    for parameter in provider.parameters:
        if parameter.private:
            yield PrivateValue(
                SecretAddress.parameter(provider, parameter.name),
                f"shared parameter {parameter.name}",
                optional=parameter.optional,
            )


def _own_private_values(provider: Provider, call: Call) -> Iterator[PrivateValue]:
    """A call's own private headers and parameters."""
    for header in call.headers:
        if header.private:
            yield PrivateValue(
                SecretAddress.header(provider, header.name, call),
                f"header {header.name} of {call.name}",
            )
    for parameter in call.parameters:
        if parameter.private:
            yield PrivateValue(
                SecretAddress.parameter(provider, parameter.name, call),
                f"parameter {parameter.name} of {call.name}",
                optional=parameter.optional,
            )


def address_named(workspace: Workspace, name: str) -> SecretAddress | None:
    """The address of the private value (or cached token) people call `name`, like
    `Demo/auth.value`, with the key it is stored under; None when the workspace has none."""
    return next((a for a in addresses_in_use(workspace) if str(a) == name), None)


def keyed(workspace: Workspace, address: SecretAddress) -> SecretAddress:
    """`address`, built by names (as an import builds it), with the key `workspace` keeps
    it under (the provider's and the call's ids)."""
    return address_named(workspace, str(address)) or address
