"""The desk's flows without a screen: a scripted user answers, the demo API answers.

What the TUI does for a user is decided here; the Pilot tests only check
what the widgets show of it.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.desk_script import ScriptedUser
from workbench.core.desk import (
    Answered,
    Desk,
    NotSent,
    PrivateValueAnswer,
    Problem,
    TreeItem,
)
from workbench.core.secrets import MASK, SecretAddress, address_named
from workbench.core.shape import Shape, with_call_shape
from workbench.core.workspace import WorkspaceDocument
from workbench.core.workspace.model import ValueSource
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def document(tmp_path: Path, demo_url: str) -> AsyncIterator[WorkspaceDocument]:
    path = tmp_path / "demo.toml"
    shutil.copy(ROOT / "workspaces" / "demo.toml", path)
    document = WorkspaceDocument.load(path, base_url=demo_url)
    yield document
    await document.aclose()  # the session's connections


def desk_on(document: WorkspaceDocument, call: str, *answers: object) -> tuple[Desk, ScriptedUser]:
    user = ScriptedUser(list(answers))
    return Desk([document], user, selected=TreeItem(document, "Demo", call)), user


def status(desk: Desk) -> int | None:
    assert isinstance(desk.response, Answered), desk.response
    return desk.response.result.exchange.status


async def test_a_missing_private_value_is_asked_for_stored_and_sent(
    document: WorkspaceDocument,
) -> None:
    answer = PrivateValueAnswer("key-from-the-user", None)
    desk, user = desk_on(document, "Check API key", answer)
    result = await desk.sending.send_selected()
    assert result is not None and status(desk) == 200
    assert user.asked == ["private value Demo/Check API key/param.X-Api-Key"]
    address = address_named(document.workspace, "Demo/Check API key/param.X-Api-Key")
    assert address is not None and address.key  # kept under the provider's and call's ids
    assert document.secrets.get(address, "development") is not None
    assert "key-from-the-user" not in document.path.read_text()
    assert "key-from-the-user" not in repr(answer)


async def test_a_declined_private_value_sends_nothing_and_says_what_is_missing(
    document: WorkspaceDocument,
) -> None:
    desk, _ = desk_on(document, "Check API key", None)
    assert await desk.sending.send_selected() is None
    assert isinstance(desk.response, Problem)
    assert "X-Api-Key is not set for development" in desk.response.text


async def test_an_action_is_confirmed_first(
    document: WorkspaceDocument, fresh_demo: DemoServer
) -> None:
    users = fresh_demo.state.users.page(1, 1000)[1]
    desk, user = desk_on(document, "Create user", "no")
    assert await desk.sending.send_selected() is None
    assert isinstance(desk.response, NotSent) and fresh_demo.state.users.page(1, 1000)[1] == users
    assert user.asked == ["Send an action call?"]

    user.answers.append("yes")
    assert await desk.sending.send_selected() is not None
    assert status(desk) == 201 and fresh_demo.state.users.page(1, 1000)[1] == users + 1


async def test_the_action_question_names_the_url_as_sent(document: WorkspaceDocument) -> None:
    """`PATCH .../users/1`, not the template `/users/[id]`."""
    desk, user = desk_on(document, "Rename user", "no")
    assert await desk.sending.send_selected() is None
    assert "PATCH http://127.0.0.1:" in user.questions[0]
    assert "/users/1 changes things" in user.questions[0]


async def test_a_body_placeholder_nothing_fills_is_refused_before_the_question(
    document: WorkspaceDocument, fresh_demo: DemoServer
) -> None:
    users = fresh_demo.state.users.page(1, 1000)[1]
    desk, user = desk_on(document, "Create user")  # no answer: a question fails the test
    item = desk.selected
    assert item is not None and item.call_model is not None
    desk.edit_call(item, replace(item.call_model, body='{"name": "<nmae>"}'))
    assert await desk.sending.send_selected() is None
    assert isinstance(desk.response, Problem)
    assert "placeholder <nmae> but there is no parameter 'nmae'" in desk.response.text
    assert user.asked == [] and fresh_demo.state.users.page(1, 1000)[1] == users


async def test_each_call_shows_its_own_latest_answer_per_environment(
    document: WorkspaceDocument,
) -> None:
    desk, _ = desk_on(document, "List users")
    assert desk.response == NotSent("Demo/List users", "development")
    listed = await desk.sending.send_selected()
    desk.select(TreeItem(document, "Demo", "Get user"))
    assert desk.response == NotSent("Demo/Get user", "development")
    assert desk.shown_answer is None  # nothing to chain from

    desk.select(TreeItem(document, "Demo", "List users"))
    assert isinstance(desk.response, Answered) and desk.response.result is listed
    assert desk.shown_answer == (document, listed)

    other = next(e for e in document.workspace.environments if e != "development")
    desk.set_environment(document, other)
    assert desk.response == NotSent("Demo/List users", other)
    desk.set_environment(document, "development")
    assert isinstance(desk.response, Answered) and desk.response.result is listed


async def test_a_renamed_call_keeps_its_answer(document: WorkspaceDocument) -> None:
    desk, _ = desk_on(document, "List users")
    listed = await desk.sending.send_selected()
    item = desk.selected
    assert item is not None and item.call_model is not None
    desk.edit_call(item, replace(item.call_model, name="All users"))
    assert desk.selected == TreeItem(document, "Demo", "All users")
    assert isinstance(desk.response, Answered) and desk.response.result is listed


async def test_saving_over_a_change_on_disk_asks_and_cancel_keeps_both(
    document: WorkspaceDocument,
) -> None:
    desk, user = desk_on(document, "List users", "cancel", "overwrite")
    item = desk.selected
    assert item is not None and item.call_model is not None
    edited = replace(item.call_model, url="/users?edited=1")
    desk.edit_call(item, edited)
    assert document.dirty
    theirs = document.path.read_text() + "\n# their edit\n"
    document.path.write_text(theirs)

    assert not await desk.saving.save()
    assert document.path.read_text() == theirs and document.dirty
    assert user.was_told("Not saved.")

    assert await desk.saving.save()
    assert "/users?edited=1" in document.path.read_text() and not document.dirty
    assert user.asked == ["Changed on disk", "Changed on disk"]


async def test_initialize_shows_drift_and_keeps_the_reviewed_shape(
    document: WorkspaceDocument,
) -> None:
    stale = Shape()
    document.update(with_call_shape(document.workspace, "Demo", "List users", stale))

    def review(learned: object) -> Shape:
        assert learned.drifted
        return learned.shape  # type: ignore[no-any-return]

    desk, user = desk_on(document, "List users", review)
    await desk.initializing.initialize()
    assert user.asked == ["shape of Demo/List users"]
    call = document.workspace.provider("Demo").call("List users")  # type: ignore[union-attr]
    assert call is not None and call.shape is not None and len(call.shape) > 0
    assert user.was_told("fields in the shape")  # the same as saved: the file had it


async def test_a_value_of_the_response_is_chained_into_another_call(
    document: WorkspaceDocument,
) -> None:
    desk, user = desk_on(document, "List users", "Demo/Rename user", "id")
    await desk.sending.send_selected()
    await desk.chaining.use_value(("data", 0, "id"))
    assert user.asked == [
        "Use Demo/List users data[0].id in which call?",
        "…as which parameter of Demo/Rename user?",
    ]
    call = document.workspace.provider("Demo").call("Rename user")  # type: ignore[union-attr]
    assert call is not None
    chained = next(p for p in call.parameters if p.name == "id")
    assert chained.source == ValueSource("List users", "data[0].id")
    assert user.was_told("Demo/Rename user: id ← Demo/List users data[0].id")


async def test_a_wrapped_answer_shows_and_chains_the_calls_data(
    document: WorkspaceDocument,
) -> None:
    """With include_errors and capture_headers, the JSON tab shows the call's data (status,
    headers and body), so the paths it gives are the ones chained, status and headers too."""
    desk, user = desk_on(
        document, "Find user", "Demo/Rename user", "id", "Demo/Rename user", "name"
    )
    await desk.sending.send_selected()  # 404, kept as data
    assert isinstance(desk.response, Answered)
    shown = desk.response.wrapped_data
    assert shown is desk.response.result.data
    assert isinstance(shown, dict) and shown["status_code"] == 404
    assert shown["body"] == {"error": "user 999 not found", "status": 404}
    assert "content-type" in shown["headers"]

    await desk.chaining.use_value(("status_code",))
    await desk.chaining.use_value(("body", "error"))
    call = document.workspace.provider("Demo").call("Rename user")  # type: ignore[union-attr]
    assert call is not None
    sources = {p.name: p.source for p in call.parameters}
    assert sources["id"] == ValueSource("Find user", "status_code")
    assert sources["name"] == ValueSource("Find user", "body.error")
    assert user.was_told("Demo/Rename user: name ← Demo/Find user body.error")


async def test_a_value_typed_in_an_editor_is_stored_by_the_desk_which_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "no-id.toml"
    text = (ROOT / "workspaces" / "demo.toml").read_text(encoding="utf-8")
    workspace_id = next(line for line in text.splitlines() if line.startswith("id = "))
    path.write_text(text.replace(workspace_id + "\n", "", 1))  # the workspace's id line only
    document = WorkspaceDocument.load(path)
    user = ScriptedUser()
    values = Desk([document], user).private_values(document)
    address = address_named(document.workspace, "Demo/Check API key/param.X-Api-Key")
    assert address is not None

    values.set(address, "typed-key")

    assert f'id = "{document.workspace.id}"' in path.read_text(encoding="utf-8")
    assert values.get(address, "development") is not None
    assert WorkspaceDocument.load(path).secrets.get(address, "live") is not None
    assert user.was_told("the ids it lacked")
    assert user.was_told(f"Stored {address} in the secret store.")


async def test_a_deleted_call_comes_back_with_ctrl_z_and_keeps_its_private_value(
    document: WorkspaceDocument,
) -> None:
    address = address_named(document.workspace, "Demo/Check API key/param.X-Api-Key")
    assert address is not None
    document.ensure_id()
    document.secrets.set(address, "kept-key", None)
    desk, user = desk_on(document, "Check API key", "yes")
    before = document.workspace
    await desk.tree.delete()
    assert document.workspace.providers[0].call("Check API key") is None
    assert user.was_told("ctrl+z brings it back")

    desk.undo()
    assert document.workspace == before
    assert desk.selected == TreeItem(document, "Demo", "Check API key")
    assert user.was_told("Brought back the call Demo/Check API key.")
    assert await desk.saving.save()
    assert 'name = "Check API key"' in document.path.read_text()
    assert document.secrets.get(address, "development") is not None  # not forgotten at save

    desk.undo()
    assert user.was_told("Nothing to undo.")


async def test_the_environment_is_chosen_in_a_question_and_escape_keeps_it(
    document: WorkspaceDocument,
) -> None:
    desk, user = desk_on(document, "List users", "live", None)
    await desk.choose_environment()
    assert desk.environment_of(document) == "live" and user.was_told("Environment: live")
    await desk.choose_environment()  # declined
    assert desk.environment_of(document) == "live"
    assert user.asked == ["Environment", "Environment"]


async def test_the_body_is_saved_to_a_named_file_masked_unless_revealed(
    document: WorkspaceDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The echo sends back a private parameter: saved masked unless the user revealed it; an
    existing file is replaced only when the user says so."""
    monkeypatch.chdir(tmp_path)
    desk, user = desk_on(document, "Echo")
    item = desk.selected
    assert item is not None and item.call_model is not None
    private = tuple(replace(p, value="", private=True) for p in item.call_model.parameters)
    desk.edit_call(item, replace(item.call_model, parameters=private))
    secret = "echoed-private-8731"
    document.secrets.set(SecretAddress.parameter("Demo", "message", "Echo"), secret)
    assert await desk.sending.send_selected() is not None

    user.answers.append("echo.json")
    assert await desk.save_body(revealing=False) == tmp_path / "echo.json"
    saved = (tmp_path / "echo.json").read_text()
    assert secret not in saved and MASK in saved and '"method": "POST"' in saved
    assert user.was_told("Saved the body to") and user.was_told("(private values masked)")

    user.answers += ["echo.json", "no"]  # it exists: not replaced
    assert await desk.save_body(revealing=True) is None
    assert secret not in (tmp_path / "echo.json").read_text()
    user.answers += ["echo.json", "replace"]
    assert await desk.save_body(revealing=True) == tmp_path / "echo.json"
    assert secret in (tmp_path / "echo.json").read_text()
    assert user.asked[-1] == "Replace the file?"
