"""The OAuth2 user-agent login as tests play it: the auth workspace, the browser, the redirect.

The demo API's user has already approved the demo client, so following the
authorization URL answers at once with a redirect carrying the code. A test
either reads that redirect (`redirect_location`) and pastes it, as a person
on the far end of an SSH connection would, or follows it to the login's
loopback listener, as a browser on the same machine does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx

from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.io import load_workspace, save_workspace
from workbench.core.workspace.model import Auth, Provider

ROOT = Path(__file__).resolve().parents[1]
AUTH = ROOT / "workspaces" / "auth.toml"
PROVIDER = "OAuth2 user-agent"
WAIT_SECONDS = 20.0


def owner(document: WorkspaceDocument) -> Provider:
    """The OAuth2 user-agent provider of the open workspace (its token is kept by its id)."""
    provider = document.workspace.provider(PROVIDER)
    assert provider is not None
    return provider


def auth_workspace(folder: Path) -> Path:
    """workspaces/auth.toml copied into `folder`, its redirect URI on a free port (port 0).

    The copy keeps the workspace id, so the token it caches is the one
    `workbench run workspaces/auth.toml` uses; the free port lets test runs
    proceed side by side without fighting over port 8765.
    """
    model = load_workspace(AUTH)
    providers = tuple(
        replace(p, auth=with_redirect(p.auth, "http://127.0.0.1:0/callback"))
        if p.name == PROVIDER
        else p
        for p in model.providers
    )
    path = folder / "auth.toml"
    save_workspace(replace(model, providers=providers), path)
    return path


def with_redirect(auth: Auth, redirect_uri: str) -> Auth:
    return Auth(auth.method, {**auth.settings, "redirect_uri": redirect_uri})


def a_browser() -> httpx.Client:
    """The test's stand-in for a browser (ignoring any proxy settings of the machine)."""
    return httpx.Client(trust_env=False, timeout=WAIT_SECONDS)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**query_of(url), **changes})))


def redirect_location(browser: httpx.Client, url: str) -> str:
    """Where the demo sends the browser after the (pre-approved) login."""
    answer = browser.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]
