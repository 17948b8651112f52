"""Chained parameters: a value from a data call's latest response, resolved by the session over
real loopback HTTP; the rules (data calls only, no circles) and the helpers the TUI uses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cli_process import workbench_here

from workbench.core.errors import ChainError
from workbench.core.sending.session import Session
from workbench.core.shape.json_path import PathError
from workbench.core.workspace.chaining import (
    chain_parameter,
    chained_from,
    retarget_provider_sources,
    retarget_sources,
)
from workbench.core.workspace.io import dumps_workspace, load_workspace, loads_workspace
from workbench.core.workspace.model import (
    BodyType,
    Call,
    Method,
    Parameter,
    Provider,
    UseAs,
    ValueSource,
    Workspace,
    with_derived_ids,
)
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workspaces" / "demo.toml"

LIST_USERS = Call("List users", url="/users")


def rename_call(path: str = "data[0].id", source: str = "List users") -> Call:
    """A PATCH /users/[id] action whose id is chained; it sends the name as a JSON body."""
    return Call(
        "Rename",
        use_as=UseAs.ACTION,
        method=Method.PATCH,
        url="/users/[id]",
        parameters=(
            Parameter("id", source=ValueSource(source, path)),
            Parameter("name", "Chained Name"),
        ),
        body_type=BodyType.JSON,
        body='{"name": "<name>"}',
    )


def workspace_of(*calls: Call, base_url: str = "http://127.0.0.1:1") -> Workspace:
    return Workspace(
        id="chain-test", name="Chain", providers=(Provider("Demo", base_url, calls=calls),)
    )


OpenSession = Callable[[Workspace], Session]


@pytest.fixture
async def sessions(fresh_demo: DemoServer, tmp_path: Path) -> AsyncIterator[OpenSession]:
    """Opens sessions on workspaces held in memory, sending to the demo API; closes them."""
    opened: list[Session] = []

    def open_session(workspace: Workspace) -> Session:
        session = Session.open(workspace, tmp_path / "w.toml")
        session.base_url = fresh_demo.base_url
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        await session.aclose()


# ---- resolution over loopback -----------------------------------------------------------------


async def test_a_chained_value_comes_from_the_source_sent_first(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    workspace = workspace_of(LIST_USERS, rename_call())
    session = sessions(workspace)
    provider = workspace.providers[0]

    result = await session.run_call(provider, provider.calls[1])

    assert [first.call.name for first in result.sent_first] == ["List users"]
    assert result.exchange.status == 200 and result.exchange.request.url.endswith("/users/1")
    assert isinstance(result.data, dict) and result.data["name"] == "Chained Name"
    assert fresh_demo.state.request_count("GET", "/users") == 1
    assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 1

    # The source's latest data is kept: the next send does not fetch it again.
    again = await session.run_call(provider, provider.calls[1])
    assert again.sent_first == ()
    assert fresh_demo.state.request_count("GET", "/users") == 1
    latest = session.latest_data("Demo", "List users")
    assert isinstance(latest, dict) and latest["page"] == 1
    # Latest data is per environment: another environment's ids may differ.
    assert session.latest("Demo", "List users", "live") is None


async def test_a_run_time_value_wins_and_the_source_is_not_sent(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    workspace = workspace_of(LIST_USERS, rename_call())
    session = sessions(workspace)
    provider = workspace.providers[0]

    result = await session.run_call(provider, provider.calls[1], overrides={"id": "5"})

    assert result.exchange.request.url.endswith("/users/5") and result.sent_first == ()
    assert fresh_demo.state.request_count("GET", "/users") == 0


async def test_an_action_is_never_sent_by_chaining(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    # A workspace file refuses this chain on load; the TUI may build one in memory.
    create = Call("Create user", use_as=UseAs.ACTION, method=Method.POST, url="/users")
    reader = Call(
        "Get created",
        url="/users/[id]",
        parameters=(Parameter("id", source=ValueSource("Create user", "id")),),
    )
    workspace = workspace_of(create, reader)
    session = sessions(workspace)

    with pytest.raises(ChainError, match="action call") as caught:
        await session.run_call(workspace.providers[0], reader)

    assert "'id' of Demo/Get created" in str(caught.value)
    assert fresh_demo.state.request_count("POST", "/users") == 0
    assert fresh_demo.state.request_count("GET", "/users/{id}") == 0


async def test_a_circle_is_refused_before_anything_is_sent(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    first = Call("A", url="/users", parameters=(Parameter("x", source=ValueSource("B", "x")),))
    second = Call("B", url="/users", parameters=(Parameter("y", source=ValueSource("A", "y")),))
    workspace = workspace_of(first, second)
    session = sessions(workspace)

    with pytest.raises(ChainError, match="circle"):
        await session.run_call(workspace.providers[0], first)
    assert fresh_demo.state.request_count("GET", "/users") == 0


async def test_a_missing_path_names_the_parameter_the_source_and_the_path(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    workspace = workspace_of(LIST_USERS, rename_call("data[99].id"))
    session = sessions(workspace)

    with pytest.raises(ChainError) as caught:
        await session.run_call(workspace.providers[0], workspace.providers[0].calls[1])

    message = str(caught.value)
    assert "'id' of Demo/Rename" in message
    assert "Demo/List users at data[99].id" in message
    assert "no item 99 at data: the list has 10 items" in message
    assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 0


async def test_a_null_value_is_refused_unless_the_parameter_may_be_empty(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    # The first user has no manager: data[0].manager_id is null.
    workspace = workspace_of(LIST_USERS, rename_call("data[0].manager_id"))
    session = sessions(workspace)
    with pytest.raises(ChainError, match="empty or null"):
        await session.run_call(workspace.providers[0], workspace.providers[0].calls[1])
    assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 0


async def test_a_failed_source_stops_the_call_and_carries_its_answer(
    sessions: OpenSession, fresh_demo: DemoServer
) -> None:
    broken = Call("List users", url="/status/503")
    workspace = workspace_of(broken, rename_call())
    session = sessions(workspace)

    with pytest.raises(ChainError, match="it was sent first, and it failed") as caught:
        await session.run_call(workspace.providers[0], workspace.providers[0].calls[1])

    assert caught.value.exchange is not None and caught.value.exchange.status == 503
    assert session.latest("Demo", "List users") is None  # no data, so nothing to reuse
    assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 0


# ---- the CLI ----------------------------------------------------------------------------------


def test_run_sends_the_data_source_first_then_the_chained_action(fresh_demo: DemoServer) -> None:
    result = workbench_here(
        "run", str(DEMO), "Demo/Rename first user", "--base-url", fresh_demo.base_url
    )
    assert result.returncode == 0, result.stderr
    assert "Demo/List users (sent first for a chained value): HTTP/1.1 200 OK" in result.stderr
    assert fresh_demo.state.request_count("GET", "/users") == 1
    renamed = fresh_demo.state.users.get(1)
    assert renamed is not None and renamed["name"] == "Grace Hopper"


def test_run_exits_with_the_failed_source_calls_code(
    fresh_demo: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "chain.toml"
    path.write_text(
        dumps_workspace(workspace_of(Call("List users", url="/status/503"), rename_call())),
        encoding="utf-8",
    )
    result = workbench_here("run", str(path), "Demo/Rename", "--base-url", fresh_demo.base_url)
    assert result.returncode == 5
    assert "503 Service Unavailable" in result.stderr
    assert "'id' of Demo/Rename takes its value from Demo/List users" in result.stderr
    assert "Traceback" not in result.stderr
    assert fresh_demo.state.request_count("PATCH", "/users/{id}") == 0


def test_run_exits_3_when_the_value_is_not_there(fresh_demo: DemoServer, tmp_path: Path) -> None:
    path = tmp_path / "chain.toml"
    workspace = workspace_of(LIST_USERS, rename_call("data[0].idd"))
    path.write_text(dumps_workspace(workspace), encoding="utf-8")
    result = workbench_here("run", str(path), "Demo/Rename", "--base-url", fresh_demo.base_url)
    assert result.returncode == 3
    assert "no field 'idd' at data[0]; fields: id, name, email" in result.stderr
    assert "Traceback" not in result.stderr


# ---- the file and the helpers for the TUI ----------------------------------------------------


def test_chained_parameters_round_trip_in_the_file() -> None:
    workspace = load_workspace(DEMO)
    rename = workspace.providers[0].call("Rename first user")
    assert rename is not None
    assert rename.parameters[0] == Parameter("id", source=ValueSource("List users", "data[0].id"))
    text = dumps_workspace(workspace)
    assert '{ name = "id", from = "List users", path = "data[0].id" },' in text
    assert loads_workspace(text, "again.toml") == workspace


def test_a_value_from_another_provider_is_written_provider_slash_call() -> None:
    billing = Provider(
        "Billing",
        "http://127.0.0.1:1",
        calls=(Call("Invoices", parameters=(Parameter("user"),)),),
    )
    demo = workspace_of(LIST_USERS)
    workspace = with_derived_ids(replace(demo, providers=(*demo.providers, billing)))
    chained = chain_parameter(
        workspace, ("Billing", "Invoices"), "user", ("Demo", "List users"), "data[0].id"
    )
    invoices = chained.providers[1].calls[0]
    assert invoices.parameters == (
        Parameter("user", source=ValueSource("Demo/List users", "data[0].id")),
    )
    assert loads_workspace(dumps_workspace(chained), "c.toml") == chained


def test_chain_parameter_adds_or_replaces_and_checks_the_rules() -> None:
    get_user = Call("Get user", url="/users/[id]", parameters=(Parameter("id", "1"),))
    create = Call("Create user", use_as=UseAs.ACTION, method=Method.POST, url="/users")
    workspace = workspace_of(LIST_USERS, get_user, create)

    replaced = chain_parameter(
        workspace, ("Demo", "Get user"), "id", ("Demo", "List users"), "data[-1].id"
    )
    assert replaced.providers[0].calls[1].parameters == (
        Parameter("id", source=ValueSource("List users", "data[-1].id")),
    )
    added = chain_parameter(
        workspace, ("Demo", "Get user"), "manager", ("Demo", "List users"), "data[0].manager_id"
    )
    assert [p.name for p in added.providers[0].calls[1].parameters] == ["id", "manager"]

    with pytest.raises(ChainError, match="action call"):
        chain_parameter(workspace, ("Demo", "Get user"), "id", ("Demo", "Create user"), "id")
    with pytest.raises(ChainError, match="its own response"):
        chain_parameter(workspace, ("Demo", "Get user"), "id", ("Demo", "Get user"), "id")
    with pytest.raises(PathError, match="every item"):
        chain_parameter(workspace, ("Demo", "Get user"), "id", ("Demo", "List users"), "data[].id")


def test_renaming_a_source_call_can_carry_its_chained_parameters_along() -> None:
    workspace = load_workspace(DEMO)
    users = chained_from(workspace, "Demo", "List users")
    assert [(c.name, p.name) for _, c, p in users] == [("Rename first user", "id")]

    retargeted = retarget_sources(workspace, "Demo", "List users", "All users")
    rename = retargeted.providers[0].call("Rename first user")
    assert rename is not None and rename.parameters[0].source == ValueSource(
        "All users", "data[0].id"
    )
    assert chained_from(workspace, "Demo", "Get user") == []
    assert retarget_sources(workspace, "Demo", "Get user", "Fetch user") is workspace


def test_renaming_a_source_provider_can_carry_its_chained_parameters_along() -> None:
    demo = load_workspace(DEMO)
    billing = Provider(
        "Billing",
        calls=(
            Call(
                "Invoices", parameters=(Parameter("user", source=ValueSource("Demo/List users")),)
            ),
        ),
    )
    workspace = replace(demo, providers=(*demo.providers, billing))

    retargeted = retarget_provider_sources(workspace, "Demo", "Service")
    invoices = retargeted.providers[1].calls[0]
    assert invoices.parameters[0].source == ValueSource("Service/List users")
    own = retargeted.providers[0].call("Rename first user")
    assert own is not None and own.parameters[0].source == ValueSource("List users", "data[0].id")
    assert retargeted.providers[0] is workspace.providers[0]  # nothing of its own changed
    assert retarget_provider_sources(workspace, "Billing", "Invoicing") is workspace
