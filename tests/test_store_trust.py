"""The secret store under pressure: parallel writers, parallel token refreshes, a running TUI,
broken or foreign stores, killed saves, and the command-line edges around them.

Parallel work runs in real processes started together (each waits for a shared "go" file);
every wait is on a condition, with a timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_process import command_line, environment, workbench, workbench_here

from tests.ui_wait import wait_until, workers_done
from workbench.core.auth.tokens import Token
from workbench.core.desk import TreeItem
from workbench.core.files import SCRATCH_FOLDER, atomic_write
from workbench.core.secrets import address_named
from workbench.core.secrets.store import Secret, SecretAddress, SecretResolver, SecretStore
from workbench.core.workspace import load_workspace
from workbench.core.workspace.document import WorkspaceDocument
from workbench.demo.credentials import (
    AUTH_WORKSPACE_ID,
    CLIENT_ID,
    DEMO_USER,
    DemoCredentials,
    store_demo_credentials,
)
from workbench.demo.server import DemoServer
from workbench.ui.app import WorkbenchApp

ROOT = Path(__file__).resolve().parents[1]
AUTH = ROOT / "workspaces" / "auth.toml"
DEMO = ROOT / "workspaces" / "demo.toml"
TOKEN_ROUTE = ("POST", "/oauth/token")
KEY_ADDRESS = SecretAddress("Demo", "Check API key/param.X-Api-Key")
TIMEOUT = 60


# Runs a module (`workbench`) or a script file with the arguments after it, once "go" exists.
GATE = """
import os, pathlib, runpy, sys, time
pathlib.Path(os.environ["READY"]).touch()
while not pathlib.Path(os.environ["GO"]).exists():
    time.sleep(0.002)
sys.argv = sys.argv[1:]
if sys.argv[0].endswith(".py"):
    runpy.run_path(sys.argv[0], run_name="__main__")
else:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def start_together(tmp_path: Path, commands: list[list[str]]) -> list[subprocess.Popen[str]]:
    """Start a process per command, each running it once all of them are ready.

    Each waits for a "go" file after creating its "ready" file, so their work overlaps
    instead of depending on how fast each interpreter starts.
    """
    go = tmp_path / "go"
    processes = []
    for index, command in enumerate(commands):
        environment = {**os.environ, "READY": str(tmp_path / f"ready-{index}"), "GO": str(go)}
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", GATE, *command],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    wait_until(
        lambda: all((tmp_path / f"ready-{i}").exists() for i in range(len(commands))),
        timeout=TIMEOUT,
        what="every process to be ready",
    )
    go.touch()
    return processes


def script(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, out, err


# -- parallel writers --------------------------------------------------------------------------


def test_two_processes_writing_100_secrets_each_lose_nothing(tmp_path: Path) -> None:
    writer = script(
        tmp_path,
        "writer.py",
        """
        import sys
        from workbench.core.secrets.store import SecretAddress, SecretStore
        store, prefix = SecretStore(), sys.argv[1]
        for n in range(100):
            store.set("ws", SecretAddress("P", f"param.{prefix}{n}"), f"value-{prefix}{n}")
        """,
    )
    processes = start_together(tmp_path, [[writer, "a"], [writer, "b"]])
    for process in processes:
        code, _, err = finish(process)
        assert code == 0, err
    stored = SecretStore().values("ws")
    assert len(stored) == 200
    for prefix in "ab":
        for n in range(100):
            assert stored[f"P/param.{prefix}{n}"] == {"*": f"value-{prefix}{n}"}


# -- parallel token refreshes ------------------------------------------------------------------


@pytest.fixture
def demo(fresh_demo: DemoServer, demo_credentials: DemoCredentials) -> Iterator[DemoServer]:
    store_demo_credentials(demo_credentials, SecretStore())
    yield fresh_demo
    fresh_demo.state.reset()


def test_parallel_runs_sharing_a_one_time_refresh_token_all_succeed(
    demo: DemoServer, demo_credentials: DemoCredentials, tmp_path: Path
) -> None:
    """Four runs find the same expired token; its refresh token is good for one refresh only,
    and the provider (authorization code) cannot get a new token without a person logging in.
    """
    answer = httpx.post(
        f"{demo.base_url}/oauth/token",
        data={
            "grant_type": "password",
            "username": DEMO_USER,
            "password": demo_credentials.oauth_password,
            "scope": "profile",
        },
        auth=(CLIENT_ID, demo_credentials.client_secret),
    ).json()
    expired = Token(
        Secret(answer["access_token"]),
        obtained_at=time.time() - 7200,
        expires_in=3600,
        refresh_token=Secret(answer["refresh_token"]),
    )
    provider = "OAuth2 user-agent"
    SecretStore().set(AUTH_WORKSPACE_ID, SecretAddress(provider, "auth.token"), expired.to_json())
    run = ["workbench", "run", str(AUTH), f"{provider}/Who am I", "--base-url", demo.base_url]
    processes = start_together(tmp_path, [run] * 4)
    for process in processes:
        code, out, err = finish(process)
        assert code == 0, err
        assert json.loads(out)["user"] == DEMO_USER
    # The password grant above, then a single refresh shared by all four runs.
    assert demo.state.request_count(*TOKEN_ROUTE) == 2


# -- the running TUI sees changes made elsewhere -----------------------------------------------


async def test_a_secret_set_in_another_terminal_is_used_at_the_next_send(
    tmp_path: Path, demo_url: str
) -> None:
    workspace = tmp_path / "demo.toml"
    shutil.copy(DEMO, workspace)
    document = WorkspaceDocument.load(workspace, base_url=demo_url)
    document.secrets.set(KEY_ADDRESS, "first-key")
    app = WorkbenchApp([document], selected=TreeItem(document, "Demo", "Check API key"))

    def sha256_sent() -> object:
        data = document.session().latest_data("Demo", "Check API key")
        return data.get("sha256") if isinstance(data, dict) else None

    def sha256_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+j")
        await workers_done(app)
        assert sha256_sent() == sha256_of("first-key")

        result = workbench("secret", "set", str(workspace), str(KEY_ADDRESS), stdin="second-key")
        assert result.returncode == 0, result.stderr
        await pilot.press("ctrl+j")
        await workers_done(app)
        assert sha256_sent() == sha256_of("second-key")


def test_a_resolver_sees_values_deleted_by_another_process(tmp_path: Path) -> None:
    workspace = tmp_path / "demo.toml"
    shutil.copy(DEMO, workspace)
    document = WorkspaceDocument.load(workspace)
    resolver: SecretResolver = document.secrets
    resolver.set(KEY_ADDRESS, "kept-here")
    assert resolver.require(KEY_ADDRESS, "development").reveal() == "kept-here"
    result = workbench("secret", "delete", str(workspace), str(KEY_ADDRESS))
    assert result.returncode == 0, result.stderr
    assert resolver.get(KEY_ADDRESS, "development") is None


# -- stores workbench must not touch -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"format": 2, "workspaces": {}, "vaults": []}', b'{"format": 1}'],
    ids=["corrupt", "newer-format", "wrong-layout"],
)
def test_a_store_workbench_cannot_read_is_reported_and_left_as_it_is(
    isolated_home: Path, demo_url: str, content: bytes
) -> None:
    store_file = isolated_home / SecretStore.FILE_NAME
    store_file.write_bytes(content)
    runs = [
        workbench_here("secret", "list", str(AUTH)),
        workbench_here("secret", "set", str(AUTH), "Basic/auth.password", stdin="new"),
        workbench_here("secret", "delete", str(AUTH), "Basic/auth.password"),
        workbench_here("run", str(AUTH), "Basic/Who am I", "--base-url", demo_url),
    ]
    for result in runs:
        assert result.returncode == 3, result.stderr
        assert "Traceback" not in result.stderr
        assert f"The secret store {store_file}" in result.stderr
        assert "workbench has not changed it" in result.stderr
    assert store_file.read_bytes() == content


def test_a_home_others_can_write_to_is_refused_and_not_chmodded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o775)
    monkeypatch.setenv("WORKBENCH_HOME", str(shared))
    for result in (
        workbench_here("secret", "set", str(AUTH), "Basic/auth.password", stdin="pw"),
        workbench_here("secret", "list", str(AUTH)),
    ):
        assert result.returncode == 3, result.stderr
        assert "can be written by other users" in result.stderr
        assert "Point WORKBENCH_HOME at a folder of your own" in result.stderr
        assert "Traceback" not in result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o775
    assert list(shared.iterdir()) == []


def test_a_home_that_is_a_symlink_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("WORKBENCH_HOME", str(link))
    result = workbench_here("secret", "set", str(AUTH), "Basic/auth.password", stdin="pw")
    assert result.returncode == 3
    assert "is a symbolic link; workbench does not follow it" in result.stderr
    assert list(real.iterdir()) == []


def test_a_missing_home_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "data" / "workbench"
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    result = workbench_here("secret", "set", str(AUTH), "Basic/auth.password", stdin="pw")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / SecretStore.FILE_NAME).stat().st_mode) == 0o600


# -- a workspace without an id -----------------------------------------------------------------


def without_id(tmp_path: Path, newline: str = "\n") -> tuple[Path, bytes]:
    lines = [line for line in DEMO.read_text().splitlines() if not line.startswith("id = ")]
    path = tmp_path / "no-id.toml"
    original = newline.join([*lines, ""]).encode()
    path.write_bytes(original)
    return path, original


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_secret_set_gives_a_workspace_without_ids_one_line_for_each(
    tmp_path: Path, newline: str
) -> None:
    path, original = without_id(tmp_path, newline)
    result = workbench_here("secret", "set", str(path), str(KEY_ADDRESS), stdin="the-key")
    assert result.returncode == 0, result.stderr
    changed = path.read_bytes()
    added = [line for line in changed.split(b"\n") if line not in original.split(b"\n")]
    # The workspace's id, then one for each provider and call, each on a line of its own.
    tables = original.count(b"[[providers]]") + original.count(b"[[providers.calls]]")
    assert len(added) == 1 + tables and all(line.startswith(b'id = "') for line in added)
    kept = changed
    for line in added:
        kept = kept.replace(line + b"\n", b"", 1)
    assert kept == original
    workspace_id = added[0].split(b'"')[1].decode()
    assert f"Gave {path} the ids it lacked (one added line each); commit" in result.stderr
    workspace = load_workspace(path)
    address = address_named(workspace, str(KEY_ADDRESS))
    assert address is not None and address.key  # kept under the provider's and call's ids
    assert SecretStore().values(workspace_id) == {address.key: {"*": "the-key"}}
    listed = workbench_here("secret", "list", str(path))
    assert f"{KEY_ADDRESS}\tset for all environments" in listed.stdout
    again = workbench_here("secret", "set", str(path), str(KEY_ADDRESS), stdin="other")
    assert again.returncode == 0 and "Gave" not in again.stderr
    assert path.read_bytes() == changed


def test_secret_set_refuses_when_the_id_cannot_be_written(tmp_path: Path) -> None:
    path, original = without_id(tmp_path)
    (tmp_path / SCRATCH_FOLDER).write_text("in the way")  # saving beside it fails
    result = workbench_here("secret", "set", str(path), str(KEY_ADDRESS), stdin="the-key")
    assert result.returncode == 3
    assert "lacks ids, and giving them failed" in result.stderr
    assert "add the lines yourself" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == original
    assert not (Path(os.environ["WORKBENCH_HOME"]) / SecretStore.FILE_NAME).exists()


# -- killed saves ------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a committed workspace file."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copy(DEMO, repo / "demo.toml")
    git(repo, "add", "demo.toml")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "workspace")
    return repo


def test_a_killed_save_leaves_nothing_git_shows_and_the_next_save_tidies(repo: Path) -> None:
    target = repo / "demo.toml"
    # Killed just before the rename: the temporary file is complete, the target untouched.
    killed = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from workbench.core.files import atomic_write
        os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        atomic_write(Path({str(target)!r}), b"half-saved")
        """
    )
    result = subprocess.run([sys.executable, "-c", killed], timeout=TIMEOUT)
    assert result.returncode == -9
    leftovers = [p.name for p in (repo / SCRATCH_FOLDER).iterdir()]
    assert len(leftovers) == 2 and ".gitignore" in leftovers
    old_style = repo / ".demo.toml.x1y2z3.tmp"  # what older versions left beside the file
    old_style.write_text("half-saved")
    assert git(repo, "status", "--porcelain") == "?? .demo.toml.x1y2z3.tmp\n"

    atomic_write(target, target.read_bytes() + b"\n# saved\n")
    assert git(repo, "status", "--porcelain") == " M demo.toml\n"
    assert sorted(p.name for p in repo.iterdir()) == [".git", "demo.toml"]


def test_saves_in_parallel_in_one_folder_all_succeed(tmp_path: Path) -> None:
    saver = script(
        tmp_path,
        "saver.py",
        """
        import sys
        from pathlib import Path
        from workbench.core.files import atomic_write
        folder = Path(sys.argv[1])
        for n in range(100):
            atomic_write(folder / f"{sys.argv[2]}.toml", f"{n}".encode())
        """,
    )
    folder = tmp_path / "shared"
    folder.mkdir()
    processes = start_together(tmp_path, [[saver, str(folder), name] for name in "abc"])
    for process in processes:
        code, _, err = finish(process)
        assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["a.toml", "b.toml", "c.toml"]
    assert {p.read_text() for p in folder.iterdir()} == {"99"}


# -- command-line edges ------------------------------------------------------------------------


def test_secret_list_into_a_closed_pipe_ends_quietly() -> None:
    """What `workbench secret list WS | head -1` meets once head has read its line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            command_line("secret", "list", str(AUTH)),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=TIMEOUT,
            env=environment(),
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""


def test_secret_list_refuses_names_with_control_sequences(tmp_path: Path) -> None:
    text = DEMO.read_text().replace('name = "Check API key"', 'name = "Check\\u001b[2J key"')
    path = tmp_path / "escapes.toml"
    path.write_text(text)
    result = workbench("secret", "list", str(path))
    assert result.returncode == 3
    assert "\x1b" not in result.stdout + result.stderr
    assert 'calls[8] "Check\\x1b[2J key" > name: holds a control character' in result.stderr


def test_a_taken_demo_server_port_is_reported_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = workbench("demo-server", "--port", str(port), "--tls-port", "0")
    assert result.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_a_lone_surrogate_in_a_param_is_a_usage_error(demo_url: str) -> None:
    """A shell passes a byte that is not UTF-8 (here 0xff) as a lone surrogate."""
    result = workbench(
        "run", str(DEMO), "Demo/Get user", "--param", "id=\udcff", "--base-url", demo_url
    )
    assert result.returncode == 2, result.stderr
    assert "not valid text" in result.stderr and "Traceback" not in result.stderr
