"""The domain model: workspaces, providers, calls and parameters as frozen dataclasses.

Everything here is plain data. Reading and writing files lives in
`workspace`, turning a call into an HTTP request lives in `request`.
Private values never live in these objects: a private parameter carries
only the flag, its value is looked up in the secret store when sent.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import TypeVar

from workbench.core.shape.fields import Shape

FORMAT_VERSION = 1
DEFAULT_ENVIRONMENTS = ("development", "live")
# What a call or workspace that sets nothing gets when the user's config sets nothing either.
DEFAULT_TIMEOUT = 30.0
DEFAULT_SIZE_CAP = 50 * 1024 * 1024
DEFAULT_STREAM_IDLE_TIMEOUT = 30.0
DEFAULT_CONFIRM_ACTIONS = True


class UseAs(StrEnum):
    """Whether a call only reads (safe to re-run) or changes things on the server."""

    DATA = "data"
    ACTION = "action"


class Method(StrEnum):
    """HTTP methods a call may use."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


# Methods whose shared parameters go in the query string rather than the body.
QUERY_METHODS = frozenset({Method.GET, Method.HEAD, Method.DELETE, Method.OPTIONS})


class Location(StrEnum):
    """Where a parameter is sent."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    BODY = "body"


class BodyType(StrEnum):
    """How a call's body is encoded."""

    NONE = "none"
    JSON = "json"
    FORM = "form"  # application/x-www-form-urlencoded
    MULTIPART = "multipart"  # multipart/form-data, parameters with file = true are uploads
    RAW = "raw"  # the body template as text, with the call's own content type


class ResponseType(StrEnum):
    """What the call's response data is expected to be."""

    JSON = "json"
    XML = "xml"
    TEXT = "text"
    BINARY = "binary"


@dataclass(frozen=True)
class PerEnvironment:
    """A non-private value that differs by environment, e.g. a development and a live client id."""

    values: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __hash__(self) -> int:
        return hash(tuple(self.values.items()))

    def for_environment(self, environment: str) -> str | None:
        """The value for `environment`, or None when this environment has none."""
        return self.values.get(environment)


# A setting's value in the workspace file: the same text everywhere, or one per environment.
Value = str | PerEnvironment


def value_for(value: Value, environment: str) -> str | None:
    """Resolve a `Value` for one environment (None when it has no value there)."""
    if isinstance(value, PerEnvironment):
        return value.for_environment(environment)
    return value


def base_url_of(provider: Provider, environment: str, override: str | None = None) -> str:
    """The base URL `provider`'s calls are sent against in `environment`: the run's override
    (`--base-url`, the demo's port) before the provider's own value; "" when there is none."""
    return (override or value_for(provider.base_url, environment) or "").strip()


@dataclass(frozen=True)
class ValueSource:
    """Where a chained parameter takes its value: a field of a data call's latest response.

    `call` is a call of the same provider ("List users") or of another one
    ("Billing/List invoices"); `path` is a path into that call's response
    data (`workbench.core.shape.json_path`), with item numbers: `data[0].id`. The
    empty path is the whole response. See `workbench.core.workspace.chaining`.
    """

    call: str
    path: str = ""


@dataclass(frozen=True)
class Parameter:
    """A named value a call needs.

    `value` is the test value; a private parameter has none in the model (its
    value lives in the secret store), nor has a chained one (`source`: its
    value comes from another call's response when the call is sent).
    `location` None means "decide from use": `[name]` in the URL is a path
    parameter, `<name>` in the body a body parameter, otherwise the query
    string for GET/HEAD/DELETE/OPTIONS and the body for other methods.
    """

    name: str
    value: Value = ""
    source: ValueSource | None = None
    private: bool = False
    optional: bool = False
    allow_blank: bool = False
    location: Location | None = None
    file: bool = False  # multipart upload: the value is a file path


@dataclass(frozen=True)
class Header:
    """A header sent with a call (or with every call of a provider)."""

    name: str
    value: Value = ""
    private: bool = False


@dataclass(frozen=True)
class CallOptions:
    """Per-call behaviour switches; defaults match what users expect from curl-like tools.

    `timeout` None: the call has no timeout of its own and takes the user's default
    (`Defaults.timeout_of`).
    """

    timeout: float | None = None
    follow_redirects: bool = True
    verify_tls: bool = True
    include_errors: bool = False  # a non-2xx answer becomes data instead of a failure
    capture_headers: bool = False  # response headers become part of the data


@dataclass(frozen=True)
class Call:
    """One endpoint of a provider, used as data or as action.

    `id` is the call's stable id in the file (see `Provider`); "" for one built in memory.
    """

    name: str
    use_as: UseAs = UseAs.DATA
    method: Method = Method.GET
    url: str = ""
    headers: tuple[Header, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    body_type: BodyType = BodyType.NONE
    body: str = ""
    content_type: str = ""  # for raw bodies
    response_type: ResponseType = ResponseType.JSON
    options: CallOptions = field(default_factory=CallOptions)
    notes: str = ""
    # The learned response shape; None until the call is initialized.
    shape: Shape | None = None
    id: str = ""  # last, so that positional arguments keep their meaning

    @property
    def key(self) -> str:
        """What this call's per-person data is kept under: its id, else its name."""
        return self.id or self.name


@dataclass(frozen=True)
class Auth:
    """A provider's authentication: a method name and its non-private settings.

    Which settings a method has, and which of them are private (kept in the
    secret store, never in `settings`), is declared by the method's module in
    `workbench.core.auth`.
    """

    method: str = "none"
    settings: Mapping[str, Value] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def __hash__(self) -> int:
        return hash((self.method, tuple(self.settings.items())))


@dataclass(frozen=True)
class Provider:
    """One external API service and the calls made to it.

    `id` is short, stable and unique within the workspace, written once when the provider is
    created: what a person keeps for it outside the file (its private values, the origins
    approved for them) is kept under it, so a rename in git loses nothing. "" for a provider
    built in memory (tests, an import not yet given ids): it is then kept under its name.
    """

    name: str
    base_url: Value = ""
    auth: Auth = field(default_factory=Auth)
    headers: tuple[Header, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    calls: tuple[Call, ...] = ()
    notes: str = ""
    # A PEM file (relative paths from the workspace's folder) whose CAs this provider's
    # servers are checked against instead of the usual ones; "" for the usual ones.
    ca_bundle: Value = ""
    # The proxy this provider's calls go through (http://, https://, socks5://) instead of
    # the environment's (HTTP_PROXY...); "" for the environment's.
    proxy: Value = ""
    id: str = ""

    @property
    def key(self) -> str:
        """What this provider's per-person data is kept under: its id, else its name."""
        return self.id or self.name

    def call(self, name: str) -> Call | None:
        """The call named `name`, or None."""
        return self.calls_by_name.get(name)

    @cached_property
    def calls_by_name(self) -> dict[str, Call]:
        """The calls by name, in order."""
        # Made once per provider (models are immutable): the tree looks each call up by name
        # for every line, 10,000 of them in a big workspace. The first of a name wins.
        return _first_by_name(self.calls)


Named = TypeVar("Named", Call, Provider)


def _first_by_name(items: tuple[Named, ...]) -> dict[str, Named]:
    """`items` by name, the first of each name."""
    found: dict[str, Named] = {}
    for item in items:
        found.setdefault(item.name, item)
    return found


@dataclass(frozen=True)
class WorkspaceSettings:
    """Workspace-wide behaviour. None: not set in the file, the user's default applies (see
    `Defaults`), so a teammate's config decides what a workspace leaves open."""

    confirm_actions: bool | None = None  # ask before sending an action call
    max_response_bytes: int | None = None
    history: bool | None = None  # keep this workspace's exchanges in the user's history


@dataclass(frozen=True)
class Defaults:
    """What a call or workspace that sets nothing itself gets: the user's config file (see
    `workbench.core.config`), else the built-in values. A value set in the workspace wins."""

    timeout: float = DEFAULT_TIMEOUT
    size_cap: int = DEFAULT_SIZE_CAP
    confirm_actions: bool = DEFAULT_CONFIRM_ACTIONS
    stream_idle_timeout: float = DEFAULT_STREAM_IDLE_TIMEOUT  # seconds a stream may stay quiet
    history: bool = True

    def timeout_of(self, call: Call) -> float:
        """The deadline in seconds `call` is sent with."""
        return self.timeout if call.options.timeout is None else call.options.timeout

    def size_cap_of(self, workspace: Workspace) -> int:
        """The most bytes of a response read for a call of `workspace`."""
        own = workspace.settings.max_response_bytes
        return self.size_cap if own is None else own

    def confirms_actions(self, workspace: Workspace) -> bool:
        """Whether sending an action call of `workspace` asks first."""
        own = workspace.settings.confirm_actions
        return self.confirm_actions if own is None else own

    def keeps_history(self, workspace: Workspace) -> bool:
        """Whether the exchanges of `workspace` are kept in the user's history."""
        own = workspace.settings.history
        return self.history if own is None else own


@dataclass(frozen=True)
class Workspace:
    """One workspace file: environments, providers and their calls.

    `id` is generated once when the workspace is created and never changes;
    the secret store keys private values by it, so renaming or moving the
    file keeps its secrets.
    """

    id: str
    name: str
    environments: tuple[str, ...] = DEFAULT_ENVIRONMENTS
    providers: tuple[Provider, ...] = ()
    settings: WorkspaceSettings = field(default_factory=WorkspaceSettings)
    format: int = FORMAT_VERSION

    def provider(self, name: str) -> Provider | None:
        """The provider named `name`, or None."""
        return self._providers_by_name.get(name)

    @cached_property
    def _providers_by_name(self) -> dict[str, Provider]:
        return _first_by_name(self.providers)

    @property
    def default_environment(self) -> str:
        return self.environments[0]


def new_workspace_id() -> str:
    """A fresh, stable workspace id."""
    import uuid

    return uuid.uuid4().hex


# Ids of providers and calls: 8 characters of lowercase base32 (40 bits), short enough to
# read in a diff; `new_item_id` makes sure each is unique within its workspace.
ITEM_ID_LENGTH = 8


def new_item_id(taken: Container[str] = ()) -> str:
    """A fresh random id for a provider or call, not one of `taken`."""
    import secrets

    while True:
        found = _base32(secrets.token_bytes(5))
        if found not in taken:
            return found


def derived_item_id(seed: str, taken: Container[str] = ()) -> str:
    """The id of a provider or call that has none in its file, the same on every machine for
    the same `seed` (the workspace id and the names), so teammates who give an older file its
    ids write the same lines; not one of `taken`."""
    import hashlib

    counter = 0
    while True:
        text = seed if counter == 0 else f"{seed}\0{counter}"
        found = _base32(hashlib.sha256(text.encode("utf-8")).digest()[:5])
        if found not in taken:
            return found
        counter += 1


def _base32(data: bytes) -> str:
    import base64

    return base64.b32encode(data).decode("ascii").lower()[:ITEM_ID_LENGTH]


def item_ids(workspace: Workspace) -> set[str]:
    """Every provider and call id the workspace has (for `new_item_id`'s `taken`)."""
    providers = {provider.id for provider in workspace.providers}
    calls = {call.id for provider in workspace.providers for call in provider.calls}
    return (providers | calls) - {""}


def with_derived_ids(workspace: Workspace) -> Workspace:
    """`workspace` with an id for each provider and call that has none, derived from the
    workspace id and the names (`derived_item_id`): a file without ids reads with the same
    ones at every load, and for every teammate, until a save writes them."""
    taken = item_ids(workspace)
    providers = []
    for provider in workspace.providers:
        seed = f"{workspace.id}\0{provider.name}"
        calls = []
        for call in provider.calls:
            call_id = call.id or derived_item_id(f"{seed}\0{call.name}", taken)
            taken.add(call_id)
            calls.append(replace(call, id=call_id))
        provider_id = provider.id or derived_item_id(seed, taken)
        taken.add(provider_id)
        providers.append(replace(provider, id=provider_id, calls=tuple(calls)))
    return replace(workspace, providers=tuple(providers))


def with_new_ids(workspace: Workspace) -> Workspace:
    """`workspace` with a new random id for each provider and call that has none: what an
    import adds (it builds them by name) gets its ids when it joins the workspace."""
    taken = item_ids(workspace)

    def fresh(current: str) -> str:
        found = current or new_item_id(taken)
        taken.add(found)
        return found

    providers = tuple(
        replace(
            provider,
            id=fresh(provider.id),
            calls=tuple(replace(call, id=fresh(call.id)) for call in provider.calls),
        )
        for provider in workspace.providers
    )
    return replace(workspace, providers=providers)
