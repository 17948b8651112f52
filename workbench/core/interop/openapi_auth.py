"""An OpenAPI security scheme as the provider's authentication (settings only, never a value).

A provider has one authentication: the first scheme the document's `security`
asks for (else one an operation asks for, else the first declared) that maps
to a method of workbench:

    apiKey in header          header   (header = its name)
    apiKey in query           query    (name = its name)
    http basic                basic
    http bearer               header   (Authorization; the value is "Bearer TOKEN")
    oauth2 password flow      oauth2_password  (token URL, scopes)
    oauth2 clientCredentials  oauth2_client    (token URL, scopes)
    oauth2 authorizationCode  oauth2_code      (authorization and token URLs, scopes)

Other schemes, and the ones left over, are notes. `to_set` lists what the
user still gives: private settings go to the secret store (`workbench secret set`).
"""

from __future__ import annotations

from collections.abc import Mapping

from workbench.core.auth import method
from workbench.core.interop.openapi_document import Document, Node, pointer
from workbench.core.workspace.model import Auth

_OAUTH_FLOWS = {
    "password": ("oauth2_password", ("tokenUrl",)),
    "clientCredentials": ("oauth2_client", ("tokenUrl",)),
    "authorizationCode": ("oauth2_code", ("authorizationUrl", "tokenUrl")),
}
_SETTINGS = {"tokenUrl": "token_url", "authorizationUrl": "authorization_url"}


def provider_auth(document: Document) -> tuple[Auth, str]:
    """The authentication of the document's security schemes, and the place of the scheme
    it comes from ("" for none)."""
    schemes = document.get("components", "securitySchemes")
    wanted = _requirements(document)
    chosen: tuple[Auth, str] = (Auth(), "")
    for name in [*wanted, *(n for n in schemes if n not in wanted)]:
        where = pointer("components", "securitySchemes", name)
        scheme = document.resolve(schemes.get(name), where) if name in schemes else None
        if scheme is None:
            if name in wanted:
                document.note(pointer("security"), f"no security scheme {name!r} is declared")
            continue
        if chosen[1]:
            if name in wanted:
                document.note(where, f"left out: a provider has one authentication, {chosen[1]}")
            continue
        auth = _auth(document, where, scheme, wanted.get(name, ()))
        if auth is not None:
            chosen = (auth, where)
    return chosen


def _requirements(document: Document) -> dict[str, tuple[str, ...]]:
    """The schemes asked for, the document's first, with the scopes asked for."""
    found: dict[str, tuple[str, ...]] = {}
    lists = [document.data.get("security")]
    for item in document.get("paths").values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            if isinstance(operation, Mapping):
                lists.append(operation.get("security"))
    for requirements in lists:
        for requirement in requirements if isinstance(requirements, list) else ():
            for name, scopes in requirement.items() if isinstance(requirement, Mapping) else ():
                listed = scopes if isinstance(scopes, list) else []
                given = tuple(s for s in listed if isinstance(s, str))
                found.setdefault(name, given)
    return found


def _auth(document: Document, where: str, scheme: Node, scopes: tuple[str, ...]) -> Auth | None:
    kind = scheme.get("type")
    if kind == "apiKey":
        name, place = scheme.get("name"), scheme.get("in")
        if isinstance(name, str) and place == "header":
            return Auth("header", {"header": name})
        if isinstance(name, str) and place == "query":
            return Auth("query", {"name": name})
        document.note(where, f"an API key in a {place}: workbench sends none")
        return None
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        if http == "basic":
            return Auth("basic", {})
        if http == "bearer":
            return Auth("header", {"header": "Authorization"})
        document.note(where, f"HTTP {http or 'with no scheme'} authentication: no such method")
        return None
    if kind == "oauth2":
        return _oauth(document, where, scheme, scopes)
    document.note(where, f"{kind} authentication: no matching method, set one yourself")
    return None


def _oauth(document: Document, where: str, scheme: Node, scopes: tuple[str, ...]) -> Auth | None:
    flows = scheme.get("flows")
    flows = flows if isinstance(flows, Mapping) else {}
    for flow, (method_name, urls) in _OAUTH_FLOWS.items():
        given = flows.get(flow)
        if not isinstance(given, Mapping):
            continue
        settings = {_SETTINGS[url]: str(given.get(url, "")) for url in urls}
        declared = given.get("scopes")
        wanted = scopes or tuple(declared if isinstance(declared, Mapping) else ())
        if wanted:
            settings["scope"] = " ".join(wanted)
        return Auth(method_name, settings)
    document.note(
        where,
        f"the OAuth2 {', '.join(flows) or 'scheme'}: no matching method (the OAuth2 custom "
        "token method can post to a token URL)",
    )
    return None


def to_set(auth: Auth) -> tuple[list[str], list[str]]:
    """The settings of `auth` the user still gives: private ones (secret store), and others
    that are required and have no value."""
    found = method(auth.method)
    if found is None:
        return [], []
    private = [s.name for s in found.settings if s.private and s.required]
    plain = [
        s.name
        for s in found.settings
        if not s.private and s.required and not s.default and not auth.settings.get(s.name)
    ]
    return private, plain
