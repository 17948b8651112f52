"""Building the HTTP request for a call: Call + Provider + environment + values -> httpx.Request.

Pure: nothing is sent and no network is touched (only upload files are read).
Every private value that goes into the request is recorded, so what was sent
can be shown with those values masked.

Where values come from, first match wins: a run-time override
(`--param name=value`), the secret store for private parameters, the test
value in the workspace for the environment. A provider's shared parameters
and headers apply to every call; the call's own ones with the same name win.
Headers are layered, later ones replacing earlier ones of the same name (any
case): authentication, provider headers, call headers, header parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol, cast
from urllib.parse import quote

from workbench.core.auth.base import AuthAdditions
from workbench.core.auth.settings import method_of, resolve_settings
from workbench.core.auth.tokens import Token
from workbench.core.errors import RequestBuildError
from workbench.core.secrets.masking import Masker
from workbench.core.secrets.store import (
    MASK,
    Secret,
    SecretAddress,
    SecretResolver,
    remember,
)
from workbench.core.sending.body import Body, Field, UploadCheck, UploadFile, encode_body
from workbench.core.sending.exchange import SentRequest
from workbench.core.sending.template import body_placeholders, fill_url, url_placeholders
from workbench.core.sending.url import append_query, is_absolute, join, scheme_problem
from workbench.core.workspace.model import (
    QUERY_METHODS,
    BodyType,
    Call,
    CallOptions,
    Defaults,
    Header,
    Location,
    Parameter,
    Provider,
    Workspace,
    base_url_of,
    value_for,
)

if TYPE_CHECKING:
    from pathlib import Path

    import httpx


class FileCheck(Protocol):
    """Resolves and checks the file a parameter uploads (`Trust.upload_path` in a session)."""

    def __call__(self, text: str, parameter: str, *, given_by_user: bool) -> Path: ...


_TEMPLATED_BODIES = frozenset({BodyType.JSON, BodyType.RAW})


@dataclass(frozen=True, repr=False)
class BuiltRequest:
    """A request ready to send, with what is needed to show it safely.

    `bound`: a stored private value or a cached token is in it, so it may go only to an
    origin approved for the provider (`workbench.core.secrets.trust`). `credential_headers` (lower
    case) and `credential_query` name what authentication and private headers and parameters
    added: a redirect to another origin drops them.
    """

    request: httpx.Request
    options: CallOptions
    timeout: float  # the deadline in seconds: the call's own, else the user's default
    private_values: frozenset[str]  # every private text that went into the request
    bound: bool = False
    credential_headers: frozenset[str] = frozenset()
    credential_query: frozenset[str] = frozenset()
    # A multipart body with files is streamed from disk, so it is shown as this summary.
    shown_body: bytes | None = None
    uploads: tuple[UploadFile, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()  # the values of the non-private parameters

    def __repr__(self) -> str:
        # httpx's repr of the request shows its URL, private query values included.
        url = Masker(self.private_values).text(str(self.request.url))
        return f"BuiltRequest({self.request.method} {url})"

    def close(self) -> None:
        """Close the files a send left open (one cancelled or cut short)."""
        for upload in self.uploads:
            upload.close()

    def sent(self) -> SentRequest:
        """The request as sent, with every private value replaced by `secrets.MASK`."""
        masker = Masker(self.private_values)
        encoding = self.request.headers.encoding
        return SentRequest(
            method=self.request.method,
            url=masker.text(str(self.request.url)),
            # `raw` keeps the header names as written (multi_items() lower-cases them).
            headers=tuple(
                (name.decode(encoding), masker.text(value.decode(encoding)))
                for name, value in self.request.headers.raw
            ),
            # The body was read when the request was built, so this does not consume it.
            body=masker.bytes(
                self.shown_body if self.shown_body is not None else self.request.read()
            ),
            parameters=tuple((name, masker.text(value)) for name, value in self.parameters),
        )


def preview_url(
    provider: Provider, call: Call, *, environment: str, base_url: str | None = None
) -> str:
    """The URL a send of `call` goes to, for a confirmation (`PATCH .../users/3`): private
    values masked, nothing read from the secret store. Raises `RequestBuildError` as a send
    would for a missing base URL or a placeholder no parameter fills."""
    no_secrets = SecretResolver("preview", store=None, environ={})  # never asked: masked
    return _Builder(provider, call, environment, no_secrets, None).preview_url(base_url)


def _is_markup(name: str, body: str) -> bool:
    """`<name>` is a tag of markup in a raw body (it is closed, closes or declares), not a
    placeholder."""
    return name[0] in "/!?" or name.endswith("/") or f"</{name}>" in body


@dataclass(frozen=True)
class _Resolved:
    """A parameter with where it goes and its value (None: optional and empty, so dropped)."""

    parameter: Parameter
    location: Location
    value: str | None


def build_request(
    workspace: Workspace,
    provider: Provider,
    call: Call,
    *,
    environment: str,
    secrets: SecretResolver,
    overrides: Mapping[str, str] = {},
    chained: Mapping[str, str] = {},
    base_url: str | None = None,
    token: Token | None = None,
    files: FileCheck | None = None,
    defaults: Defaults = Defaults(),  # noqa: B008 (frozen, so sharing one is safe)
) -> BuiltRequest:
    """Build the request for `call` of `provider` in `environment`.

    `overrides` are parameter values given at run time, by name (the user's own: files they
    name are theirs to send); `chained` are values taken from other calls' responses (a
    server's words: checked like the workspace's own); `files` resolves and checks the files
    a multipart body uploads (None: paths are taken as they are, for tests); `base_url`
    replaces the provider's base URL; `token` is the current access token of a
    token-based authentication method (None: none yet, nothing is added); `defaults` give
    the timeout of a call that has none of its own.
    Raises `RequestBuildError` when the call cannot be built and
    `SecretMissing` when a private value is not set.
    """
    if environment not in workspace.environments:
        raise RequestBuildError(
            f"The workspace has no environment '{environment}'; "
            f"it has {', '.join(workspace.environments)}."
        )
    builder = _Builder(provider, call, environment, secrets, files)
    try:
        return builder.build(overrides, chained, base_url, token, defaults.timeout_of(call))
    except UnicodeEncodeError:
        # A lone surrogate: bytes a shell or file name could not decode (PEP 383), in a
        # --param, --base-url or chained value. Which one is not said: it may be private.
        raise RequestBuildError(
            f"Call '{call.name}' cannot be built: a value in it (a parameter, a header, the "
            "base URL or the body) holds bytes that are not UTF-8 text. Give it as UTF-8."
        ) from None


class _Builder:
    """The state of one build: where values come from and the private values used so far."""

    def __init__(
        self,
        provider: Provider,
        call: Call,
        environment: str,
        secrets: SecretResolver,
        files: FileCheck | None,
    ) -> None:
        self.provider = provider
        self.call = call
        self.environment = environment
        self.secrets = secrets
        self.files = files
        self.private: set[str] = set()
        self.bound = False  # a stored value or a cached token went in
        # `<name>` in the body is substitution only for bodies that are templates.
        self.body_names = (
            body_placeholders(call.body) if call.body_type in _TEMPLATED_BODIES else set()
        )

    def build(
        self,
        overrides: Mapping[str, str],
        chained: Mapping[str, str],
        base_url: str | None,
        token: Token | None,
        timeout: float,
    ) -> BuiltRequest:
        # httpx is imported on first build, not at start-up (see DESIGN.md, performance).
        import httpx

        additions = self._apply_auth(token)
        url_template = self._url_template(base_url)
        parameters = self._parameters(url_template, overrides, chained)
        values = {r.parameter.name: r.value or "" for r in parameters}
        self._check_path_values(url_template, values)
        auth_query = [(name, self._reveal(value)) for name, value in additions.query]
        query = [(p.name, value) for p, value in _sent_in(parameters, Location.QUERY)]
        url = append_query(fill_url(url_template, values), query + auth_query)
        auth_headers = [(name, self._reveal(value)) for name, value in additions.headers]
        headers = self._headers(parameters, auth_headers)
        fields: list[Field] = [
            (p, value)
            for p, value in _sent_in(parameters, Location.BODY)
            if p.name not in self.body_names
        ]
        masker = Masker(self.private)
        body = encode_body(self.call, values, fields, masker.text, self._upload_check(overrides))
        _set_content_type(headers, body)
        try:
            request = httpx.Request(
                self.call.method.value,
                url,
                headers=list(headers.values()),
                content=body.content,
                files=[(p.name, (p.filename, _file(p.content), p.content_type)) for p in body.parts]
                or None,
                extensions={"timeout": httpx.Timeout(timeout).as_dict()},
            )
            if not request.url.host:
                # httpx accepts "http:///x"; it would only fail when sent.
                raise httpx.InvalidURL("there is no host name")
        except httpx.InvalidURL as error:
            raise RequestBuildError(
                masker.text(f"The URL of call '{self.call.name}' is not valid: {error} ({url}).")
            ) from None
        uploads = tuple(p.content for p in body.parts if isinstance(p.content, UploadFile))
        shown_body = None
        if uploads:
            lines = ["(multipart/form-data; files are read from disk as it is sent)"]
            shown_body = "\n".join(lines + [p.summary() for p in body.parts]).encode()
        else:
            # Reading now turns a multipart stream into bytes, so showing the request
            # (`sent()`) and sending it both see the same, replayable content.
            request.read()
        return BuiltRequest(
            request,
            self.call.options,
            timeout,
            frozenset(self.private),
            bound=self.bound,
            credential_headers=frozenset(
                [name.lower() for name, _ in additions.headers]
                + [
                    h.name.lower()
                    for h in (*self.provider.headers, *self.call.headers)
                    if h.private
                ]
                + [p.name.lower() for p, _ in _sent_in(parameters, Location.HEADER) if p.private]
            ),
            credential_query=frozenset(
                [name for name, _ in additions.query]
                + [p.name for p, _ in _sent_in(parameters, Location.QUERY) if p.private]
            ),
            shown_body=shown_body,
            uploads=uploads,
            parameters=tuple(
                (r.parameter.name, r.value)
                for r in parameters
                if not r.parameter.private and r.value is not None
            ),
        )

    def _upload_check(self, overrides: Mapping[str, str]) -> UploadCheck | None:
        """How the body finds an upload's file: through `files`, telling it which paths the
        user gave themselves."""
        files = self.files
        if files is None:
            return None
        return lambda parameter, text: files(
            text, parameter.name, given_by_user=parameter.name in overrides
        )

    def _check_path_values(self, url_template: str, values: Mapping[str, str]) -> None:
        """Refuse a path value that would climb or stay put (`..`, `.`): percent-encoding keeps
        slashes inside the segment, but these two are read as path steps by every server."""
        for name in url_placeholders(url_template):
            if values.get(name) in (".", ".."):
                raise RequestBuildError(
                    f"The value of [{name}] in the URL of call '{self.call.name}' is "
                    f"{values[name]!r}, which would change the path itself (it is read as a "
                    "step up or a no-op, not as a value). Give a real value."
                )

    # -- values -----------------------------------------------------------------------------

    def _reveal(self, value: str | Secret) -> str:
        """The text to put into the request, recording it as private when it is a secret."""
        if isinstance(value, Secret):
            self.bound = self.bound or value.bound
            value = value.reveal()
            self._record(value)
        return value

    def _record(self, value: str) -> None:
        # An empty value reveals nothing and masking "" would mask everywhere.
        if value:
            self.private.add(value)
            # Known to the process too (a private value given with --param is no `Secret`),
            # so that a server echoing it back is masked in output and history.
            remember(value)

    def _where(self, owner: str | None) -> str:
        return f"call '{self.call.name}'" if owner else f"provider '{self.provider.name}'"

    def _parameter_value(
        self,
        parameter: Parameter,
        owner: str | None,
        overrides: Mapping[str, str],
        chained: Mapping[str, str],
    ) -> str | None:
        name = parameter.name
        if name in overrides or name in chained:
            value = overrides[name] if name in overrides else chained[name]
            if parameter.private:
                self._record(value)
        elif parameter.private:
            address = SecretAddress.parameter(self.provider, name, self.call if owner else None)
            secret = (
                self.secrets.get(address, self.environment)
                if parameter.optional
                else self.secrets.require(address, self.environment)
            )
            if secret is None:
                return None
            value = self._reveal(secret)
        else:
            value = value_for(parameter.value, self.environment) or ""
        if value:
            return value
        if parameter.optional:
            return None
        if parameter.allow_blank:
            return ""
        source = "its private value" if parameter.private else "its test value in the workspace"
        raise RequestBuildError(
            f"The parameter '{name}' of {self._where(owner)} has no value in environment "
            f"'{self.environment}'. Give it with `--param {name}=VALUE` or set {source} "
            "(or mark it optional or allow_blank)."
        )

    def _parameters(
        self, url: str, overrides: Mapping[str, str], chained: Mapping[str, str]
    ) -> list[_Resolved]:
        merged = self._merged()
        unknown = sorted(set(overrides) - set(merged))
        if unknown:
            raise RequestBuildError(
                f"Call '{self.call.name}' has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are: {', '.join(merged) or 'none'}."
            )
        self._check_placeholders(url, merged)
        url_names = url_placeholders(url)
        resolved = []
        for parameter, owner in merged.values():
            location = self._location(parameter, url_names)
            value = self._parameter_value(parameter, owner, overrides, chained)
            resolved.append(_Resolved(parameter, location, value))
        return resolved

    def _merged(self) -> dict[str, tuple[Parameter, str | None]]:
        """The parameters that apply, by name, with the call owning them (None: the
        provider's); a call's own parameter wins over the provider's of the same name."""
        merged: dict[str, tuple[Parameter, str | None]] = {
            p.name: (p, None) for p in self.provider.parameters
        }
        merged.update((p.name, (p, self.call.name)) for p in self.call.parameters)
        return merged

    def _check_placeholders(self, url: str, names: Mapping[str, object]) -> None:
        """Refuse a `[name]` in the URL or a `<name>` in a body template that no parameter
        fills: it would be sent as written."""
        for name in url_placeholders(url):
            if name not in names:
                raise RequestBuildError(
                    f"The URL of call '{self.call.name}' has the placeholder [{name}] but there "
                    f"is no parameter '{name}'. Add the parameter, or write %5B{name}%5D if "
                    "the brackets are meant literally."
                )
        for name in sorted(self.body_names - set(names)):
            if _is_markup(name, self.call.body):
                continue
            literal = "\\u003c" if self.call.body_type is BodyType.JSON else "&lt;"
            raise RequestBuildError(
                f"The body of call '{self.call.name}' has the placeholder <{name}> but there "
                f"is no parameter '{name}'. Add the parameter, or write {literal}{name}> if "
                "the angle brackets are meant literally."
            )

    def preview_url(self, base_url: str | None) -> str:
        """The URL with `[params]` filled by their workspace values, private ones masked and
        ones without a value left as written (nothing is read from the secret store)."""
        url = self._url_template(base_url)
        merged = self._merged()
        self._check_placeholders(url, merged)
        values = {}
        for name, (parameter, _owner) in merged.items():
            if parameter.private:
                values[name] = MASK
            elif value := value_for(parameter.value, self.environment):
                values[name] = value
        return fill_url(url, values).replace(quote(MASK, safe=""), MASK)

    def _location(self, parameter: Parameter, url_names: list[str]) -> Location:
        if parameter.location is Location.PATH and parameter.name not in url_names:
            raise RequestBuildError(
                f"Parameter '{parameter.name}' of call '{self.call.name}' is sent in the path, "
                f"but the URL has no [{parameter.name}]. Add [{parameter.name}] to the URL or "
                "change where the parameter is sent."
            )
        if parameter.location is not None:
            return parameter.location
        if parameter.name in url_names:
            return Location.PATH
        if parameter.name in self.body_names or self.call.method not in QUERY_METHODS:
            return Location.BODY
        return Location.QUERY

    # -- URL ----------------------------------------------------------------------------------

    def _url_template(self, base_url: str | None) -> str:
        url = self._joined_url(base_url)
        if problem := scheme_problem(url):
            raise RequestBuildError(f"Call '{self.call.name}': {problem}")
        return url

    def _joined_url(self, base_url: str | None) -> str:
        url = self.call.url.strip()
        if is_absolute(url):
            return url
        base = base_url_of(self.provider, self.environment, base_url)
        if not base:
            raise RequestBuildError(
                f"Call '{self.call.name}' has the relative URL '{url}' but provider "
                f"'{self.provider.name}' has no base URL for environment '{self.environment}'. "
                "Set the provider's base URL or give the call an absolute URL."
            )
        if not is_absolute(base):
            raise RequestBuildError(
                f"The base URL of provider '{self.provider.name}' is '{base}'; it must be an "
                "absolute URL such as https://api.example.com."
            )
        return join(base, url)

    # -- headers and authentication -----------------------------------------------------------

    def _apply_auth(self, token: Token | None) -> AuthAdditions:
        method = method_of(self.provider)
        settings = resolve_settings(self.provider, self.environment, self.secrets)
        return method.apply(settings, token)

    def _header_value(self, header: Header, owner: str | None) -> str:
        if header.private:
            address = SecretAddress.header(self.provider, header.name, self.call if owner else None)
            return self._reveal(self.secrets.require(address, self.environment))
        return value_for(header.value, self.environment) or ""

    def _headers(
        self, parameters: list[_Resolved], auth_headers: list[tuple[str, str]]
    ) -> dict[str, tuple[str, str]]:
        """The request headers keyed by lower-case name, later layers replacing earlier ones."""
        layers = list(auth_headers)
        layers += [(h.name, self._header_value(h, None)) for h in self.provider.headers]
        layers += [(h.name, self._header_value(h, self.call.name)) for h in self.call.headers]
        layers += [(p.name, value) for p, value in _sent_in(parameters, Location.HEADER)]
        headers: dict[str, tuple[str, str]] = {}
        for name, value in layers:
            _check_header(self.call, name, value)
            headers[name.lower()] = (name, value)
        return headers


def _file(content: bytes | UploadFile) -> bytes | IO[bytes]:
    # An UploadFile has the read/seek/tell httpx uses on a file, without being an IO.
    return content if isinstance(content, bytes) else cast("IO[bytes]", content)


def _sent_in(parameters: list[_Resolved], location: Location) -> list[tuple[Parameter, str]]:
    """The parameters sent at `location` with their values, leaving out dropped ones."""
    return [
        (r.parameter, r.value) for r in parameters if r.location is location and r.value is not None
    ]


def _check_header(call: Call, name: str, value: str) -> None:
    """Refuse header text httpx cannot encode or that would split the header, without echoing it."""
    if not (name + value).isascii() or any(c in name + value for c in "\r\n"):
        raise RequestBuildError(
            f"The header '{name}' of call '{call.name}' contains a line break or a non-ASCII "
            "character; header names and values must be plain ASCII on one line."
        )


def _set_content_type(headers: dict[str, tuple[str, str]], body: Body) -> None:
    if body.parts:
        # httpx writes the multipart Content-Type with the boundary it chose; a
        # Content-Type from a header would lack that boundary and break the body.
        headers.pop("content-type", None)
    elif body.content_type and "content-type" not in headers:
        headers["content-type"] = ("Content-Type", body.content_type)
