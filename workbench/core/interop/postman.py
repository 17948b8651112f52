"""A Postman collection (v2.1) read as one provider and its calls.

Folders are flattened: a request in folder "Users" becomes the call "Users / List".
The provider's base URL is the start of the first request's URL (a leading `{{variable}}`
or the origin); the collection's authentication (else the one every request uses) becomes
the provider's, and a request with other authentication gets it as a private header or
parameter of its own. `{{variables}}` are filled in from the collection's variables and
the environment files, each file an environment of the workspace; a value that differs
between environments becomes a per-environment value. Path variables (`:id`) and
variables in the path become `[id]` parameters, in a body `<name>` parameters. A
request's settings `followRedirects` and `strictSSL` become the call's options.
Variables an environment marks secret, and every password, token and key, are returned
for the secret store, never put in the workspace. What could not be taken over is said
in `notes`.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

from workbench.core.interop.collection import (
    CollectionError,
    CollectionImport,
    PrivateValue,
    Variables,
    use_of,
)
from workbench.core.interop.curl import KEY_HEADERS, is_json
from workbench.core.secrets.needed import keyed
from workbench.core.secrets.store import SecretAddress
from workbench.core.workspace.editing import EditError, unique_name
from workbench.core.workspace.environments import add_environment
from workbench.core.workspace.model import (
    Auth,
    BodyType,
    Call,
    CallOptions,
    Header,
    Location,
    Method,
    Parameter,
    Provider,
    Value,
    Workspace,
    with_new_ids,
)

VARIABLE = r"\{\{([^{}]+)\}\}"
CREDENTIAL_HEADERS = KEY_HEADERS | {"authorization"}
_ORIGIN = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9+.-]*://[^/]+)(?P<path>/.*)?$")
_PATH_VARIABLE = re.compile(r"(?<=/):([A-Za-z_][\w-]*)")


@dataclass(frozen=True)
class Request:
    """One request of a collection in Postman's shape (another tool's are put in it), with
    its folder path and the authentication it uses."""

    name: str
    request: Mapping[str, Any]
    auth: Mapping[str, Any] | None
    description: str
    options: CallOptions = CallOptions()


def import_postman(
    workspace: Workspace,
    collection: Any,
    environments: Sequence[tuple[str, Any]] = (),
) -> CollectionImport:
    """`workspace` with the collection as a new provider; `environments` are (name to use
    when the file has none, parsed environment file). Raises `CollectionError`."""
    if not isinstance(collection, dict) or not isinstance(collection.get("item"), list):
        raise CollectionError("This is not a Postman collection (v2.1): it has no `item` list.")
    workspace, values, secret = _environments(workspace, collection, environments)
    variables = Variables(VARIABLE, "{{%s}}", workspace.environments, values, secret)
    info = _mapping(collection.get("info"))
    auth = _auth_of(collection.get("auth"))
    requests = list(_requests(collection["item"], "", auth))
    name, notes = str(info.get("name") or "Postman"), _description(info.get("description"))
    return add_collection(workspace, variables, name, requests, auth, notes)


def add_collection(
    workspace: Workspace,
    variables: Variables,
    name: str,
    requests: list[Request],
    auth: Mapping[str, Any] | None,
    notes: str = "",
) -> CollectionImport:
    """`workspace` with the requests as a new provider named after `name`, whose
    authentication is `auth` (else the one every request uses)."""
    if not requests:
        raise CollectionError("The collection has no requests.")
    name = unique_name(name, [p.name for p in workspace.providers])
    reader = _Reader(variables, name)
    provider = replace(reader.provider(requests, auth), notes=notes)
    reader.note_unknown()
    workspace = with_new_ids(replace(workspace, providers=(*workspace.providers, provider)))
    return CollectionImport(
        workspace,
        provider.name,
        tuple(c.name for c in provider.calls),
        tuple(replace(s, address=keyed(workspace, s.address)) for s in reader.secrets),
        tuple(reader.notes),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _environments(
    workspace: Workspace, collection: Mapping[str, Any], files: Sequence[tuple[str, Any]]
) -> tuple[Workspace, dict[str, dict[str, str]], frozenset[str]]:
    """The workspace with each file's environment, every environment's variables, and the
    names of the secret ones."""
    shared: dict[str, str] = {}
    secret: set[str] = set()
    for variable in _entries(collection.get("variable")):
        shared[str(variable["key"])] = _text(variable.get("value"))
        if variable.get("type") == "secret":
            secret.add(str(variable["key"]))
    own: dict[str, dict[str, str]] = {}
    for fallback, data in files:
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            raise CollectionError(
                f"{fallback} is not a Postman environment file: it has no `values` list."
            )
        environment = str(data.get("name") or fallback).strip()
        if environment not in workspace.environments:
            try:
                workspace = add_environment(workspace, environment)
            except EditError as error:
                raise CollectionError(f"{fallback}: {error}") from None
        values = own.setdefault(environment, {})
        for variable in _entries(data["values"]):
            values[str(variable["key"])] = _text(variable.get("value"))
            if variable.get("type") == "secret":
                secret.add(str(variable["key"]))
    every = {env: {**shared, **own.get(env, {})} for env in workspace.environments}
    return workspace, every, frozenset(secret)


def _entries(items: Any) -> Iterator[Mapping[str, Any]]:
    """The enabled `{key, value}` entries of a Postman list."""
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("key") and not item.get("disabled"):
            if item.get("enabled", True) is not False:
                yield item


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _auth_of(auth: Any) -> Mapping[str, Any] | None:
    return auth if isinstance(auth, dict) and auth.get("type") else None


def _requests(items: list[Any], folder: str, auth: Mapping[str, Any] | None) -> Iterator[Request]:
    """Every request under `items`, folders flattened into their names, depth first."""
    for item in items:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or "Request")
        full = f"{folder} / {name}" if folder else name
        own_auth = _auth_of(item.get("auth")) or auth
        if isinstance(item.get("item"), list):
            yield from _requests(item["item"], full, own_auth)
        elif isinstance(item.get("request"), (dict, str)):
            request = item["request"]
            request = {"url": request} if isinstance(request, str) else request
            own_auth = _auth_of(request.get("auth")) or own_auth
            description = _description(request.get("description"))
            options = _options(_mapping(item.get("protocolProfileBehavior")))
            yield Request(full, request, own_auth, description, options)


def _options(behaviour: Mapping[str, Any]) -> CallOptions:
    """A request's settings (`followRedirects`, `strictSSL`) as the call's options."""
    return CallOptions(
        follow_redirects=behaviour.get("followRedirects") is not False,
        verify_tls=behaviour.get("strictSSL") is not False,
    )


def _description(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("content")
    return value.strip() if isinstance(value, str) else ""


def _settings(auth: Mapping[str, Any]) -> dict[str, str]:
    """An auth's settings (`{"bearer": [{"key": "token", "value": ...}]}`) as a mapping."""
    return {str(e["key"]): _text(e.get("value")) for e in _entries(auth.get(auth["type"]))}


class _Reader:
    """Turns requests into calls of one provider, collecting private values and notes."""

    def __init__(self, variables: Variables, provider: str) -> None:
        self.variables = variables
        self.provider_name = provider
        self.secrets: list[PrivateValue] = []
        self.notes: list[str] = []

    def provider(
        self,
        requests: list[Request],
        auth: Mapping[str, Any] | None,
    ) -> Provider:
        # Without the collection's own, the provider's authentication is the one every
        # request uses: a request without any must not get one.
        every = {json.dumps(r.auth, sort_keys=True) for r in requests}
        shared = auth or (requests[0].auth if len(every) == 1 else None)
        base = self._split_url(_raw_url(requests[0].request.get("url")))[0]
        provider_auth = Auth()
        if shared is not None and shared.get("type") != "noauth":
            provider_auth = self._provider_auth(shared)
        calls: list[Call] = []
        for request in requests:
            call = self._call(request, base, [c.name for c in calls])
            if call is None:
                continue
            if request.auth is not None and request.auth != shared:
                call = self._call_auth(call, request.auth)
            calls.append(call)
        return Provider(
            name=self.provider_name,
            base_url=self.variables.value(base),
            auth=provider_auth,
            calls=tuple(calls),
        )

    # -- authentication ---------------------------------------------------------------------

    def _credential(self, auth: Mapping[str, Any]) -> tuple[Auth, str, str] | None:
        """The auth as a workbench method, its private setting and that setting's text."""
        kind, settings = auth["type"], _settings(auth)
        if kind == "basic":
            username = self.variables.value(settings.get("username", ""))
            return Auth("basic", {"username": username}), "password", settings.get("password", "")
        if kind == "bearer":
            token = settings.get("token", "")
            return Auth("header", {"header": "Authorization"}), "value", f"Bearer {token}"
        if kind == "apikey":
            name, value = settings.get("key", "api_key"), settings.get("value", "")
            if settings.get("in") == "query":
                return Auth("query", {"name": name}), "value", value
            return Auth("header", {"header": name}), "value", value
        self.notes.append(f"The {kind} authentication was left out: set it with F3.")
        return None

    def _provider_auth(self, auth: Mapping[str, Any]) -> Auth:
        credential = self._credential(auth)
        if credential is None:
            return Auth()
        method, setting, text = credential
        address = SecretAddress.auth(self.provider_name, setting)
        self.secrets += self.variables.private_values(address, text)
        return method

    def _call_auth(self, call: Call, auth: Mapping[str, Any]) -> Call:
        """The call's own authentication, as a private header or query parameter."""
        if auth.get("type") == "noauth":
            self.notes.append(f"{call.name} is sent without authentication in Postman.")
            return call
        credential = self._credential(auth)
        if credential is None:
            return call
        method, _, text = credential
        if method.method == "query":
            name = str(method.settings["name"])
            address = SecretAddress.parameter(self.provider_name, name, call.name)
            self.secrets += self.variables.private_values(address, text)
            parameter = Parameter(name, private=True, location=Location.QUERY)
            return replace(call, parameters=(*call.parameters, parameter))
        name = str(method.settings.get("header", "Authorization"))
        address = SecretAddress.header(self.provider_name, name, call.name)
        if method.method == "basic":
            pair = f"{_settings(auth).get('username', '')}:{text}"
            self.secrets += self.variables.private_values(address, pair, _basic)
        else:
            self.secrets += self.variables.private_values(address, text)
        return replace(call, headers=(*call.headers, Header(name, private=True)))

    # -- one request ------------------------------------------------------------------------

    def _call(self, request: Request, base: str, taken: list[str]) -> Call | None:
        data = request.request
        try:
            method = Method(str(data.get("method") or "GET").upper())
        except ValueError:
            self.notes.append(f"{request.name}: the method {data.get('method')!r} is not sent.")
            return None
        name = unique_name(request.name, taken)
        url_data = data.get("url")
        own_base, path, query = self._split_url(_raw_url(url_data))
        parameters: list[Parameter] = []
        path = self._path(name, path, _mapping(url_data).get("variable"), parameters)
        if self.variables.value(own_base) != self.variables.value(base):
            if len(set(self.variables.per_environment(own_base).values())) > 1:
                self.notes.append(f"{name}: its URL's start differs by environment.")
            path = self.variables.first(own_base) + path
        pairs = _url_query(url_data, query)
        for key, value in pairs:
            parameters.append(self._parameter(name, key, value, Location.QUERY))
        headers: list[Header] = []
        content_type = ""
        for entry in _entries(data.get("header")):
            key, value = str(entry["key"]), _text(entry.get("value"))
            if key.lower() == "content-type":
                content_type = value
                continue
            headers.append(self._header(name, key, value))
        body_type, body = self._body(name, _mapping(data.get("body")), content_type, parameters)
        if content_type and body_type is BodyType.NONE:
            headers.append(Header("Content-Type", content_type))
        return Call(
            name=name,
            use_as=use_of(method),
            method=method,
            url=path or "/",
            headers=tuple(headers),
            parameters=tuple(parameters),
            body_type=body_type,
            body=body,
            content_type=(content_type or "text/plain") if body_type is BodyType.RAW else "",
            options=request.options,
            notes=request.description,
        )

    def _path(self, call: str, path: str, variables: Any, parameters: list[Parameter]) -> str:
        """The path with `:name` and `{{name}}` as `[name]` parameters."""
        given = {str(e["key"]): _text(e.get("value")) for e in _entries(variables)}
        for name in _PATH_VARIABLE.findall(path):
            parameters.append(self._parameter(call, name, given.get(name, ""), Location.PATH))
        path = _PATH_VARIABLE.sub(r"[\1]", path)
        path, names = self.variables.placeholders(path, "[", "]")
        for name in names:
            parameters.append(
                self._parameter(call, name, self.variables.written(name), Location.PATH)
            )
        return path

    def _body(
        self,
        call: str,
        body: Mapping[str, Any],
        content_type: str,
        parameters: list[Parameter],
    ) -> tuple[BodyType, str]:
        mode = body.get("mode")
        if not mode or body.get("disabled"):
            return BodyType.NONE, ""
        if mode == "urlencoded":
            for entry in _entries(body.get("urlencoded")):
                key, value = str(entry["key"]), _text(entry.get("value"))
                parameters.append(self._parameter(call, key, value, Location.BODY))
            return BodyType.FORM, ""
        if mode == "formdata":
            for entry in _entries(body.get("formdata")):
                key = str(entry["key"])
                if entry.get("type") == "file":
                    source = entry.get("src")
                    path = source[0] if isinstance(source, list) and source else source
                    file = Parameter(key, str(path or ""), location=Location.BODY, file=True)
                    parameters.append(file)
                else:
                    value = _text(entry.get("value"))
                    parameters.append(self._parameter(call, key, value, Location.BODY))
            return BodyType.MULTIPART, ""
        if mode == "raw":
            text = _text(body.get("raw"))
            language = _mapping(_mapping(body.get("options")).get("raw")).get("language")
            text, names = self.variables.placeholders(text, "<", ">")
            for name in names:
                parameters.append(self._parameter(call, name, self.variables.written(name), None))
            if language == "json" or "json" in content_type.lower() or is_json(text):
                return BodyType.JSON, text
            return BodyType.RAW, text
        self.notes.append(f"{call}: its {mode} body was left out.")
        return BodyType.NONE, ""

    # -- values -----------------------------------------------------------------------------

    def _parameter(self, call: str, name: str, text: str, location: Location | None) -> Parameter:
        if self.variables.is_private(text):
            address = SecretAddress.parameter(self.provider_name, name, call)
            self.secrets += self.variables.private_values(address, text)
            return Parameter(name, private=True, location=location)
        return Parameter(name, self.variables.value(text), location=location)

    def _header(self, call: str, name: str, text: str) -> Header:
        # A credential header is private whatever fills it, as in a curl command.
        if self.variables.is_private(text) or name.lower() in CREDENTIAL_HEADERS:
            address = SecretAddress.header(self.provider_name, name, call)
            self.secrets += self.variables.private_values(address, text)
            return Header(name, private=True)
        value: Value = self.variables.value(text)
        return Header(name, value)

    def _split_url(self, raw: str) -> tuple[str, str, str]:
        """A raw URL as (base, path, query): the base a leading variable or the origin."""
        raw = raw.split("#", 1)[0]
        whole, _, query = raw.partition("?")
        leading = re.match(rf"^(?P<base>{self.variables.pattern})(?P<path>/.*)?$", whole)
        match = leading or _ORIGIN.match(whole)
        if match is None:
            match = _ORIGIN.match(f"http://{whole}")  # as Postman does, a URL without a scheme
        if match is None:
            return "", whole, query
        return match.group("base"), match.group("path") or "", query

    def note_unknown(self) -> None:
        for name in sorted(self.variables.unknown):
            self.notes.append(
                f"{self.variables.written(name)} is set in no environment: left as it is."
            )


def _basic(pair: str) -> str:
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _raw_url(url: Any) -> str:
    if isinstance(url, dict):
        url = url.get("raw")
    return url.strip() if isinstance(url, str) else ""


def _url_query(url: Any, query: str) -> list[tuple[str, str]]:
    """The URL's query pairs: Postman's list (which knows disabled ones), else the raw text."""
    if isinstance(url, dict) and isinstance(url.get("query"), list):
        return [(str(e["key"]), _text(e.get("value"))) for e in _entries(url["query"])]
    return parse_qsl(query, keep_blank_values=True)
