"""A call as a curl command: what it really sends, quoted for a POSIX shell.

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
from typing import Protocol

from workbench.core.secrets.store import Secret, SecretAddress, SecretResolver, environment_variable
from workbench.core.sending.request import build_request
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


def export_curl(
    workspace: Workspace,
    provider: Provider,
    call: Call,
    *,
    environment: str,
    secrets: SecretResolver,
    reveal: bool = False,
    base_url: str | None = None,
) -> str:
    """`call` as a curl command, one option a line. Raises `RequestBuildError` (or, with
    `reveal`, `SecretMissing`) as a send would."""
    referencing = _Referencing()
    resolver: _Values = secrets if reveal else referencing
    built = build_request(
        workspace,
        provider,
        call,
        environment=environment,
        secrets=resolver,  # type: ignore[arg-type]
        base_url=base_url,
    )
    request = built.request
    notes: list[str] = []
    method = request.method
    body = b"" if built.uploads else request.read()
    implied = "POST" if body or built.uploads else "GET"
    words: list[list[str]] = [["curl", *(["-X", method] if method != implied else [])]]
    words[0].append(str(request.url))
    basic = provider.auth.method == "basic"
    for name, value in request.headers.multi_items():
        lowered = name.lower()
        if lowered in _SKIPPED_HEADERS or (lowered == "content-type" and built.uploads):
            continue
        if basic and lowered == "authorization" and value.startswith("Basic "):
            words.append(["-u", _basic_user(provider, resolver, environment)])
            continue
        words.append(["-H", f"{_header_name(request.headers.raw, name)}: {value}"])
    if built.uploads:
        words += _form_fields(provider, call, environment, resolver)
    if body:
        try:
            words.append(["--data-raw", body.decode()])
        except UnicodeDecodeError:
            notes.append("The body is binary: give it with --data-binary @FILE.")
    options = call.options
    if not options.verify_tls:
        words.append(["-k"])
    if options.follow_redirects:
        words.append(["-L"])
    if options.timeout is not None:
        words.append(["--max-time", f"{options.timeout:g}"])
    if provider.auth.method in _MADE_AT_SEND:
        notes.append(
            f"{provider.name} sends a token it obtains ({provider.auth.method}): add "
            "-H 'Authorization: Bearer TOKEN' (workbench auth login/token gets one)."
        )
    elif provider.auth.method == "certificate":
        notes.append(f"{provider.name} sends a client certificate: add --cert and --key.")
    lines = [" ".join(_quoted(w, referencing.variables) for w in line) for line in words]
    return "".join(f"# {note}\n" for note in notes) + " \\\n  ".join(lines) + "\n"


def _form_fields(
    provider: Provider, call: Call, environment: str, resolver: _Values
) -> list[list[str]]:
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
            address = SecretAddress.parameter(provider.name, parameter.name, owner)
            value = resolver.require(address, environment).reveal()
        else:
            value = value_for(parameter.value, environment) or ""
        fields.append(
            ["-F", f"{parameter.name}=@{value}" if parameter.file else f"{parameter.name}={value}"]
        )
    return fields


def _basic_user(provider: Provider, resolver: _Values, environment: str) -> str:
    username = str(provider.auth.settings.get("username", ""))
    address = SecretAddress.auth(provider.name, "password")
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
