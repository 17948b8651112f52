"""What the subcommands share: loading a workspace and reporting errors without tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.core.model import Workspace


class CommandFailed(Exception):
    """Stop the command: print `message` to stderr and exit with `code`."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def load(path: str) -> tuple[Workspace, Path]:
    """Load a workspace file, turning a `WorkspaceError` into a clean exit."""
    from workbench.cli import EXIT_NOT_SENT
    from workbench.core.errors import WorkspaceError
    from workbench.core.workspace import load_workspace

    file = Path(path)
    try:
        return load_workspace(file), file
    except WorkspaceError as error:
        raise CommandFailed(str(error), EXIT_NOT_SENT) from None


def report(error: CommandFailed) -> int:
    print(f"workbench: {error}", file=sys.stderr)
    return error.code
