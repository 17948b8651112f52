"""A Posting collection (a folder of `*.posting.yaml` request files) read as one provider.

Posting is a terminal API client; each request file holds name, description, method,
url, headers, params and path_params (`{name, value, enabled}`; `:id` in the URL),
body (`content` with its `content_type`, or `form_data` fields), auth (basic, digest,
bearer_token) and options (follow_redirects, verify_ssl, timeout). Each request is
put in Postman's shape and read as a Postman request is (`postman.add_collection`):
subfolders flatten into call names ("users / Get user"), the folder's name names the
provider. `${VAR}` and `$VAR` come from the folder's `.env` files: `NAME.env` is the
environment NAME, `.env` sets values for every environment. Passwords and tokens go
to the secret store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from workbench.core.interop.collection import CollectionError, CollectionImport, Variables
from workbench.core.interop.postman import Request, add_collection
from workbench.core.workspace.editing import EditError
from workbench.core.workspace.environments import add_environment
from workbench.core.workspace.model import CallOptions, Workspace

VARIABLE = r"\$\{([^{}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)"
SUFFIX = ".posting.yaml"


def import_posting(workspace: Workspace, folder: Path) -> CollectionImport:
    """`workspace` with the collection in `folder` as a new provider. Raises
    `CollectionError` for a folder that is not a Posting collection."""
    if not folder.is_dir():
        raise CollectionError(f"{folder} is not a folder.")
    files = sorted(folder.rglob(f"*{SUFFIX}"))
    if not files:
        raise CollectionError(f"{folder} has no {SUFFIX} request files.")
    workspace, values = _environments(workspace, folder)
    variables = Variables(VARIABLE, "${%s}", workspace.environments, values)
    requests = [_request(folder, file) for file in files]
    return add_collection(workspace, variables, folder.resolve().name, requests, None)


def _environments(
    workspace: Workspace, folder: Path
) -> tuple[Workspace, dict[str, dict[str, str]]]:
    """The workspace with an environment for each `NAME.env` file, and each environment's
    variables (`.env` sets them for every environment)."""
    shared: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for file in sorted(folder.glob("*.env")) + sorted(folder.glob(".env")):
        values = _dotenv(file)
        if file.name == ".env":
            shared = values
            continue
        environment = file.name.removesuffix(".env")
        if environment not in workspace.environments:
            try:
                workspace = add_environment(workspace, environment)
            except EditError as error:
                raise CollectionError(f"{file}: {error}") from None
        own[environment] = values
    return workspace, {env: {**shared, **own.get(env, {})} for env in workspace.environments}


def _dotenv(file: Path) -> dict[str, str]:
    """The `KEY=value` lines of a dotenv file (comments, `export` and quotes allowed)."""
    values: dict[str, str] = {}
    for line in _text(file).splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CollectionError(f"{file} could not be read: {error}") from None


def _request(folder: Path, file: Path) -> Request:
    """A request file in Postman's shape."""
    import yaml  # only an import from Posting needs it

    try:
        data = yaml.safe_load(_text(file))
    except yaml.YAMLError as error:
        raise CollectionError(f"{file} is not YAML: {error}") from None
    if not isinstance(data, dict) or not data.get("url"):
        raise CollectionError(f"{file} is not a Posting request: it has no url.")
    name = str(data.get("name") or file.name.removesuffix(SUFFIX))
    folders = list(file.relative_to(folder).parent.parts)
    full = " / ".join([*folders, name])
    url = {
        "raw": str(data["url"]),
        "query": list(_fields(data.get("params"))),
        "variable": list(_fields(data.get("path_params"))),  # `:id` in the URL
    }
    headers = list(_fields(data.get("headers")))
    body = data.get("body")
    content_type = body.get("content_type") if isinstance(body, dict) else None
    if content_type and not any(h["key"].lower() == "content-type" for h in headers):
        headers.append({"key": "Content-Type", "value": content_type, "enabled": True})
    request: dict[str, Any] = {
        "method": data.get("method") or "GET",
        "url": url,
        "header": headers,
        "body": _body(body),
    }
    description = str(data.get("description") or "").strip()
    options = _options(data.get("options"))
    return Request(full, request, _auth(data.get("auth")), description, options)


def _options(options: Any) -> CallOptions:
    """Posting's `options` (those a file holds differ from Posting's defaults) as the call's."""
    given = options if isinstance(options, dict) else {}
    timeout = given.get("timeout")
    return CallOptions(
        follow_redirects=given.get("follow_redirects") is not False,
        verify_tls=given.get("verify_ssl") is not False,
        timeout=float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else None,
    )


def _fields(items: Any) -> Iterator[Mapping[str, Any]]:
    """Posting's `{name, value, enabled}` entries as Postman's `{key, value, enabled}`."""
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item.get("name"):
            enabled = item.get("enabled", True) is not False
            yield {"key": item["name"], "value": item.get("value", ""), "enabled": enabled}


def _body(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        return {}
    if body.get("form_data"):
        return {"mode": "urlencoded", "urlencoded": list(_fields(body["form_data"]))}
    if body.get("content"):
        return {"mode": "raw", "raw": str(body["content"])}
    return {}


def _auth(auth: Any) -> Mapping[str, Any] | None:
    """Posting's auth in Postman's shape (digest is kept as a type a note names)."""
    if not isinstance(auth, dict) or not auth.get("type"):
        return None
    kind = auth["type"]
    settings = auth.get(kind)
    settings = settings if isinstance(settings, dict) else {}
    if kind == "bearer_token":
        kind = "bearer"
    entries = [{"key": key, "value": value} for key, value in settings.items()]
    return {"type": kind, kind: entries}
