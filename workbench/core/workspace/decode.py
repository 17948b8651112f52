"""Turn the parsed TOML of a workspace file into a `Workspace`, checking every key, type and name.

Nothing here runs code from the file: values are only compared, copied and
wrapped in the model's dataclasses. Every problem is a `WorkspaceError`
naming the file, the line (best effort, see `LineLocator`), the key path and
what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from workbench.core.auth import METHODS, AuthSetting
from workbench.core.errors import ChainError
from workbench.core.secrets.store import (
    SecretAddress,
)
from workbench.core.sending.proxies import proxy_problem
from workbench.core.shape.fields import Shape, ShapeError
from workbench.core.shape.json_path import PathError
from workbench.core.shape.toml import shape_from_toml_data
from workbench.core.terminal_text import has_control, visible
from workbench.core.workspace.chaining import check_source, check_source_path
from workbench.core.workspace.encode import (
    AUTH_METHOD_KEY,
    CALL_KEYS,
    HEADER_KEYS,
    OPTIONS_KEYS,
    PARAMETER_KEYS,
    PROVIDER_KEYS,
    SETTINGS_KEYS,
    WORKSPACE_KEYS,
)
from workbench.core.workspace.migrate import FormatError, upgraded
from workbench.core.workspace.model import (
    DEFAULT_ENVIRONMENTS,
    FORMAT_VERSION,
    Auth,
    BodyType,
    Call,
    CallOptions,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    ResponseType,
    UseAs,
    Value,
    ValueSource,
    Workspace,
    WorkspaceSettings,
    new_workspace_id,
    with_derived_ids,
)
from workbench.core.workspace.paths import KeyPath
from workbench.core.workspace.values import (
    TableReader,
    describe,
    did_you_mean,
    expected_one_of,
    is_integer,
    peek_name,
)

# What a provider's or call's id may hold: it is part of the secret store's keys.
_ITEM_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# RFC 9110 token characters: what an HTTP header name may contain.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_DEFAULT_SETTINGS = WorkspaceSettings()
_DEFAULT_OPTIONS = CallOptions()
_ROOT = KeyPath()


def _holds_control(value: object) -> bool:
    """Whether a control character (line breaks and tabs aside) is anywhere in `value`: the
    quick pass over a whole file, which makes no key paths (they are made for the error)."""
    if isinstance(value, str):
        return has_control(value, allow_line_breaks=True)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _holds_control(key) or _holds_control(item):
                return True
    elif isinstance(value, list):
        for element in value:
            if _holds_control(element):
                return True
    return False


def decode_workspace(data: Mapping[str, Any], source: str, text: str) -> Workspace:
    """The workspace described by `data`, parsed from `text` (used to find lines for errors)."""
    return _Reader(source, text).workspace(data)


class _Reader(TableReader):
    """Reads one workspace's data, table by table."""

    def workspace(self, data: Mapping[str, Any]) -> Workspace:
        # The format first: a newer file may well have keys this version does not know, and
        # an older one is brought up to this version's before anything else is read.
        data = self._format(data)
        self._check_keys(data, WORKSPACE_KEYS, _ROOT)
        self._no_control_characters(data, _ROOT)
        workspace_id = new_workspace_id()  # a file without an id gets one; saving writes it
        if "id" in data:
            workspace_id = self._name(data, _ROOT, "id", "the workspace needs a stable id")
        name = self._name(data, _ROOT, "name", "the workspace needs a name")
        self.environments = self._environments(data)
        self.item_ids: dict[str, KeyPath] = {}  # the ids given in the file, and where
        workspace = Workspace(
            id=workspace_id,
            name=name,
            environments=self.environments,
            settings=self._settings(data),
            providers=self._providers(data),
        )
        self._check_chains(workspace)
        return with_derived_ids(workspace)

    def _item_id(self, table: Mapping[str, Any], path: KeyPath) -> str:
        """The provider's or call's id; "" when the file has none (one is derived)."""
        if "id" not in table:
            return ""
        item_id = self._text(table, "id", path)
        if not _ITEM_ID.fullmatch(item_id):
            raise self.error(
                path.key("id"),
                f'"{item_id}" is not an id: use 1 to 64 letters, digits, "-" and "_" (or '
                "remove the line: workbench writes a new id at the next save)",
            )
        earlier = self.item_ids.setdefault(item_id, path)
        if earlier is not path:
            raise self.error(
                path.key("id"),
                f'"{item_id}" is already the id of {earlier}; ids are unique within a '
                "workspace (a copied table keeps its id): remove this line and workbench writes "
                "a new id at the next save",
            )
        return item_id

    def _no_control_characters(self, value: object, path: KeyPath) -> None:
        """Refuse text holding control characters (line breaks and tabs aside) anywhere in the
        file: a workspace may come from someone else, and its text is shown in editors that
        would hand an escape sequence to the terminal as it is."""
        if _holds_control(value):
            self._find_control_character(value, path)

    def _find_control_character(self, value: object, path: KeyPath) -> None:
        """Raise the error naming where the control character is (`value` holds one)."""
        if isinstance(value, str):
            if has_control(value, allow_line_breaks=True):
                shown = visible(value)
                raise self.error(
                    path,
                    f"holds a control character ({shown[:60]}); workspace text may not contain "
                    "any (they could drive your terminal). Remove it.",
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self._find_control_character(key, path.key(key))
                if isinstance(item, list):
                    for index, element in enumerate(item):
                        name = peek_name(element) if isinstance(element, Mapping) else None
                        label = visible(name) if name else None  # the path is in the message
                        self._find_control_character(element, path.item(key, index, label))
                else:
                    self._find_control_character(item, path.key(key))
        elif isinstance(value, list):
            for element in value:  # an array inside an array: the path stops at the outer one
                self._find_control_character(element, path)

    def _check_chains(self, workspace: Workspace) -> None:
        """Check every chained parameter's source: it may be a call later in the file, so
        this runs once the whole workspace is read."""
        for provider_index, provider in enumerate(workspace.providers):
            provider_path = _ROOT.item("providers", provider_index, provider.name)
            for call_index, call in enumerate(provider.calls):
                call_path = provider_path.item("calls", call_index, call.name)
                for index, parameter in enumerate(call.parameters):
                    if parameter.source is None:
                        continue
                    try:
                        check_source(workspace, provider, call, parameter)
                    except ChainError as error:
                        path = call_path.item("parameters", index, parameter.name)
                        raise self.error(path.key("from"), str(error)) from None

    def _format(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """`data` as data of the current format (an older file is migrated)."""
        path = _ROOT.key("format")
        if "format" not in data:
            raise self.error(
                path, f"missing; a workspace file starts with format = {FORMAT_VERSION}"
            )
        value = data["format"]
        if not is_integer(value):
            raise self.error(path, f"expected the integer {FORMAT_VERSION}; got {describe(value)}")
        try:
            return upgraded(data, value)
        except FormatError as error:
            raise self.error(path, str(error)) from None

    def _environments(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        if "environments" not in data:
            return DEFAULT_ENVIRONMENTS
        value = data["environments"]
        path = _ROOT.key("environments")
        if not isinstance(value, list):
            raise self.error(path, f"expected an array of names; got {describe(value)}")
        if not value:
            raise self.error(path, "expected at least one environment (the first is the default)")
        seen: set[str] = set()
        for index, name in enumerate(value):
            item = _ROOT.item("environments", index)
            if not isinstance(name, str):
                raise self.error(item, f"expected a name; got {describe(name)}")
            if not name.strip():
                raise self.error(item, "an environment name must not be empty")
            if name in seen:
                raise self.error(item, f'"{name}" is listed twice; environment names are unique')
            seen.add(name)
        return tuple(value)

    def _settings(self, data: Mapping[str, Any]) -> WorkspaceSettings:
        if "settings" not in data:
            return _DEFAULT_SETTINGS
        path = _ROOT.key("settings")
        table = self._table(data["settings"], path)
        self._check_keys(table, SETTINGS_KEYS, path)
        return WorkspaceSettings(
            confirm_actions=self._flag(
                table, "confirm_actions", path, _DEFAULT_SETTINGS.confirm_actions
            ),
            max_response_bytes=self._positive_integer(
                table, "max_response_bytes", path, _DEFAULT_SETTINGS.max_response_bytes
            ),
            history=self._flag(table, "history", path, _DEFAULT_SETTINGS.history),
        )

    def _providers(self, data: Mapping[str, Any]) -> tuple[Provider, ...]:
        providers: list[Provider] = []
        seen: dict[str, int] = {}
        for index, table in self._items(data, "providers", _ROOT):
            path = _ROOT.item("providers", index, peek_name(table))
            name = self._name(table, path, "name", "every provider needs a name")
            self._unique(seen, name, index, path, "providers", "provider names are unique")
            providers.append(self._provider(table, path, name))
        return tuple(providers)

    def _provider(self, table: Mapping[str, Any], path: KeyPath, name: str) -> Provider:
        self._check_keys(table, PROVIDER_KEYS, path)
        if "/" in name:
            raise self.error(
                path.key("name"),
                'a provider name must not contain "/": it separates the provider from the '
                'field in secret names like "Demo/auth.value"',
            )
        # Read in the file's key order, so the first problem reported is the first in the file.
        item_id = self._item_id(table, path)
        base_url = self._value(table, "base_url", path)
        ca_bundle = self._value(table, "ca_bundle", path)
        proxy = self._proxy(table, path)
        notes = self._text(table, "notes", path)
        headers = self._headers(table, path, name, None)
        parameters = self._parameters(table, path, name, None)
        auth = self._auth(table, path, name)
        return Provider(
            name=name,
            id=item_id,
            base_url=base_url,
            auth=auth,
            headers=headers,
            parameters=parameters,
            calls=self._calls(table, path, name),
            notes=notes,
            ca_bundle=ca_bundle,
            proxy=proxy,
        )

    def _proxy(self, table: Mapping[str, Any], path: KeyPath) -> Value:
        value = self._value(table, "proxy", path)
        if isinstance(value, PerEnvironment):
            texts = [(path.key("proxy").key(e), text) for e, text in value.values.items()]
        else:
            texts = [(path.key("proxy"), value)]
        for where, text in texts:
            problem = proxy_problem(text) if text else None
            if problem is not None:
                raise self.error(where, problem)
        return value

    def _calls(self, table: Mapping[str, Any], path: KeyPath, provider: str) -> tuple[Call, ...]:
        calls: list[Call] = []
        seen: dict[str, int] = {}
        for index, item in self._items(table, "calls", path):
            call_path = path.item("calls", index, peek_name(item))
            name = self._name(item, call_path, "name", "every call needs a name")
            self._unique(
                seen, name, index, call_path, "calls", "call names are unique within a provider"
            )
            calls.append(self._call(item, call_path, provider, name))
        return tuple(calls)

    def _auth(self, table: Mapping[str, Any], path: KeyPath, provider: str) -> Auth:
        if "auth" not in table:
            return Auth()
        path = path.key("auth")
        auth = self._table(table["auth"], path)
        if AUTH_METHOD_KEY not in auth:
            raise self.error(
                path.key(AUTH_METHOD_KEY), f"missing; expected one of: {', '.join(METHODS)}"
            )
        method_name = auth[AUTH_METHOD_KEY]
        method = METHODS.get(method_name) if isinstance(method_name, str) else None
        if method is None:
            raise self.error(
                path.key(AUTH_METHOD_KEY),
                expected_one_of(METHODS, method_name, "authentication method"),
            )
        settings: dict[str, Value] = {}
        for key in auth:
            if key == AUTH_METHOD_KEY:
                continue
            setting = method.setting(key)
            if setting is None:
                plain = [s.name for s in method.settings if not s.private]
                hint = did_you_mean(key, plain) or (
                    f"expected one of: {', '.join(plain)}" if plain else "it has no settings"
                )
                raise self.error(
                    path.key(key),
                    f'"{key}" is not a setting of the "{method.name}" method; {hint}',
                )
            if setting.private:
                address = SecretAddress.auth(provider, key)
                raise self.error(
                    path.key(key),
                    f'"{key}" is private: remove it from the file and run '
                    f'`workbench secret set {self.source} "{address}"`',
                )
            settings[key] = self._value(auth, key, path)
            if setting.choices:
                self._check_choice(settings[key], setting, method.name, path.key(key))
        return Auth(method=method.name, settings=settings)

    def _check_choice(self, value: Value, setting: AuthSetting, method: str, path: KeyPath) -> None:
        """An error unless every environment's value is one of the setting's choices; an
        empty one stands for the default, as when sending."""
        if isinstance(value, PerEnvironment):
            texts = [(path.key(environment), text) for environment, text in value.values.items()]
        else:
            texts = [(path, value)]
        for where, text in texts:
            if text and text not in setting.choices:
                hint = did_you_mean(text, setting.choices)
                raise self.error(
                    where,
                    f'"{text}" is not a choice of the "{setting.name}" setting of the '
                    f'"{method}" method; expected one of: {", ".join(setting.choices)}'
                    + (f"; {hint}" if hint else ""),
                )

    def _call(self, table: Mapping[str, Any], path: KeyPath, provider: str, name: str) -> Call:
        self._check_keys(table, CALL_KEYS, path)
        return Call(
            name=name,
            id=self._item_id(table, path),
            use_as=self._choice(table, "use_as", path, UseAs, UseAs.DATA),
            method=self._choice(table, "method", path, Method, Method.GET),
            url=self._text(table, "url", path),
            headers=self._headers(table, path, provider, name),
            parameters=self._parameters(table, path, provider, name),
            body_type=self._choice(table, "body_type", path, BodyType, BodyType.NONE),
            body=self._text(table, "body", path),
            content_type=self._text(table, "content_type", path),
            response_type=self._choice(
                table, "response_type", path, ResponseType, ResponseType.JSON
            ),
            notes=self._text(table, "notes", path),
            options=self._options(table, path),
            shape=self._shape(table, path),
        )

    def _shape(self, table: Mapping[str, Any], path: KeyPath) -> Shape | None:
        if "shape" not in table:
            return None
        path = path.key("shape")
        entries = self._table(table["shape"], path)
        for key, value in entries.items():
            if isinstance(value, dict):
                # `data.id = "integer"` unquoted is a dotted key: a table in TOML.
                raise self.error(
                    path.key(key),
                    "expected a type text; write each field's path as one quoted key, like "
                    '"data[].id" = "integer"',
                )
        try:
            return shape_from_toml_data(entries)
        except ShapeError as error:
            where = path if error.field is None else path.key(error.field)
            raise self.error(where, error.detail) from None

    def _options(self, table: Mapping[str, Any], path: KeyPath) -> CallOptions:
        if "options" not in table:
            return _DEFAULT_OPTIONS
        path = path.key("options")
        options = self._table(table["options"], path)
        self._check_keys(options, OPTIONS_KEYS, path)
        defaults = _DEFAULT_OPTIONS
        return CallOptions(
            timeout=self._positive_number(options, "timeout", path, defaults.timeout, "seconds"),
            follow_redirects=self._flag(
                options, "follow_redirects", path, defaults.follow_redirects
            ),
            verify_tls=self._flag(options, "verify_tls", path, defaults.verify_tls),
            include_errors=self._flag(options, "include_errors", path, defaults.include_errors),
            capture_headers=self._flag(options, "capture_headers", path, defaults.capture_headers),
        )

    def _headers(
        self, table: Mapping[str, Any], path: KeyPath, provider: str, call: str | None
    ) -> tuple[Header, ...]:
        headers: list[Header] = []
        seen: dict[str, int] = {}
        for index, item in self._items(table, "headers", path):
            item_path = path.item("headers", index, peek_name(item))
            self._check_keys(item, HEADER_KEYS, item_path)
            name = self._name(item, item_path, "name", "every header needs a name")
            if not _HEADER_NAME.fullmatch(name):
                raise self.error(
                    item_path.key("name"),
                    f'"{name}" is not an HTTP header name: use letters, digits and '
                    "!#$%&'*+-.^_`|~ only",
                )
            # Header names are case-insensitive in HTTP, so "Accept" and "accept" collide.
            self._unique(
                seen,
                name,
                index,
                item_path,
                "headers",
                "header names are unique, ignoring case",
                fold_case=True,
            )
            private = self._flag(item, "private", item_path, False)
            if private:
                self._no_private_value(item, item_path, SecretAddress.header(provider, name, call))
            headers.append(
                Header(name=name, value=self._value(item, "value", item_path), private=private)
            )
        return tuple(headers)

    def _parameters(
        self, table: Mapping[str, Any], path: KeyPath, provider: str, call: str | None
    ) -> tuple[Parameter, ...]:
        parameters: list[Parameter] = []
        seen: dict[str, int] = {}
        where = "within a call" if call is not None else "within a provider"
        for index, item in self._items(table, "parameters", path):
            item_path = path.item("parameters", index, peek_name(item))
            self._check_keys(item, PARAMETER_KEYS, item_path)
            name = self._name(item, item_path, "name", "every parameter needs a name")
            self._unique(
                seen, name, index, item_path, "parameters", f"parameter names are unique {where}"
            )
            private = self._flag(item, "private", item_path, False)
            if private:
                self._no_private_value(
                    item, item_path, SecretAddress.parameter(provider, name, call)
                )
            location = None
            if "in" in item:
                location = self._choice(item, "in", item_path, Location, Location.QUERY)
            source = self._source(item, item_path, private, call)
            parameters.append(
                Parameter(
                    name=name,
                    value=self._value(item, "value", item_path),
                    source=source,
                    private=private,
                    optional=self._flag(item, "optional", item_path, False),
                    allow_blank=self._flag(item, "allow_blank", item_path, False),
                    location=location,
                    file=self._flag(item, "file", item_path, False),
                )
            )
        return tuple(parameters)

    def _source(
        self, item: Mapping[str, Any], path: KeyPath, private: bool, call: str | None
    ) -> ValueSource | None:
        """The `from` and `path` of a chained parameter (None when it is not chained)."""
        if "from" not in item:
            if "path" in item:
                raise self.error(
                    path.key("path"),
                    'a path needs "from", the data call whose response it points into',
                )
            return None
        if call is None:
            raise self.error(
                path.key("from"),
                "a provider's shared parameter cannot take its value from a call (it would "
                "apply to that call too); chain a call's own parameter instead",
            )
        if "value" in item or private:
            taken = "value" if "value" in item else "private"
            has = "has a value of its own" if taken == "value" else "is private"
            raise self.error(
                path.key(taken),
                f'a parameter either takes its value from another call ("from") or {has}, '
                f'not both; remove "{taken}" or "from"',
            )
        source_call = self._name(item, path, "from", "name the data call the value comes from")
        text = self._text(item, "path", path)
        try:
            check_source_path(text)
        except PathError as error:
            raise self.error(path.key("path"), str(error)) from None
        return ValueSource(source_call, text)

    def _no_private_value(
        self, item: Mapping[str, Any], path: KeyPath, address: SecretAddress
    ) -> None:
        if "value" in item:
            raise self.error(
                path.key("value"),
                "a private value is never written in the workspace file: it lives in the secret "
                f'store. Remove "value" and run `workbench secret set {self.source} "{address}"`',
            )
