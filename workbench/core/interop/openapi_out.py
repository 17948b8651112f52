"""A workspace written as an OpenAPI 3.1 document: what other tools read to know an API.

Each provider is a tag, its base URLs (one per environment) the servers, its
authentication a security scheme (its kind and names, never a value). Each call is an
operation at its path (`[id]` written `{id}`), with its parameters (where they go, and
whether they are required; a private one `format: password`, with no example), its
request body (a JSON body's schema read from the body template, and as its example the
body the call sends with its test values; form fields as an object) and, for an
initialized call, its learned shape as the schema of the 200 response (optional fields
are not `required`, nullable ones are `[type, "null"]`, the JSON a text holds its
`contentSchema`). Two calls at the same method and path cannot both be operations: the
later one is left out, and `notes` says so. `workbench import openapi` reads all of this
back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from workbench.core.sending.template import body_placeholders, fill_json, url_placeholders
from workbench.core.sending.url import is_absolute
from workbench.core.shape.fields import Field, FieldType, Shape
from workbench.core.shape.json_path import Item, Key, ancestors, parse_path
from workbench.core.workspace.model import (
    QUERY_METHODS,
    BodyType,
    Call,
    Header,
    Location,
    Parameter,
    Provider,
    ResponseType,
    Value,
    Workspace,
)

OPENAPI_VERSION = "3.1.0"
# Headers OpenAPI describes elsewhere (content, auth): a header parameter of these is ignored.
_SPECIAL_HEADERS = frozenset({"accept", "content-type", "authorization"})
_TYPES: dict[FieldType, dict[str, Any]] = {
    FieldType.TEXT: {"type": "string"},
    FieldType.NUMBER: {"type": "number"},
    FieldType.INTEGER: {"type": "integer"},
    FieldType.BOOLEAN: {"type": "boolean"},
    FieldType.NULL: {"type": "null"},
    FieldType.DATE: {"type": "string", "format": "date"},
    FieldType.DATE_TIME: {"type": "string", "format": "date-time"},
    FieldType.OBJECT: {"type": "object"},
    FieldType.LIST: {"type": "array"},
    FieldType.JSON_TEXT: {"type": "string", "contentMediaType": "application/json"},
    FieldType.BINARY: {"type": "string", "contentMediaType": "application/octet-stream"},
    FieldType.ANY: {},
}
_MEDIA = {
    ResponseType.JSON: "application/json",
    ResponseType.XML: "application/xml",
    ResponseType.TEXT: "text/plain",
    ResponseType.BINARY: "application/octet-stream",
}


@dataclass(frozen=True)
class OpenApiExport:
    """The document, and what could not be written in it."""

    document: dict[str, Any]
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        """The document as JSON text."""
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"


def export_openapi(workspace: Workspace) -> OpenApiExport:
    """`workspace` as an OpenAPI 3.1 document."""
    writer = _Writer(workspace)
    for provider in workspace.providers:
        writer.add(provider)
    return OpenApiExport(writer.document(), tuple(writer.notes))


class _Writer:
    """Gathers the paths, tags and security schemes of a workspace's providers."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.paths: dict[str, dict[str, Any]] = {}
        self.tags: list[dict[str, Any]] = []
        self.schemes: dict[str, dict[str, Any]] = {}
        self.servers: list[dict[str, Any]] | None = None  # the first provider's
        self.owners: dict[tuple[str, str], str] = {}  # (path, method) -> "Provider/Call"
        self.operation_ids: set[str] = set()
        self.notes: list[str] = []

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "openapi": OPENAPI_VERSION,
            "info": {"title": self.workspace.name, "version": str(self.workspace.format)},
        }
        if self.servers:
            document["servers"] = self.servers
        document["tags"] = self.tags
        document["paths"] = self.paths
        if self.schemes:
            document["components"] = {"securitySchemes": self.schemes}
        return document

    def add(self, provider: Provider) -> None:
        tag: dict[str, Any] = {"name": provider.name}
        if provider.notes:
            tag["description"] = provider.notes
        self.tags.append(tag)
        servers = self._servers(provider.base_url)
        if self.servers is None:
            self.servers = servers
        scheme = _security_scheme(provider)
        security: list[dict[str, list[str]]] = []
        if scheme is not None:
            name = _component_name(provider.name, self.schemes)
            self.schemes[name] = scheme
            security = [{name: []}]
        for call in provider.calls:
            self._add_call(provider, call, servers, security)

    def _servers(self, base_url: Value) -> list[dict[str, Any]]:
        servers: list[dict[str, Any]] = []
        values = (
            [(base_url, None)]
            if isinstance(base_url, str)
            else [(url, env) for env, url in base_url.values.items()]
        )
        for url, environment in values:
            url = url.strip().rstrip("/")
            if url and url not in [s["url"] for s in servers]:
                server: dict[str, Any] = {"url": url}
                if environment is not None:
                    server["description"] = environment
                servers.append(server)
        return servers

    def _add_call(
        self,
        provider: Provider,
        call: Call,
        servers: list[dict[str, Any]],
        security: list[dict[str, list[str]]],
    ) -> None:
        url = call.url.split("?", 1)[0]
        if is_absolute(url):
            scheme, netloc, path, _, _ = urlsplit(url)
            servers = [{"url": urlunsplit((scheme, netloc, "", "", ""))}]
            url = path or "/"
        path = re.sub(r"\[([^\[\]:/?#\s]+)\]", r"{\1}", url if url.startswith("/") else f"/{url}")
        method = call.method.value.lower()
        who = f"{provider.name}/{call.name}"
        owner = self.owners.get((path, method))
        if owner is not None:
            self.notes.append(
                f"{who} is left out: {call.method.value} {path} is already {owner}'s."
            )
            return
        self.owners[(path, method)] = who
        item = self.paths.setdefault(path, {})
        if servers != self.servers and "servers" not in item:
            item["servers"] = servers
        item[method] = self._operation(provider, call, security)

    def _operation(
        self, provider: Provider, call: Call, security: list[dict[str, list[str]]]
    ) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "tags": [provider.name],
            "summary": call.name,
            "operationId": self._operation_id(provider.name, call.name),
        }
        if call.notes:
            operation["description"] = call.notes
        parameters = _parameters(provider, call)
        if parameters:
            operation["parameters"] = parameters
        body = _request_body(provider, call)
        if body is not None:
            operation["requestBody"] = body
        operation["responses"] = {"200": _response(call)}
        if security:
            operation["security"] = security
        return operation

    def _operation_id(self, provider: str, call: str) -> str:
        words = re.findall(r"[A-Za-z0-9]+", f"{provider} {call}")
        base = "".join(w[:1].upper() + w[1:] for w in words) or "call"
        base = base[:1].lower() + base[1:]
        name, number = base, 2
        while name in self.operation_ids:
            name, number = f"{base}{number}", number + 1
        self.operation_ids.add(name)
        return name


# --- parameters and bodies ------------------------------------------------------------------


def _where(call: Call, parameter: Parameter) -> Location:
    """Where a parameter goes: its own location, else as the request builder decides."""
    if parameter.location is not None:
        return parameter.location
    if parameter.name in url_placeholders(call.url):
        return Location.PATH
    if call.body and parameter.name in body_placeholders(call.body):
        return Location.BODY
    return Location.QUERY if call.method in QUERY_METHODS else Location.BODY


def _parameters(provider: Provider, call: Call) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    for parameter in (*provider.parameters, *call.parameters):
        location = _where(call, parameter)
        if location is Location.BODY:
            continue
        entry: dict[str, Any] = {"name": parameter.name, "in": location.value}
        entry["required"] = location is Location.PATH or not parameter.optional
        if parameter.source is not None:
            entry["description"] = f"From {parameter.source.call}: {parameter.source.path}"
        entry["schema"] = _text_schema(parameter.private)
        example = _example(parameter.value, parameter.private)
        if example is not None:
            entry["example"] = example
        written.append(entry)
    for header in (*provider.headers, *call.headers):
        if header.name.lower() not in _SPECIAL_HEADERS:
            written.append(_header(header))
    return written


def _header(header: Header) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": header.name, "in": "header", "required": True}
    entry["schema"] = _text_schema(header.private)
    example = _example(header.value, header.private)
    if example is not None:
        entry["example"] = example
    return entry


def _text_schema(private: bool) -> dict[str, Any]:
    """A text value's schema; a private one is `format: password`, OpenAPI's mark for a value
    to keep out of sight (which `workbench import openapi` reads as private)."""
    return {"type": "string", "format": "password"} if private else {"type": "string"}


def _example(value: Value, private: bool) -> str | None:
    """A parameter's test value as its example (a private one never; per environment, the
    first environment's)."""
    if private:
        return None
    return _first(value) or None


def _request_body(provider: Provider, call: Call) -> dict[str, Any] | None:
    fields = [
        p for p in (*provider.parameters, *call.parameters) if _where(call, p) is Location.BODY
    ]
    if call.body_type is BodyType.NONE:
        return None
    if call.body_type is BodyType.RAW:
        media = call.content_type or "text/plain"
        return {"content": {media: {"schema": {"type": "string"}}}}
    if call.body_type is BodyType.JSON and call.body.strip():
        return {"content": {"application/json": _json_media(call.body, fields)}}
    media = {
        BodyType.JSON: "application/json",
        BodyType.FORM: "application/x-www-form-urlencoded",
        BodyType.MULTIPART: "multipart/form-data",
    }[call.body_type]
    properties: dict[str, Any] = {}
    example: dict[str, str] = {}
    for field in fields:
        schema = _text_schema(field.private)
        if field.file:
            schema["contentMediaType"] = "application/octet-stream"
        elif _example(field.value, field.private):
            example[field.name] = _first(field.value)
        properties[field.name] = schema
    schema = {"type": "object", "properties": properties}
    required = [f.name for f in fields if not f.optional]
    if required:
        schema["required"] = required
    written: dict[str, Any] = {"schema": schema}
    if example:
        written["example"] = example
    return {"content": {media: written}}


# A `<name>` placeholder outside a JSON string: it stands for any JSON value.
_BARE_PLACEHOLDER = re.compile(r"(?<!\")<([^<>\"\\\s]+)>(?!\")")


def _json_media(template: str, fields: list[Parameter]) -> dict[str, Any]:
    """A JSON body template as a media type: the schema of its structure, and as its example
    the body the call sends with its test values (a private one an empty text or null), so
    an importer can write the body again."""
    values = {f.name: _first(f.value) for f in fields if not f.private and _first(f.value)}
    # Placeholders without a value: null outside strings, empty inside them.
    bare = _BARE_PLACEHOLDER.sub(lambda m: m.group(0) if m.group(1) in values else "null", template)
    filled = fill_json(bare, {**dict.fromkeys(body_placeholders(bare), ""), **values})
    media: dict[str, Any] = {"schema": _template_schema(template)}
    try:
        media["example"] = json.loads(filled)
    except ValueError:  # a test value that is not JSON where the template wants a value
        pass
    private = {f"<{f.name}>" for f in fields if f.private}
    texts = _top_level_texts(template)
    for name, schema in media["schema"].get("properties", {}).items():
        if texts.get(name) in private:
            schema["format"] = "password"
    return media


def _top_level_texts(template: str) -> dict[str, str]:
    """The text values of a JSON body template's top-level properties, a placeholder outside
    quotes written as its `<name>` too."""
    try:
        value = json.loads(_BARE_PLACEHOLDER.sub(r'"<\1>"', template))
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _template_schema(template: str) -> dict[str, Any]:
    """The schema of a JSON body template: its structure, placeholders as strings (a
    placeholder outside quotes may be any value)."""
    marked = _BARE_PLACEHOLDER.sub("null", template)
    try:
        value = json.loads(marked)
    except ValueError:
        return {}
    return _value_schema(value)


def _value_schema(value: object) -> dict[str, Any]:
    if isinstance(value, dict):
        properties = {str(k): _value_schema(v) for k, v in value.items()}
        return {"type": "object", "properties": properties}
    if isinstance(value, list):
        return {"type": "array", "items": _value_schema(value[0])} if value else {"type": "array"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    return {}


# --- the response -------------------------------------------------------------------------------


def _response(call: Call) -> dict[str, Any]:
    response: dict[str, Any] = {"description": f"What {call.name} answers."}
    media = _MEDIA[call.response_type]
    if call.shape is not None and call.response_type is ResponseType.JSON:
        response["content"] = {media: {"schema": shape_schema(call.shape)}}
    else:
        response["content"] = {media: {}}
    return response


def shape_schema(shape: Shape) -> dict[str, Any]:
    """A learned shape as a JSON Schema (excluded fields left out)."""
    root: dict[str, Any] = {"type": "object"}
    nodes: dict[str, dict[str, Any]] = {"": root}
    for field in shape:
        if shape.is_excluded(field.path):
            continue
        segments = parse_path(field.path)
        if not segments:
            root.clear()
            root.update(_field_schema(field))
            continue
        parent = nodes.get(ancestors(field.path)[-1])
        if parent is None:
            continue
        schema = _field_schema(field)
        last = segments[-1]
        if isinstance(last, Key):
            parent.setdefault("properties", {})[last.name] = schema
            if not field.optional:
                parent.setdefault("required", []).append(last.name)
        elif isinstance(last, Item):
            parent["items"] = schema
        else:  # the JSON inside a text: JSON Schema's schema of a string's decoded content
            parent["contentSchema"] = schema
        nodes[field.path] = schema
    return root


def _field_schema(field: Field) -> dict[str, Any]:
    schema = dict(_TYPES[field.type])
    if field.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


# --- security -----------------------------------------------------------------------------------


def _security_scheme(provider: Provider) -> dict[str, Any] | None:
    """The provider's authentication as a security scheme: names and URLs, no values."""
    auth = provider.auth
    settings = {name: _first(value) for name, value in auth.settings.items()}
    if auth.method == "basic":
        return {"type": "http", "scheme": "basic"}
    if auth.method == "header":
        return {"type": "apiKey", "in": "header", "name": settings.get("header", "Authorization")}
    if auth.method == "query":
        return {"type": "apiKey", "in": "query", "name": settings.get("name", "api_key")}
    if auth.method == "jwt":
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    if auth.method == "certificate":
        return {"type": "mutualTLS"}
    flow = {
        "tokenUrl": settings.get("token_url", ""),
        "scopes": {scope: "" for scope in settings.get("scope", "").split()},
    }
    if auth.method == "oauth2_password":
        return _oauth({"password": flow})
    if auth.method == "oauth2_client":
        return _oauth({"clientCredentials": flow})
    if auth.method == "oauth2_code":
        authorization = {"authorizationUrl": settings.get("authorization_url", "")}
        return _oauth({"authorizationCode": {**authorization, **flow}})
    if auth.method == "oauth2_custom":
        return {"type": "http", "scheme": "bearer"}
    return None


def _oauth(flows: dict[str, Any]) -> dict[str, Any]:
    return {"type": "oauth2", "flows": flows}


def _first(value: Value) -> str:
    """A value, or its first environment's (where a document has room for one)."""
    return value if isinstance(value, str) else next(iter(value.values.values()), "")


def _component_name(name: str, taken: dict[str, Any]) -> str:
    """A component key (letters, digits, `.`, `-`, `_`) for `name`, not yet taken."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "auth"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key
