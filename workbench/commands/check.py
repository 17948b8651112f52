"""`workbench check [PATH...]`: find values that look like secrets in workspace files before
they are committed (a git pre-commit hook runs it with no PATH: the staged workspace files).

Findings go to stdout, one a line (`FILE:LINE: key path: looks like ...; fix: ...`), so they
can be grepped; problems and the summary go to stderr. The values themselves are never shown.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.commands.common import CommandFailed, report
from workbench.commands.exit_codes import ExitCode
from workbench.core.secrets import Finding, NotToml, is_workspace, parse_toml, scan_data
from workbench.core.terminal_text import visible

# Like any linter's: something was found that should be fixed before committing.
EXIT_FOUND = 1
# Larger than any workspace file; a bigger file is someone else's data, not read whole.
MAX_FILE_BYTES = 16 * 1024 * 1024
# Added, copied or modified *.toml files in the index, NUL-separated (any name survives).
_STAGED_TOML = ("diff", "--cached", "--name-only", "-z", "--diff-filter=ACM", "--", "*.toml")

EXIT_CODES = """\
exit codes:
  0  nothing that looks like a secret
  1  values that look like secrets were found (one line each on stdout)
  2  bad usage, or no PATH outside a git repository
  3  a file could not be read or is not TOML (the reason on stderr)

values are never printed: at most a known prefix (ghp_...) or their first 4 characters.
"""


class Unreadable(Exception):
    """A file that cannot be checked; the message says why."""


@dataclass(frozen=True)
class Source:
    """One file to check: its name as shown, how to read its bytes, and whether a TOML file
    that is not a workspace (pyproject.toml) is skipped rather than checked."""

    name: str
    read: Callable[[], bytes]
    workspaces_only: bool = False


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="find values that look like secrets in workspace files (a pre-commit hook)",
        description=(
            "Looks for secrets written in the plain (not private) fields of workspace files: "
            "known token formats (ghp_, sk_live_, xoxb-, AKIA...), JWTs, PEM blocks, and long "
            "random strings in auth settings, header values and parameter values. Each finding "
            "names the file, line, key path and the fix (make the field private and put the "
            "value in the secret store). With no PATH, checks the workspace files staged in "
            "git (their staged content), as a pre-commit hook wants."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="a workspace file, or a folder (its *.toml files); default: the staged *.toml files",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        sources = list(given_sources(args.paths)) if args.paths else staged_sources()
    except CommandFailed as error:
        return report(error)
    checked = unreadable = 0
    findings_count = files_with_findings = 0
    for source in sources:
        try:
            findings = _check(source)
        except Unreadable as error:
            unreadable += 1
            print(f"workbench: {visible(source.name)}: {visible(str(error))}", file=sys.stderr)
            continue
        if findings is None:
            continue  # another tool's TOML file
        checked += 1
        for finding in findings:
            print(visible(finding_line(source.name, finding)))
        findings_count += len(findings)
        files_with_findings += bool(findings)
    _summary(checked, findings_count, files_with_findings, unreadable, staged=not args.paths)
    if unreadable:
        return ExitCode.NOT_SENT
    return EXIT_FOUND if findings_count else ExitCode.OK


def finding_line(file: str, finding: Finding) -> str:
    """`FILE:LINE: key path: looks like ...; fix: ...` (no LINE when it was not found)."""
    where = f"{file}:{finding.line}" if finding.line is not None else file
    return f"{where}: {finding.key_path}: looks like {finding.look}; fix: {finding.fix}"


def _check(source: Source) -> tuple[Finding, ...] | None:
    data = source.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (byte {error.start}), so not a TOML file") from None
    try:
        parsed = parse_toml(text)
    except NotToml as error:
        raise Unreadable(str(error)) from None
    if source.workspaces_only and not is_workspace(parsed):
        return None
    return scan_data(parsed, text, source.name)


def _summary(checked: int, found: int, in_files: int, unreadable: int, *, staged: bool) -> None:
    files = f"{checked} file{'s' if checked != 1 else ''}"
    if checked == 0 and not unreadable:
        what = "no staged workspace files" if staged else "no workspace files"
        print(f"workbench check: {what} to check.", file=sys.stderr)
    elif found:
        print(
            f"workbench check: {found} value{'s' if found != 1 else ''} that look like secrets "
            f"in {in_files} of {files}. (values not shown)",
            file=sys.stderr,
        )
    elif checked:
        print(f"workbench check: {files}, nothing that looks like a secret.", file=sys.stderr)
    if unreadable:
        print(
            f"workbench check: {unreadable} file{'s' if unreadable != 1 else ''} could not be "
            "checked.",
            file=sys.stderr,
        )


# -- what to check --------------------------------------------------------------------------


def given_sources(paths: list[str]) -> Iterator[Source]:
    """The files named on the command line; a folder stands for its *.toml files."""
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.toml") if not p.is_dir())
            if not files:
                print(f"workbench check: {visible(text)} holds no *.toml files.", file=sys.stderr)
            for file in files:
                yield Source(str(file), _file_reader(file))
        else:
            yield Source(text, _file_reader(path))


def _file_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            if not path.exists():
                raise Unreadable("no such file or folder")
            # Never open a FIFO (it would block) or a device (it may never end).
            if not path.is_file():
                raise Unreadable("not a regular file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise Unreadable(f"larger than {MAX_FILE_BYTES // 2**20} MB: not a workspace file")
            return path.read_bytes()
        except OSError as error:
            raise Unreadable(error.strerror or str(error)) from None

    return read


def staged_sources() -> list[Source]:
    """The *.toml files added, copied or modified in git's index, read from the index: what
    the commit will hold, even when the working tree differs."""
    top = _git("rev-parse", "--show-toplevel")
    if top is None:
        raise CommandFailed(
            "not in a git repository, so there are no staged files to check; give the "
            "workspace files or folders to check, e.g. `workbench check workspaces/`.",
            ExitCode.USAGE,
        )
    root = Path(top.decode("utf-8", "surrogateescape").rstrip("\n"))
    names = _git("-C", str(root), *_STAGED_TOML)
    if names is None:
        raise CommandFailed("git could not list the staged files.", ExitCode.NOT_SENT)
    sources = []
    for name in names.decode("utf-8", "surrogateescape").split("\0"):
        if name:
            sources.append(Source(_shown(root / name), _index_reader(root, name), True))
    return sources


def _shown(path: Path) -> str:
    """A staged file's name relative to the current folder, as `git status` shows it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _index_reader(root: Path, name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        blob = _git("-C", str(root), "cat-file", "blob", f":{name}")
        if blob is None:
            raise Unreadable("git could not read its staged content")
        return blob

    return read


def _git(*arguments: str) -> bytes | None:
    """git's output, or None when git is missing or fails (its message is not needed)."""
    try:
        result = subprocess.run(["git", *arguments], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None
