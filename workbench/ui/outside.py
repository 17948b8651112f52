"""Lending the terminal to another program: the user's `$EDITOR` for a long text, `$PAGER`
for a response.

Textual's `App.suspend` gives the terminal back while the program runs and
redraws the screen after it. The text goes through a temporary file (only the
user can read it; removed afterwards). What a pager shows comes from a server:
its control characters are made visible first, as on the screen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from textual.app import App, SuspendNotSupported
from textual.widget import Widget
from textual.widgets import Select, TextArea

from workbench.core.terminal_text import visible


class OutsideError(Exception):
    """The program could not run; the message says why and what to do."""


def editor_command(environ: Mapping[str, str] = os.environ) -> list[str]:
    """`$VISUAL`, else `$EDITOR` (with its arguments, like `code --wait`), else `vi` as git
    does."""
    for name in ("VISUAL", "EDITOR"):
        if environ.get(name, "").strip():
            return shlex.split(environ[name])
    if shutil.which("vi"):
        return ["vi"]
    raise OutsideError("No editor: set $EDITOR (for example `export EDITOR=nano`).")


def pager_command(environ: Mapping[str, str] = os.environ) -> list[str]:
    """`$PAGER`, else `less` (or `more` where there is no less)."""
    if environ.get("PAGER", "").strip():
        return shlex.split(environ["PAGER"])
    for pager in ("less", "more"):
        if shutil.which(pager):
            return [pager]
    raise OutsideError("No pager: set $PAGER (for example `export PAGER=less`).")


LONG_TEXTS = ("body", "notes")  # the editors' text areas that F10 opens in $EDITOR


def long_text_of(focused: Widget | None, editor: Widget | None) -> TextArea | None:
    """The long text to edit outside: the focused body or notes, else the editor's body."""
    if isinstance(focused, TextArea) and focused.id in LONG_TEXTS and not focused.read_only:
        return focused
    bodies = editor.query("#body").results(TextArea) if editor is not None else iter(())
    return next((body for body in bodies if not body.read_only), None)


def suffix_of(area: TextArea) -> str:
    """A file name ending that makes the editor colour the text: `.json` for a JSON body."""
    if area.id == "body":
        body_types = area.screen.query("#body-type").results(Select)
        if any(select.value == "json" for select in body_types):
            return ".json"
    return ".txt"


def edit_text(app: App[object], text: str, *, suffix: str = ".txt") -> str | None:
    """`text` as the user left it in their editor; None when they changed nothing."""
    command = editor_command()
    with _temporary(text, suffix) as path:
        _run(app, command, path, "editor")
        try:
            edited = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise OutsideError("The edited text is not UTF-8: nothing was changed.") from None
        except OSError as error:
            raise OutsideError(f"The edited file could not be read back: {error}.") from None
    return None if edited == text else edited


def page_text(app: App[object], text: str) -> None:
    """Show `text` in the user's pager, its control characters made visible."""
    command = pager_command()
    with _temporary(visible(text, keep_newlines=True), ".txt") as path:
        _run(app, command, path, "pager")


class _temporary:
    """A private temporary file holding `text`, removed on exit."""

    def __init__(self, text: str, suffix: str) -> None:
        descriptor, name = tempfile.mkstemp(prefix="workbench-", suffix=suffix)
        self.path = Path(name)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *_: object) -> None:
        with suppress(OSError):
            self.path.unlink()


def _run(app: App[object], command: list[str], path: Path, what: str) -> None:
    shown = shlex.join(command)
    try:
        with app.suspend():
            code = subprocess.run([*command, str(path)], check=False).returncode
    except SuspendNotSupported:
        raise OutsideError(
            f"This terminal cannot lend the screen to the {what} ({shown})."
        ) from None
    except OSError as error:
        raise OutsideError(
            f"The {what} `{shown}` could not start: {error.strerror or error}. "
            f"Check ${'PAGER' if what == 'pager' else 'EDITOR'}."
        ) from None
    if code != 0:
        raise OutsideError(f"The {what} `{shown}` ended with exit status {code}.")
