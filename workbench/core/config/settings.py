"""The user's settings: what the config file holds, where it is, and where each value came from.

The file is `config.toml` in the user's config directory (platformdirs), or the file named
by `$WORKBENCH_CONFIG`. Every key is optional:

    theme = "nord"              # a Textual theme; the TUI writes the one chosen in it here
    timeout = 30.0              # seconds, for calls with no timeout of their own
    size_cap = 52428800         # bytes of a response read, for workspaces that set none
    confirm_actions = true      # ask before an action call, for workspaces that set nothing
    stream_idle_timeout = 30.0  # seconds a streamed answer may send nothing before it is ended
    history = true              # keep each exchange in the history, for workspaces that set none

    [keymap]                    # binding id = keys (comma-separated), see docs/keys.md
    send = "f5"

    [secrets]                   # where your private values come from (`config.secrets_table`)
    store = "keyring"
    [overrides."WORKSPACE-ID"]  # your own values for the workspace with this id, like its
    base_url = ...              # NAME.local.toml (see docs/workspace-format.md)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from workbench.core.secrets.sources import SecretSettings
from workbench.core.workspace.local_file import ConfigOverrides
from workbench.core.workspace.model import Defaults

CONFIG_VARIABLE = "WORKBENCH_CONFIG"
APP_NAME = "workbench"
FILE_NAME = "config.toml"
# The file's keys in the order `workbench config show` lists them; `keymap` and `secrets` are
# tables.
KEYS = (
    "theme",
    "timeout",
    "size_cap",
    "confirm_actions",
    "stream_idle_timeout",
    "history",
    "keymap",
    "secrets",
)


def config_path() -> Path:
    """The config file: `$WORKBENCH_CONFIG` when set, else `config.toml` in the user's config
    directory. It need not exist."""
    named = os.environ.get(CONFIG_VARIABLE, "")
    if named:
        return Path(named).expanduser()
    import platformdirs  # only here: most commands never ask where the file is

    return platformdirs.user_config_path(APP_NAME) / FILE_NAME


class Source(StrEnum):
    """Where an effective setting comes from."""

    DEFAULT = "default"
    FILE = "file"


@dataclass(frozen=True)
class Config:
    """The user's settings as read from `path`, with built-in values for what it leaves out.

    `theme` None: Textual's default theme. `secrets`: where the person's private values come
    from besides the environment and the store file. `from_file`: the keys whose value the file gave
    (a key with a wrong value is not among them: it keeps its default). `problems`: what was
    wrong with the file, each message naming the file and the key; the settings it could read
    still apply.
    """

    path: Path
    theme: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    keymap: Mapping[str, str] = field(default_factory=dict)
    secrets: SecretSettings = field(default_factory=SecretSettings)
    from_file: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    # `[overrides."WORKSPACE-ID"]`: a person's own values, read when that workspace is loaded.
    overrides: ConfigOverrides = field(default_factory=ConfigOverrides)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keymap", MappingProxyType(dict(self.keymap)))

    def source(self, key: str) -> Source:
        """Where the value of `key` comes from."""
        return Source.FILE if key in self.from_file else Source.DEFAULT
