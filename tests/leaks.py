"""Where a private value must never end up, and how to look for it in any encoding.

The tests that send private values check afterwards that none of them was written into the
project (a log, a saved workspace, a cache), reached a server it was not approved for, or
was kept in the history; `leaked_in` looks for each value in every form a request, a
response or a file can carry it (`masking.encoded_forms`: URL and form encoding, JSON
escaping, base64, Python's repr of bytes).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from pathlib import Path

from workbench.core.auth.tokens import Token
from workbench.core.secrets.masking import encoded_forms
from workbench.core.secrets.store import SecretStore
from workbench.demo.credentials import AUTH_WORKSPACE_ID, DemoCredentials

ROOT = Path(__file__).resolve().parents[1]
# Not the project's own files: version control, the virtual environment, tools' caches.
SKIPPED = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache"}


def project_files_holding(values: Iterable[str]) -> list[tuple[str, Path]]:
    """(value, file) for each of `values` found in a file of the project tree."""
    wanted = [(value, value.encode()) for value in values]
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        for name in names:
            path = Path(folder, name)
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue  # gone meanwhile: a cache another test process was writing
            found += [(value, path) for value, encoded in wanted if encoded in data]
    return found


def leaked_in(data: bytes, values: Iterable[str]) -> list[str]:
    """The values (by their first characters) found in `data` in any encoding."""
    found = []
    for value in values:
        forms = set(encoded_forms(value)) | {base64.b64encode(value.encode()).decode()}
        if any(form.encode() in data for form in forms if len(form) >= 4):
            found.append(value[:6] + "…")
    return found


def demo_secret_values(credentials: DemoCredentials) -> list[str]:
    """Every private value of the demo, as texts that would show up if one leaked.

    For PEM texts a base64 line is looked for: it survives JSON escaping,
    which the whole multi-line text would not.
    """
    values = []
    for _, _, value in credentials.secret_values():
        lines = value.strip().splitlines()
        values.append(max(lines, key=len) if len(lines) > 1 else value)
    return values


def demo_tokens() -> list[str]:
    """The access and refresh tokens runs of `workspaces/auth.toml` cached in the store."""
    tokens = []
    for address, per_env in SecretStore().values(AUTH_WORKSPACE_ID).items():
        if address.endswith("/auth.token"):
            for text in per_env.values():
                token = Token.from_json(text)
                assert token is not None
                tokens.append(token.access_token.reveal())
                if token.refresh_token:
                    tokens.append(token.refresh_token.reveal())
    return tokens
