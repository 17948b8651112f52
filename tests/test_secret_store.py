"""The secret store: where values live, file permissions, lookup order, masking."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from workbench.core.errors import SecretMissing, SecretStoreError
from workbench.core.secrets.store import (
    MASK,
    Secret,
    SecretAddress,
    SecretResolver,
    SecretStore,
    default_home,
    environment_variable,
)

ADDRESS = SecretAddress("Demo", "auth.value")


def test_home_follows_workbench_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"


def test_store_file_is_private(tmp_path: Path) -> None:
    store = SecretStore(tmp_path / "home")
    store.set("ws1", ADDRESS, "s3cret-value")
    assert stat.S_IMODE(os.stat(store.home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    # Only the lock file stays beside it: no temporary file, no scratch folder.
    lock = store.path.with_name(store.FILE_NAME + ".lock")
    assert sorted(store.home.iterdir()) == [store.path, lock]
    assert stat.S_IMODE(os.stat(lock).st_mode) == 0o600


def test_per_environment_value_wins_over_shared(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    store.set("ws1", ADDRESS, "dev-and-live")
    store.set("ws1", ADDRESS, "live-only", "live")
    resolver = SecretResolver("ws1", store, environ={})
    assert resolver.require(ADDRESS, "live").reveal() == "live-only"
    assert resolver.require(ADDRESS, "development").reveal() == "dev-and-live"


def test_environment_variables_win_and_need_no_store_file(tmp_path: Path) -> None:
    environ = {
        environment_variable(ADDRESS): "from-env",
        environment_variable(ADDRESS, "live"): "from-env-live",
    }
    assert environment_variable(ADDRESS) == "WORKBENCH_SECRET__DEMO__AUTH_VALUE"
    resolver = SecretResolver("ws1", SecretStore(tmp_path), environ=environ)
    assert resolver.require(ADDRESS, "development").reveal() == "from-env"
    assert resolver.require(ADDRESS, "live").reveal() == "from-env-live"
    assert not (tmp_path / SecretStore.FILE_NAME).exists()


def test_values_are_kept_per_workspace(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    store.set("ws1", ADDRESS, "one")
    assert SecretResolver("ws2", store, environ={}).get(ADDRESS, "development") is None


def test_missing_value_names_the_command_that_sets_it(tmp_path: Path) -> None:
    resolver = SecretResolver(
        "ws1", SecretStore(tmp_path), environ={}, workspace_path="workspaces/demo.toml"
    )
    with pytest.raises(SecretMissing) as caught:
        resolver.require(ADDRESS, "development")
    assert caught.value.address == ADDRESS
    message = str(caught.value)
    assert message.startswith("The private value 'Demo/auth.value' is not set.")
    assert 'workbench secret set workspaces/demo.toml "Demo/auth.value"' in message
    assert "WORKBENCH_SECRET__DEMO__AUTH_VALUE" in message


def test_delete_forgets_only_that_environment(tmp_path: Path) -> None:
    store = SecretStore(tmp_path)
    store.set("ws1", ADDRESS, "shared")
    store.set("ws1", ADDRESS, "live-only", "live")
    assert store.delete("ws1", ADDRESS, "live")
    assert not store.delete("ws1", ADDRESS, "live")
    assert store.values("ws1") == {"Demo/auth.value": {"*": "shared"}}


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in f"{secret} {secret!r} {[secret]}"
    assert str(secret) == MASK
    assert secret.reveal() == "hunter2"


def test_corrupt_store_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / SecretStore.FILE_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(SecretStoreError, match="not valid JSON"):
        SecretStore(tmp_path).values("ws1")


def test_address_parsing() -> None:
    assert SecretAddress.parse("Demo/Create user/param.token") == SecretAddress(
        "Demo", "Create user/param.token"
    )
    with pytest.raises(SecretStoreError, match="PROVIDER/FIELD"):
        SecretAddress.parse("no-slash")
