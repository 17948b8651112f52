"""Regenerate the parts of the documentation that are read off the code.

Run as `.venv/bin/python docs/generate.py`; with `--check` it writes nothing
and exits 1 naming each stale file. A generated part of a markdown file sits
between `<!-- generated: NAME -->` and `<!-- end generated -->`; nothing
outside those markers is touched.

- `keys` (docs/keys.md): every key binding of the TUI, found by importing
  each module under `workbench.ui` and reading the `BINDINGS` of the classes
  defined there, grouped by where they apply.
- `main-keys` (README.md): the same, for the app and its full screens, main keys only.
- `keymap` (docs/keys.md): the binding ids a `[keymap]` in the user's config file may
  rebind, with their default keys.
- `screen` (README.md): the TUI at 80x24 on workspaces/demo.toml, as plain
  text, after selecting "Demo/List users" and sending it to the demo API.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import inspect
import os
import pkgutil
import re
import sys
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
KEYS_DOC = ROOT / "docs" / "keys.md"
DEMO_WORKSPACE = Path("workspaces") / "demo.toml"  # relative: the title line shows it
# The documented variables that point workbench at its data folder and give private values.
HOME_VARIABLE = "WORKBENCH_HOME"
ENV_PREFIX = "WORKBENCH_SECRET__"
SCREEN_SIZE = (80, 24)
SCREEN_KEYS = ("down", "down", "ctrl+j")  # from the first line of the tree to "List users"
# The one thing on the captured screen that changes from run to run: the call's duration.
DURATION = re.compile(r"\b\d[\d,]* ms\b")
SHOWN_DURATION = "12 ms"

REGION = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)
# The keys the README's short table lists; docs/keys.md lists them all.
README_ACTIONS = {"quit", "help", "send", "initialize", "cancel_send", "save"}
README_ACTIONS |= {"choose_environment", "jump", "toggle_maximize", "undo", "go_to_call", "outside"}
# Textual's key names that read better as what is printed on the key.
KEY_NAMES = {
    "question_mark": "?",
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "slash": "/",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
ACRONYMS = {"Json": "JSON", "Url": "URL", "Http": "HTTP", "Tls": "TLS"}


@dataclass(frozen=True)
class KeyRow:
    """One action of one class: where it applies, its keys, what it does."""

    where: str
    keys: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class BindingOwner:
    """A class of `workbench.ui` that declares `BINDINGS` of its own."""

    kind: int  # 0 the app, 1 a full screen, 2 a widget, 3 a dialog: the order of the table
    where: str
    cls: type


def ui_classes() -> Iterator[type]:
    """Every class defined in a module of the `workbench.ui` package."""
    import workbench.ui

    names = [workbench.ui.__name__] + [
        info.name
        for info in pkgutil.walk_packages(workbench.ui.__path__, f"{workbench.ui.__name__}.")
    ]
    for name in sorted(names):
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                yield cls


def words(class_name: str, suffix: str) -> str:
    """A class name in words: ShapeReviewScreen -> "Shape review" (suffix dropped)."""
    if suffix and class_name.endswith(suffix) and class_name != suffix:
        class_name = class_name[: -len(suffix)]
    parts = [ACRONYMS.get(p, p) for p in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", class_name)]
    text = " ".join(p if p.isupper() and len(p) > 1 else p.lower() for p in parts)
    return text[:1].upper() + text[1:]


def binding_owners() -> list[BindingOwner]:
    """The classes with key bindings, named after where their keys work."""
    from textual.app import App
    from textual.screen import ModalScreen, Screen
    from textual.widget import Widget

    owners: list[BindingOwner] = []
    for cls in ui_classes():
        if not cls.__dict__.get("BINDINGS"):
            continue  # inherited keys (Textual's own widgets) are not the workbench's
        name = cls.__name__
        if issubclass(cls, App):
            owners.append(BindingOwner(0, "Everywhere", cls))
        elif issubclass(cls, ModalScreen):
            owners.append(BindingOwner(3, f"{words(name, 'Screen')} dialog", cls))
        elif issubclass(cls, Screen):
            owners.append(BindingOwner(1, f"{words(name, 'Screen')} screen", cls))
        elif issubclass(cls, Widget):
            owners.append(BindingOwner(2, words(name, ""), cls))
    return sorted(owners, key=lambda owner: (owner.kind, owner.where))


def key_text(key: str) -> str:
    """`ctrl+up` -> `ctrl+↑`, `f5` -> `F5`, `question_mark` -> `?`."""
    *modifiers, name = key.split("+")
    if re.fullmatch(r"f\d+", name):
        name = name.upper()
    name = KEY_NAMES.get(name, name)
    return "+".join([*modifiers, name])


def key_rows(owner: BindingOwner, only: Collection[str] = ()) -> list[KeyRow]:
    """One row per action of the class (of the actions `only`, when given), its keys in the
    order they are bound."""
    from textual.binding import Binding

    keys: dict[tuple[str, str], list[str]] = {}
    for binding in Binding.make_bindings(owner.cls.__dict__["BINDINGS"]):
        description = binding.tooltip or binding.description
        if description and (not only or binding.action in only):
            shown = binding.key_display or key_text(binding.key)
            keys.setdefault((binding.action, description), []).append(shown)
    return [
        KeyRow(owner.where, tuple(dict.fromkeys(shown)), description)
        for (_, description), shown in keys.items()
    ]


def keymap_table() -> str:
    """A markdown table of the binding ids the user's config file may rebind."""
    from workbench.ui.user_config import binding_ids

    lines = ["| binding id | default keys | what it does |", "|---|---|---|"]
    for binding_id, (keys, description, _where) in binding_ids().items():
        shown = ", ".join(f"`{key_text(k)}`" for k in keys.split(","))
        lines.append(f"| `{binding_id}` | {shown} | {description} |")
    return "\n".join(lines) + "\n"


def key_table(owners: Sequence[BindingOwner], only: Collection[str] = ()) -> str:
    """A markdown table of the owners' keys (of the actions `only`, when given)."""
    lines = ["| where | keys | what it does |", "|---|---|---|"]
    for owner in owners:
        for row in key_rows(owner, only):
            keys = ", ".join(f"`{k}`" for k in row.keys)
            cells = [row.where, keys, row.description]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def private_home() -> Iterator[None]:
    """A temporary, empty secret store, and no private values from the environment."""
    saved = {k: v for k, v in os.environ.items() if k == HOME_VARIABLE or k.startswith(ENV_PREFIX)}
    with tempfile.TemporaryDirectory() as home:
        for name in saved:
            del os.environ[name]
        os.environ[HOME_VARIABLE] = home
        try:
            yield
        finally:
            del os.environ[HOME_VARIABLE]
            os.environ.update(saved)


def workbench_app() -> type:
    """The application class: the one `textual.app.App` of `workbench.ui`."""
    from textual.app import App

    apps = [cls for cls in ui_classes() if issubclass(cls, App)]
    if len(apps) != 1:
        raise RuntimeError(f"expected one App class in workbench.ui, found {apps}")
    return apps[0]


async def capture_screen() -> str:
    """The TUI's screen as text after sending "Demo/List users" to a demo API of its own.

    The demo API listens on a free port, given as the base URL override (as
    `workbench demo` does), which is not shown on this screen. The workspace
    is opened by its path relative to the repository, so the title line reads
    the same on every machine, and the call's duration is replaced.
    """
    from workbench.core.workspace.document import WorkspaceDocument
    from workbench.demo.server import DemoServer

    app_class = workbench_app()
    with private_home(), contextlib.chdir(ROOT), DemoServer() as server:
        port = f":{server.port}"
        document = WorkspaceDocument.load(DEMO_WORKSPACE, base_url=server.base_url)
        app = app_class([document])
        async with app.run_test(size=SCREEN_SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*SCREEN_KEYS)
            # The send, then the response view's own parsing worker: on a busy machine they
            # take a while, so the screen is read again until the JSON tree is drawn.
            deadline = time.monotonic() + 30
            while True:
                await app.workers.wait_for_complete()
                await pilot.pause()
                # Textual renders the screen for the terminal from these strips.
                strips = app.screen._compositor.render_strips()
                lines = [strip.text.rstrip() for strip in strips]
                if any("total_pages" in line for line in lines) or time.monotonic() > deadline:
                    break
    text = "\n".join(fixed_duration(line) for line in lines)
    if len(DURATION.findall(text)) != 1 or port in text:
        raise RuntimeError(f"unexpected screen (no duration, or the port shown):\n{text}")
    return text + "\n"


def fixed_duration(line: str) -> str:
    """The line with the call's duration replaced by SHOWN_DURATION.

    The status line right-aligns the environment, so the run of spaces after
    the duration takes up the difference and the rest of the line stays put.
    """
    match = DURATION.search(line)
    if match is None:
        return line
    rest = line[match.end() :]
    gap = re.search(r"  +", rest)
    spaces = (len(gap[0]) if gap else 0) + len(match[0]) - len(SHOWN_DURATION)
    if gap is None or spaces < 1:
        raise RuntimeError(f"no room to show the duration as {SHOWN_DURATION!r}: {line!r}")
    rest = rest[: gap.start()] + " " * spaces + rest[gap.end() :]
    return line[: match.start()] + SHOWN_DURATION + rest


def regions() -> dict[str, str]:
    """The text of every generated region, by name."""
    owners = binding_owners()
    return {
        "keys": key_table(owners),
        "main-keys": key_table([o for o in owners if o.kind <= 1], README_ACTIONS),
        "keymap": keymap_table(),
        "screen": f"```text\n{asyncio.run(capture_screen())}```\n",
    }


def regenerate(text: str, generated: dict[str, str]) -> str:
    """`text` with each generated region's body replaced."""

    def body(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in generated:
            raise KeyError(f"unknown generated region {name!r}")
        return f"{match[1]}{generated[name]}{match[4]}"

    return REGION.sub(body, text)


def updated_files(generated: dict[str, str]) -> dict[Path, str]:
    """The files whose generated regions are not up to date, with their new text."""
    changed: dict[Path, str] = {}
    for path in (README, KEYS_DOC):
        text = path.read_text(encoding="utf-8")
        new = regenerate(text, generated)
        if new != text:
            changed[path] = new
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when stale")
    args = parser.parse_args(argv)
    changed = updated_files(regions())
    for path, text in changed.items():
        shown = path.relative_to(ROOT)
        if args.check:
            print(f"stale: {shown} (run: .venv/bin/python docs/generate.py)", file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"updated: {shown}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
