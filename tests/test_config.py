"""The user's config file without a screen: where it is, reading it (every problem a message
naming the file and the key, never a stop), the defaults a workspace or call leaves to it,
and writing the theme back atomically while the user's other keys and comments stay."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from workbench.core.config import CONFIG_VARIABLE, Source, config_path, load_config, write_setting
from workbench.core.errors import ConfigError
from workbench.core.workspace import (
    Call,
    CallOptions,
    Defaults,
    Workspace,
    load_workspace,
    save_workspace,
)
from workbench.core.workspace.model import WorkspaceSettings

IDS = {"send", "save", "initialize", "quit"}
THEMES = {"nord", "gruvbox", "textual-dark"}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_variable_names_the_file_else_the_user_config_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CONFIG_VARIABLE, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"
    monkeypatch.delenv(CONFIG_VARIABLE)
    assert config_path() == platformdirs.user_config_path("workbench") / "config.toml"


def test_tests_never_see_the_real_config(isolated_home: Path) -> None:
    assert config_path() == isolated_home / "config.toml"


def test_no_file_gives_the_built_in_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config.theme is None and dict(config.keymap) == {}
    assert config.defaults == Defaults(timeout=30.0, size_cap=50 * 1024 * 1024)
    assert config.defaults.confirm_actions is True
    assert config.problems == ()
    assert {config.source(key) for key in ("theme", "timeout", "keymap")} == {Source.DEFAULT}


def test_a_good_file_is_read_and_says_which_keys_it_gave(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        'theme = "nord"\ntimeout = 5\nconfirm_actions = false\nstream_idle_timeout = 90\n'
        '\n[keymap]\nsend = "f11"\n',
    )
    config = load_config(path, binding_ids=IDS, themes=THEMES)
    assert config.problems == ()
    assert config.theme == "nord"
    assert config.defaults == Defaults(timeout=5.0, confirm_actions=False, stream_idle_timeout=90.0)
    assert dict(config.keymap) == {"send": "f11"}
    assert config.source("timeout") is Source.FILE
    assert config.source("size_cap") is Source.DEFAULT


def test_unknown_keys_ids_and_themes_get_a_did_you_mean_naming_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        'them = "nord"\ntheme = "nrod"\ntimeout = 7\n[keymap]\nsned = "f11"\nsave = "f10"\n',
    )
    config = load_config(path, binding_ids=IDS, themes=THEMES)
    assert config.problems == (
        f'{path}:1: them: unknown key "them"; did you mean "theme"?',
        f'{path}:2: theme: unknown theme "nrod"; did you mean "nord"?',
        f'{path}:5: keymap > sned: unknown binding id "sned"; did you mean "send"?',
    )
    # What was right still applies.
    assert config.theme is None
    assert config.defaults.timeout == 7.0
    assert dict(config.keymap) == {"save": "f10"}


def test_a_wrong_type_names_the_file_and_key_and_keeps_that_default(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        'timeout = "soon"\nsize_cap = 0\nconfirm_actions = "yes"\ntheme = "nord"\n'
        "[keymap]\nsend = 5\n",
    )
    config = load_config(path)
    assert config.problems == (
        f'{path}:1: timeout: expected a number of seconds; got "soon"; using the default',
        f"{path}:2: size_cap: expected a positive integer; got an integer (0); using the default",
        f'{path}:3: confirm_actions: expected true or false; got "yes"; using the default',
        f'{path}:6: keymap > send: expected keys like "f5" or "ctrl+j,f5"; got an integer (5)',
    )
    assert config.defaults == Defaults()
    assert config.theme == "nord"  # not checked against themes when none are given


def test_a_file_that_is_not_toml_gives_the_defaults_and_one_message(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'timeout = 5\ntheme = "nord\n')
    config = load_config(path)
    assert config.defaults == Defaults() and config.theme is None
    [problem] = config.problems
    assert problem.startswith(f"{path}: not valid TOML (")
    assert problem.endswith("; using the defaults")


def test_a_workspace_setting_wins_over_the_config_else_the_config_applies() -> None:
    defaults = Defaults(timeout=3.0, size_cap=1000, confirm_actions=False)
    own = Workspace(id="x", name="x", settings=WorkspaceSettings(True, 99))
    unset = Workspace(id="x", name="x")
    assert defaults.confirms_actions(own) is True
    assert defaults.confirms_actions(unset) is False
    assert defaults.size_cap_of(own) == 99
    assert defaults.size_cap_of(unset) == 1000
    assert defaults.timeout_of(Call("c", options=CallOptions(timeout=8.0))) == 8.0
    assert defaults.timeout_of(Call("c")) == 3.0


def test_a_workspace_that_sets_nothing_keeps_nothing_in_its_file(tmp_path: Path) -> None:
    """Unset stays unset through a save: the file does not freeze today's defaults."""
    path = tmp_path / "ws.toml"
    save_workspace(Workspace(id="x", name="x", providers=()), path)
    text = path.read_text(encoding="utf-8")
    assert "confirm_actions" not in text and "max_response_bytes" not in text
    assert load_workspace(path).settings == WorkspaceSettings(None, None)


def test_writing_the_theme_keeps_other_keys_and_comments(tmp_path: Path) -> None:
    original = (
        "# my settings\n"
        'theme = "nord"  # the one I like\n'
        "timeout = 5\n"
        "\n"
        "# keys I changed\n"
        "[keymap]\n"
        'send = "f11"\n'
    )
    path = write(tmp_path / "config.toml", original)
    write_setting(path, "theme", "gruvbox")
    assert path.read_text(encoding="utf-8") == original.replace(
        'theme = "nord"  # the one I like', 'theme = "gruvbox"'
    )
    config = load_config(path)
    assert (config.theme, config.defaults.timeout, dict(config.keymap)) == (
        "gruvbox",
        5.0,
        {"send": "f11"},
    )


def test_a_new_theme_line_goes_after_the_top_level_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '# mine\ntimeout = 5\n\n[keymap]\nsend = "f11"\n')
    write_setting(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == (
        '# mine\ntimeout = 5\ntheme = "nord"\n\n[keymap]\nsend = "f11"\n'
    )


def test_writing_creates_the_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "config.toml"
    write_setting(path, "theme", "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_a_layout_the_line_edit_cannot_keep_is_rewritten_with_every_key(tmp_path: Path) -> None:
    # The theme as a multi-line string: replacing one line would break the file.
    path = write(
        tmp_path / "config.toml", 'timeout = 5\ntheme = """\nnord"""\n[keymap]\nsave = "f10"\n'
    )
    write_setting(path, "theme", "gruvbox")
    config = load_config(path)
    assert config.problems == ()
    assert (config.theme, config.defaults.timeout, dict(config.keymap)) == (
        "gruvbox",
        5.0,
        {"save": "f10"},
    )


def test_writing_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "settings"
    folder.mkdir()
    path = write(folder / "config.toml", "timeout = 5\n")
    before = os.stat(path).st_ino
    write_setting(path, "theme", "nord")
    assert os.stat(path).st_ino != before  # replaced by a new file, never rewritten in place
    assert sorted(p.name for p in folder.iterdir()) == ["config.toml"]


def test_a_broken_file_is_never_overwritten(tmp_path: Path) -> None:
    broken = 'timeout = 5\ntheme = "nord\n'
    path = write(tmp_path / "config.toml", broken)
    with pytest.raises(ConfigError, match=f"^{path}: not valid TOML .*theme was not saved"):
        write_setting(path, "theme", "gruvbox")
    assert path.read_text(encoding="utf-8") == broken
