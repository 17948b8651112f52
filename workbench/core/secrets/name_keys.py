"""Private values stored under names, from before providers and calls had ids, moved to ids.

Values used to be kept under `Provider/field` (`Demo/auth.value`, `Demo/Create
user/param.token`), so a teammate's rename in git lost everyone's. They are now kept under
the provider's and the call's ids. The first time a workspace is opened with a store that
still holds values under its names (and nothing under the ids), they move there, with the
origins approved for the provider, and the caller says so once (nothing is left to move
afterwards).
"""

from __future__ import annotations

from collections import Counter

from workbench.core.secrets.needed import addresses_in_use
from workbench.core.secrets.store import SecretStore
from workbench.core.secrets.trust import TrustBook
from workbench.core.workspace.model import Workspace


def move_to_ids(store: SecretStore, workspace: Workspace) -> tuple[str, ...]:
    """Move `workspace`'s values kept under names to their ids; a sentence per provider
    whose values moved. Raises `SecretStoreError` when the store cannot be read."""
    named = {str(a): a for a in addresses_in_use(workspace) if a.key}
    moved = store.move_keys(workspace.id, {name: a.store_key for name, a in named.items()})
    if not moved:
        return ()
    book = TrustBook(store.home)
    for provider in workspace.providers:
        if provider.id:
            book.rename_provider(workspace.id, provider.name, provider.id)
    counts = Counter(named[name].provider for name in moved)
    return tuple(
        f"Moved {count} stored private value{'s' * (count != 1)} of {provider} to the "
        "provider's id (a rename in git no longer loses them)."
        for provider, count in counts.items()
    )
