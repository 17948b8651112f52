"""The `format` of a workspace file: an older one is migrated as it is read (step by step,
each step tested on a file of its format), written back only by the next save, and a newer
one is refused with the advice to upgrade."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from test_workspace_file import mutations

from workbench.core.errors import WorkspaceError
from workbench.core.workspace import WorkspaceDocument, migrate
from workbench.core.workspace.io import dumps_workspace, load_workspace, loads_workspace
from workbench.core.workspace.migrate import (
    MIGRATIONS,
    FormatError,
    Step,
    oldest_format,
    upgraded,
)
from workbench.core.workspace.model import FORMAT_VERSION, Method, UseAs

FORMATS = Path(__file__).parent / "data" / "formats"
FAKE_OLD = FORMATS / "fake_format_0.toml"


def test_every_older_format_has_a_step_and_each_step_a_fixture_file() -> None:
    """The rule for a format change: a step per format, and a file of the old format that must
    read as the current text beside it (`format_N.toml`, `format_N.expected.toml`)."""
    oldest = oldest_format(MIGRATIONS, FORMAT_VERSION)
    assert sorted(MIGRATIONS) == list(range(oldest, FORMAT_VERSION))
    fixtures = {
        int(match[1])
        for path in FORMATS.glob("format_*.toml")
        if (match := re.fullmatch(r"format_(\d+)\.toml", path.name))
    }
    assert fixtures == set(MIGRATIONS)
    for version in MIGRATIONS:
        old = FORMATS / f"format_{version}.toml"
        expected = (FORMATS / f"format_{version}.expected.toml").read_text(encoding="utf-8")
        assert dumps_workspace(load_workspace(old)) == expected
        assert_broken_copies_give_workspace_errors(old)


def assert_broken_copies_give_workspace_errors(old: Path) -> None:
    """A step meets old files with mistakes too: whatever it is given, loading ends in a
    workspace or a `WorkspaceError`, never in another exception."""
    data = tomllib.loads(old.read_text(encoding="utf-8"))
    for mutated in mutations(data):
        try:
            loads_workspace(tomli_w.dumps(mutated), "old.toml")
        except WorkspaceError:
            pass


# --- the hook, with a made-up older format ------------------------------------------------------


def fake_step_0(data: dict[str, Any]) -> dict[str, Any]:
    """Format "0" to 1: a call's `path` became `url`, its `kind` (read/write) `use_as`.
    Anything it does not expect it leaves as it is, for the decoder to report."""
    providers = data.get("providers")
    for provider in providers if isinstance(providers, list) else []:
        calls = provider.get("calls") if isinstance(provider, dict) else None
        for call in calls if isinstance(calls, list) else []:
            if not isinstance(call, dict):
                continue
            if "path" in call:
                call["url"] = call.pop("path")
            if "kind" in call:
                kind = call.pop("kind")
                renamed = {"read": "data", "write": "action"}
                call["use_as"] = renamed.get(kind, kind) if isinstance(kind, str) else kind
    return data


@pytest.fixture
def format_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbench that also reads the made-up format 0."""
    monkeypatch.setattr(migrate, "MIGRATIONS", {0: fake_step_0})


def test_an_older_file_is_migrated_as_it_is_read(format_0: None) -> None:
    workspace = load_workspace(FAKE_OLD)
    listing, creating = workspace.providers[0].calls
    assert (listing.use_as, listing.url) == (UseAs.DATA, "/users")
    assert (creating.use_as, creating.method, creating.url) == (UseAs.ACTION, Method.POST, "/users")
    expected = FORMATS / "fake_format_0.expected.toml"
    assert dumps_workspace(workspace) == expected.read_text(encoding="utf-8")


def test_an_older_file_is_written_back_only_by_the_next_save(
    format_0: None, isolated_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "old.toml"
    path.write_bytes(FAKE_OLD.read_bytes())
    document = WorkspaceDocument.load(path)
    assert not document.dirty  # nothing to save: the file stays as it is
    assert path.read_bytes() == FAKE_OLD.read_bytes()
    document.save()
    assert path.read_text(encoding="utf-8").startswith(f"format = {FORMAT_VERSION}\n")
    assert load_workspace(path) == document.workspace


def test_a_mistake_in_an_older_file_is_still_found(format_0: None) -> None:
    text = FAKE_OLD.read_text(encoding="utf-8").replace('kind = "write"', 'kind = "wrote"')
    with pytest.raises(WorkspaceError, match=r'calls\[1\] "Create user" > use_as: .*"wrote"'):
        loads_workspace(text, "old.toml")
    assert_broken_copies_give_workspace_errors(FAKE_OLD)


def test_a_format_older_than_any_step_is_refused() -> None:
    with pytest.raises(
        WorkspaceError, match=r"fake_format_0\.toml:3: format: expected format 1; got 0"
    ):
        load_workspace(FAKE_OLD)


def test_steps_run_in_order_each_on_its_own_copy() -> None:
    seen: list[int] = []

    def step(version: int) -> Step:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(data["format"])
            data["trail"] = [*data.get("trail", []), version]
            return data

        return run

    original = {"format": 1, "name": "W"}
    steps = {1: step(1), 2: step(2)}
    assert upgraded(original, 1, steps=steps, current=3) == {
        "format": 3,
        "name": "W",
        "trail": [1, 2],
    }
    assert seen == [1, 2]
    assert original == {"format": 1, "name": "W"}
    assert upgraded(original, 3, steps=steps, current=3) is original  # current: untouched
    assert oldest_format(steps, 3) == 1
    assert oldest_format({1: step(1)}, 3) == 3  # a gap: format 1 cannot reach 3


def test_a_newer_or_unreachable_format_says_what_to_do() -> None:
    steps = {1: fake_step_0, 2: fake_step_0}
    with pytest.raises(FormatError, match="written by a newer workbench .* upgrade workbench"):
        upgraded({"format": 4}, 4, steps=steps, current=3)
    with pytest.raises(FormatError, match="expected formats 1 to 3; got 0"):
        upgraded({"format": 0}, 0, steps=steps, current=3)
