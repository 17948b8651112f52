"""Where a provider's private values may go, and which files a workspace may upload: approvals.

A workspace file may come from someone else (a pull request, a download), and private values
are found by ids (workspace id + provider id + field), not by where they go. So each provider
has a set of approved *origins* (scheme, host, port): its base URLs and token endpoints as they
were when its first private value was stored, plus any the user approved since. A stored value
or a cached token (a `Secret` that is `bound`) goes to no other origin: sending stops before any
byte leaves with `OriginNotApproved`, which the TUI turns into a question and the CLI into the
command that approves it (`workbench trust`). Values given for one run by whoever runs it (an
environment variable, `--param`) are theirs to send and are not checked; neither is the origin
of `--base-url`, which the user typed.

Files named by a workspace resolve from its folder; one outside that folder, or hidden inside
it (`~/.ssh` for a workspace in the home folder, `.git`, `.env`), needs approval, remembered per
workspace; devices, FIFOs and folders are refused outright.

Approvals live in the user's data directory (`trust.json` beside the secret store), never in
the workspace.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from workbench.core.errors import RequestBuildError, WorkbenchError
from workbench.core.secrets.private_files import LockedJson
from workbench.core.secrets.store import Owner
from workbench.core.sending.proxies import with_scheme
from workbench.core.sending.url import is_absolute, join
from workbench.core.workspace.model import Provider, base_url_of, value_for

TRUST_FORMAT = 1
TRUST_FILE = "trust.json"
_DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
# Authentication settings that name where credentials are sent.
ENDPOINT_SETTINGS = ("token_url", "authorization_url")


def origin_of(url: str) -> str | None:
    """`scheme://host:port` of an absolute URL (default port written out); None otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS.get(scheme, 0)}"


def shown_origin(origin: str) -> str:
    """An origin as people write it: the default port left out."""
    for scheme, port in _DEFAULT_PORTS.items():
        if origin.startswith(f"{scheme}://") and origin.endswith(f":{port}"):
            return origin[: -len(f":{port}")]
    return origin


def provider_origins(provider: Provider, environments: Iterable[str]) -> frozenset[str]:
    """The origins a provider's values are meant for in `environments`: its base URL, its
    token and authorization endpoints (relative ones resolved against the base URL) and its
    proxy (which sees what goes to an http:// server)."""
    origins: set[str] = set()
    for environment in environments:
        base = base_url_of(provider, environment)
        proxy = (value_for(provider.proxy, environment) or "").strip()
        urls = [base, with_scheme(proxy) if proxy else ""]
        for name in ENDPOINT_SETTINGS:
            configured = provider.auth.settings.get(name)
            url = (value_for(configured, environment) or "") if configured is not None else ""
            if url:
                urls.append(url if is_absolute(url) or not base else join(base, url))
        origins.update(o for o in map(origin_of, urls) if o is not None)
    return frozenset(origins)


class OriginNotApproved(WorkbenchError):
    """A provider's private value would go to an origin the user has not approved for it."""

    def __init__(
        self,
        provider: str,
        origin: str,
        approved: frozenset[str],
        *,
        workspace_path: str,
        what: str,
        key: str = "",
    ) -> None:
        self.provider = provider
        self.key = key or provider  # what the provider's approvals are kept under
        self.origin = origin
        self.approved = approved
        self.workspace_path = workspace_path
        self.what = what
        self.command = (
            f'workbench trust {workspace_path} "{provider}" --origin {shown_origin(origin)}'
        )
        super().__init__(
            f"Not sent: {what} of {provider} would go to {shown_origin(origin)}. "
            f"{stored_for(approved)} If you trust it, approve that origin with "
            f"`{self.command}` (or send with --base-url)."
        )

    @property
    def question(self) -> str:
        """The question the TUI asks, old and new origin included."""
        return (
            f"Send {self.what} of {self.provider} to {shown_origin(self.origin)}? "
            f"{stored_for(self.approved)}"
        )


def stored_for(approved: frozenset[str]) -> str:
    """Where a provider's values were meant to go, as a sentence."""
    if not approved:
        # Values stored before workbench kept origins, or given by the person's config
        # sources (a command, a .env file), which name no workspace: approved where first sent.
        return "No place is approved for its private values yet."
    listed = ", ".join(sorted(shown_origin(o) for o in approved))
    return f"They were stored for {listed}. This workspace changed where it points."


@dataclass(frozen=True)
class FileRole:
    """What a file named by a workspace is for, as the messages about it say it."""

    of: str  # "parameter 'doc'", "the ca_bundle of provider 'Demo'"
    use: str  # "upload", "trust as CA bundle"
    instead: str  # how to give the file yourself: "`--param doc=PATH`"
    title: str = "Upload?"  # of the TUI's question

    @classmethod
    def upload(cls, parameter: str) -> FileRole:
        return cls(f"the parameter '{parameter}'", "upload", f"`--param {parameter}=PATH`")


class FileNotApproved(WorkbenchError):
    """A workspace names a file (to upload, to trust as CA bundle) that lies outside its folder
    (or is hidden inside it) and the user has not approved it."""

    def __init__(self, path: Path, role: FileRole, *, workspace_path: str, reason: str) -> None:
        self.path = path
        self.role = role
        self.command = f"workbench trust {workspace_path} --file {_quoted(str(path))}"
        self.reason = reason
        super().__init__(
            f"Not sent: {role.of} would {role.use} {path}, which {reason}. "
            f"If you mean to {role.use} that file, approve it with `{self.command}`, or give "
            f"it yourself with {role.instead}."
        )

    @property
    def question(self) -> str:
        return f"{self.role.use.capitalize()} {self.path} ({self.role.of})? It {self.reason}."


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


class TrustBook:
    """The approvals file: per workspace id, each provider's origins and the approved files."""

    def __init__(self, home: Path) -> None:
        self.document = LockedJson(
            home / TRUST_FILE,
            what="the approvals file",
            format=TRUST_FORMAT,
            fresh=lambda: {"format": TRUST_FORMAT, "workspaces": {}},
            valid=lambda data: isinstance(data.get("workspaces"), dict),
        )

    def _workspace(self, data: dict[str, Any], workspace_id: str) -> dict[str, Any]:
        entry = data["workspaces"].setdefault(workspace_id, {})
        entry.setdefault("origins", {})
        entry.setdefault("files", [])
        return entry  # type: ignore[no-any-return]

    def origins(self, workspace_id: str, provider: str) -> frozenset[str]:
        entry = self.document.read()["workspaces"].get(workspace_id, {})
        return frozenset(entry.get("origins", {}).get(provider, ()))

    def files(self, workspace_id: str) -> frozenset[str]:
        entry = self.document.read()["workspaces"].get(workspace_id, {})
        return frozenset(entry.get("files", ()))

    def approve_origins(
        self,
        workspace_id: str,
        provider: str,
        origins: Iterable[str],
        *,
        only_if_none: bool = False,
    ) -> frozenset[str]:
        """Add origins to the provider's approved ones (with `only_if_none`, only when it has
        none yet: the first stored value fixes them). The origins added."""
        with self.document.update() as data:
            known = self._workspace(data, workspace_id)["origins"].setdefault(provider, [])
            if only_if_none and known:
                return frozenset()
            added = sorted(set(origins) - set(known))
            known.extend(added)
            known.sort()
        return frozenset(added)

    def approve_file(self, workspace_id: str, path: Path) -> None:
        with self.document.update() as data:
            files = self._workspace(data, workspace_id)["files"]
            if str(path) not in files:
                files.append(str(path))
                files.sort()

    def rename_provider(self, workspace_id: str, old: str, new: str) -> None:
        """Keep a provider's approvals under its new key (`Provider.key`): a provider without
        an id renamed, or one whose approvals were kept under its name before it had an id."""
        with self.document.update() as data:
            origins = data["workspaces"].get(workspace_id, {}).get("origins", {})
            if old in origins:
                merged = set(origins.pop(old)) | set(origins.get(new, ()))
                origins[new] = sorted(merged)


@dataclass
class Trust:
    """The approvals that apply to one session of one workspace file.

    `run_origins` are approved for this run only (the origin of `--base-url`). `book` None:
    nothing is remembered (approvals last for the session).
    """

    workspace_id: str
    folder: Path
    book: TrustBook | None
    workspace_path: str = "WORKSPACE"
    run_origins: set[str] = field(default_factory=set)
    _session_origins: dict[str, set[str]] = field(default_factory=dict)
    _session_files: set[str] = field(default_factory=set)

    # Approvals are kept per provider under `Provider.key` (its id), so a rename keeps them.

    def approved(self, provider: Owner) -> frozenset[str]:
        """The origins the provider's values may go to."""
        key = provider.key
        return self._stored(provider) | self._session_origins.get(key, set()) | self.run_origins

    def _stored(self, provider: Owner) -> frozenset[str]:
        """The origins remembered for the provider: under its key, and under its name those
        approved before it had an id (until `name_keys.move_to_ids` moves them)."""
        if self.book is None:
            return frozenset()
        keys = dict.fromkeys((provider.key, provider.name))
        return frozenset().union(*(self.book.origins(self.workspace_id, k) for k in keys))

    def check_origin(self, provider: Provider, url: str, what: str) -> None:
        """Raise `OriginNotApproved` unless the provider's values may go to `url`'s origin."""
        origin = origin_of(url)
        if origin is None:
            return  # not a URL that can be sent: building it fails with its own message
        approved = self.approved(provider)
        if origin not in approved:
            raise OriginNotApproved(
                provider.name,
                origin,
                approved - self.run_origins,
                workspace_path=self.workspace_path,
                what=what,
                key=provider.key,
            )

    def approve_origin(self, provider: str, origin: str) -> None:
        """Approve `origin` for the provider whose key is `provider`."""
        if self.book is not None:
            self.book.approve_origins(self.workspace_id, provider, [origin])
        self._session_origins.setdefault(provider, set()).add(origin)

    def record_first(self, provider: Provider, environments: Iterable[str]) -> frozenset[str]:
        """Approve the provider's current origins when it has none yet (its first private value
        is being stored); the origins approved."""
        origins = provider_origins(provider, environments)
        if self.book is None:
            if provider.key in self._session_origins:
                return frozenset()
            self._session_origins[provider.key] = set(origins)
            return origins
        if self._stored(provider):
            return frozenset()  # approved before, perhaps under its name
        return self.book.approve_origins(
            self.workspace_id, provider.key, origins, only_if_none=True
        )

    def approve_run_base_url(self, base_url: str | None) -> None:
        origin = origin_of(base_url or "")
        if origin is not None:
            self.run_origins.add(origin)

    # -- files ------------------------------------------------------------------------------

    def upload_path(self, text: str, parameter: str, *, given_by_user: bool) -> Path:
        """The file a parameter uploads (see `workspace_file`)."""
        return self.workspace_file(text, FileRole.upload(parameter), given_by_user=given_by_user)

    def workspace_file(self, text: str, role: FileRole, *, given_by_user: bool) -> Path:
        """A file the workspace names, resolved from the workspace's folder and checked.

        Raises `RequestBuildError` for what can never be read (a device, a FIFO, a folder,
        a missing file) and `FileNotApproved` for a file outside the folder that the user has
        not approved (a path given with `--param` is the user's own choice).
        """
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        try:
            real = path.resolve(strict=True)
            info = os.stat(real)
        except FileNotFoundError:
            raise RequestBuildError(
                f"The file {path} for {role.of} does not exist. Give an existing file with "
                f"{role.instead} (a relative path in the workspace is read from its folder, "
                f"{self.folder})."
            ) from None
        except OSError as error:
            raise RequestBuildError(
                f"Cannot read the file {path} for {role.of}: {error.strerror}."
            ) from None
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
            raise RequestBuildError(
                f"The file {path} for {role.of} is {kind}, not a regular file; "
                "workbench reads regular files only."
            )
        if given_by_user:
            return real
        reason = self._why_ask(real)
        if reason is None:
            return real
        approved = self.book.files(self.workspace_id) if self.book else frozenset()
        if str(real) in approved or str(real) in self._session_files:
            return real
        raise FileNotApproved(real, role, workspace_path=self.workspace_path, reason=reason)

    def approve_file(self, path: Path) -> None:
        if self.book is not None:
            self.book.approve_file(self.workspace_id, path)
        self._session_files.add(str(path))

    def _why_ask(self, real: Path) -> str | None:
        """Why reading `real` needs the user's approval; None when it does not."""
        folder = self.folder.resolve()
        if not real.is_relative_to(folder):
            return f"is outside the workspace's folder {folder}"
        hidden = next((p for p in real.relative_to(folder).parts if p.startswith(".")), None)
        if hidden is not None:
            # ~/.ssh, ~/.aws, .git, .env: what a hidden name holds is rarely meant to leave.
            return f"is hidden ({hidden}) inside the workspace's folder {folder}"
        return None
