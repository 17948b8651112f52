"""A call as a curl or HTTPie command: what it really sends, quoted for a POSIX shell.

The request is built as a send builds it (authentication, shared headers and
parameters, `[params]` filled), from a resolver that hands out a marker for
each private value instead of the value; each marker becomes a reference to
the environment variable that carries that value (`"${WORKBENCH__...}"`), so
the command runs where the variable is set and shows no secret. With
`reveal`, the values themselves are written. Tokens obtained by a login or a
signature (OAuth2, JWT) and client certificates are not part of the command:
a comment line says what to add.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from workbench.core.secrets.store import Secret, SecretAddress, SecretResolver, environment_variable
from workbench.core.sending.proxies import with_scheme
from workbench.core.sending.request import FileCheck, build_request
from workbench.core.workspace.model import (
    Call,
    Location,
    Parameter,
    Provider,
    Workspace,
    value_for,
)

# Methods whose credential is made at send time, not stored: the command cannot carry it.
_MADE_AT_SEND = {"oauth2_password", "oauth2_client", "oauth2_code", "oauth2_custom", "jwt"}
_SKIPPED_HEADERS = {"host", "content-length"}
_MARKER = re.compile(r"WBPRIVATE(\d+)X")


class _Values(Protocol):
    """Where private values come from: the secret store, or markers (`_Referencing`)."""

    def require(self, address: SecretAddress, environment: str) -> Secret: ...


@dataclass
class _Referencing:
    """A `SecretResolver` stand-in: every private value is a marker naming its variable."""

    variables: list[str] = field(default_factory=list)

    def get(self, address: SecretAddress, environment: str) -> Secret:
        self.variables.append(environment_variable(address))
        return Secret(f"WBPRIVATE{len(self.variables) - 1}X", bound=False)

    require = get


@dataclass(frozen=True)
class _Sent:
    """What a send of the call sends, with markers for private values, ready to write out."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    basic: str | None  # "user:password" when HTTP Basic makes the Authorization header
    body: str | None  # None: no body, or files (`fields`), or binary (a note says so)
    fields: list[tuple[str, str, bool]]  # multipart (name, value, is a file)
    call: Call
    notes: list[str]
    proxy: str  # the provider's own ("" for none: both tools read the environment's)


def _sent(
    workspace: Workspace,
    provider: Provider,
    call: Call,
    environment: str,
    resolver: _Values,
    base_url: str | None,
    folder: Path | None,
) -> _Sent:
    built = build_request(
        workspace,
        provider,
        call,
        environment=environment,
        secrets=resolver,  # type: ignore[arg-type]
        base_url=base_url,
        files=None if folder is None else _files_in(folder),
    )
    request = built.request
    notes: list[str] = []
    basic: str | None = None
    headers: list[tuple[str, str]] = []
    for name, value in request.headers.multi_items():
        lowered = name.lower()
        if lowered in _SKIPPED_HEADERS or (lowered == "content-type" and built.uploads):
            continue
        if lowered == "authorization" and _basic_is_sent(provider, call):
            basic = _basic_user(provider, resolver, environment)
            continue
        headers.append((_header_name(request.headers.raw, name), value))
    body: str | None = None
    raw = b"" if built.uploads else request.read()
    if raw:
        try:
            body = raw.decode()
        except UnicodeDecodeError:
            notes.append("The body is binary: give it from a file.")
    if provider.auth.method in _MADE_AT_SEND:
        notes.append(
            f"{provider.name} sends a token it obtains ({provider.auth.method}): add an "
            "Authorization: Bearer TOKEN header (workbench auth login gets one)."
        )
    elif provider.auth.method == "certificate":
        notes.append(f"{provider.name} sends a client certificate: add it and its key.")
    fields = _form_fields(provider, call, environment, resolver, folder) if built.uploads else []
    proxy = (value_for(provider.proxy, environment) or "").strip()
    proxy = with_scheme(proxy) if proxy else ""
    return _Sent(request.method, str(request.url), headers, basic, body, fields, call, notes, proxy)


def export_command(
    tool: str,
    workspace: Workspace,
    provider: Provider,
    call: Call,
    *,
    environment: str,
    secrets: SecretResolver,
    reveal: bool = False,
    base_url: str | None = None,
    folder: Path | None = None,
) -> str:
    """`call` as a `tool` ("curl" or "httpie") command, one option a line. A file the call
    uploads by a relative path is read from `folder` (the workspace's, as a send reads it)
    and written as `folder/path`, so the command finds it from where `folder` is named.
    Raises `RequestBuildError` (or, with `reveal`, `SecretMissing`) as a send would."""
    referencing = _Referencing()
    resolver: _Values = secrets if reveal else referencing
    sent = _sent(workspace, provider, call, environment, resolver, base_url, folder)
    words = (_httpie_words if tool == "httpie" else _curl_words)(sent)
    return _written(words, sent.notes, referencing.variables)


def _curl_words(sent: _Sent) -> list[list[str]]:
    implied = "POST" if sent.body is not None or sent.fields else "GET"
    words = [["curl", *(["-X", sent.method] if sent.method != implied else []), sent.url]]
    words += [["-u", sent.basic]] if sent.basic is not None else []
    words += [["-H", f"{name}: {value}"] for name, value in sent.headers]
    words += [_curl_field(name, value, file) for name, value, file in sent.fields]
    words += [["--data-raw", sent.body]] if sent.body is not None else []
    options = sent.call.options
    words += [["-k"]] if not options.verify_tls else []
    words += [["-L"]] if options.follow_redirects else []
    if options.timeout is not None:
        words.append(["--max-time", f"{options.timeout:g}"])
    words += [["--proxy", sent.proxy]] if sent.proxy else []
    return words


def _curl_field(name: str, value: str, file: bool) -> list[str]:
    """One multipart field for curl: a file as `-F name=@path`; a value that -F would read
    as something else (a file from `@` or `<`, a quoted string, `;type=`...) as
    `--form-string`, which curl sends as it is."""
    if file:
        return ["-F", f"{name}=@{value}"]
    if value.startswith(("@", "<", '"')) or ";" in value:
        return ["--form-string", f"{name}={value}"]
    return ["-F", f"{name}={value}"]


def _httpie_words(sent: _Sent) -> list[list[str]]:
    words = [["http", "--ignore-stdin", *(["--multipart"] if sent.fields else [])]]
    words[0] += [sent.method, sent.url]
    words += [["--auth", sent.basic]] if sent.basic is not None else []
    words += [[f"{name}:{value}"] for name, value in sent.headers]
    words += [[f"{n}@{v}" if file else f"{n}={v}"] for n, v, file in sent.fields]
    words += [["--raw", sent.body]] if sent.body is not None else []
    options = sent.call.options
    words += [["--verify=no"]] if not options.verify_tls else []
    words += [["--follow"]] if options.follow_redirects else []
    if options.timeout is not None:
        words.append([f"--timeout={options.timeout:g}"])
    # HTTPie takes a proxy per target scheme (a SOCKS one needs requests[socks] beside it).
    words += [[f"--proxy={scheme}:{sent.proxy}"] for scheme in ("http", "https") if sent.proxy]
    return words


def _written(words: list[list[str]], notes: list[str], variables: list[str]) -> str:
    """Comment lines for `notes`, then the command, one option a line, quoted for `sh`."""
    lines = [" ".join(_quoted(word, variables) for word in line) for line in words]
    return "".join(f"# {note}\n" for note in notes) + " \\\n  ".join(lines) + "\n"


def _form_fields(
    provider: Provider, call: Call, environment: str, resolver: _Values, folder: Path | None
) -> list[tuple[str, str, bool]]:
    """A multipart body as curl's -F fields: files as `name=@path`, the others as values."""
    merged: dict[str, tuple[Parameter, str | None]] = {
        p.name: (p, None) for p in provider.parameters
    }
    merged.update({p.name: (p, call.name) for p in call.parameters})
    fields = []
    for parameter, owner in merged.values():
        if parameter.location not in (None, Location.BODY) or f"[{parameter.name}]" in call.url:
            continue
        if parameter.private:
            address = SecretAddress.parameter(provider, parameter.name, call if owner else None)
            value = resolver.require(address, environment).reveal()
        else:
            value = value_for(parameter.value, environment) or ""
        if parameter.file and folder is not None:
            value = str(_file_in(folder, value))
        fields.append((parameter.name, value, parameter.file))
    return fields


def _file_in(folder: Path, text: str) -> Path:
    """The file a call uploads: a relative path is the workspace folder's."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def _files_in(folder: Path) -> FileCheck:
    """Where the request finds its uploads: in `folder` (nothing is sent, so the trust rules
    of a send do not apply; a file that is not there stops the export as it would a send)."""
    return lambda text, parameter, *, given_by_user: _file_in(folder, text)


def _basic_is_sent(provider: Provider, call: Call) -> bool:
    """Whether the Authorization header is the provider's HTTP Basic: a header of the
    provider or call, or a header parameter, by that name is sent in its place."""
    if provider.auth.method != "basic":
        return False
    names = [h.name for h in (*provider.headers, *call.headers)]
    names += [
        p.name for p in (*provider.parameters, *call.parameters) if p.location is Location.HEADER
    ]
    return all(name.lower() != "authorization" for name in names)


def _basic_user(provider: Provider, resolver: _Values, environment: str) -> str:
    username = str(provider.auth.settings.get("username", ""))
    address = SecretAddress.auth(provider, "password")
    password = resolver.require(address, environment)
    return f"{username}:{password.reveal()}"


def _header_name(raw: Iterable[tuple[bytes, bytes]], name: str) -> str:
    """The header's name as the workspace writes it (httpx lower-cases `multi_items`)."""
    return next((n.decode() for n, _ in raw if n.decode().lower() == name.lower()), name)


def _quoted(word: str, variables: list[str]) -> str:
    """`word` quoted for a POSIX shell, each private value's marker as `${VARIABLE}`."""
    if not _MARKER.search(word):
        return shlex.quote(word)
    parts: list[str] = []
    position = 0
    for match in _MARKER.finditer(word):
        parts.append(_in_double_quotes(word[position : match.start()]))
        parts.append("${" + variables[int(match.group(1))] + "}")
        position = match.end()
    parts.append(_in_double_quotes(word[position:]))
    return '"' + "".join(parts) + '"'


def _in_double_quotes(text: str) -> str:
    return re.sub(r'(["\\$`])', r"\\\1", text)
