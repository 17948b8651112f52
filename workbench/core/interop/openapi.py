"""An OpenAPI 3.0/3.1 document read into a workspace: a new provider with one call per operation.

`import_openapi` adds a provider named after `info.title`: its base URL is
`servers[0].url` (with two servers or more, one environment per server, each
with its server's URL); each operation becomes a call named after its
`summary`, else its `operationId`, else `METHOD path` (when the operations
have two tags or more, grouped by their first tag and named "Tag / Call", as a
Postman folder's requests are), with `{param}` in the path written `[param]`;
path, query and header parameters become the call's parameters, a JSON or
form request body its body (see `openapi_body`), the 2xx JSON response schema
its shape (`openapi_shape`), the media type of the 2xx answer its `Accept`
header (the one most calls ask for is the provider's), the security scheme
the provider's authentication (`openapi_auth`; no private value is written).
What could not be mapped is said in `notes`, each with its place in the
document.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from workbench.core.auth import method
from workbench.core.interop.openapi_auth import provider_auth, to_set
from workbench.core.interop.openapi_body import (
    example_text,
    first_example,
    is_private,
    request_body,
)
from workbench.core.interop.openapi_document import (
    Document,
    Node,
    pointer,
    read_document,
    within,
)
from workbench.core.interop.openapi_shape import schema_shape
from workbench.core.shape.fields import Shape
from workbench.core.workspace.editing import add_provider, unique_name
from workbench.core.workspace.model import (
    Call,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    ResponseType,
    UseAs,
    Value,
    Workspace,
    with_new_ids,
)

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SAFE = (Method.GET, Method.HEAD, Method.OPTIONS)
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")
_LOCATIONS = {"path": Location.PATH, "query": Location.QUERY, "header": Location.HEADER}
# OpenAPI: header parameters with these names are ignored (the media types and the security
# scheme say them).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True)
class OpenApiImport:
    """The workspace with the provider added, and what the import did and could not do."""

    workspace: Workspace
    provider: str
    calls: tuple[str, ...]
    environments: tuple[str, ...] = ()  # added, one per server
    auth_from: str = ""  # the place of the security scheme the authentication comes from
    notes: tuple[str, ...] = ()  # what could not be mapped, each with its place

    def summary(self, into: str) -> list[str]:
        """What the import did, for people: one line each (`into` names the workspace)."""
        provider = self.workspace.provider(self.provider)
        calls = provider.calls if provider is not None else ()
        shapes = sum(1 for c in calls if c.shape is not None)
        lines = [
            f"Added the provider {self.provider} to {into} with {len(calls)} calls, {shapes} "
            "of them with a shape from the document (`workbench initialize --check` compares "
            "it with real answers):"
        ]
        lines += [
            f"  {c.method.value} {c.url}  {self.provider}/{c.name}"
            + ("" if c.shape is None else "  (shape)")
            for c in calls
        ]
        if self.environments:
            lines.append(
                f"Added the environments {', '.join(self.environments)}, one per server "
                "(the others send to the first server)."
            )
        if self.auth_from and provider is not None:
            lines += self._auth_lines(provider, into)
        if self.notes:
            lines.append("Not mapped:")
            lines += [f"  {note}" for note in self.notes]
        return lines

    def _auth_lines(self, provider: Provider, into: str) -> list[str]:
        found = method(provider.auth.method)
        label = found.label if found is not None else provider.auth.method
        lines = [f"Authentication: {label}, from {self.auth_from}."]
        private, plain = to_set(provider.auth)
        for setting in private:
            address = shlex.quote(f"{provider.name}/auth.{setting}")
            lines.append(
                f"  Give its {setting} (kept privately): workbench secret set {shlex.quote(into)} "
                + address
            )
        if provider.auth.settings.get("header") == "Authorization":
            lines.append("  Its value is the whole header, e.g. Bearer TOKEN.")
        if plain:
            lines.append(f"  Set its {', '.join(plain)} in the file (or F3 on it in the TUI).")
        return lines


def import_openapi(
    workspace: Workspace, text: str, source: str = "the document", *, url: str | None = None
) -> OpenApiImport:
    """`workspace` with a new provider holding the document's operations as calls; `url` is
    where the document was fetched from, which relative server URLs are read against.
    `OpenApiError` when `text` is not an OpenAPI 3.0 or 3.1 document."""
    document = read_document(text, source)
    info = document.get("info")
    title = info.get("title")
    # A provider's name has no "/": "Provider/Call" names split at the first one.
    name = " ".join(title.replace("/", "-").split()) if isinstance(title, str) else ""
    name = unique_name(name or "API", [p.name for p in workspace.providers])
    workspace, base_url, environments = _servers(workspace, document, url)
    calls, headers = _shared_accept(_calls(document))
    workspace = add_provider(workspace, name)
    auth, auth_from = provider_auth(document)
    provider = Provider(name=name, base_url=base_url, headers=headers, auth=auth, calls=calls)
    providers = tuple(provider if p.name == name else p for p in workspace.providers)
    return OpenApiImport(
        with_new_ids(replace(workspace, providers=providers)),
        name,
        tuple(c.name for c in calls),
        environments,
        auth_from,
        tuple(document.notes),
    )


# --- servers -----------------------------------------------------------------------------------


def _servers(
    workspace: Workspace, document: Document, location: str | None
) -> tuple[Workspace, Value, tuple[str, ...]]:
    """The workspace with one environment per server (when there are two or more), the base
    URL, and the environments added."""
    given = document.data.get("servers")
    servers = [s for s in given if isinstance(s, Mapping)] if isinstance(given, list) else []
    if not servers and location:  # OpenAPI: no servers is one server, "/"
        servers = [{"url": "/"}]
    urls = [_server_url(s, location) for s in servers]
    urls = [url for url in urls if url]
    if not urls:
        document.note(pointer("servers"), "no server URL: set the provider's base URL")
        return workspace, "", ()
    if urls[0].startswith("/"):
        document.note(
            pointer("servers", 0), "the URL is relative: put the API's origin in front of it"
        )
    if len(urls) == 1:
        return workspace, urls[0], ()
    # Every environment gets the first server's URL, each server's own environment its URL.
    values = dict.fromkeys(workspace.environments, urls[0])
    added: list[str] = []
    for server, url in zip(servers, urls, strict=False):
        name = _environment_name(server, url)
        if name in values and values[name] != urls[0] or name in added:
            name = unique_name(name, [*values, *added])
        if name not in workspace.environments:
            added.append(name)
        values[name] = url
    environments = (*workspace.environments, *added)
    return replace(workspace, environments=environments), PerEnvironment(values), tuple(added)


def _server_url(server: Node, location: str | None) -> str:
    """The server's URL, its `{variables}` given their defaults, read against the document's
    `location` when it is relative."""
    url = server.get("url")
    if not isinstance(url, str):
        return ""
    variables = server.get("variables")
    variables = variables if isinstance(variables, Mapping) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        value = variable.get("default") if isinstance(variable, Mapping) else None
        return str(value) if value is not None else match.group(0)

    url = _PATH_PARAMETER.sub(default, url.strip())
    return (urljoin(location, url) if location else url).rstrip("/")


def _environment_name(server: Node, url: str) -> str:
    description = server.get("description")
    if isinstance(description, str) and description.strip():
        return " ".join(description.split())  # one line
    return urlsplit(url).netloc or url


# --- operations ---------------------------------------------------------------------------------


def _calls(document: Document) -> tuple[Call, ...]:
    tagged: list[tuple[str, Call]] = []  # each operation's first tag ("" for none)
    for path, item in document.get("paths").items():
        if path.startswith("x-"):  # an extension, not a path
            continue
        where = pointer("paths", path)
        resolved = document.resolve(item, where)
        if resolved is None:
            continue
        shared = resolved.get("parameters")
        for verb in _METHODS:
            operation = resolved.get(verb)
            if not isinstance(operation, Mapping):
                continue
            if verb == "trace":
                document.note(pointer("paths", path, verb), "workbench sends no TRACE: left out")
                continue
            tagged.append((_tag(operation), _call(document, path, verb, operation, shared)))
    if not tagged:
        document.note(pointer("paths"), "no operations")
    calls: list[Call] = []
    for call in _grouped_by_tag(document, tagged):
        calls.append(replace(call, name=unique_name(call.name, [c.name for c in calls])))
    return tuple(calls)


def _tag(operation: Node) -> str:
    tags = operation.get("tags")
    first = tags[0] if isinstance(tags, list) and tags else None
    return " ".join(first.split()) if isinstance(first, str) else ""


def _grouped_by_tag(document: Document, tagged: list[tuple[str, Call]]) -> list[Call]:
    """The calls, named and grouped by tag when the operations have two tags or more: a
    tag's calls together, named "Tag / Call" (as a Postman folder's are), in the order of
    the document's `tags`, then of first use; untagged calls last, as they are named."""
    used = list(dict.fromkeys(tag for tag, _ in tagged if tag))
    if len(used) < 2:
        return [call for _, call in tagged]
    declared = document.data.get("tags")
    names = (
        [t.get("name") for t in declared if isinstance(t, Mapping)]
        if isinstance(declared, list)
        else []
    )
    order = [n for n in names if isinstance(n, str) and n in used]
    order += [tag for tag in used if tag not in order]
    grouped = [
        replace(call, name=f"{tag} / {call.name}")
        for tag in order
        for own, call in tagged
        if own == tag
    ]
    return grouped + [call for tag, call in tagged if not tag]


def _call(document: Document, path: str, verb: str, operation: Node, shared: object) -> Call:
    where = pointer("paths", path, verb)
    method = Method(verb.upper())
    name = _name(operation) or f"{method.value} {path}"
    parameters = _parameters(document, where, path, shared, operation.get("parameters"))
    body = request_body(document, where, operation.get("requestBody"), parameters)
    description = operation.get("description")
    response_type, shape, media_type = _response(document, where, operation.get("responses"))
    return Call(
        name=name,
        use_as=UseAs.DATA if method in _SAFE else UseAs.ACTION,
        method=method,
        url=_PATH_PARAMETER.sub(r"[\1]", path),
        headers=(Header("Accept", media_type),) if media_type else (),
        parameters=(*parameters, *body.parameters),
        body_type=body.type,
        body=body.text,
        content_type=body.content_type,
        response_type=response_type,
        notes=description.strip() if isinstance(description, str) else "",
        shape=shape,
    )


def _response(
    document: Document, where: str, given: object
) -> tuple[ResponseType, Shape | None, str]:
    """The response type of the operation's first 2xx answer, the shape of its JSON, and the
    media type to ask for (JSON when it is one of them, else the first; "" for no content)."""
    responses = given if isinstance(given, Mapping) else {}
    codes = sorted(code for code in responses if code[:1] == "2")  # 200 before 2XX
    if not codes:
        return ResponseType.JSON, None, ""
    at = within(where, "responses", codes[0])
    response = document.resolve(responses[codes[0]], at)
    content = response.get("content") if response is not None else None
    if not isinstance(content, Mapping) or not content:
        return ResponseType.JSON, None, ""  # no body (204): nothing to learn
    for media_type, media in content.items():
        kind = media_type.split(";")[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            media_at = within(at, "content", media_type)
            resolved = document.resolve(media, media_at)
            if resolved is None or resolved.get("schema") is None:
                return ResponseType.JSON, None, media_type
            shape = schema_shape(document, within(media_at, "schema"), resolved["schema"])
            return ResponseType.JSON, shape, media_type
    first = str(next(iter(content)))
    kinds = [media_type.split(";")[0].strip().lower() for media_type in content]
    if any(kind.endswith("xml") for kind in kinds):
        return ResponseType.XML, None, first
    if any(kind.startswith("text/") for kind in kinds):
        return ResponseType.TEXT, None, first
    return ResponseType.BINARY, None, first


def _shared_accept(calls: tuple[Call, ...]) -> tuple[tuple[Call, ...], tuple[Header, ...]]:
    """The calls, and the provider's headers: the `Accept` most calls ask for is the
    provider's (one line in the file, not one per call); a call that asks for another keeps
    its own, which wins over the provider's."""
    asked = Counter(h.value for c in calls for h in c.headers if h.name == "Accept")
    if not asked:
        return calls, ()
    shared = asked.most_common(1)[0][0]  # the first seen among equals
    calls = tuple(
        replace(c, headers=tuple(h for h in c.headers if h != Header("Accept", shared)))
        for c in calls
    )
    return calls, (Header("Accept", shared),)


def _name(operation: Node) -> str:
    for key in ("summary", "operationId"):
        text = operation.get(key)
        if isinstance(text, str) and text.strip():
            return " ".join(text.split())
    return ""


def _parameters(
    document: Document, where: str, path: str, shared: object, own: object
) -> tuple[Parameter, ...]:
    """The path item's parameters with the operation's (which win: same name and place)."""
    found: dict[tuple[str, str], Parameter] = {}
    for place_of, given in (
        (pointer("paths", path, "parameters"), shared),
        (where + "/parameters", own),
    ):
        for index, entry in enumerate(given if isinstance(given, list) else []):
            at = f"{place_of}/{index}"
            parameter = document.resolve(entry, at)
            if parameter is None:
                continue
            name, place = parameter.get("name"), parameter.get("in")
            if not isinstance(name, str) or not name:
                document.note(at, "a parameter without a name: left out")
            elif place == "header" and name.lower() in _IGNORED_HEADERS:
                continue
            elif not isinstance(place, str) or place not in _LOCATIONS:
                document.note(at, f"{name!r} is a {place} parameter: workbench sends none")
            else:
                found[(name, str(place))] = _parameter(document, at, name, place, parameter)
    return tuple(found.values())


def _parameter(document: Document, where: str, name: str, place: str, entry: Node) -> Parameter:
    required = entry.get("required") is True or place == "path"
    schema = document.resolve(entry.get("schema"), where + "/schema") or {}
    value = first_example(document, where, entry)
    if value is None:
        value = first_example(document, where + "/schema", schema)
    if value is None and schema.get("default") is not None:
        value = example_text(schema["default"])
    if is_private(schema):
        return Parameter(name, private=True, optional=not required, location=_LOCATIONS[place])
    return Parameter(name, value or "", optional=not required, location=_LOCATIONS[place])
