"""Finding values that look like secrets in the plain (not private) fields of a workspace file.

`workbench check` runs this over files about to be committed. It reads the raw TOML data,
not the decoded `Workspace`, so a file that does not decode (one with a private setting
written in it is exactly such a file) is checked all the same. Pure: it is given the text
and returns findings, each with the line (best effort), a readable key path, what the value
looks like (never the value: at most a known prefix or its first characters) and the fix.
"""

from __future__ import annotations

import math
import re
import shlex
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from workbench.core.auth import METHODS
from workbench.core.secrets.store import SecretAddress
from workbench.core.workspace.paths import KeyPath, LineLocator

ELLIPSIS = "…"
MIN_RANDOM_LENGTH = 24
# Bits per character. Of random strings, 99% of 24 alphanumeric characters score over 3.8,
# of 32 hex digits over 3.2; repetitive text scores lower.
ENTROPY_THRESHOLD = 3.5
HEX_ENTROPY_THRESHOLD = 3.0
MIN_HEX_LENGTH = 32
# Identifiers like `CustomerOrderNumber12345678` score as high as random strings, but they
# are made of long runs (words, numbers): 4 characters or more per run on average, where
# random strings average under 2 (99% under 3).
WORD_RUN_LENGTH = 4.0


class NotToml(ValueError):
    """The text is not TOML; the message says where and why (never quoting a value)."""


@dataclass(frozen=True)
class Look:
    """What a value looks like: a kind ("a GitHub token") and a safe hint (`ghp_…`)."""

    kind: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.kind} ({self.hint})" if self.hint else self.kind


@dataclass(frozen=True)
class Finding:
    """One value that should not be in the file: where it is, what it looks like, the fix."""

    line: int | None
    key_path: str
    look: Look
    fix: str


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    kind: str
    prefix: str  # shown instead of the value: a constant of the format, not part of the secret


def _pattern(body: str, kind: str, prefix: str) -> _Pattern:
    # Not glued to a longer word on either side, so `mask_ghp_...` in prose does not count.
    return _Pattern(re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"), kind, prefix)


# Tokens whose format announces them. The random part must be long enough that a mention
# of the format in notes ("a ghp_ token") is not taken for a token.
_KNOWN_TOKENS: tuple[_Pattern, ...] = (
    _pattern(r"sk_live_[0-9A-Za-z]{16,}", "a Stripe live secret key", "sk_live_"),
    _pattern(r"sk_test_[0-9A-Za-z]{16,}", "a Stripe test secret key", "sk_test_"),
    _pattern(r"rk_live_[0-9A-Za-z]{16,}", "a Stripe live restricted key", "rk_live_"),
    _pattern(r"rk_test_[0-9A-Za-z]{16,}", "a Stripe test restricted key", "rk_test_"),
    _pattern(r"whsec_[0-9A-Za-z]{24,}", "a Stripe webhook secret", "whsec_"),
    _pattern(r"ghp_[0-9A-Za-z]{20,}", "a GitHub personal access token", "ghp_"),
    _pattern(r"gho_[0-9A-Za-z]{20,}", "a GitHub OAuth token", "gho_"),
    _pattern(r"ghu_[0-9A-Za-z]{20,}", "a GitHub user token", "ghu_"),
    _pattern(r"ghs_[0-9A-Za-z]{20,}", "a GitHub app token", "ghs_"),
    _pattern(r"ghr_[0-9A-Za-z]{20,}", "a GitHub refresh token", "ghr_"),
    _pattern(r"github_pat_[0-9A-Za-z_]{22,}", "a GitHub fine-grained token", "github_pat_"),
    _pattern(r"glpat-[0-9A-Za-z_-]{20,}", "a GitLab personal access token", "glpat-"),
    _pattern(r"xoxb-[0-9A-Za-z-]{10,}", "a Slack bot token", "xoxb-"),
    _pattern(r"xoxp-[0-9A-Za-z-]{10,}", "a Slack user token", "xoxp-"),
    _pattern(r"xox[aeors]-[0-9A-Za-z-]{10,}", "a Slack token", "xox"),
    _pattern(r"xapp-[0-9A-Za-z-]{10,}", "a Slack app token", "xapp-"),
    _pattern(
        r"https://hooks\.slack\.com/services/[0-9A-Za-z/]{20,}", "a Slack webhook URL", "https"
    ),
    _pattern(r"(?:AKIA|ASIA)[0-9A-Z]{16}", "an AWS access key ID", "AKIA"),
    _pattern(r"AIza[0-9A-Za-z_-]{35}", "a Google API key", "AIza"),
    _pattern(r"npm_[0-9A-Za-z]{36}", "an npm token", "npm_"),
    _pattern(r"pypi-AgE[0-9A-Za-z_-]{50,}", "a PyPI token", "pypi"),
    _pattern(r"sk-(?:proj-|ant-)?[0-9A-Za-z_-]{32,}", "an AI service API key", "sk-"),
    _pattern(r"SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}", "a SendGrid API key", "SG."),
    _pattern(r"hf_[A-Za-z]{30,}", "a Hugging Face token", "hf_"),
    _pattern(r"shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}", "a Shopify token", "shp"),
    _pattern(r"do[opr]_v1_[0-9a-f]{64}", "a DigitalOcean token", "do"),
)
# Three base64url parts, the header and payload both JSON objects (`{"` encodes as `eyJ`).
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,60})-----")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9+/_.~-]+")
# Splitting a value into words: spaces, quotes and the punctuation of headers and JSON.
_WORD_BREAK = re.compile(r"[\s\"'`,;<>(){}\[\]|\\]+")
# Inside a URL or a path, each segment and query value stands alone.
_URL_BREAK = re.compile(r"[/?&=#:@.]+")
# Outside one, `name=value` and `a:b` pairs; `=` at the end is base64 padding, kept.
_PAIR_BREAK = re.compile(r"[?&#:@]+|=(?=[^=])")
_IDENTIFIER_PARTS = re.compile(r"[-_.~+/]+")
_RUN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+")


def looks_like_secret(text: str, *, random_strings: bool) -> Look | None:
    """What `text` looks like when it holds a secret; None when it does not.

    Known token formats, JWTs and PEM blocks count anywhere. Long random-looking strings
    count only with `random_strings` (values of auth settings, headers and parameters):
    in notes, URLs and bodies they are too often ids.
    """
    pem = _PEM.search(text)
    if pem is not None:
        label = pem.group(1).strip()
        kind = "a PEM private key" if "PRIVATE KEY" in label else "a PEM block"
        return Look(kind, f"-----BEGIN {label}-----")
    for pattern in _KNOWN_TOKENS:
        match = pattern.regex.search(text)
        if match is not None and _varied(match.group(0)[len(pattern.prefix) :]):
            return Look(pattern.kind, pattern.prefix + ELLIPSIS)
    jwt = _JWT.search(text)
    if jwt is not None:
        return Look("a JSON Web Token", "eyJ" + ELLIPSIS)
    if random_strings:
        for word in _random_words(text):
            return Look("a long random string, like a key or token", word[:4] + ELLIPSIS)
    return None


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`, from the frequencies of its own characters."""
    if not text:
        return 0.0
    counts = Counter(text)
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def _varied(text: str) -> bool:
    """Not a placeholder like `XXXXXXXXXXXXXXXX` or `0000000000000000`."""
    return len(set(text)) >= 6


def _random_words(text: str) -> Iterator[str]:
    for word in _WORD_BREAK.split(text):
        if "://" in word or word.startswith(("/", "./", "../", "~/")):
            # A URL or a path: segments one by one, so `/users/<uuid>` passes while a key in a
            # query string (`?key=...`) or a webhook path is still seen.
            pieces = _URL_BREAK.split(word)
        else:
            pieces = _PAIR_BREAK.split(word)
        for piece in pieces:
            if _looks_random(piece):
                yield piece


def _looks_random(piece: str) -> bool:
    """A long, varied string of token characters that is neither an id nor made of words."""
    core = piece.rstrip("=")
    if len(core) < MIN_RANDOM_LENGTH or not _TOKEN_CHARACTERS.fullmatch(core):
        return False
    if _UUID.fullmatch(core):
        return False  # an id (debatable, but ids in paths and parameters are mostly UUIDs)
    if not (any(c.isdigit() for c in core) and any(c.isalpha() for c in core)):
        return False  # a word, or a number
    parts = [p for p in _IDENTIFIER_PARTS.split(core) if p]
    if all(p.isalpha() or p.isdigit() for p in parts):
        return False  # words and numbers joined, like snake_case or kebab-case names
    if _HEX.fullmatch(core):
        return len(core) >= MIN_HEX_LENGTH and shannon_entropy(core) >= HEX_ENTROPY_THRESHOLD
    if len(core) / len(_RUN.findall(core)) >= WORD_RUN_LENGTH:
        return False  # CamelCase words and numbers
    return shannon_entropy(core) >= ENTROPY_THRESHOLD


# -- walking a workspace file ---------------------------------------------------------------


@dataclass(frozen=True)
class _Role:
    """What a value in the file is, as far as the fix is concerned."""

    provider: str | None = None
    call: str | None = None
    field: str | None = None  # "auth", "header" or "parameter" for their values
    name: str | None = None  # the setting, header or parameter
    private: bool = False  # marked private, or a private setting of the auth method
    environment: str | None = None  # of a value written per environment

    @property
    def is_value(self) -> bool:
        return self.field is not None


def parse_toml(text: str) -> dict[str, Any]:
    """The data of a TOML text; `NotToml` saying where it is wrong (tomllib's messages give
    the line and column, never the text)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise NotToml(f"not valid TOML: {error}") from None
    except RecursionError:
        raise NotToml("not valid TOML: nested too deeply") from None


def is_workspace(data: Mapping[str, Any]) -> bool:
    """Whether TOML data is (meant to be) a workspace, not another tool's file like
    pyproject.toml: it has the workspace's `format` key or its providers."""
    return "format" in data or "providers" in data


def scan_text(text: str, source: str) -> tuple[Finding, ...]:
    """The findings in the workspace file `text`; `source` is its name as the user typed it
    (for the commands in the fixes). `NotToml` when it cannot be parsed."""
    return scan_data(parse_toml(text), text, source)


def scan_data(data: Mapping[str, Any], text: str, source: str) -> tuple[Finding, ...]:
    """The findings in `data`, parsed from `text` (used only to find lines)."""
    scanner = _Scanner(text, source)
    scanner.table(data, KeyPath(), _Role())
    return tuple(scanner.findings)


class _Scanner:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.findings: list[Finding] = []
        self._text = text
        self._locator: LineLocator | None = None  # built on the first finding only

    def table(self, table: Mapping[str, Any], path: KeyPath, role: _Role) -> None:
        for key, value in table.items():
            if key == "shape" and _is_call(path):
                continue  # field paths and type names, never a value
            self.value(value, path.key(key), key, _role_of(path, table, key, role))

    def value(self, value: object, path: KeyPath, key: str, role: _Role) -> None:
        if isinstance(value, str):
            self.text(value, path, role)
        elif isinstance(value, dict):
            self.table(value, path, role)
        elif isinstance(value, list):
            parent = KeyPath(path.steps[:-1])
            for index, item in enumerate(value):
                item_path = parent.item(key, index, _name_of(item))
                self.value(item, item_path, key, _item_role(path, index, item, role))

    def text(self, text: str, path: KeyPath, role: _Role) -> None:
        look = looks_like_secret(text, random_strings=role.is_value)
        if look is None and role.private and text.strip():
            look = Look(f"a value of a private {_field_word(role)}")
        if look is not None:
            self.findings.append(Finding(self._line(path), readable(path), look, self._fix(role)))

    def _line(self, path: KeyPath) -> int | None:
        if self._locator is None:
            self._locator = LineLocator(self._text)
        return self._locator.line(path)

    def _fix(self, role: _Role) -> str:
        provider = role.provider or "PROVIDER"
        file = shlex.quote(self.source)
        if role.field == "header" and role.name:
            address = SecretAddress.header(provider, role.name, role.call)
        elif role.field == "parameter" and role.name:
            address = SecretAddress.parameter(provider, role.name, role.call)
        elif role.field == "auth" and role.name and role.private:
            address = SecretAddress.auth(provider, role.name)
        elif role.field == "auth":  # a plain setting: no secret address to name
            return (
                "a plain setting is saved in the file for everyone to read: move the secret to "
                "one of the method's private settings, set with "
                f'`workbench secret set {file} "{provider}/auth.SETTING"`'
            )
        else:
            return (
                "remove it from the file: keep it in a private parameter (`private = true`, "
                f'set with `workbench secret set {file} "{provider}/param.NAME"`) and write '
                "<NAME> or [NAME] where it is used"
            )
        env = f" --env {shlex.quote(role.environment)}" if role.environment else ""
        command = f'`workbench secret set{env} {file} "{address}"`'
        if role.field == "auth":
            return f"remove it from the file (the setting is private) and set it with {command}"
        if role.private:
            return f'remove "value" (the {role.field} is private) and set it with {command}'
        return f"write `private = true` instead of its value and set it with {command}"


def _is_call(path: KeyPath) -> bool:
    steps = path.steps
    return len(steps) == 2 and steps[0].key == "providers" and steps[1].key == "calls"


def _is_owner(path: KeyPath) -> bool:
    """A provider's table or a call's: the tables that have headers and parameters."""
    steps = path.steps
    if not steps or steps[0].key != "providers" or steps[0].index is None:
        return False
    return len(steps) == 1 or (_is_call(path) and steps[1].index is not None)


def _name_of(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def _item_role(path: KeyPath, index: int, item: object, role: _Role) -> _Role:
    """The role of the tables of `providers`, `calls`, `headers` and `parameters`."""
    key = path.steps[-1].key
    parent = KeyPath(path.steps[:-1])
    name = _name_of(item)
    if key == "providers" and not parent.steps:
        return _Role(provider=name)
    if key == "calls" and _is_owner(parent) and len(parent.steps) == 1:
        return _Role(provider=role.provider, call=name)
    if key in ("headers", "parameters") and _is_owner(parent):
        private = isinstance(item, dict) and item.get("private") is True
        # Not yet a value: only the item's "value" key is (see `_role_of`).
        return _Role(role.provider, role.call, None, name, private)
    return role


def _role_of(path: KeyPath, table: Mapping[str, Any], key: str, role: _Role) -> _Role:
    """The role of `table[key]`, where `table` is at `path` and has `role`."""
    steps = path.steps
    if role.is_value:
        return replace(role, environment=key)  # a value per environment
    if steps and steps[-1].index is not None and steps[-1].key in ("headers", "parameters"):
        if key == "value" and _is_owner(KeyPath(steps[:-1])):
            field = "header" if steps[-1].key == "headers" else "parameter"
            return _Role(role.provider, role.call, field, role.name, role.private)
        return _Role(role.provider, role.call)
    if len(steps) == 2 and steps[1].key == "auth" and _is_owner(KeyPath(steps[:1])):
        if key == "method":
            return role
        method = METHODS.get(str(table.get("method")))
        setting = method.setting(key) if method is not None else None
        private = setting is not None and setting.private
        return _Role(role.provider, None, "auth", key, private)
    return role


def _field_word(role: _Role) -> str:
    return "setting" if role.field == "auth" else role.field or "field"


_SINGULAR = {
    "providers": "provider",
    "calls": "call",
    "headers": "header",
    "parameters": "parameter",
}


def readable(path: KeyPath) -> str:
    """The key path as a person reads it: `provider "Demo" > header "X-Api-Key" > value`."""
    words: list[str] = []
    for step in path.steps:
        singular = _SINGULAR.get(step.key)
        if step.index is not None and step.name and singular:
            words.append(f'{singular} "{step.name}"')
        else:
            words.append(str(step))
    return " > ".join(words)
