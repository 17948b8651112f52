"""The exit codes of the `workbench` command, and the help text that lists them.

4 and 5 for 4xx and 5xx answers, as HTTPie's --check-status does; 8 for a
response shape that drifted, so CI can tell drift from a failed call. They
live here, not in `workbench.cli`, so that the subcommands need not import
the module that imports them.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 2
    NOT_SENT = 3
    CLIENT_ERROR = 4
    SERVER_ERROR = 5
    NO_ANSWER = 6
    AUTH = 7
    DRIFT = 8
    INTERRUPTED = 130
    BROKEN_PIPE = 141  # as a program killed by SIGPIPE: 128 + 13


EXIT_CODES_HELP = """\
exit codes:
  0    the call answered 2xx or 3xx, or answered at all with include_errors on
       (or the command succeeded; for initialize --check: no drift)
  2    bad command-line usage
  3    nothing was sent (or learned): a workspace, secret, parameter or sample problem
       (for history: no such entry, a response that is not JSON to diff, or the
       history cannot be read)
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
  WORKBENCH_SECRET__DEMO__AUTH_VALUE; your config's [secrets] can name a command or a
  .env file giving them. `workbench secret missing WORKSPACE` lists what is not set.
"""
