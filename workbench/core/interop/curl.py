"""A curl command read as a call: method, URL, query, headers, body, credentials, options.

`parse_curl` reads the command as a shell would (`shell_words`: quotes,
backslashes, line continuations, bash's `$'...'`) and curl's options with
`argparse`; `import_curl` puts the result into a workspace: the URL's base
matched to a provider whose base URL it starts with (or a new provider for
its origin), credentials (`-u`, `Authorization`, API-key headers,
certificate files) offered as the provider's authentication with their
values returned for the secret store, never in the workspace. What could not
be taken over is said in `notes`.
"""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from workbench.core.errors import WorkbenchError
from workbench.core.interop.shell_words import ShellSyntaxError, shell_words
from workbench.core.secrets.needed import keyed
from workbench.core.secrets.store import SecretAddress
from workbench.core.sending.proxies import proxy_problem, shown_proxy
from workbench.core.workspace.editing import add_provider, unique_name
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
    UseAs,
    Workspace,
    value_for,
    with_new_ids,
)

# Headers that carry an API key: their value is private and becomes the provider's auth.
KEY_HEADERS = frozenset(
    {"x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token", "x-api-token"}
)
# Options of curl that change nothing workbench does (output, progress, verbosity...).
IGNORED_FLAGS: tuple[str, ...] = ("-s", "--silent", "-S", "--show-error", "-v", "--verbose")
IGNORED_FLAGS += ("-i", "--include", "--compressed", "-f", "--fail", "--fail-with-body")
IGNORED_VALUES = ("-o", "--output", "-w", "--write-out", "--retry", "--connect-timeout")


class CurlError(WorkbenchError):
    """The text is not a curl command workbench can read."""


@dataclass(frozen=True)
class Credential:
    """A private value the command holds: an auth setting of the provider."""

    setting: str  # of the auth method: "password", "value", "certificate"...
    value: str = field(repr=False)


@dataclass(frozen=True)
class ParsedCurl:
    """The command's request, as a call with an absolute URL, and its credentials."""

    call: Call
    auth: Auth | None = None
    credentials: tuple[Credential, ...] = ()
    notes: tuple[str, ...] = ()
    proxy: str = ""  # -x: a provider's proxy (never with a password: see `_proxy`)


@dataclass(frozen=True)
class CurlImport:
    """The workspace with the call added, where it went, and the private values to store."""

    workspace: Workspace
    provider: str
    call: str
    secrets: tuple[tuple[SecretAddress, str], ...] = ()
    notes: tuple[str, ...] = ()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CurlError(f"Not a curl command workbench can read: {message}.")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="curl", add_help=False, allow_abbrev=False)
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--url", action="append", default=[])
    parser.add_argument("-X", "--request")
    parser.add_argument("-H", "--header", action="append", default=[])
    parser.add_argument("-A", "--user-agent")
    parser.add_argument("-e", "--referer")
    parser.add_argument("-b", "--cookie")
    parser.add_argument("-u", "--user")
    parser.add_argument("-G", "--get", action="store_true")
    parser.add_argument("-I", "--head", action="store_true")
    parser.add_argument("-k", "--insecure", action="store_true")
    parser.add_argument("-L", "--location", action="store_true")
    parser.add_argument("-m", "--max-time", type=float)
    parser.add_argument("--cacert")
    parser.add_argument("-E", "--cert")
    parser.add_argument("--key")
    parser.add_argument("-x", "--proxy")
    data = ("-d", "--data-ascii", "--data-raw", "--data-binary", "--data-urlencode")
    for option in data + ("--json",):
        parser.add_argument(*_names(option), dest="data", action="append", type=_tagged(option))
    parser.add_argument("-F", "--form", action="append", default=[])
    parser.add_argument("--form-string", action="append", default=[])
    for flag in IGNORED_FLAGS:
        parser.add_argument(flag, action="count")
    for option in IGNORED_VALUES:
        parser.add_argument(option)
    return parser


def _names(option: str) -> tuple[str, ...]:
    return ("-d", "--data") if option == "-d" else (option,)


def _tagged(option: str) -> Callable[[str], tuple[str, str]]:
    """Each data option's text with the option's kind, so their order and kinds are kept."""
    kind = "--data" if option in ("-d", "--data-ascii") else option
    return lambda text: (kind, text)


def parse_curl(command: str) -> ParsedCurl:
    """Read a pasted curl command. Raises `CurlError` for anything else."""
    # Terminals paste line breaks as CR: a line continuation is a backslash before any of them.
    text = command.replace("\r\n", "\n").replace("\r", "\n").strip()
    try:
        words = shell_words(text)
    except ShellSyntaxError as error:
        raise CurlError(f"The command's quotes do not match ({error}).") from None
    if not words or Path(words[0]).name != "curl":
        raise CurlError("A curl command starts with `curl`.")
    args = _parser().parse_args(words[1:])
    urls = args.urls + args.url
    if len(urls) != 1:
        raise CurlError(f"A curl command with one URL is needed; this one has {len(urls)}.")
    return _Reader(args, urls[0]).read()


class _Reader:
    """Turns parsed options into a call, its credentials and notes."""

    def __init__(self, args: argparse.Namespace, url: str) -> None:
        self.args = args
        self.url = url if "://" in url else f"http://{url}"  # as curl does
        self.notes: list[str] = []
        self.credentials: list[Credential] = []
        self.auth: Auth | None = None

    def read(self) -> ParsedCurl:
        args = self.args
        headers = self._headers()
        parameters, body_type, body = self._body(headers)
        scheme, netloc, path, query, _ = urlsplit(self.url)
        query_pairs = parse_qsl(query, keep_blank_values=True)
        names = [name for name, _ in query_pairs]
        if len(set(names)) == len(names):  # each once: parameters; repeated ones stay in the URL
            parameters = [
                *(Parameter(n, v, location=Location.QUERY) for n, v in query_pairs),
                *parameters,
            ]
            query = ""
        url = urlunsplit((scheme, netloc, path or "/", query, ""))
        method = self._method(bool(body) or body_type is not BodyType.NONE)
        options = CallOptions(
            timeout=args.max_time or CallOptions.timeout,
            follow_redirects=args.location,
            verify_tls=not args.insecure,
        )
        self._certificates()
        name = f"{method.value} {unquote(Path(path).name) or netloc}"
        # A call that changes things is an action: it asks before it is sent.
        safe = method in (Method.GET, Method.HEAD, Method.OPTIONS)
        call = Call(
            name=name,
            use_as=UseAs.DATA if safe else UseAs.ACTION,
            method=method,
            url=url,
            headers=tuple(headers),
            parameters=tuple(parameters),
            body_type=body_type,
            body=body,
            content_type=self._content_type if body_type is BodyType.RAW else "",
            options=options,
        )
        proxy = self._proxy()
        return ParsedCurl(call, self.auth, tuple(self.credentials), tuple(self.notes), proxy)

    def _proxy(self) -> str:
        """`-x URL`, the provider's proxy; one with a password (a private value the file may
        not hold) or that workbench cannot use is left out, with a note."""
        proxy = (self.args.proxy or "").strip()
        problem = proxy_problem(proxy) if proxy else None
        if problem is not None:
            self.notes.append(f"The proxy {shown_proxy(proxy)} was left out: {problem}.")
            return ""
        return proxy

    def _method(self, has_body: bool) -> Method:
        args = self.args
        if args.request:
            try:
                return Method(args.request.upper())
            except ValueError:
                raise CurlError(
                    f"The method {args.request!r} is not one workbench sends."
                ) from None
        if args.head:
            return Method.HEAD
        return Method.POST if has_body and not args.get else Method.GET

    # -- headers and credentials ------------------------------------------------------------

    def _headers(self) -> list[Header]:
        args = self.args
        lines = list(args.header)
        lines += [f"User-Agent: {args.user_agent}"] if args.user_agent else []
        lines += [f"Referer: {args.referer}"] if args.referer else []
        lines += [f"Cookie: {args.cookie}"] if args.cookie and "=" in args.cookie else []
        headers: list[Header] = []
        self._content_type = ""
        for line in lines:
            name, colon, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not name:
                self.notes.append(f"The header {line!r} has no `Name: value` form: left out.")
            elif name.lower() == "authorization" and self.auth is None:
                self._credential(Auth("header", {"header": name}), "value", value)
            elif name.lower() in KEY_HEADERS and self.auth is None:
                self._credential(Auth("header", {"header": name}), "value", value)
            else:
                if name.lower() == "content-type":
                    self._content_type = value
                headers.append(Header(name, value))
        if args.user:
            username, _, password = args.user.partition(":")
            if self.auth is not None:
                self.notes.append("Both -u and an Authorization header: -u was left out.")
            else:
                self._credential(Auth("basic", {"username": username}), "password", password)
        return headers

    def _credential(self, auth: Auth, setting: str, value: str) -> None:
        self.auth = auth
        self.credentials.append(Credential(setting, value))

    def _certificates(self) -> None:
        args = self.args
        files = {"certificate": args.cert, "private_key": args.key, "ca_bundle": args.cacert}
        given = {setting: path for setting, path in files.items() if path}
        if not given:
            return
        if self.auth is not None:
            self.notes.append(
                "Certificates and another credential: the certificates were left out."
            )
            return
        self.auth = Auth("certificate", {})
        for setting, path in given.items():
            try:
                pem = Path(path).expanduser().read_text()
            except (OSError, UnicodeDecodeError) as error:
                self.notes.append(f"{path} could not be read ({error}): set {setting} yourself.")
                continue
            self.credentials.append(Credential(setting, pem))

    # -- the body -------------------------------------------------------------------------------

    def _body(self, headers: list[Header]) -> tuple[list[Parameter], BodyType, str]:
        args = self.args
        forms = [(text, False) for text in args.form] + [(t, True) for t in args.form_string]
        if forms:
            return self._multipart(forms), BodyType.MULTIPART, ""
        data: Sequence[tuple[str, str]] = args.data or ()
        if not data:
            return [], BodyType.NONE, ""
        parts: list[str] = []
        json_option = any(kind == "--json" for kind, _ in data)
        pairs: list[Parameter] = []
        for kind, text in data:
            if text.startswith("@") and kind != "--data-raw":
                self.notes.append(f"{kind} {text}: the body comes from a file; paste its content.")
                continue
            if kind == "--data-urlencode":
                name, equals, value = text.partition("=")
                if equals and name:
                    pairs.append(Parameter(name, value, location=Location.BODY))
                    continue
                parts.append(text.lstrip("="))
                continue
            parts.append(text)
        body = "&".join(parts)
        if args.get:  # -G: the data is the query string
            query = [*(Parameter(p.name, p.value, location=Location.QUERY) for p in pairs)]
            query += [
                Parameter(n, v, location=Location.QUERY)
                for n, v in parse_qsl(body, keep_blank_values=True)
            ]
            return query, BodyType.NONE, ""
        content_type = self._content_type.lower()
        if json_option or "json" in content_type or is_json(body):
            if not json_option and not content_type:
                self.notes.append("The body is JSON: sent as JSON (curl would say form).")
            _drop(headers, "content-type")
            return pairs, BodyType.JSON, body
        if not content_type or "x-www-form-urlencoded" in content_type:
            fields = parse_qsl(body, keep_blank_values=True)
            _drop(headers, "content-type")
            return (
                pairs + [Parameter(n, v, location=Location.BODY) for n, v in fields],
                (BodyType.FORM),
                "",
            )
        _drop(headers, "content-type")
        return pairs, BodyType.RAW, body

    def _multipart(self, forms: list[tuple[str, bool]]) -> list[Parameter]:
        parameters = []
        for text, literal in forms:
            name, _, value = text.partition("=")
            if not literal and value.startswith("@"):
                path = value[1:].split(";", 1)[0]
                parameters.append(Parameter(name, path, location=Location.BODY, file=True))
            else:
                parameters.append(Parameter(name, value, location=Location.BODY))
        return parameters


def is_json(text: str) -> bool:
    """Whether `text` is a JSON object or list."""
    if not text.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _drop(headers: list[Header], name: str) -> None:
    """The body type says the content type: the header would repeat it."""
    headers[:] = [h for h in headers if h.name.lower() != name]


# --- into a workspace ------------------------------------------------------------------------


def import_curl(
    workspace: Workspace,
    command: str,
    provider: str | None = None,
    *,
    replacing: str | None = None,
) -> CurlImport:
    """`workspace` with the command's call added to `provider` (by default the provider whose
    base URL the command's URL starts with, else a new one named after its host); with
    `replacing`, the call becomes that call of `provider` (a curl command pasted into it)."""
    parsed = parse_curl(command)
    call = parsed.call
    place: int | None = None  # where the replaced call was
    if replacing is not None and provider is not None:
        owner_now = workspace.provider(provider)
        names = _calls_of(owner_now) if owner_now is not None else []
        if owner_now is not None and replacing in names:
            place = names.index(replacing)
            kept = tuple(c for c in owner_now.calls if c.name != replacing)
            workspace = _with(workspace, replace(owner_now, calls=kept))
            call = replace(call, name=replacing)
    owner = _matching(workspace, call.url, provider)
    notes = list(parsed.notes)
    new_provider = owner is None
    own_proxy = value_for(owner.proxy, workspace.default_environment) if owner else None
    if owner is not None and parsed.proxy and own_proxy != parsed.proxy:
        notes.append(
            f"The command goes through the proxy {shown_proxy(parsed.proxy)}, which "
            f"{owner.name} does not name: left out (`proxy` in the workspace file sends all "
            "of its calls through one)."
        )
    if owner is None:
        origin = urlunsplit(urlsplit(call.url)[:2] + ("", "", ""))
        name = provider or unique_name(urlsplit(call.url).hostname or "API", _names_of(workspace))
        workspace = add_provider(workspace, name)
        owner = replace(workspace.providers[-1], base_url=origin, proxy=parsed.proxy)
        workspace = _with(workspace, owner)
    base = value_for(owner.base_url, workspace.default_environment) or ""
    relative = call.url[len(base.rstrip("/")) :] if base and call.url.startswith(base) else call.url
    call = replace(call, url=relative or "/", name=unique_name(call.name, _calls_of(owner)))
    secrets: list[tuple[SecretAddress, str]] = []
    if parsed.auth is not None and new_provider:
        owner = replace(owner, auth=parsed.auth)
        secrets = [(SecretAddress.auth(owner.name, c.setting), c.value) for c in parsed.credentials]
    elif parsed.auth is not None:
        # The provider's other calls keep their authentication: the credential stays with
        # this call, as a private header.
        header = _as_header(parsed)
        if header is None:
            notes.append(f"The command's {parsed.auth.method} credentials were left out.")
        else:
            name, value = header
            call = replace(call, headers=(*call.headers, Header(name, private=True)))
            secrets = [(SecretAddress.header(owner.name, name, call.name), value)]
            notes.append(
                f"The credential is a private {name} header of the call; {owner.name}'s "
                "authentication (F3 on it) can take it over for every call."
            )
    calls = list(owner.calls)
    calls.insert(len(calls) if place is None else place, call)
    owner = replace(owner, calls=tuple(calls))
    workspace = with_new_ids(_with(workspace, owner))
    keys = tuple((keyed(workspace, address), value) for address, value in secrets)
    return CurlImport(workspace, owner.name, call.name, keys, tuple(notes))


def _as_header(parsed: ParsedCurl) -> tuple[str, str] | None:
    """The credential as the header it is sent in (None: certificates are no header)."""
    auth, values = parsed.auth, [c.value for c in parsed.credentials]
    if auth is None or not values:
        return None
    if auth.method == "header":
        return str(auth.settings["header"]), values[0]
    if auth.method == "basic":
        pair = f"{auth.settings['username']}:{values[0]}".encode()
        return "Authorization", "Basic " + base64.b64encode(pair).decode()
    return None


def _matching(workspace: Workspace, url: str, name: str | None) -> Provider | None:
    if name is not None:
        return workspace.provider(name)
    for provider in workspace.providers:
        base = value_for(provider.base_url, workspace.default_environment) or ""
        if base and url.startswith(base.rstrip("/") + "/") or url == base:
            return provider
    return None


def _with(workspace: Workspace, provider: Provider) -> Workspace:
    providers = tuple(provider if p.name == provider.name else p for p in workspace.providers)
    return replace(workspace, providers=providers)


def _names_of(workspace: Workspace) -> list[str]:
    return [p.name for p in workspace.providers]


def _calls_of(provider: Provider) -> list[str]:
    return [c.name for c in provider.calls]
