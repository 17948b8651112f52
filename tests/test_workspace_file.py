"""The workspace file format: canonical writing, exact round trips, atomic saves, clear errors."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from workbench.core.errors import WorkspaceError
from workbench.core.shape.toml import shape_from_toml_data
from workbench.core.workspace.encode import (
    CALL_KEYS,
    HEADER_KEYS,
    OPTIONS_KEYS,
    PARAMETER_KEYS,
    PROVIDER_KEYS,
    SETTINGS_KEYS,
    WORKSPACE_KEYS,
)
from workbench.core.workspace.io import (
    dumps_workspace,
    load_workspace,
    loads_workspace,
    save_workspace,
)
from workbench.core.workspace.model import (
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
    ValueSource,
    Workspace,
    WorkspaceSettings,
    with_derived_ids,
)
from workbench.core.workspace.paths import KeyPath, LineLocator

DATA = Path(__file__).parent / "data"
MALFORMED = DATA / "malformed"
EXAMPLE_WORKSPACES = Path(__file__).parent.parent / "workspaces"
FORMAT_DOC = Path(__file__).parent.parent / "docs" / "workspace-format.md"

GET_USER_SHAPE = shape_from_toml_data(
    {
        "status_code": "integer",
        "has_error": "boolean",
        "message": "text",
        "headers": "object",
        "headers['content-type']": "text",
        "body": "object",
        "body.id": "integer",
        "body.birthday": "date|null",
        "body.phone": "text?",
        "body.manager_id": "integer|null?",
        "body.tags": "list",
        "body.tags[]": "text",
        "body.avatar": "text (excluded)",
        "body.code": "text (pinned)",
    }
)

CREATE_USER_BODY = (
    '{\n  "name": "<name>",\n  "city": "Zürich — 東京",\n  "tags": ["a", "b\\\\c"]\n}\n'
)


def rich_workspace() -> Workspace:
    """A workspace that uses every feature of the format (the golden file is its text)."""
    return with_derived_ids(_rich_workspace_without_ids())


def _rich_workspace_without_ids() -> Workspace:
    return Workspace(
        id="9f1c2a7be0d44c6c8f3e5d1a2b3c4d5e",
        name="Demo team",
        environments=("development", "staging", "live"),
        settings=WorkspaceSettings(
            confirm_actions=False, max_response_bytes=1_048_576, history=False
        ),
        providers=(
            Provider(
                name="Demo",
                base_url=PerEnvironment(
                    {"development": "http://127.0.0.1:8400", "live": "https://api.example.com"}
                ),
                notes="The demo API.\nStart it with `workbench demo`.",
                headers=(
                    Header("Accept", "application/json"),
                    Header("X-Sig", private=True),
                ),
                parameters=(
                    Parameter("api_version", "2", location=Location.QUERY),
                    Parameter("tenant", PerEnvironment({"development": "t-dev", "live": "t-live"})),
                ),
                auth=Auth("header", {"header": "X-Api-Key"}),
                calls=(
                    Call(
                        name="List users",
                        url="/users",
                        parameters=(
                            Parameter("page", "1", optional=True),
                            Parameter("filter", "", allow_blank=True),
                        ),
                    ),
                    Call(
                        name="Get user",
                        url="/users/[id]",
                        parameters=(Parameter("id", "42", location=Location.PATH),),
                        options=CallOptions(include_errors=True, capture_headers=True),
                        shape=GET_USER_SHAPE,
                    ),
                    Call(
                        name="Create user",
                        use_as=UseAs.ACTION,
                        method=Method.POST,
                        url="/users",
                        headers=(Header("X-Request-Id", "wb-1"), Header("X-Token", private=True)),
                        parameters=(
                            Parameter("name", "Zoë"),
                            Parameter("token", private=True, location=Location.HEADER),
                        ),
                        body_type=BodyType.JSON,
                        body=CREATE_USER_BODY,
                        notes='Creates a user; "name" is required.',
                        options=CallOptions(
                            timeout=12.5,
                            follow_redirects=False,
                            verify_tls=False,
                            include_errors=True,
                            capture_headers=True,
                        ),
                    ),
                    Call(
                        name="Upload avatar",
                        use_as=UseAs.ACTION,
                        method=Method.PUT,
                        url="https://uploads.example.com/users/[id]/avatar",
                        parameters=(
                            Parameter(
                                "id", source=ValueSource("Get user", "body.id"), optional=True
                            ),
                            Parameter("avatar", "./avatar.png", file=True, location=Location.BODY),
                        ),
                        body_type=BodyType.MULTIPART,
                        response_type=ResponseType.BINARY,
                    ),
                    Call(
                        name="Post note",
                        use_as=UseAs.ACTION,
                        method=Method.PATCH,
                        url="/notes",
                        body_type=BodyType.RAW,
                        body="<note>\n  <text>tab\there</text>\n</note>",
                        content_type="application/xml",
                        response_type=ResponseType.XML,
                    ),
                ),
            ),
            Provider(
                name="Billing",
                base_url="https://billing.example.com",
                calls=(
                    Call(
                        name="Invoices",
                        method=Method.DELETE,
                        parameters=(
                            Parameter("customer", source=ValueSource("Demo/List users", "data[0]")),
                        ),
                        response_type=ResponseType.TEXT,
                        shape=shape_from_toml_data({"": "text"}),
                    ),
                    Call(name="Empty", shape=shape_from_toml_data({})),
                ),
            ),
        ),
    )


# --- round trips and the canonical form ------------------------------------------------------


def test_rich_workspace_writes_the_golden_file() -> None:
    # The golden file pins the public format: a change here is a change to users' files.
    assert dumps_workspace(rich_workspace()) == (DATA / "rich.toml").read_text(encoding="utf-8")


def test_rich_workspace_round_trips_exactly() -> None:
    text = dumps_workspace(rich_workspace())
    loaded = loads_workspace(text, "rich.toml")
    assert loaded == rich_workspace()
    assert dumps_workspace(loaded) == text


def test_golden_file_loads_and_saves_byte_identical(tmp_path: Path) -> None:
    original = (DATA / "rich.toml").read_bytes()
    target = tmp_path / "rich.toml"
    target.write_bytes(original)
    save_workspace(load_workspace(target), target)
    assert target.read_bytes() == original


def test_dumps_is_deterministic_whatever_order_mappings_were_built_in() -> None:
    first = Workspace(
        id="x",
        name="W",
        providers=(
            Provider(
                name="P",
                base_url=PerEnvironment({"live": "https://l", "development": "http://d"}),
                auth=Auth("header", {"header": "X-Key"}),
            ),
        ),
    )
    second = dataclasses.replace(
        first,
        providers=(
            dataclasses.replace(
                first.providers[0],
                base_url=PerEnvironment({"development": "http://d", "live": "https://l"}),
            ),
        ),
    )
    assert dumps_workspace(first) == dumps_workspace(second) == dumps_workspace(first)
    assert "development" in dumps_workspace(first).split("live")[0]


def test_one_field_edit_changes_one_line() -> None:
    before = rich_workspace()
    demo = before.providers[0]
    calls = list(demo.calls)
    calls[2] = dataclasses.replace(calls[2], url="/v2/users")
    after = dataclasses.replace(
        before, providers=(dataclasses.replace(demo, calls=tuple(calls)), *before.providers[1:])
    )
    diff = difflib.unified_diff(
        dumps_workspace(before).splitlines(), dumps_workspace(after).splitlines(), lineterm="", n=0
    )
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['-url = "/users"', '+url = "/v2/users"']


def test_defaults_are_left_out() -> None:
    text = dumps_workspace(Workspace(id="abc", name="Empty"))
    assert text == 'format = 1\nid = "abc"\nname = "Empty"\n'
    assert loads_workspace(text, "empty.toml") == Workspace(id="abc", name="Empty")


def test_short_calls_render_inline_and_round_trip() -> None:
    workspace = Workspace(
        id="abc",
        name="W",
        providers=(Provider("P", calls=(Call("A", url="/a"), Call("B", url="/b"))),),
    )
    workspace = with_derived_ids(workspace)
    text = dumps_workspace(workspace)
    call_id = workspace.providers[0].calls[0].id
    assert (
        f'    {{ id = "{call_id}", name = "A", use_as = "data", method = "GET", url = "/a" }},'
        in text
    )
    assert loads_workspace(text, "w.toml") == workspace
    assert dumps_workspace(loads_workspace(text, "w.toml")) == text


def test_long_parameters_render_as_tables_and_round_trip() -> None:
    long_value = PerEnvironment({"development": "d" * 60, "live": "l" * 60})
    call = Call("A", url="/a", parameters=(Parameter("long", long_value), Parameter("short", "1")))
    workspace = with_derived_ids(
        Workspace(id="abc", name="W", providers=(Provider("P", calls=(call,)),))
    )
    text = dumps_workspace(workspace)
    assert "[[providers.calls.parameters]]" in text
    assert "[providers.calls.parameters.value]" in text
    assert loads_workspace(text, "w.toml") == workspace
    assert dumps_workspace(loads_workspace(text, "w.toml")) == text


def test_carriage_returns_survive_the_round_trip() -> None:
    body = "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"
    call = Call("Raw", method=Method.POST, body_type=BodyType.RAW, body=body)
    workspace = with_derived_ids(
        Workspace(id="abc", name="W", providers=(Provider("P", calls=(call,)),))
    )
    text = dumps_workspace(workspace)
    assert loads_workspace(text, "w.toml") == workspace
    assert dumps_workspace(loads_workspace(text, "w.toml")) == text


@pytest.mark.parametrize(
    ("call_keys", "where"),
    [
        ('name = "C"\nurl = "/users\\u001b]0;owned\\u0007"', 'calls[0] "C" > url'),
        ('name = "C"\nnotes = "fine\\nbut \\u009b2J"', 'calls[0] "C" > notes'),
        ('name = "C\\u202e"', 'calls[0] "C\\u202e" > name'),
    ],
)
def test_control_characters_in_a_workspace_are_refused_with_where(
    call_keys: str, where: str
) -> None:
    """Editors would hand them to the terminal as they are (a retitled window, a cleared
    screen): a workspace from someone else may not hold any. Line breaks and tabs may."""
    head = 'format = 1\nid = "a"\nname = "W"\n[[providers]]\nname = "P"\n[[providers.calls]]\n'
    with pytest.raises(WorkspaceError, match="control character") as caught:
        loads_workspace(head + call_keys + "\n", "w.toml")
    assert where in str(caught.value) and "\x1b" not in str(caught.value)
    fine = 'name = "C"\nnotes = "tab\\there\\nand a line"\n'
    assert loads_workspace(head + fine, "w.toml").providers[0].calls[0].notes.startswith("tab\t")


def test_private_values_are_never_written() -> None:
    leaky = Workspace(
        id="abc",
        name="W",
        providers=(
            Provider(
                "P",
                headers=(Header("X-Key", "leak-1", private=True),),
                calls=(Call("C", parameters=(Parameter("token", "leak-2", private=True),)),),
            ),
        ),
    )
    text = dumps_workspace(leaky)
    assert "leak" not in text
    assert '{ name = "token", private = true }' in text


def test_missing_id_is_generated_and_then_saved(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('format = 1\nname = "W"\n', encoding="utf-8")
    loaded = load_workspace(path)
    assert len(loaded.id) == 32
    save_workspace(loaded, path)
    assert f'id = "{loaded.id}"' in path.read_text(encoding="utf-8")
    assert load_workspace(path).id == loaded.id


def test_hand_written_file_is_accepted_and_canonicalised() -> None:
    text = (DATA / "hand_written.toml").read_text(encoding="utf-8")
    workspace = loads_workspace(text, "hand_written.toml")
    call = workspace.providers[0].calls[0]
    assert call.options.timeout == 5.0
    assert call.parameters[0].location is Location.PATH
    assert workspace.providers[0].auth.settings["header"] == PerEnvironment(
        {"development": "X-Dev-Key", "live": "X-Key"}
    )
    canonical = dumps_workspace(workspace)
    assert "timeout = 5.0" in canonical
    assert dumps_workspace(loads_workspace(canonical, "c.toml")) == canonical


def test_auth_choice_settings_accept_their_choices_and_empty_for_the_default() -> None:
    text = (
        'format = 1\nid = "a1"\nname = "W"\n\n[[providers]]\nname = "Signed"\n\n'
        '[providers.auth]\nmethod = "jwt"\nmode = { development = "bearer", live = "exchange" }\n'
        'algorithm = ""\n'
    )
    settings = loads_workspace(text, "w.toml").providers[0].auth.settings
    assert settings["mode"] == PerEnvironment({"development": "bearer", "live": "exchange"})
    assert settings["algorithm"] == ""


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfformat = 1\nid = "a"\nname = "W"\n')
    assert load_workspace(path).name == "W"


def test_every_model_field_has_a_key() -> None:
    # A model field without a key in the format would be silently lost on save.
    def names(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls)}

    assert names(Workspace) == set(WORKSPACE_KEYS)
    assert names(WorkspaceSettings) == set(SETTINGS_KEYS)
    assert names(Provider) == set(PROVIDER_KEYS)
    assert names(Call) == set(CALL_KEYS)
    assert names(CallOptions) == set(OPTIONS_KEYS)
    assert names(Header) == set(HEADER_KEYS)
    # Keys named otherwise than their field: "in" is `location`, "from" and "path" are
    # the `source`'s `call` and `path`.
    assert names(Parameter) == set(PARAMETER_KEYS) - {"in", "from", "path"} | {
        "location",
        "source",
    }
    assert names(ValueSource) == {"call", "path"}


def test_example_workspaces_round_trip(tmp_path: Path) -> None:
    for example in sorted(EXAMPLE_WORKSPACES.glob("**/*.toml")):
        original = example.read_bytes()
        copy = tmp_path / example.name
        copy.write_bytes(original)
        save_workspace(load_workspace(copy), copy)
        assert copy.read_bytes() == original, f"{example} is not in canonical form"


def documented_examples() -> list[tuple[bool, str]]:
    """The TOML blocks of the format document, each with whether it is marked canonical."""
    blocks: list[tuple[bool, str]] = []
    lines = FORMAT_DOC.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.strip() == "```toml":
            end = lines.index("```\n", number)
            canonical = number > 0 and lines[number - 1].strip() == "<!-- canonical -->"
            blocks.append((canonical, "".join(lines[number + 1 : end])))
    return blocks


def test_documented_examples_load_and_cover_every_key() -> None:
    examples = documented_examples()
    assert [canonical for canonical, _ in examples] == [False, True]
    for canonical, text in examples:
        workspace = loads_workspace(text, "doc.toml")
        if canonical:
            assert dumps_workspace(workspace) == text

    def keys(data: Any) -> set[str]:
        if isinstance(data, dict):
            return set(data) | {k for v in data.values() for k in keys(v)}
        if isinstance(data, list):
            return {k for v in data for k in keys(v)}
        return set()

    every_key = {
        *WORKSPACE_KEYS,
        *SETTINGS_KEYS,
        *PROVIDER_KEYS,
        *CALL_KEYS,
        *OPTIONS_KEYS,
        *HEADER_KEYS,
        *PARAMETER_KEYS,
    }
    assert every_key <= keys(tomllib.loads(examples[0][1]))


# --- saving ----------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own (tmp_path also holds the test's secret store)."""
    path = tmp_path / "workspaces"
    path.mkdir()
    return path


def test_save_replaces_the_file_and_leaves_no_temporary_file(folder: Path) -> None:
    path = folder / "w.toml"
    path.write_text("old", encoding="utf-8")
    save_workspace(rich_workspace(), path)
    assert path.read_text(encoding="utf-8") == dumps_workspace(rich_workspace())
    assert sorted(p.name for p in folder.iterdir()) == ["w.toml"]


def test_failed_save_keeps_the_old_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "w.toml"
    path.write_text("old", encoding="utf-8")

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WorkspaceError, match="cannot be saved: Permission denied") as caught:
        save_workspace(rich_workspace(), path)
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in folder.iterdir()) == ["w.toml"]


def test_invalid_model_is_not_saved(folder: Path) -> None:
    path = folder / "w.toml"
    twice = Workspace(id="a", name="W", providers=(Provider("P"), Provider("P")))
    with pytest.raises(WorkspaceError, match=r'providers\[1\] "P" > name') as caught:
        save_workspace(twice, path)
    assert "cannot be written" in str(caught.value)
    assert list(folder.iterdir()) == []


def test_model_value_for_unknown_environment_is_not_written() -> None:
    bad = Workspace(
        id="a", name="W", providers=(Provider("P", base_url=PerEnvironment({"qa": "x"})),)
    )
    with pytest.raises(WorkspaceError, match='unknown environment "qa"'):
        dumps_workspace(bad)


# --- errors ----------------------------------------------------------------------------------


def malformed_samples() -> list[Path]:
    return sorted(MALFORMED.glob("*.toml"))


def _expectations(sample: Path) -> tuple[list[str], int | None]:
    """The `# expect: TEXT` lines (and an optional `# line: N`) at the top of a sample."""
    expected: list[str] = []
    line: int | None = None
    for raw in sample.read_bytes().splitlines():
        text = raw.decode("ascii", errors="replace")
        if text.startswith("# expect: "):
            expected.append(text.removeprefix("# expect: "))
        elif text.startswith("# line: "):
            line = int(text.removeprefix("# line: "))
    return expected, line


def test_there_are_enough_malformed_samples() -> None:
    assert len(malformed_samples()) >= 8


@pytest.mark.parametrize("sample", malformed_samples(), ids=lambda p: p.stem)
def test_malformed_sample_gives_a_clear_error(sample: Path) -> None:
    expected, line = _expectations(sample)
    assert expected, f"{sample.name} has no '# expect:' line"
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(sample)
    message = str(caught.value)
    assert sample.name in message
    for text in expected:
        assert text in message
    if line is not None:
        assert caught.value.line == line
        assert f"{sample.name}:{line}:" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no such file"):
        load_workspace(tmp_path / "nope.toml")


def test_directory(folder: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a directory"):
        load_workspace(folder)


def test_unreadable_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: file modes do not stop root, and tests may run as root.
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(WorkspaceError, match="cannot be read: Permission denied"):
        load_workspace(folder / "w.toml")


def test_toml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(WorkspaceError) as caught:
        loads_workspace('format = 1\nname = "W"\nid = nope\n', "w.toml")
    assert caught.value.line == 3
    assert str(caught.value) == "w.toml:3: not valid TOML: invalid value (column 6)"


def test_text_that_is_not_unicode_is_not_written() -> None:
    with pytest.raises(WorkspaceError, match="not valid Unicode"):
        dumps_workspace(Workspace(id="a", name="bad \ud800 surrogate"))


def test_deep_nesting_is_a_workspace_error() -> None:
    with pytest.raises(WorkspaceError, match="nested too deeply"):
        loads_workspace("x = " + "[" * 100_000, "deep.toml")


def mutations(data: Any) -> Iterator[Any]:
    """Copies of `data` with one value replaced by a value of every other TOML type."""
    replacements: list[Any] = [
        3,
        1.5,
        True,
        "text",
        "",
        [],
        [1],
        [{}],
        {},
        {"development": 1},
        datetime.date(2024, 1, 1),
    ]
    if isinstance(data, dict):
        for key, value in data.items():
            for replacement in replacements:
                yield {**data, key: replacement}
            for mutated in mutations(value):
                yield {**data, key: mutated}
            yield {k: v for k, v in data.items() if k != key}
    elif isinstance(data, list):
        for index, value in enumerate(data):
            for mutated in mutations(value):
                yield [*data[:index], mutated, *data[index + 1 :]]


def test_no_other_exception_escapes_for_mutated_files() -> None:
    text = (DATA / "rich.toml").read_text(encoding="utf-8")
    count = 0
    for mutated in mutations(tomllib.loads(text)):
        count += 1
        try:
            loads_workspace(tomli_w.dumps(mutated), "m.toml")
        except WorkspaceError as error:
            assert str(error).startswith("m.toml")
    assert count > 1000


def test_no_other_exception_escapes_for_truncated_or_damaged_text() -> None:
    text = (DATA / "rich.toml").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    damaged = [text[:cut] for cut in range(len(text))]
    damaged += ["".join(lines[:i] + lines[i + 1 :]) for i in range(len(lines))]
    for candidate in damaged:
        try:
            loads_workspace(candidate, "d.toml")
        except WorkspaceError:
            pass


# --- key paths and lines -------------------------------------------------------------------


def test_key_path_reads_like_the_file() -> None:
    path = KeyPath().item("providers", 0, "Demo").item("calls", 2, "Create user")
    assert str(path.item("parameters", 1).key("in")) == (
        'providers[0] "Demo" > calls[2] "Create user" > parameters[1] > in'
    )


def test_line_locator_skips_multiline_strings() -> None:
    text = "\n".join(
        [
            "format = 1",
            "[[providers]]",
            'name = "A"',
            'notes = """',
            "[[providers]]",
            'name = "fake"',
            '"""',
            "[[providers.calls]]",
            'name = "c"',
            "parameters = [",
            '    { name = "p" },',
            '    { name = "q" },',
            "]",
            "[[providers]]",
            'name = "B"',
        ]
    )
    locator = LineLocator(text)
    root = KeyPath()
    assert locator.line(root.item("providers", 1).key("name")) == 15
    calls = root.item("providers", 0).item("calls", 0)
    assert locator.line(calls.item("parameters", 1).key("in")) == 12
    assert locator.line(calls.key("url")) == 8
    assert locator.line(root.key("missing")) is None
