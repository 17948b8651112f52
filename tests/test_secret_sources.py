"""A person's own sources of private values (their config's `[secrets]`): a command, a `.env`
file, the OS keyring; the order they are asked in; `secret where` and `secret missing`."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from cli_process import workbench_here
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from workbench.core.config import load_config
from workbench.core.secrets import (
    KeyringStore,
    PersonalSources,
    SecretAddress,
    SecretResolver,
    SecretSettings,
    SecretStore,
    SourceKind,
    environment_variable,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "workspaces" / "demo.toml")
NAME = "Demo/Check API key/param.X-Api-Key"
ADDRESS = SecretAddress.parse(NAME)
VARIABLE = "WORKBENCH_SECRET__DEMO__CHECK_API_KEY_PARAM_X_API_KEY"
MARKER = secrets.token_hex(12)  # in every value: a leak shows as this


def value(name: str) -> str:
    return f"{name}-{MARKER}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps its items in this process (keyring ships no such backend)."""

    priority = 1  # type: ignore[assignment]  # a usable backend

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The keyring library's backend for this test: one in memory, never the real keyring."""
    before = keyring.core._keyring_backend
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.core._keyring_backend = before


def write_config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text, encoding="utf-8")


def script(folder: Path, name: str, body: str) -> str:
    """A Python script as a TOML command (an argv list): the test's interpreter runs it."""
    path = folder / f"{name}.py"
    path.write_text(body, encoding="utf-8")
    return json.dumps([sys.executable, str(path)])


def run_check(demo_url: str) -> tuple[int, str, str]:
    result = workbench_here("run", DEMO, "Demo/Check API key", "--base-url", demo_url)
    return result.returncode, result.stdout, result.stderr


# -- a command ---------------------------------------------------------------------------------


def test_a_command_gives_the_value_sent(demo_url: str, isolated_home: Path, tmp_path: Path) -> None:
    secret = value("command")
    command = script(tmp_path, "print_key", f"print({secret!r})")
    write_config(isolated_home, f"[secrets.commands]\n{VARIABLE} = {command}\n")

    code, out, err = run_check(demo_url)

    assert code == 0, err
    # The demo answers with the SHA-256 of the key it received: the command's output, less
    # its final newline.
    assert json.loads(out)["sha256"] == sha256(secret)
    where = workbench_here("secret", "where", DEMO, NAME)
    assert where.returncode == 0
    assert "comes from the command" in where.stdout and "print_key.py" in where.stdout
    for text in (out, err, where.stdout, where.stderr):
        assert MARKER not in text
    assert not (isolated_home / "secrets.json").exists()  # nothing was stored


def test_a_command_runs_once_per_process(isolated_home: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    command = script(
        tmp_path,
        "count",
        f"open({str(runs)!r}, 'a').write('x')\nprint('counted')",
    )
    write_config(isolated_home, f"[secrets.commands]\n{VARIABLE} = {command}\n")
    settings = load_config().secrets
    resolver = SecretResolver("ws", None, environ={}, sources=PersonalSources(settings))

    first = resolver.get(ADDRESS, "development")
    second = resolver.get(ADDRESS, "live")

    assert first is not None and first.reveal() == "counted"
    assert second == first
    assert runs.read_text() == "x"


def test_a_command_that_takes_too_long_is_stopped(
    demo_url: str, isolated_home: Path, tmp_path: Path
) -> None:
    command = script(tmp_path, "slow", "import time\ntime.sleep(60)\nprint('late')")
    write_config(
        isolated_home,
        f"[secrets]\ncommand_timeout = 0.5\n[secrets.commands]\n{VARIABLE} = {command}\n",
    )
    started = time.monotonic()

    code, _, err = run_check(demo_url)

    assert code == 3
    assert time.monotonic() - started < 30  # stopped, not waited for
    assert "slow.py" in err and "gave no value within 0.5 s" in err
    assert "command_timeout" in err
    assert "Traceback" not in err


def test_a_failing_command_says_its_status_and_first_error_line(
    demo_url: str, isolated_home: Path, tmp_path: Path
) -> None:
    # What it printed on its output is never shown: it may be a value.
    command = script(
        tmp_path,
        "denied",
        "import sys\n"
        f"print({value('stdout')!r})\n"
        "print('vault: permission denied', file=sys.stderr)\n"
        "print('second line', file=sys.stderr)\n"
        "sys.exit(1)\n",
    )
    write_config(isolated_home, f"[secrets.commands]\n{VARIABLE} = {command}\n")

    code, out, err = run_check(demo_url)

    assert code == 3
    assert "denied.py" in err and VARIABLE in err
    assert "failed with exit status 1: vault: permission denied" in err
    assert "second line" not in err
    assert MARKER not in out + err
    assert "Traceback" not in err


def test_a_command_that_cannot_start_says_so(
    demo_url: str, isolated_home: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-program"
    write_config(isolated_home, f'[secrets.commands]\n{VARIABLE} = "{missing} read key"\n')

    code, _, err = run_check(demo_url)

    assert code == 3
    assert f"`{missing} read key`" in err and "cannot run" in err


# -- a .env file, the keyring ------------------------------------------------------------------


def test_a_dotenv_file_gives_the_value_sent(
    demo_url: str, isolated_home: Path, tmp_path: Path
) -> None:
    secret = value("dotenv")
    team = tmp_path / "team.env"
    team.write_text(f"# the team's values\nOTHER=1\n{VARIABLE}='{secret}'\n", encoding="utf-8")
    write_config(isolated_home, f'[secrets]\ndotenv = ["{team}"]\n')

    code, out, err = run_check(demo_url)

    assert code == 0, err
    assert json.loads(out)["sha256"] == sha256(secret)
    where = workbench_here("secret", "where", DEMO, NAME)
    assert f"comes from the .env file {team}" in where.stdout
    assert MARKER not in out + err + where.stdout


def test_later_dotenv_files_win_and_a_missing_one_is_named(
    isolated_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.env").write_text(f"{VARIABLE}=from-a\n", encoding="utf-8")
    (tmp_path / "b.env").write_text(f"{VARIABLE}=from-b\n", encoding="utf-8")
    # Relative paths start at the config file's folder.
    write_config(
        isolated_home,
        f'[secrets]\ndotenv = ["{tmp_path}/a.env", "{tmp_path}/b.env", "gone.env"]\n',
    )
    sources = PersonalSources(load_config().secrets)
    resolver = SecretResolver("ws", None, environ={}, sources=sources)

    found = resolver.get(ADDRESS, "development")

    assert found is not None and found.reveal() == "from-b"
    assert sources.missing_files() == [isolated_home / "gone.env"]
    where = workbench_here("secret", "where", DEMO, NAME)
    assert "b.env" in where.stdout and "a.env (not used)" in where.stdout
    assert f"the .env file {isolated_home / 'gone.env'}" in where.stderr


def test_the_keyring_keeps_values_when_chosen(
    demo_url: str, isolated_home: Path, memory_keyring: MemoryKeyring
) -> None:
    write_config(isolated_home, '[secrets]\nstore = "keyring"\n')
    secret = value("keyring")

    stored = workbench_here("secret", "set", DEMO, NAME, stdin=secret)
    code, out, err = run_check(demo_url)

    assert stored.returncode == 0, stored.stderr
    assert "in your keyring" in stored.stderr
    assert code == 0, err
    assert json.loads(out)["sha256"] == sha256(secret)
    # In the keyring, one item for the workspace; nothing in the store file.
    [(service, _)] = memory_keyring.items
    assert service == "workbench"
    store_file = isolated_home / "secrets.json"
    assert not store_file.exists() or MARKER not in store_file.read_text()
    where = workbench_here("secret", "where", DEMO, NAME)
    assert "comes from your keyring (test secret sources MemoryKeyring)" in where.stdout

    deleted = workbench_here("secret", "delete", DEMO, NAME)
    assert deleted.returncode == 0
    assert memory_keyring.items == {}


def test_the_keyring_store_moves_values_as_the_file_does(
    isolated_home: Path, memory_keyring: MemoryKeyring
) -> None:
    file_store = SecretStore(isolated_home)
    old = SecretAddress("Demo", "param.old")
    file_store.set("ws", old, "from the file", "live")
    store = KeyringStore(memory_keyring, isolated_home)
    resolver = SecretResolver("ws", store, environ={})

    # Values of the file stay readable; set again, a value moves into the keyring.
    assert resolver.source_of(old, "live") == file_store.source_of("ws", str(old), "live")
    resolver.set(old, "in the keyring", "live")
    assert "param.old" not in file_store.path.read_text()
    new = SecretAddress("Demo", "param.new")
    resolver.rename(old, new)
    resolver.rename_environment("live", "production")

    found = resolver.get(new, "production")
    assert found is not None and found.reveal() == "in the keyring"
    source = resolver.source_of(new, "production")
    assert source is not None and source.kind is SourceKind.KEYRING
    assert resolver.get(old, "live") is None


def test_no_keyring_here_means_the_store_file_said_once(
    isolated_home: Path, memory_keyring: MemoryKeyring
) -> None:
    keyring.set_keyring(fail.Keyring())  # as over SSH: no backend
    write_config(isolated_home, '[secrets]\nstore = "keyring"\n')

    stored = workbench_here("secret", "set", DEMO, NAME, stdin=value("file"))

    assert stored.returncode == 0, stored.stderr
    assert stored.stderr.count("no keyring backend is available here") == 1
    assert "in the secret store" in stored.stderr
    assert MARKER in (isolated_home / "secrets.json").read_text()


def test_a_keyring_that_fails_says_so_without_the_value(
    isolated_home: Path, memory_keyring: MemoryKeyring
) -> None:
    from keyring.errors import PasswordSetError

    def refuse(service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"locked: {password}")

    memory_keyring.set_password = refuse  # type: ignore[method-assign]
    write_config(isolated_home, '[secrets]\nstore = "keyring"\n')

    stored = workbench_here("secret", "set", DEMO, NAME, stdin=value("refused"))

    assert stored.returncode == 3
    assert (
        "Cannot write to your keyring (test secret sources MemoryKeyring): PasswordSetError"
        in stored.stderr
    )
    assert MARKER not in stored.stderr


# -- the order -----------------------------------------------------------------------------------


def test_environment_beats_command_beats_dotenv_beats_store(
    isolated_home: Path, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    team = tmp_path / "team.env"
    team.write_text(f"{VARIABLE}=dotenv\n", encoding="utf-8")
    command = script(tmp_path, "print_key", "print('command')")
    config = f'[secrets]\ndotenv = ["{team}"]\n[secrets.commands]\n{VARIABLE} = {command}\n'
    settings = load_config_text(isolated_home, config)
    store = KeyringStore(memory_keyring, isolated_home)
    store.set("ws", ADDRESS, "keyring")
    SecretStore(isolated_home).set("ws", ADDRESS, "store file", "development")
    environ = {VARIABLE: "environment"}

    def answer() -> tuple[str, list[SourceKind]]:
        resolver = SecretResolver("ws", store, environ=environ, sources=PersonalSources(settings))
        found = resolver.get(ADDRESS, "development")
        assert found is not None
        return found.reveal(), [s.kind for s in resolver.sources_of(ADDRESS, "development")]

    every = [SourceKind.ENVIRONMENT, SourceKind.COMMAND, SourceKind.DOTENV]
    # The store file's value is for this environment, the keyring's for all of them: the more
    # specific one is asked first within the store.
    assert answer() == ("environment", [*every, SourceKind.STORE, SourceKind.KEYRING])
    environ.clear()
    assert answer() == ("command", [*every[1:], SourceKind.STORE, SourceKind.KEYRING])
    settings = load_config_text(isolated_home, f'[secrets]\ndotenv = ["{team}"]\n')
    assert answer() == ("dotenv", [SourceKind.DOTENV, SourceKind.STORE, SourceKind.KEYRING])
    settings = SecretSettings()
    assert answer() == ("store file", [SourceKind.STORE, SourceKind.KEYRING])


def test_an_environment_variable_for_one_environment_beats_one_for_all() -> None:
    environ = {
        VARIABLE: "all",
        environment_variable(ADDRESS, "live"): "live only",
    }
    resolver = SecretResolver("ws", None, environ=environ)
    live, development = resolver.get(ADDRESS, "live"), resolver.get(ADDRESS, "development")
    assert live is not None and live.reveal() == "live only"
    assert development is not None and development.reveal() == "all"


def load_config_text(home: Path, text: str) -> SecretSettings:
    write_config(home, text)
    config = load_config()
    assert config.problems == ()
    return config.secrets


def test_values_from_config_sources_are_bound_to_approved_origins(
    isolated_home: Path, tmp_path: Path
) -> None:
    """Unlike an environment variable, a value from a command goes only where the person
    approved: a workspace naming a provider like theirs gets nothing unasked."""
    command = script(tmp_path, "print_key", "print('bound')")
    write_config(isolated_home, f"[secrets.commands]\n{VARIABLE} = {command}\n")
    sources = PersonalSources(load_config().secrets)
    resolver = SecretResolver("ws", None, environ={}, sources=sources)
    found = resolver.get(ADDRESS, "development")
    assert found is not None and found.bound

    os.environ[VARIABLE] = "given"
    try:
        given = SecretResolver("ws", None, sources=sources).get(ADDRESS, "development")
    finally:
        del os.environ[VARIABLE]
    assert given is not None and not given.bound


# -- where, missing --------------------------------------------------------------------------


def test_where_says_when_nothing_has_it_and_how_to_set_it() -> None:
    where = workbench_here("secret", "where", DEMO, NAME, "--env", "live")

    assert where.returncode == 3
    assert f"{NAME} (live) is set nowhere" in where.stdout
    assert f"workbench secret set {DEMO} '{NAME}'" in where.stdout
    assert "--env live" in where.stdout and VARIABLE in where.stdout


def test_where_lists_the_sources_not_used(isolated_home: Path) -> None:
    stored = workbench_here("secret", "set", DEMO, NAME, stdin=value("stored"))
    assert stored.returncode == 0
    os.environ[VARIABLE] = value("environment")
    try:
        where = workbench_here("secret", "where", DEMO, NAME)
    finally:
        del os.environ[VARIABLE]

    assert where.returncode == 0
    assert f"comes from the environment variable {VARIABLE}." in where.stdout
    assert f"also in the store file {isolated_home / 'secrets.json'} (not used)" in where.stdout
    assert MARKER not in where.stdout + where.stderr


def test_where_refuses_a_name_the_workspace_does_not_have() -> None:
    where = workbench_here("secret", "where", DEMO, "Demo/param.nope")
    assert where.returncode == 2
    assert "not a private value of this workspace" in where.stderr
    assert NAME in where.stderr


def test_missing_lists_what_to_set_then_nothing(isolated_home: Path, tmp_path: Path) -> None:
    missing = workbench_here("secret", "missing", DEMO)

    assert missing.returncode == 3
    assert "1 private value to set for development:" in missing.stdout
    assert NAME in missing.stdout
    assert f"workbench secret set {DEMO} '{NAME}'" in missing.stdout
    assert VARIABLE in missing.stdout

    # A command named in the config counts as having the value (it is not run).
    ran = tmp_path / "ran"
    command = script(tmp_path, "key", f"open({str(ran)!r}, 'w')\nprint('k')")
    write_config(isolated_home, f"[secrets.commands]\n{VARIABLE}__LIVE = {command}\n")
    assert workbench_here("secret", "missing", DEMO, "--env", "live").returncode == 0
    assert workbench_here("secret", "missing", DEMO).returncode == 3  # development still
    assert not ran.exists()

    workbench_here("secret", "set", DEMO, NAME, stdin=value("set"))
    done = workbench_here("secret", "missing", DEMO)
    assert done.returncode == 0
    assert "Every private value the calls need is set for development." in done.stdout


def test_missing_refuses_an_unknown_environment() -> None:
    missing = workbench_here("secret", "missing", DEMO, "--env", "staging")
    assert missing.returncode == 2
    assert "No environment 'staging'" in missing.stderr


# -- the config's [secrets] table --------------------------------------------------------------


def test_secrets_table_problems_name_the_key_and_keep_the_rest(isolated_home: Path) -> None:
    write_config(
        isolated_home,
        "[secrets]\n"
        'store = "vault"\n'
        "command_timeout = -1\n"
        'dotenv = ["a.env", 3]\n'
        "colour = 1\n"
        "[secrets.commands]\n"
        f'{VARIABLE} = "op read op://team/demo/key"\n'
        f'{VARIABLE}__LIVE = ["pass", "show", "demo live"]\n'
        'NOT_A_SECRET = "x"\n'
        'WORKBENCH_SECRET__DEMO__Y = "unbalanced \'quote"\n'
        "WORKBENCH_SECRET__DEMO__Z = []\n",
    )
    config = load_config()
    settings = config.secrets
    problems = "\n".join(config.problems)

    assert settings.store == "file" and settings.dotenv == () and settings.command_timeout == 10
    assert settings.commands[VARIABLE].argv == ("op", "read", "op://team/demo/key")
    assert settings.commands[f"{VARIABLE}__LIVE"].written == "pass show 'demo live'"
    assert set(settings.commands) == {VARIABLE, f"{VARIABLE}__LIVE"}
    for expected in (
        'secrets > store: expected one of: file, keyring; got "vault"',
        "secrets > command_timeout: expected a positive number of seconds",
        "secrets > dotenv: expected a path or a list of paths",
        'secrets > colour: unknown key "colour"',
        "secrets > commands > NOT_A_SECRET: expected the name of a private value's environment",
        "secrets > commands > WORKBENCH_SECRET__DEMO__Y: expected a command",
        "secrets > commands > WORKBENCH_SECRET__DEMO__Z: expected a command",
    ):
        assert expected in problems
    assert len(config.problems) == 7


# -- the TUI's desk ----------------------------------------------------------------------------


async def test_a_workspace_opened_in_an_empty_folder_gets_the_users_sources(
    isolated_home: Path, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    from desk_script import ScriptedUser

    from workbench.core.desk import Desk

    folder = tmp_path / "empty"
    folder.mkdir()
    shutil.copy(DEMO, folder / "demo.toml")
    team = tmp_path / "team.env"
    team.write_text(f"{VARIABLE}=from-dotenv\n", encoding="utf-8")
    settings = load_config_text(
        isolated_home, f'[secrets]\nstore = "keyring"\ndotenv = ["{team}"]\n'
    )
    user = ScriptedUser(answers=["demo.toml"])
    desk = Desk([], user, folder=folder, sources=PersonalSources(settings))

    await desk.files.open_workspace()

    [document] = desk.documents
    found = document.secrets.get(ADDRESS, "development")
    assert found is not None and found.reveal() == "from-dotenv"
    assert isinstance(document.secrets.store, KeyringStore)
