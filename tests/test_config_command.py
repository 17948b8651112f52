"""`workbench config path` and `workbench config show`, and the config file's defaults in the
headless commands (run in this process, against the demo API on loopback)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from cli_process import workbench_here

from workbench.core.config import config_path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workspaces" / "demo.toml"


def write_config(text: str) -> Path:
    path = config_path()  # the test's own (the `isolated_home` fixture)
    path.write_text(text, encoding="utf-8")
    return path


def test_path_prints_the_file_the_variable_names(isolated_home: Path) -> None:
    result = workbench_here("config", "path")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{isolated_home / 'config.toml'}\n"


def test_show_without_a_file_prints_the_defaults_as_toml() -> None:
    result = workbench_here("config", "show")
    assert result.returncode == 0 and result.stderr == ""
    first, *lines = result.stdout.splitlines()
    assert first == f"# {config_path()} (not there: every value is the default)"
    assert lines[:6] == [
        'theme = "textual-dark"           # default',
        "timeout = 30.0                   # default",
        "size_cap = 52428800              # default",
        "confirm_actions = true           # default",
        "stream_idle_timeout = 30.0       # default",
        "history = true                   # default",
    ]
    assert 'send = "ctrl+j,f5"               # default' in lines
    shown = tomllib.loads(result.stdout)  # what it prints is a config file one could keep
    assert shown["keymap"]["save"] == "ctrl+s"


def test_show_says_which_values_come_from_the_file() -> None:
    write_config('timeout = 5\nconfirm_actions = false\nhistory = false\n[keymap]\nsend = "f11"\n')
    result = workbench_here("config", "show")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {config_path()}"
    assert "timeout = 5.0                    # file" in lines
    assert "size_cap = 52428800              # default" in lines
    assert "confirm_actions = false          # file" in lines
    assert "history = false                  # file" in lines
    assert 'send = "f11"                     # file' in lines
    assert 'save = "ctrl+s"                  # default' in lines


def test_show_warns_about_a_bad_file_naming_it_and_goes_on() -> None:
    path = write_config(
        'theme = "nrod"\ntimeout = "soon"\nsize_cap = 1000\n[keymap]\nsned = "f11"\n'
    )
    result = workbench_here("config", "show")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f'workbench: warning: {path}:1: theme: unknown theme "nrod"; did you mean "nord"?',
        f'workbench: warning: {path}:2: timeout: expected a number of seconds; got "soon"; '
        "using the default",
        f'workbench: warning: {path}:5: keymap > sned: unknown binding id "sned"; '
        'did you mean "send"?',
    ]
    assert "size_cap = 1000                  # file" in result.stdout
    assert "timeout = 30.0                   # default" in result.stdout


def test_run_takes_the_default_timeout_from_the_config(demo_url: str) -> None:
    write_config("timeout = 0.5\n")
    result = workbench_here("run", str(DEMO), "Demo/Slow", "--base-url", demo_url)
    assert result.returncode == 6
    assert "within the call's 0.5 s deadline" in result.stderr


def test_run_takes_the_size_cap_from_the_config(demo_url: str) -> None:
    write_config("size_cap = 1000\n")
    result = workbench_here("run", str(DEMO), "Demo/Large JSON", "--base-url", demo_url)
    assert result.returncode == 6
    assert "larger than the 1000 B cap" in result.stderr


def test_run_with_a_broken_config_warns_and_sends(demo_url: str) -> None:
    path = write_config('timeout = 5\ntheme = "nord\n')
    result = workbench_here("run", str(DEMO), "Demo/List users", "--base-url", demo_url)
    assert result.returncode == 0
    assert result.stderr.startswith(f"workbench: warning: {path}: not valid TOML (")
    assert "200 OK" in result.stderr


def test_show_lists_the_secrets_table_as_toml_one_could_keep(isolated_home: Path) -> None:
    write_config(
        "[secrets]\n"
        'store = "keyring"\n'
        'dotenv = ["team.env"]\n'
        "[secrets.commands]\n"
        'WORKBENCH_SECRET__DEMO__AUTH_VALUE = ["op", "read", "op://team/demo key"]\n'
    )
    result = workbench_here("config", "show")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert 'store = "keyring"                # file' in lines
    assert "command_timeout = 10.0           # default" in lines
    assert f'dotenv = ["{isolated_home / "team.env"}"]' in result.stdout
    shown = tomllib.loads(result.stdout)["secrets"]
    assert shown["commands"] == {
        "WORKBENCH_SECRET__DEMO__AUTH_VALUE": "op read 'op://team/demo key'"
    }
