"""Files a workspace uploads: read from its folder, anything else asked about, devices refused.

A workspace from someone else could name `~/.ssh/id_rsa` as a test value of a file
parameter; sending any call that chains to it would upload the key. Paths resolve from the
workspace file's folder, whatever the current directory; a file outside it (or hidden in it)
needs approval; devices and FIFOs never upload and never hang.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from workbench.core.errors import RequestBuildError
from workbench.core.secrets.trust import FileNotApproved
from workbench.core.sending.session import Session
from workbench.core.workspace.chaining import find_call
from workbench.core.workspace.io import load_workspace


def upload_workspace(folder: Path, file_value: str, demo_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "uploads.toml"
    path.write_text(
        f"""format = 1
id = "5f0c6c1e0e7d4d61a1e1c0b2a3d4e5f6"
name = "Uploads"

[[providers]]
name = "Demo"
base_url = "{demo_url}"

[[providers.calls]]
name = "Upload"
use_as = "data"
method = "POST"
url = "/echo"
body_type = "multipart"
parameters = [{{ name = "doc", value = {json.dumps(file_value)}, file = true }}]
""",
        encoding="utf-8",
    )
    return path


async def upload(path: Path, overrides: dict[str, str] | None = None) -> dict[str, object]:
    session = Session.open(load_workspace(path), path)
    try:
        provider, call = find_call(session.workspace, "Demo/Upload")
        result = await session.run_call(provider, call, overrides=overrides)
        assert result.exchange.status == 200
        answer = json.loads(result.exchange.body)
        assert isinstance(answer, dict)
        return answer
    finally:
        await session.aclose()


async def test_a_relative_path_is_read_from_the_workspace_folder_not_the_current_one(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = upload_workspace(tmp_path / "team", "data/report.txt", demo_url)
    (path.parent / "data").mkdir()
    (path.parent / "data" / "report.txt").write_text("the team's report")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "data").mkdir(parents=True)
    (elsewhere / "data" / "report.txt").write_text("someone else's file")
    monkeypatch.chdir(elsewhere)

    answer = await upload(path)
    assert answer["files"][0]["text"] == "the team's report"  # type: ignore[index]


async def test_a_file_outside_the_folder_is_asked_about_then_remembered(
    tmp_path: Path, demo_url: str
) -> None:
    outside = tmp_path / "private.txt"
    outside.write_text("not the workspace's to send")
    path = upload_workspace(tmp_path / "team", "../private.txt", demo_url)

    with pytest.raises(FileNotApproved) as refused:
        await upload(path)
    assert "outside the workspace's folder" in str(refused.value)
    assert "workbench trust" in str(refused.value) and "--file" in str(refused.value)

    session = Session.open(load_workspace(path), path)
    session.trust.approve_file(refused.value.path)
    answer = await upload(path)  # a new session: the approval was remembered
    assert answer["files"][0]["text"] == "not the workspace's to send"  # type: ignore[index]


async def test_the_ssh_folder_of_a_workspace_in_home_is_asked_about(
    tmp_path: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    key = home / ".ssh" / "id_rsa"
    key.parent.mkdir(parents=True)
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    for folder, value in ((home, "~/.ssh/id_rsa"), (home / "api", "~/.ssh/id_rsa")):
        path = upload_workspace(folder, value, demo_url)
        with pytest.raises(FileNotApproved, match=r"hidden \(\.ssh\)|outside"):
            await upload(path)


async def test_a_path_the_user_gives_is_theirs_to_send(tmp_path: Path, demo_url: str) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text("given on the command line")
    path = upload_workspace(tmp_path / "team", "nothing.txt", demo_url)
    answer = await upload(path, {"doc": str(mine)})
    assert answer["files"][0]["text"] == "given on the command line"  # type: ignore[index]


async def test_devices_and_fifos_are_refused_at_once(tmp_path: Path, demo_url: str) -> None:
    fifo = tmp_path / "team" / "pipe"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    for value in ("/dev/zero", "pipe"):
        path = upload_workspace(tmp_path / "team", value, demo_url)
        started = time.monotonic()
        with pytest.raises(RequestBuildError, match="not a regular file"):
            await upload(path, {"doc": value} if value == "/dev/zero" else None)
        assert time.monotonic() - started < 2  # neither read forever nor blocked
