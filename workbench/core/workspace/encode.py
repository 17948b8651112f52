"""Turn a `Workspace` into the plain data of its file, with keys in the one canonical order.

The key tuples below are the file format's key order and also the keys the
reader accepts. Only values that differ from the model's defaults are
written (a few identifying keys always are), so a file stays short and an
edit shows up as a change on the lines of the value that changed.
"""

from __future__ import annotations

from typing import Any

from workbench.core.auth import METHODS
from workbench.core.shape.toml import shape_to_toml_data
from workbench.core.workspace.model import (
    DEFAULT_ENVIRONMENTS,
    FORMAT_VERSION,
    Auth,
    Call,
    CallOptions,
    Header,
    Parameter,
    PerEnvironment,
    Provider,
    Value,
    Workspace,
    WorkspaceSettings,
)

WORKSPACE_KEYS = ("format", "id", "name", "environments", "settings", "providers")
SETTINGS_KEYS = ("confirm_actions", "max_response_bytes", "history")
PROVIDER_KEYS = (
    "id",
    "name",
    "base_url",
    "ca_bundle",
    "proxy",
    "notes",
    "headers",
    "parameters",
    "auth",
    "calls",
)
CALL_KEYS = (
    "id",
    "name",
    "use_as",
    "method",
    "url",
    "headers",
    "parameters",
    "body_type",
    "body",
    "content_type",
    "response_type",
    "notes",
    "options",
    "shape",
)
OPTIONS_KEYS = ("timeout", "follow_redirects", "verify_tls", "include_errors", "capture_headers")
HEADER_KEYS = ("name", "value", "private")
PARAMETER_KEYS = (
    "name",
    "value",
    "from",
    "path",
    "private",
    "optional",
    "allow_blank",
    "in",
    "file",
)
AUTH_METHOD_KEY = "method"

_DEFAULT_SETTINGS = WorkspaceSettings()
_DEFAULT_OPTIONS = CallOptions()
_DEFAULT_CALL = Call(name="")


def encode_workspace(workspace: Workspace) -> dict[str, Any]:
    """The workspace as the dict tomli-w writes: canonical key order, defaults left out."""
    environments = workspace.environments
    data: dict[str, Any] = {"format": FORMAT_VERSION, "id": workspace.id, "name": workspace.name}
    if environments != DEFAULT_ENVIRONMENTS:
        data["environments"] = list(environments)
    settings = _changed(workspace.settings, _DEFAULT_SETTINGS, SETTINGS_KEYS)
    if settings:
        data["settings"] = settings
    if workspace.providers:
        data["providers"] = [_provider(p, environments) for p in workspace.providers]
    return data


def _provider(provider: Provider, environments: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = _identity(provider)
    if provider.base_url != "":
        data["base_url"] = _value(provider.base_url, environments)
    if provider.ca_bundle != "":
        data["ca_bundle"] = _value(provider.ca_bundle, environments)
    if provider.proxy != "":
        data["proxy"] = _value(provider.proxy, environments)
    if provider.notes:
        data["notes"] = provider.notes
    if provider.headers:
        data["headers"] = [_header(h, environments) for h in provider.headers]
    if provider.parameters:
        data["parameters"] = [_parameter(p, environments) for p in provider.parameters]
    if provider.auth.method != "none" or provider.auth.settings:
        data["auth"] = _auth(provider.auth, environments)
    if provider.calls:
        data["calls"] = [_call(c, environments) for c in provider.calls]
    return data


def _identity(item: Provider | Call) -> dict[str, Any]:
    """The id (first, so giving an older file its ids adds the line after the table's header)
    and the name; a model built in memory may have no id yet."""
    return {"id": item.id, "name": item.name} if item.id else {"name": item.name}


def _auth(auth: Auth, environments: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {AUTH_METHOD_KEY: auth.method}
    # The method's own setting order, so the file does not depend on how the
    # mapping was built; settings the method does not know go last (the
    # reader rejects them, with a message naming them).
    method = METHODS.get(auth.method)
    known = [s.name for s in method.settings] if method else []
    order = [k for k in known if k in auth.settings] + [k for k in auth.settings if k not in known]
    for key in order:
        data[key] = _value(auth.settings[key], environments)
    return data


def _call(call: Call, environments: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {
        **_identity(call),
        "use_as": call.use_as.value,
        "method": call.method.value,
        "url": call.url,
    }
    if call.headers:
        data["headers"] = [_header(h, environments) for h in call.headers]
    if call.parameters:
        data["parameters"] = [_parameter(p, environments) for p in call.parameters]
    if call.body_type != _DEFAULT_CALL.body_type:
        data["body_type"] = call.body_type.value
    if call.body:
        data["body"] = call.body
    if call.content_type:
        data["content_type"] = call.content_type
    if call.response_type != _DEFAULT_CALL.response_type:
        data["response_type"] = call.response_type.value
    if call.notes:
        data["notes"] = call.notes
    options = _changed(call.options, _DEFAULT_OPTIONS, OPTIONS_KEYS)
    if options:
        if "timeout" in options:
            # Always a float, so a model holding an int timeout writes what it reads back.
            options["timeout"] = float(options["timeout"])
        data["options"] = options
    if call.shape is not None:
        # Written even when empty: an empty shape (a response `{}`) is still an initialized call.
        data["shape"] = shape_to_toml_data(call.shape)
    return data


def _header(header: Header, environments: tuple[str, ...]) -> dict[str, Any]:
    # Keys are added in HEADER_KEYS order (value and private never both).
    data: dict[str, Any] = {"name": header.name}
    # A private header's value lives in the secret store; never write one, even if a
    # caller left it in the model.
    if header.private:
        data["private"] = True
    elif header.value != "":
        data["value"] = _value(header.value, environments)
    return data


def _parameter(parameter: Parameter, environments: tuple[str, ...]) -> dict[str, Any]:
    # Keys are added in PARAMETER_KEYS order. The reader accepts only one of value, from
    # and private; a model holding two writes a file that would not load, so it is not saved.
    data: dict[str, Any] = {"name": parameter.name}
    # A private parameter's value lives in the secret store; never write one, even if a
    # caller left it in the model.
    if not parameter.private and parameter.value != "":
        data["value"] = _value(parameter.value, environments)
    if parameter.source is not None:
        data["from"] = parameter.source.call
        if parameter.source.path:
            data["path"] = parameter.source.path
    if parameter.private:
        data["private"] = True
    if parameter.optional:
        data["optional"] = True
    if parameter.allow_blank:
        data["allow_blank"] = True
    if parameter.location is not None:
        data["in"] = parameter.location.value
    if parameter.file:
        data["file"] = True
    return data


def _value(value: Value, environments: tuple[str, ...]) -> str | dict[str, str]:
    """A text, or a table of per-environment texts in the workspace's environment order."""
    if isinstance(value, PerEnvironment):
        known = [e for e in environments if e in value.values]
        others = [e for e in value.values if e not in environments]
        return {e: value.values[e] for e in known + others}
    return value


def _changed(
    current: WorkspaceSettings | CallOptions,
    default: WorkspaceSettings | CallOptions,
    keys: tuple[str, ...],
) -> dict[str, Any]:
    """The keys whose value differs from the default, in `keys` order."""
    return {k: getattr(current, k) for k in keys if getattr(current, k) != getattr(default, k)}
