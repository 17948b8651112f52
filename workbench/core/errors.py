"""The error types of the core, each carrying a message a user can act on.

    WorkbenchError
    ├── WorkspaceError      a workspace file cannot be read, parsed or validated
    ├── ConfigError         the user's config file cannot be written (`workbench.core.config`)
    ├── SecretMissing       a private value is needed but not set
    ├── SecretStoreError    the secret store file cannot be read or written
    ├── HistoryError        the history database cannot be read or written (`history`)
    ├── RequestBuildError   a call cannot be turned into a request (missing parameter, bad body...)
    ├── ConnectionSetupError  the trusted CAs or the proxy cannot be used (nothing was sent)
    ├── AuthError           authentication failed (issue "Authentication")
    │   └── LoginNeeded     a provider's token needs a person to log in (OAuth2 user-agent)
    ├── ChainError          a chained parameter cannot get its value from its source call
    ├── CallNotFound        a "Provider/Call" name names nothing (`chaining`)
    ├── ResponseDataError   a response cannot be turned into data (`response_data`)
    ├── PathError           a path into response data is malformed or leads nowhere
    │                       (`json_path`; also a ValueError)
    └── ShapeError          a saved shape cannot be read, or an edit names no field
                            (`shape`; also a ValueError; a workspace file rewraps it
                            as WorkspaceError)

The last four are defined next to the code that raises them, which the rest
of the core does not need to import. Transport failures (refused, DNS, TLS,
timeout, too large) are not raised: they are part of the returned
`Exchange`, see `workbench.core.sending.exchange`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.sending.exchange import Exchange

if TYPE_CHECKING:
    from workbench.core.secrets.store import SecretAddress  # `secrets` raises these errors


class WorkbenchError(Exception):
    """Base of every error the core raises on purpose. `str()` is the user-facing message."""


class WorkspaceError(WorkbenchError):
    """A workspace file is unreadable, not TOML, or not a valid workspace.

    The message names the file, the key path (and the line when known) and
    what was expected.
    """

    def __init__(
        self, path: str, message: str, *, key: str | None = None, line: int | None = None
    ) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.detail = message
        where = path
        if line is not None:
            where += f":{line}"
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {message}")


class ConfigError(WorkbenchError):
    """The user's config file cannot be written (reading it never raises: a bad file gives the
    defaults and messages, see `workbench.core.config`)."""


class SecretMissing(WorkbenchError):
    """A private value is needed to send a call but is in neither the store nor the environment.

    `address` is the value's address in the secret store; `set_command` and `env_var`
    are the two ways to set it.
    """

    def __init__(self, address: SecretAddress, *, set_command: str, env_var: str) -> None:
        self.address = address
        self.set_command = set_command
        self.env_var = env_var
        super().__init__(
            f"The private value '{address}' is not set. Set it with `{set_command}` "
            f"(or the environment variable {env_var})."
        )


class SecretStoreError(WorkbenchError):
    """The secret store file cannot be read or written."""


class HistoryError(WorkbenchError):
    """The history database cannot be read or written (a send goes on without keeping it)."""


class RequestBuildError(WorkbenchError):
    """A call cannot be turned into a request: a missing parameter, an invalid body, a bad URL."""


class ConnectionSetupError(WorkbenchError):
    """A connection cannot be set up: the CAs to trust (a provider's CA bundle, SSL_CERT_FILE)
    or the proxy (a provider's, the environment's) cannot be used. Nothing was sent."""


class AuthError(WorkbenchError):
    """Authentication failed: the message names the method and what the server answered."""


class LoginNeeded(AuthError):
    """A call needs a token that only a person logging in can give (the OAuth2 user-agent
    flow), and there is none for `provider` in `environment` (or it could not be renewed).

    The CLI says which command logs in; the TUI offers the login instead.
    """

    def __init__(self, message: str, *, provider: str, environment: str) -> None:
        self.provider = provider
        self.environment = environment
        super().__init__(message)


class ChainError(WorkbenchError):
    """A chained parameter cannot get its value: its source call is missing, an action, part
    of a circle, failed when sent first, or has nothing at the parameter's path.

    `exchange` is the source call's exchange when it was sent first and failed, so the
    caller can report that answer (the CLI exits with its code).
    """

    def __init__(self, message: str, *, exchange: Exchange | None = None) -> None:
        self.exchange = exchange
        super().__init__(message)
