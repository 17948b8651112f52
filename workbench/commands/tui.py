"""`workbench [PATH]`: open the TUI on a workspace file or a folder of them.

With no subcommand, `workbench` is the interactive workbench. This module
tells that form from the subcommands, finds the workspace files (creating
the user's first, empty workspace when there is none), loads them and runs
the app. Textual is imported only here and only once the arguments are good.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from workbench.commands.common import CommandFailed, report
from workbench.commands.exit_codes import ExitCode

USAGE = 'workbench [PATH] [--open "PROVIDER/CALL"] [--env NAME] [--base-url URL]'
HELP = """\
the TUI (no command):
  workbench [PATH] [--open "PROVIDER/CALL"] [--env NAME] [--base-url URL]

  Opens the keyboard-driven workbench on PATH, a workspace .toml file or a folder
  of them. Without PATH: ./workspaces/ when it exists, else your own workspace in
  the data directory (created empty the first time). --open selects a call at
  start, --env chooses the environment, --base-url sends every call to another
  server (e.g. the demo API on another port). In the TUI, F1 lists every key.
"""
WORKSPACES_FOLDER = Path("workspaces")
DEFAULT_WORKSPACE = Path("workspaces") / "default.toml"  # inside the data directory
_VALUE_OPTIONS = ("--open", "--env", "--base-url")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        usage=USAGE,
        description=HELP.split("\n\n", 1)[1],
        epilog="Headless commands (run, secret, demo...): see `workbench --help`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        help="a workspace file, or a folder of them (default: ./workspaces/ or your own)",
    )
    parser.add_argument(
        "--open", metavar="PROVIDER/CALL", help='select this call at start, e.g. "Demo/List users"'
    )
    parser.add_argument("--env", metavar="NAME", help="the environment to start in")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="send every call to this base URL instead of its provider's",
    )
    return parser


def first_positional(argv: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor an option's value."""
    skip = False
    for argument in argv:
        if skip:
            skip = False
        elif argument in _VALUE_OPTIONS:
            skip = True
        elif not argument.startswith("-") or argument == "-":
            return argument
    return None


def looks_like_path(argument: str) -> bool:
    """A workspace path for sure (no subcommand has a `/` or ends in `.toml`)."""
    return argument.endswith(".toml") or os.sep in argument or "/" in argument or argument == "."


def is_tui_form(
    arguments: Sequence[str], build_full_parser: Callable[[], argparse.ArgumentParser]
) -> bool:
    """Whether the arguments open the TUI (`workbench [PATH] [options]`) rather than a command.

    The full parser (which imports every subcommand) is built only when the
    first argument could be a subcommand, so that starting the TUI stays fast.
    """
    first = first_positional(arguments)
    if first is None:
        return not {"-h", "--help", "--version"} & set(arguments)
    if looks_like_path(first):
        return True
    subcommands = next(
        a for a in build_full_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    return first not in subcommands.choices


def handle(argv: Sequence[str]) -> int:
    """Run the TUI form of `workbench`; the exit code."""

    args = build_parser().parse_args(argv)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "workbench: the TUI needs a terminal; use `workbench run` in scripts "
            "(see `workbench --help`).",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    try:
        path = Path(args.path) if args.path else None
        files = workspace_files(path)
        folder = path if path is not None and path.is_dir() else None
        return run_tui(
            files,
            open_call=args.open,
            environment=args.env,
            base_url=args.base_url,
            folder=folder,
        )
    except CommandFailed as error:
        return report(error)


def workspace_files(path: Path | None) -> list[Path]:
    """The workspace files to open for PATH (or for no PATH)."""

    if path is None:
        if WORKSPACES_FOLDER.is_dir():
            path = WORKSPACES_FOLDER
        else:
            return [default_workspace()]
    if path.is_dir():
        from workbench.core.workspace import is_local_file

        # None: the TUI opens on the empty folder (w creates one). A person's NAME.local.toml
        # is read with NAME.toml, not opened as a workspace.
        return sorted(p for p in path.glob("*.toml") if not is_local_file(p))
    if not path.exists():
        if path.suffix == ".toml" and path.parent.is_dir():
            return [new_workspace(path)]
        raise CommandFailed(
            f"no workspace file or folder {str(path)!r}; commands are listed by "
            "`workbench --help` (a new workspace file is made by naming it: NAME.toml).",
            ExitCode.USAGE,
        )
    return [path]


def new_workspace(path: Path) -> Path:
    """`workbench new.toml`: an empty workspace named after the file, written now."""
    from workbench.core.errors import WorkspaceError
    from workbench.core.workspace import WorkspaceDocument

    try:
        WorkspaceDocument.create_empty(path, name=path.stem.replace("-", " ").title())
    except (OSError, WorkspaceError) as error:
        raise CommandFailed(f"cannot create {path}: {error}", ExitCode.NOT_SENT) from None
    return path


def default_workspace() -> Path:
    """The user's own workspace in the data directory, created empty when missing."""
    from workbench.core.errors import WorkspaceError
    from workbench.core.secrets import default_home
    from workbench.core.workspace import WorkspaceDocument

    path = default_home() / DEFAULT_WORKSPACE
    if not path.exists():
        try:
            WorkspaceDocument.create_empty(path)
        except (OSError, WorkspaceError) as error:
            raise CommandFailed(f"cannot create {path}: {error}", ExitCode.NOT_SENT) from None
    return path


def run_tui(
    files: Sequence[Path],
    *,
    open_call: str | None = None,
    environment: str | None = None,
    base_url: str | None = None,
    folder: Path | None = None,
) -> int:
    """Load the workspace files and run the app until the user quits.

    In a folder, a broken file is reported in the app and the others open;
    a single broken file stops here with its message. An empty `folder` opens
    with no workspace (the tree's w creates one there). A broken config file never stops:
    the app starts with the defaults and says what is wrong.
    """
    from workbench.core.desk import TreeItem
    from workbench.core.errors import SecretStoreError, WorkspaceError
    from workbench.core.secrets import PersonalSources, open_store
    from workbench.core.workspace import WorkspaceDocument, locate_call

    # The config is checked against the TUI's key bindings and themes, so the UI is imported
    # here, before the workspaces load with the config's defaults.
    from workbench.ui.user_config import load_user_config

    config = load_user_config()
    store, sources = open_store(config.secrets), PersonalSources(config.secrets)
    if store.fallback_notice:  # said once, with the config file's problems
        config = replace(config, problems=(*config.problems, store.fallback_notice))
    documents: list[WorkspaceDocument] = []
    problems: list[str] = []
    for file in files:
        try:
            documents.append(
                WorkspaceDocument.load(
                    file,
                    store=store,
                    sources=sources,
                    base_url=base_url,
                    defaults=config.defaults,
                    config=config.overrides,
                )
            )
        except (WorkspaceError, SecretStoreError) as error:
            problems.append(str(error))
    if not documents and problems:
        raise CommandFailed("\n".join(problems), ExitCode.NOT_SENT)
    if environment is not None and not any(
        environment in d.workspace.environments for d in documents
    ):
        known = sorted({e for d in documents for e in d.workspace.environments})
        raise CommandFailed(
            f"no environment {environment!r}; the workspaces have: {', '.join(known)}",
            ExitCode.USAGE,
        )
    selected = None
    if open_call is not None:
        found = next(
            ((d, hit) for d in documents if (hit := locate_call(d.workspace, open_call))), None
        )
        if found is None:
            raise CommandFailed(
                f"no call {open_call!r} in {', '.join(map(str, files))}", ExitCode.USAGE
            )
        document, (provider, call) = found
        selected = TreeItem(document, provider.name, call.name)

    from workbench.ui.app import WorkbenchApp

    app = WorkbenchApp(
        documents,
        selected=selected,
        environment=environment,
        problems=problems,
        folder=folder,
        config=config,
    )
    app.run()
    return 0
