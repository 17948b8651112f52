"""The workspace file's JSON Schema says what the loader accepts: the same files pass, and the
same mistakes fail wherever a schema can say so."""

from __future__ import annotations

import copy
import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from jsonschema import Draft202012Validator, ValidationError, validators
from test_workspace_file import (
    DATA,
    EXAMPLE_WORKSPACES,
    documented_examples,
    malformed_samples,
    mutations,
    rich_workspace,
)

from workbench.core.auth import METHODS
from workbench.core.errors import WorkspaceError
from workbench.core.shape.fields import FieldType
from workbench.core.workspace import SCHEMA_FILE, workspace_schema
from workbench.core.workspace.encode import (
    CALL_KEYS,
    HEADER_KEYS,
    OPTIONS_KEYS,
    PARAMETER_KEYS,
    PROVIDER_KEYS,
    SETTINGS_KEYS,
    WORKSPACE_KEYS,
)
from workbench.core.workspace.io import loads_workspace, save_workspace
from workbench.core.workspace.model import (
    FORMAT_VERSION,
    Auth,
    BodyType,
    Call,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    ResponseType,
    UseAs,
    ValueSource,
    Workspace,
)

SCHEMA = workspace_schema()


def _ecma_pattern(
    validator: Any, pattern: str, instance: object, schema: object
) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema reads it (ECMA-262): a final `$` ends the text, where Python's
    `$` also matches before a last line break (and so would let "Accept\\n" pass)."""
    if not isinstance(instance, str):
        return
    python = pattern[:-1] + r"\Z" if pattern.endswith("$") and pattern[-2:] != "\\$" else pattern
    if re.search(python, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
VALIDATOR = _Validator(SCHEMA)


def schema_errors(data: object) -> list[str]:
    """What the schema finds wrong with `data` (nothing: it passes)."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in VALIDATOR.iter_errors(data)
    ]


def decoder_error(text: str) -> str | None:
    """The loader's message for `text`, or None when it loads."""
    try:
        loads_workspace(text, "w.toml")
    except WorkspaceError as error:
        return str(error)
    return None


def test_schema_is_a_valid_2020_12_schema_shipped_in_the_package() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA_FILE == "workspace.schema.json"
    assert Path(__file__).parents[1].joinpath("workbench/core/workspace", SCHEMA_FILE).is_file()


# --- what the schema lists is what the code knows ------------------------------------------------


def _properties(name: str) -> list[str]:
    table = SCHEMA if name == "workspace" else SCHEMA["$defs"][name]
    return list(table["properties"])


def test_every_table_lists_exactly_the_keys_the_loader_reads() -> None:
    assert _properties("workspace") == list(WORKSPACE_KEYS)
    assert list(SCHEMA["properties"]["settings"]["properties"]) == list(SETTINGS_KEYS)
    assert _properties("provider") == list(PROVIDER_KEYS)
    assert _properties("call") == list(CALL_KEYS)
    assert _properties("options") == list(OPTIONS_KEYS)
    assert _properties("header") == list(HEADER_KEYS)
    assert _properties("parameter") == list(PARAMETER_KEYS)
    assert SCHEMA["properties"]["format"]["const"] == FORMAT_VERSION
    for table in ("provider", "call", "options", "header", "parameter"):
        assert SCHEMA["$defs"][table]["additionalProperties"] is False


def test_every_choice_is_the_models() -> None:
    call = SCHEMA["$defs"]["call"]["properties"]
    assert call["use_as"]["enum"] == [member.value for member in UseAs]
    assert call["method"]["enum"] == [member.value for member in Method]
    assert call["body_type"]["enum"] == [member.value for member in BodyType]
    assert call["response_type"]["enum"] == [member.value for member in ResponseType]
    location = SCHEMA["$defs"]["parameter"]["properties"]["in"]["enum"]
    assert location == [member.value for member in Location]
    type_text = SCHEMA["$defs"]["shape"]["additionalProperties"]["pattern"]
    named = set(re.findall(r"[a-z][a-z-]*", type_text)) - {"excluded", "pinned"}
    assert named == {member.value for member in FieldType}


def test_every_auth_method_lists_its_settings_and_forbids_the_private_ones() -> None:
    auth = SCHEMA["$defs"]["auth"]
    assert auth["properties"]["method"]["enum"] == list(METHODS)
    rules = {rule["if"]["properties"]["method"]["const"]: rule["then"] for rule in auth["allOf"]}
    assert list(rules) == list(METHODS)
    for name, method in METHODS.items():
        properties = rules[name]["properties"]
        assert list(properties) == ["method", *(s.name for s in method.settings)]
        assert rules[name]["additionalProperties"] is False
        for setting in method.settings:
            forbidden = properties[setting.name].get("not") == {}
            assert forbidden == setting.private, f"{name}.{setting.name}"
            if setting.choices:
                choices = properties[setting.name]["anyOf"][0]["enum"]
                assert choices == ["", *setting.choices], f"{name}.{setting.name}"


# --- files the loader accepts pass ---------------------------------------------------------------


def _good_files() -> list[Path]:
    return [
        *sorted(EXAMPLE_WORKSPACES.glob("**/*.toml")),
        DATA / "rich.toml",
        DATA / "hand_written.toml",
    ]


@pytest.mark.parametrize("path", _good_files(), ids=lambda p: p.name)
def test_workspaces_pass(path: Path) -> None:
    assert schema_errors(tomllib.loads(path.read_text(encoding="utf-8"))) == []


def test_the_documented_examples_pass() -> None:
    examples = documented_examples()
    assert len(examples) == 2
    for _, text in examples:
        assert schema_errors(tomllib.loads(text)) == []


def _every_auth_method() -> tuple[Provider, ...]:
    """A provider per method, with every plain setting set (per environment for one)."""
    providers = []
    for name, method in METHODS.items():
        settings: dict[str, str | PerEnvironment] = {}
        for index, setting in enumerate(s for s in method.settings if not s.private):
            text = setting.choices[-1] if setting.choices else f"{setting.name} text"
            settings[setting.name] = (
                PerEnvironment({"development": text, "live": setting.default})
                if index == 0
                else text
            )
        providers.append(Provider(f"With {name}", base_url="http://x", auth=Auth(name, settings)))
    return tuple(providers)


def test_saved_workspaces_pass(tmp_path: Path) -> None:
    rich = rich_workspace()
    chained = Call(
        "Chained",
        parameters=(Parameter("id", source=ValueSource("Demo/List users", "data[0].id")),),
    )
    raw = Call(
        "Raw",
        method=Method.PUT,
        body_type=BodyType.RAW,
        body="line one\r\nline two  \r\n",
        content_type="text/plain",
    )
    varied = Workspace(
        id="b" * 32,
        name="Varied",
        providers=(*rich.providers, *_every_auth_method(), Provider("Extra", calls=(chained, raw))),
        environments=rich.environments,
        settings=rich.settings,
    )
    for workspace in (rich, varied, Workspace(id="c", name="Empty")):
        path = tmp_path / f"{workspace.name}.toml"
        save_workspace(workspace, path)
        assert schema_errors(tomllib.loads(path.read_text(encoding="utf-8"))) == []


# --- files the loader refuses fail -----------------------------------------------------------

# Mistakes a schema cannot see: they compare one value with another in the file.
BEYOND_SCHEMA = {
    "chained_circle": "the calls chained into each other",
    "chained_from_action": "the kind of the call a parameter names",
    "chained_unknown_call": "whether the call a parameter names exists",
    "duplicate_call": "names unique among the calls",
    "duplicate_header_case": "names unique among the headers",
    "duplicate_parameter": "names unique among the parameters",
    "duplicate_provider": "names unique among the providers",
    "unknown_environment": "keys of a value among the names in environments",
}
# Decoder messages for the same kinds of mistakes, as the mutated files below make them.
BEYOND_SCHEMA_MESSAGES = re.compile(
    r"is already the name of|unknown environment|a value can only come from a data call|"
    r"no call|circle|takes its value from itself"
)


@pytest.mark.parametrize("sample", malformed_samples(), ids=lambda p: p.stem)
def test_malformed_samples_fail_unless_beyond_a_schema(sample: Path) -> None:
    try:
        data = tomllib.loads(sample.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        pytest.skip("not TOML: no data for a schema to check")
    assert decoder_error(sample.read_text(encoding="utf-8")) is not None
    if sample.stem in BEYOND_SCHEMA:
        # Listed: if the schema learns to see it, the list must shrink.
        assert schema_errors(data) == []
    else:
        assert schema_errors(data) != []


BASE: dict[str, Any] = {
    "format": 1,
    "id": "a1",
    "name": "W",
    "providers": [
        {
            "name": "P",
            "headers": [{"name": "Accept", "value": "application/json"}],
            "parameters": [{"name": "shared", "value": "1"}],
            "calls": [
                {"name": "List", "url": "/list"},
                {
                    "name": "C",
                    "url": "/c",
                    "parameters": [
                        {"name": "q", "value": "1"},
                        {"name": "id", "from": "List", "path": "data[0].id"},
                    ],
                    "shape": {"data": "list"},
                },
            ],
        }
    ],
}
_ROOT: tuple[str | int, ...] = ()
_PROVIDER: tuple[str | int, ...] = ("providers", 0)
_CALL = (*_PROVIDER, "calls", 1)
_PARAMETER = (*_CALL, "parameters", 0)
_HEADER = (*_PROVIDER, "headers", 0)
_SHAPE = (*_CALL, "shape")
_CHAINED = (*_CALL, "parameters", 1)
_GONE = object()  # as a value: remove the key


@dataclass(frozen=True)
class Case:
    """`BASE` with the value at `where` + `key` set (or removed); whether the loader takes
    it, and whether the schema agrees."""

    id: str
    where: tuple[str | int, ...]
    key: str
    value: object
    loads: bool = False
    schema_agrees: bool = True  # False: a mistake the schema cannot see (see `why`)
    why: str = ""

    def data(self) -> dict[str, Any]:
        data = copy.deepcopy(BASE)
        table: Any = data
        for step in self.where:
            table = table.setdefault(step, {}) if isinstance(step, str) else table[step]
        if self.value is _GONE:
            del table[self.key]
        else:
            table[self.key] = self.value
        return data


CASES = [
    # keys
    Case("unknown root key", _ROOT, "$schema", "x.json"),
    Case("unknown call key", _CALL, "urll", "/c"),
    Case("unknown option", (*_CALL, "options"), "retries", 3),
    Case("unknown parameter key", _PARAMETER, "default", "1"),
    Case("unknown setting", (_ROOT + ("settings",)), "theme", "dark"),
    Case("missing format", _ROOT, "format", _GONE),
    Case("missing name", _ROOT, "name", _GONE),
    Case("missing call name", (*_PROVIDER, "calls", 0), "name", _GONE),
    Case("missing id", _ROOT, "id", _GONE, loads=True),
    # types
    Case("name not text", _ROOT, "name", 3),
    Case("blank name", _ROOT, "name", "   "),
    Case("url a date", _CALL, "url", date(2024, 1, 1)),
    Case("environments not an array", _ROOT, "environments", "live"),
    Case("no environments", _ROOT, "environments", []),
    Case("blank environment", _ROOT, "environments", ["live", " "]),
    Case("environment twice", _ROOT, "environments", ["live", "live"]),
    Case("headers not an array", _PROVIDER, "headers", {"name": "A"}),
    Case("a call not a table", _PROVIDER, "calls", ["List"]),
    Case("format text", _ROOT, "format", "1"),
    Case("format newer", _ROOT, "format", 2),
    Case("format zero", _ROOT, "format", 0),
    Case("size cap zero", ("settings",), "max_response_bytes", 0),
    Case("size cap a flag", ("settings",), "max_response_bytes", True),
    Case("confirm_actions text", ("settings",), "confirm_actions", "yes"),
    Case("timeout zero", (*_CALL, "options"), "timeout", 0),
    Case("timeout text", (*_CALL, "options"), "timeout", "5"),
    Case("timeout infinite", (*_CALL, "options"), "timeout", math.inf),
    Case("timeout integer", (*_CALL, "options"), "timeout", 5, loads=True),
    Case(
        "timeout not a number",
        (*_CALL, "options"),
        "timeout",
        math.nan,
        schema_agrees=False,
        why="nan compares false with every bound",
    ),
    Case(
        "size cap a float",
        ("settings",),
        "max_response_bytes",
        1024.0,
        schema_agrees=False,
        why="JSON Schema counts 1024.0 as an integer; TOML does not",
    ),
    Case("flag text", (*_CALL, "options"), "verify_tls", "false"),
    # values that may differ per environment
    Case("value per environment", _PROVIDER, "base_url", {"live": "https://x"}, loads=True),
    Case("value for no environment", _PROVIDER, "base_url", {}),
    Case("value per environment not text", _PROVIDER, "base_url", {"live": 1}),
    Case(
        "value for an unknown environment",
        _PROVIDER,
        "base_url",
        {"qa": "https://x"},
        schema_agrees=False,
        why="the names come from environments",
    ),
    # private values
    Case("private parameter with a value", _PARAMETER, "private", True),
    Case("private header with a value", _HEADER, "private", True),
    Case("private setting in the file", _PROVIDER, "auth", {"method": "header", "value": "x"}),
    Case("not private, with a value", _PARAMETER, "private", False, loads=True),
    # choices
    Case("use_as misspelled", _CALL, "use_as", "acton"),
    Case("method unknown", _CALL, "method", "FETCH"),
    Case("method lower case", _CALL, "method", "get"),
    Case("body_type unknown", _CALL, "body_type", "xml"),
    Case("response_type unknown", _CALL, "response_type", "html"),
    Case("in unknown", _PARAMETER, "in", "cookie"),
    Case("auth method unknown", _PROVIDER, "auth", {"method": "bearer"}),
    Case("auth without method", _PROVIDER, "auth", {"header": "X-Key"}),
    Case(
        "auth setting of another method",
        _PROVIDER,
        "auth",
        {"method": "basic", "header": "X"},
    ),
    Case("auth choice unknown", _PROVIDER, "auth", {"method": "oauth2_client", "client_auth": "x"}),
    Case(
        "auth choice empty",
        _PROVIDER,
        "auth",
        {"method": "oauth2_client", "client_auth": ""},
        loads=True,
    ),
    Case(
        "auth choice per environment",
        _PROVIDER,
        "auth",
        {"method": "jwt", "algorithm": {"development": "ES256", "live": "RS999"}},
    ),
    Case(
        "auth setting per environment",
        _PROVIDER,
        "auth",
        {"method": "query", "name": {"development": "key", "live": "api_key"}},
        loads=True,
    ),
    Case("certificate in the file", _PROVIDER, "auth", {"method": "certificate", "ca_bundle": "x"}),
    # names
    Case("provider name with a slash", _PROVIDER, "name", "A/B"),
    Case("header name with a space", _HEADER, "name", "X Bad"),
    Case("header name with a line break", _HEADER, "name", "Accept\n"),
    Case("url with an escape sequence", _CALL, "url", "/c\x1b]0;owned\x07"),
    Case("name turned around", _CALL, "name", "C\u202e"),
    Case("notes over lines", _CALL, "notes", "one\n\ttwo\r\n", loads=True),
    # chained parameters
    Case("provider parameter chained", (*_PROVIDER, "parameters", 0), "from", "List"),
    Case("path without from", _PARAMETER, "path", "data[0]"),
    Case("from with a value", _PARAMETER, "from", "List"),
    Case("from every item", _CHAINED, "path", "data[].id"),
    Case("from a bad path", _CHAINED, "path", "data..id"),
    Case("from a quoted path", _CHAINED, "path", "['a b'][-1](json)", loads=True),
    Case(
        "from no such call",
        _CHAINED,
        "from",
        "Nope",
        schema_agrees=False,
        why="whether a call of that name exists",
    ),
    # shapes
    Case("shape not a table", _CALL, "shape", "list"),
    Case("shape type unknown", _SHAPE, "data[]", "intger"),
    Case("shape null or null", _SHAPE, "data[]", "null|null"),
    Case("shape mark twice", _SHAPE, "data[]", "text (excluded, excluded)"),
    Case("shape empty marks", _SHAPE, "data[]", "text ( )"),
    Case("shape marks", _SHAPE, "data[]", "integer|null? (pinned,excluded)", loads=True),
    Case("shape no marks", _SHAPE, "data[]", "text ()", loads=True),
    Case("shape item number", _SHAPE, "data[0]", "object"),
    Case("shape bad path", _SHAPE, "data..id", "text"),
    Case("shape dotted key", _SHAPE, "data", {"id": "integer"}),
    Case("shape quoted keys", _SHAPE, "headers['a\nb'][\"c\"](json)", "text", loads=True),
    Case("shape key with a bell", _SHAPE, "['a\x07']", "text"),
    Case("shape of the whole response", _SHAPE, "", "list", loads=True),
    Case(
        "shape path spelled twice",
        _SHAPE,
        "['data']",
        "list",
        schema_agrees=False,
        why="two spellings of one path",
    ),
    # ids
    Case("provider id", _PROVIDER, "id", "k3x9q2mf", loads=True),
    Case("call id", _CALL, "id", "Team-call_1", loads=True),
    Case("provider id with a slash", _PROVIDER, "id", "a/b"),
    Case("call id empty", _CALL, "id", ""),
    Case("call id a number", _CALL, "id", 7),
    # duplicates
    Case(
        "id twice",
        _PROVIDER,
        "calls",
        [{"id": "x", "name": "A"}, {"id": "x", "name": "B"}],
        schema_agrees=False,
        why="ids unique within the workspace",
    ),
    Case(
        "call name twice",
        (*_PROVIDER, "calls", 1),
        "name",
        "List",
        schema_agrees=False,
        why="names unique among the calls",
    ),
    Case(
        "header name twice ignoring case",
        _PROVIDER,
        "headers",
        [{"name": "Accept"}, {"name": "accept"}],
        schema_agrees=False,
        why="names unique among the headers",
    ),
]


def test_the_base_of_the_cases_loads() -> None:
    assert decoder_error(tomli_w.dumps(BASE)) is None
    assert schema_errors(BASE) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_loader_and_schema_agree(case: Case) -> None:
    text = tomli_w.dumps(case.data())
    error = decoder_error(text)
    assert (error is None) == case.loads, error
    passes = not schema_errors(tomllib.loads(text))
    if case.schema_agrees:
        assert passes == case.loads, schema_errors(tomllib.loads(text))
    else:
        assert case.why and not case.loads and passes


def test_loader_and_schema_agree_on_every_mutation_of_a_rich_file() -> None:
    """One value of a file using every key replaced by each type of value, or removed: what
    loads passes the schema, and what does not load fails it, but for the mistakes beyond a
    schema."""
    seen = {"loads": 0, "refused": 0, "beyond": 0}
    for mutated in mutations(tomllib.loads((DATA / "rich.toml").read_text(encoding="utf-8"))):
        text = tomli_w.dumps(mutated)
        error = decoder_error(text)
        passes = VALIDATOR.is_valid(tomllib.loads(text))  # the messages only when it fails
        if error is None:
            seen["loads"] += 1
            assert passes, (text, schema_errors(tomllib.loads(text)))
        elif BEYOND_SCHEMA_MESSAGES.search(error) and passes:
            seen["beyond"] += 1
        else:
            seen["refused"] += 1
            assert not passes, error
    assert seen["loads"] > 200 and seen["refused"] > 1000 and seen["beyond"] > 0, seen
