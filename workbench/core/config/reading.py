"""Reading the user's config file: every problem a message naming the file and the key, never a
stop. A file that cannot be read or parsed gives the built-in settings; a key with a wrong
value keeps its default while the others apply."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from workbench.core.config.secrets_table import read_secrets
from workbench.core.config.settings import KEYS, Config, config_path
from workbench.core.errors import WorkspaceError
from workbench.core.secrets.sources import SecretSettings
from workbench.core.terminal_text import visible
from workbench.core.workspace.local_file import ConfigOverrides
from workbench.core.workspace.model import Defaults
from workbench.core.workspace.paths import KeyPath
from workbench.core.workspace.values import TableReader, describe, did_you_mean

_BUILT_IN = Defaults()
_ROOT = KeyPath()
OVERRIDES = "overrides"  # a person's own values per workspace (`workspace.local_file`)


def load_config(
    path: Path | None = None,
    *,
    binding_ids: Collection[str] | None = None,
    themes: Collection[str] | None = None,
) -> Config:
    """The settings of the config file at `path` (default: `config_path()`); a missing file is
    no problem. `binding_ids` and `themes` are the names the TUI knows: a keymap entry or a
    theme not among them is a problem with a did-you-mean (None: not checked)."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path)
    except (OSError, UnicodeDecodeError) as error:
        return Config(path, problems=(f"{path}: cannot be read ({error}); using the defaults",))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Config(path, problems=(f"{path}: not valid TOML ({error}); using the defaults",))
    return _Reader(str(path), text, binding_ids, themes).config(path, data)


class _Reader(TableReader):
    """Reads the config file's keys one by one, collecting a message for each bad one."""

    def __init__(
        self,
        source: str,
        text: str,
        binding_ids: Collection[str] | None,
        themes: Collection[str] | None,
    ) -> None:
        super().__init__(source, text)
        self.text = text
        self.binding_ids = binding_ids
        self.themes = themes
        self.problems: list[str] = []

    def config(self, path: Path, data: Mapping[str, Any]) -> Config:
        for key in data:
            if key not in KEYS and key != OVERRIDES:
                self._unknown(_ROOT.key(key), key, (*KEYS, OVERRIDES), "key")
        read = {
            key: value
            for key in KEYS
            if key != "secrets" and (value := self._read(data, key)) is not None
        }
        defaults = Defaults(
            timeout=read.get("timeout", _BUILT_IN.timeout),
            size_cap=read.get("size_cap", _BUILT_IN.size_cap),
            confirm_actions=read.get("confirm_actions", _BUILT_IN.confirm_actions),
            stream_idle_timeout=read.get("stream_idle_timeout", _BUILT_IN.stream_idle_timeout),
            history=read.get("history", _BUILT_IN.history),
        )
        return Config(
            path,
            theme=read.get("theme"),
            defaults=defaults,
            keymap=read.get("keymap", {}),
            secrets=self._secrets(data, path),
            from_file=frozenset(read),
            problems=tuple(self.problems),
            overrides=self._overrides(data),
        )

    def _overrides(self, data: Mapping[str, Any]) -> ConfigOverrides:
        """The `[overrides]` tables by workspace id, checked when their workspace is loaded."""
        tables = data.get(OVERRIDES, {})
        if not isinstance(tables, dict):
            self.problems.append(
                str(self.error(_ROOT.key(OVERRIDES), f"expected a table; got {describe(tables)}"))
            )
            return ConfigOverrides(self.source)
        return ConfigOverrides(self.source, tables)

    def _read(self, data: Mapping[str, Any], key: str) -> Any:
        """The value of `key` when the file gives a good one, else None (a problem noted)."""
        if key not in data:
            return None
        try:
            if key == "theme":
                return self._theme(data)
            if key in ("timeout", "stream_idle_timeout"):
                return self._positive_number(data, key, _ROOT, None, "seconds")
            if key == "size_cap":
                return self._positive_integer(data, key, _ROOT, None)
            if key in ("confirm_actions", "history"):
                return self._flag(data, key, _ROOT, None)
            return self._keymap(data)
        except WorkspaceError as error:
            self.problems.append(f"{error}; using the default")
            return None

    def _secrets(self, data: Mapping[str, Any], path: Path) -> SecretSettings:
        if "secrets" not in data:
            return SecretSettings()
        settings, problems = read_secrets(self.source, self.text, data["secrets"], path.parent)
        self.problems += problems
        return settings

    def _theme(self, data: Mapping[str, Any]) -> str | None:
        name = self._text(data, "theme", _ROOT)
        if self.themes is not None and name not in self.themes:
            self._unknown(_ROOT.key("theme"), name, sorted(self.themes), "theme")
            return None
        return name

    def _keymap(self, data: Mapping[str, Any]) -> dict[str, str]:
        path = _ROOT.key("keymap")
        table = self._table(data["keymap"], path)
        keymap: dict[str, str] = {}
        for binding_id, keys in table.items():
            if self.binding_ids is not None and binding_id not in self.binding_ids:
                self._unknown(
                    path.key(binding_id), binding_id, sorted(self.binding_ids), "binding id"
                )
                continue
            if not isinstance(keys, str) or not keys.strip():
                self.problems.append(
                    str(
                        self.error(
                            path.key(binding_id),
                            f'expected keys like "f5" or "ctrl+j,f5"; got {describe(keys)}',
                        )
                    )
                )
                continue
            keymap[binding_id] = keys
        return keymap

    def _unknown(self, path: KeyPath, name: str, known: Collection[str], what: str) -> None:
        """Note an unknown name, with the closest known one when there is one."""
        hint = did_you_mean(name, known) or f"expected one of: {', '.join(known)}"
        self.problems.append(str(self.error(path, f'unknown {what} "{visible(name)}"; {hint}')))
