"""`workbench config`: where the user's config file is, and the settings in effect.

`path` prints the file's path (it need not exist); `show` prints every setting as the TOML
the file would hold, each with where its value comes from (`# file` or `# default`), and
the problems of the file as warnings on stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING

import tomli_w

from workbench.commands.common import warn
from workbench.commands.exit_codes import ExitCode
from workbench.core.config import CONFIG_VARIABLE, Config, Source, config_path
from workbench.core.secrets import SecretSettings
from workbench.core.terminal_text import visible

if TYPE_CHECKING:
    from workbench.ui.user_config import Rebindable


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "config",
        help="show where the config file is, and the settings in effect",
        description=(
            "Your config file holds your own settings: theme, the default timeout and "
            "size_cap, confirm_actions, history, a [keymap] of key bindings, and [secrets]: "
            'where your private values come from besides the environment (store = "file" or '
            '"keyring"; dotenv = ["~/team.env"]; command_timeout = 10; and '
            "[secrets.commands] mapping a value's environment-variable name, e.g. "
            "WORKBENCH_SECRET__DEMO__AUTH_VALUE, to a command printing it, e.g. "
            '"op read op://team/demo/key"; see docs/security.md). It is config.toml in your '
            f"config directory, or the file ${CONFIG_VARIABLE} names. A workspace's own "
            "settings win over it."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    path = actions.add_parser("path", help="print the config file's path (it need not exist)")
    path.set_defaults(handler=handle_path)
    show = actions.add_parser(
        "show", help="print the settings in effect, each with where it comes from"
    )
    show.set_defaults(handler=handle_show)


def handle_path(args: argparse.Namespace) -> int:
    print(visible(str(config_path())))
    return ExitCode.OK


def handle_show(args: argparse.Namespace) -> int:
    # The TUI's binding ids and themes check the file, as the TUI does at start.
    from workbench.ui.user_config import binding_ids, default_theme, load_user_config

    config = load_user_config()
    warn(config.problems)
    print("\n".join(shown_settings(config, binding_ids(), default_theme())))
    return ExitCode.OK


def shown_settings(config: Config, bindings: Mapping[str, Rebindable], theme: str) -> list[str]:
    """The settings in effect as TOML lines, each with its source as a comment."""
    there = "" if config.path.exists() else " (not there: every value is the default)"
    lines = [f"# {visible(str(config.path))}{there}"]
    defaults = config.defaults
    values = {
        "theme": config.theme or theme,
        "timeout": defaults.timeout,
        "size_cap": defaults.size_cap,
        "confirm_actions": defaults.confirm_actions,
        "stream_idle_timeout": defaults.stream_idle_timeout,
        "history": defaults.history,
    }
    lines += [_line(key, value, config.source(key)) for key, value in values.items()]
    lines += ["", "[keymap]"]
    for binding_id, default in bindings.items():
        given = config.keymap.get(binding_id)
        source = Source.DEFAULT if given is None else Source.FILE
        lines.append(_line(binding_id, given or default.keys, source))
    return lines + _secrets_lines(config.secrets)


def _secrets_lines(settings: SecretSettings) -> list[str]:
    """The `[secrets]` table in effect: a value that differs from the default came from the
    file; a command given as a list is shown as the text that splits into it."""
    default = SecretSettings()
    values = {
        "store": settings.store,
        "dotenv": [str(path) for path in settings.dotenv],
        "command_timeout": settings.command_timeout,
    }
    lines = ["", "[secrets]"]
    for key, value in values.items():
        same = value == getattr(default, key) or (key == "dotenv" and not value)
        lines.append(_line(key, value, Source.DEFAULT if same else Source.FILE))
    lines += ["", "[secrets.commands]"]
    lines += [
        _line(variable, command.written, Source.FILE)
        for variable, command in settings.commands.items()
    ]
    return lines


def _line(key: str, value: object, source: Source) -> str:
    if isinstance(value, list):
        # On one line (tomli-w writes an array over several), so the comment can follow.
        items = (tomli_w.dumps({"_": item}).strip().removeprefix("_ = ") for item in value)
        text = f"{key} = [{', '.join(items)}]"  # the keys of lists are bare: `dotenv`
    else:
        text = tomli_w.dumps({key: value}).strip()
    return f"{visible(text):<32} # {source}"
