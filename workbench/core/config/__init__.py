"""The user's config file: theme, timeout, size cap, confirm_actions, history, key bindings.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.config.reading import load_config as load_config
    from workbench.core.config.settings import (
        CONFIG_VARIABLE as CONFIG_VARIABLE,
        KEYS as KEYS,
        Config as Config,
        Source as Source,
        config_path as config_path,
    )
    from workbench.core.config.writing import write_setting as write_setting

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "reading": ("load_config",),
        "settings": ("CONFIG_VARIABLE", "KEYS", "Config", "Source", "config_path"),
        "writing": ("write_setting",),
    },
)
