"""Cookie jars kept between runs of `workbench run --cookies`, in the user's data directory.

A session's jars live in memory (`cookies`); a headless run is one session, so a cookie a
login call gets would be gone by the next run. With `--cookies` the run starts with the
jars kept for the workspace and saves them back after it: `cookies.json` in workbench's
data directory (`$WORKBENCH_HOME`, beside the secret store), per workspace id, provider
and environment, each cookie with the origin that set it and every attribute (session
cookies too, as curl's cookie jar keeps them, until the server expires them or
`forget` drops them). Cookie values are private values: the file has the secret store's
rules (mode 0600 in a 0700 folder, changed under a lock, replaced atomically), the values
are masked in what workbench prints, and nothing of them goes into a workspace.
"""

from __future__ import annotations

import json
import os
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any, TypeVar

from workbench.core.secrets.private_files import LockedJson, check_private_directory
from workbench.core.secrets.store import remember
from workbench.core.sending.cookies import CookieJars

FORMAT = 1
# The attributes of `http.cookiejar.Cookie` (its constructor's arguments), as written.
_ATTRIBUTES = (
    *("version", "name", "value", "port", "port_specified", "domain", "domain_specified"),
    *("domain_initial_dot", "path", "path_specified", "secure", "expires", "discard"),
    *("comment", "comment_url", "rfc2109"),
)

_T = TypeVar("_T")
Snapshot = dict[tuple[str, str], str]  # (provider, environment) -> its cookies as JSON text


class KeptCookies:
    """The file of kept cookie jars in `home` (workbench's data directory)."""

    FILE_NAME = "cookies.json"

    def __init__(self, home: Path) -> None:
        self.path = home / self.FILE_NAME
        self._file = LockedJson(
            self.path,
            what="the cookie file",
            format=FORMAT,
            fresh=lambda: {"format": FORMAT, "workspaces": {}},
            valid=lambda data: isinstance(data.get("workspaces"), dict),
        )

    def load(self, workspace_id: str, jars: CookieJars) -> Snapshot:
        """Put the workspace's kept cookies into `jars`; what was loaded, for `save`.
        `SecretStoreError` when the file cannot be read."""
        if os.path.lexists(self.path.parent):
            # Cookies from a folder others can write to could be theirs.
            check_private_directory(self.path.parent)
        kept = self._file.read()["workspaces"].get(workspace_id, {})
        snapshot: Snapshot = {}
        for provider, environments in _items(kept):
            for environment, cookies in _items(environments):
                jar = jars.of(provider, environment)
                for entry in cookies if isinstance(cookies, list) else ():
                    restored = _cookie(entry)
                    if restored is not None:
                        remember(restored[1].value or "")  # masked wherever it is printed
                        jar.restore(*restored)
                snapshot[provider, environment] = _text(jars, provider, environment)
        return snapshot

    def save(self, workspace_id: str, jars: CookieJars, loaded: Snapshot) -> None:
        """Write back the jars that changed since `load` (an emptied one is removed); the
        others stay as the file has them, which another run may have changed meanwhile."""
        changed = {
            key: _text(jars, *key)
            for key in jars.jars()
            if _text(jars, *key) != loaded.get(key, "[]")
        }
        if not changed:
            return
        with self._file.update() as data:
            kept = data["workspaces"].setdefault(workspace_id, {})
            for (provider, environment), text in changed.items():
                environments = kept.setdefault(provider, {})
                if text == "[]":
                    environments.pop(environment, None)
                else:
                    environments[environment] = json.loads(text)
                if not environments:
                    kept.pop(provider)
            if not kept:
                data["workspaces"].pop(workspace_id)

    def forget(self, workspace_id: str, provider: str, environment: str) -> bool:
        """Drop the cookies kept for `provider` in `environment`; True when there were any."""
        if not self.path.exists():
            return False
        with self._file.update() as data:
            kept = data["workspaces"].get(workspace_id, {})
            environments = kept.get(provider, {})
            found = environments.pop(environment, None) is not None
            if not environments:
                kept.pop(provider, None)
            if not kept:
                data["workspaces"].pop(workspace_id, None)
        return found


def _items(value: object) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _text(jars: CookieJars, provider: str, environment: str) -> str:
    """A jar's cookies as canonical JSON text (to compare, and to write)."""
    held = jars.of(provider, environment).held()
    return json.dumps([_entry(origin, cookie) for origin, cookie in held], sort_keys=True)


def _entry(origin: str, cookie: Cookie) -> dict[str, Any]:
    entry: dict[str, Any] = {"origin": origin}
    entry |= {name: getattr(cookie, name) for name in _ATTRIBUTES}
    entry["rest"] = dict(getattr(cookie, "_rest", {}))  # HttpOnly, SameSite...
    return entry


def _cookie(entry: object) -> tuple[str, Cookie] | None:
    """A kept cookie and its origin; None for an entry this version cannot read."""
    if not isinstance(entry, dict) or not isinstance(entry.get("origin"), str):
        return None
    rest = entry.get("rest")
    try:
        cookie = Cookie(
            version=_number(entry, "version"),
            name=_string(entry, "name"),
            value=_string(entry, "value"),
            port=_optional(entry, "port"),
            port_specified=_flag(entry, "port_specified"),
            domain=_string(entry, "domain"),
            domain_specified=_flag(entry, "domain_specified"),
            domain_initial_dot=_flag(entry, "domain_initial_dot"),
            path=_string(entry, "path"),
            path_specified=_flag(entry, "path_specified"),
            secure=_flag(entry, "secure"),
            expires=_number(entry, "expires"),
            discard=_flag(entry, "discard"),
            comment=_optional(entry, "comment"),
            comment_url=_optional(entry, "comment_url"),
            rest={str(k): v for k, v in rest.items()} if isinstance(rest, dict) else {},
            rfc2109=_flag(entry, "rfc2109"),
        )
    except _Unreadable:
        return None
    return entry["origin"], cookie


class _Unreadable(ValueError):
    """A kept cookie's attribute is not of its type."""


def _typed(entry: dict[str, Any], name: str, kind: type[_T]) -> _T:
    value = entry.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _Unreadable(name)
    return value


def _string(entry: dict[str, Any], name: str) -> str:
    return _typed(entry, name, str)


def _optional(entry: dict[str, Any], name: str) -> str | None:
    return None if entry.get(name) is None else _string(entry, name)


def _flag(entry: dict[str, Any], name: str) -> bool:
    return _typed(entry, name, bool)


def _number(entry: dict[str, Any], name: str) -> int | None:
    return None if entry.get(name) is None else _typed(entry, name, int)
