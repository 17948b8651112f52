"""The `workbench` command: argument parsing and dispatch to the subcommands.

The exit codes are listed in EXIT_CODES_HELP (shown by `workbench --help`);
4 and 5 for 4xx and 5xx answers, as HTTPie's --check-status does; 8 for a
response shape that drifted, so CI can tell drift from a failed call.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench import __version__

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NOT_SENT = 3
EXIT_CLIENT_ERROR = 4
EXIT_SERVER_ERROR = 5
EXIT_NO_ANSWER = 6
EXIT_AUTH = 7
EXIT_DRIFT = 8
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a program killed by SIGPIPE: 128 + 13

EXIT_CODES_HELP = """\
exit codes:
  0    the call answered 2xx or 3xx, or answered at all with include_errors on
       (or the command succeeded; for initialize --check: no drift)
  2    bad command-line usage
  3    nothing was sent (or learned): a workspace, secret, parameter or sample problem
  4    the call answered 4xx
  5    the call answered 5xx
  6    no complete answer: connection refused, DNS, TLS, timeout, response too large
  7    authentication failed: the token endpoint or login refused
  8    the response shape drifted from the saved one (initialize, initialize --check)
  130  interrupted (Ctrl+C)
  141  whatever read the output stopped early (`| head`)

private values:
  Private values (auth keys, private parameters and headers) are never in workspace
  files. Set them with `workbench secret set`, or for CI in environment variables named
  WORKBENCH_SECRET__<PROVIDER>__<FIELD>[__<ENVIRONMENT>], e.g.
  WORKBENCH_SECRET__DEMO__AUTH_VALUE. `workbench secret list WORKSPACE` shows the names.
"""


def build_parser() -> argparse.ArgumentParser:
    from workbench.commands import auth, check, demo, initialize, run, secret, trust

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
    check.register(commands)
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
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head -1`): stop quietly, as cat and grep do. Output still
        # buffered goes nowhere instead of failing again when Python flushes it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return result


if __name__ == "__main__":
    sys.exit(main())
