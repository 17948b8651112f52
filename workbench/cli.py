"""The `workbench` command: argument parsing and dispatch to the subcommands.

The exit codes and their help live in `workbench.commands.exit_codes`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.commands.exit_codes import EXIT_CODES_HELP, ExitCode


def build_parser() -> argparse.ArgumentParser:
    from workbench.commands import (
        auth,
        check,
        config,
        demo,
        history,
        initialize,
        interop,
        local,
        run,
        secret,
        trust,
    )

    parser = argparse.ArgumentParser(
        prog="workbench",
        description="A keyboard-driven terminal API workbench: providers, calls, initialize.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run.register(commands)
    initialize.register(commands)
    secret.register(commands)
    demo.register(commands)
    auth.register(commands)
    trust.register(commands)
    local.register(commands)
    check.register(commands)
    interop.register(commands)
    config.register(commands)
    history.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from workbench.commands import tui

    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if tui.is_tui_form(arguments, build_parser):
            return tui.handle(arguments)
        parser = build_parser()
        parser.usage = f"{tui.USAGE}\n       workbench COMMAND ..."
        parser.epilog = f"{tui.HELP}\n{parser.epilog}"
        args = parser.parse_args(arguments)
        result: int = args.handler(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head -1`): stop quietly, as cat and grep do. Output still
        # buffered goes nowhere instead of failing again when Python flushes it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    return result


if __name__ == "__main__":
    sys.exit(main())
