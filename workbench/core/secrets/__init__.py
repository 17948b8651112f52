"""Private values: the secret store (a file, or the OS keyring), the person's own sources
(commands, .env files), masking, approvals (trust) and the secret scan.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.secrets.keyring_store import (
        KeyringStore as KeyringStore,
        open_store as open_store,
    )
    from workbench.core.secrets.masking import (
        Masker as Masker,
        shown_message as shown_message,
    )
    from workbench.core.secrets.name_keys import move_to_ids as move_to_ids
    from workbench.core.secrets.needed import (
        PrivateValue as PrivateValue,
        address_named as address_named,
        addresses_in_use as addresses_in_use,
        missing_values as missing_values,
        private_values as private_values,
        token_caches as token_caches,
    )
    from workbench.core.secrets.scan import (
        Finding as Finding,
        NotToml as NotToml,
        is_workspace as is_workspace,
        parse_toml as parse_toml,
        scan_data as scan_data,
    )
    from workbench.core.secrets.sources import (
        PersonalSources as PersonalSources,
        SecretSettings as SecretSettings,
        SourceKind as SourceKind,
        ValueSource as ValueSource,
    )
    from workbench.core.secrets.store import (
        MASK as MASK,
        Owner as Owner,
        Secret as Secret,
        SecretAddress as SecretAddress,
        SecretResolver as SecretResolver,
        SecretStore as SecretStore,
        auth_field as auth_field,
        default_home as default_home,
        environment_variable as environment_variable,
    )
    from workbench.core.secrets.trust import (
        FileNotApproved as FileNotApproved,
        OriginNotApproved as OriginNotApproved,
        Trust as Trust,
        TrustBook as TrustBook,
        origin_of as origin_of,
        provider_origins as provider_origins,
        shown_origin as shown_origin,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "store": (
            "MASK",
            "Owner",
            "Secret",
            "SecretAddress",
            "SecretResolver",
            "SecretStore",
            "auth_field",
            "default_home",
            "environment_variable",
        ),
        "keyring_store": ("KeyringStore", "open_store"),
        "sources": ("PersonalSources", "SecretSettings", "SourceKind", "ValueSource"),
        "masking": (
            "Masker",
            "shown_message",
        ),
        "name_keys": ("move_to_ids",),
        "needed": (
            "PrivateValue",
            "address_named",
            "addresses_in_use",
            "missing_values",
            "private_values",
            "token_caches",
        ),
        "scan": (
            "Finding",
            "NotToml",
            "is_workspace",
            "parse_toml",
            "scan_data",
        ),
        "trust": (
            "FileNotApproved",
            "OriginNotApproved",
            "Trust",
            "TrustBook",
            "origin_of",
            "provider_origins",
            "shown_origin",
        ),
    },
)
