"""`workbench auth status` and `reset`, and what `login` refuses, on workspaces/auth.toml.

Tokens are put in the (temporary) secret store directly, with known expiry
and scope, so what the commands print can be checked exactly. The login
itself is exercised in test_auth_user_agent.py.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

from workbench import cli
from workbench.commands.exit_codes import ExitCode
from workbench.core.auth.tokens import Token, TokenManager
from workbench.core.secrets.store import Secret, SecretAddress, SecretResolver, SecretStore
from workbench.core.workspace import Provider, load_workspace
from workbench.demo.credentials import AUTH_WORKSPACE_ID, DemoCredentials, store_demo_credentials
from workbench.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
AUTH = str(ROOT / "workspaces" / "auth.toml")
PROVIDER = "OAuth2 user-agent"


def tokens() -> TokenManager:
    return TokenManager(SecretResolver(AUTH_WORKSPACE_ID, SecretStore()))


def owner(name: str = PROVIDER) -> Provider:
    """The provider of auth.toml named `name`: its token is kept under its id."""
    provider = load_workspace(Path(AUTH)).provider(name)
    assert provider is not None
    return provider


def seed(environment: str = "development", *, age: float = 0.0, refresh: bool = True) -> str:
    """Cache a one-hour token obtained `age` seconds ago; returns its (random) value."""
    value = secrets.token_urlsafe(16)
    tokens().save(
        owner(),
        environment,
        Token(
            Secret(value),
            obtained_at=time.time() - age,
            expires_in=3600,
            refresh_token=Secret(secrets.token_urlsafe(16)) if refresh else None,
            scope="profile",
        ),
    )
    return value


def workbench(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def line_of(output: str, provider: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{provider} ("))


def test_status_lists_every_provider_without_showing_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    value = seed()
    code, out, err = workbench(capsys, "auth", "status", AUTH)
    assert code == 0, err
    assert line_of(out, PROVIDER) == (
        f"{PROVIDER} (environment development): token present, expires in 60 min, "
        "scope profile, refresh token present"
    )
    assert line_of(out, "Key in header").endswith("no token needed (Private key in header)")
    assert line_of(out, "OAuth2 password").endswith(
        "no token yet; one is obtained on the next call"
    )
    assert value not in out + err


def test_status_of_an_expired_token_and_of_one_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed("live", age=3600 + 300, refresh=False)
    code, out, _ = workbench(capsys, "auth", "status", AUTH, PROVIDER, "--env", "live")
    assert code == 0
    assert out == (
        f"{PROVIDER} (environment live): token present, expired 5 min ago, "
        "scope profile, no refresh token\n"
    )
    _, out, _ = workbench(capsys, "auth", "status", AUTH, PROVIDER)
    assert out.startswith(f"{PROVIDER} (environment development): no token; log in with ")
    assert f'auth login {AUTH} "{PROVIDER}" --env development`' in out.replace("'", '"')


def test_reset_forgets_one_environment_or_all(capsys: pytest.CaptureFixture[str]) -> None:
    seed("development")
    seed("live")
    code, _, err = workbench(capsys, "auth", "reset", AUTH, PROVIDER, "--env", "live")
    assert code == 0 and "Forgot the cached token of OAuth2 user-agent (environment live)" in err
    assert tokens().cached(owner(), "live") is None
    assert tokens().cached(owner(), "development") is not None

    code, _, err = workbench(capsys, "auth", "reset", AUTH)
    assert code == 0 and f"Forgot the cached token of {PROVIDER} (every environment)" in err
    assert "No cached token for OAuth2 password (every environment)" in err
    assert tokens().cached(owner(), "development") is None

    code, _, err = workbench(capsys, "auth", "reset", AUTH, PROVIDER)
    assert code == 0 and "No cached token for OAuth2 user-agent" in err


def test_reset_of_a_provider_without_tokens_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = workbench(capsys, "auth", "reset", AUTH, "Basic")
    assert code == 0 and err == "Basic uses HTTP Basic, which has no token.\n"


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["status", AUTH, "Nope"], ExitCode.NOT_SENT, "No provider 'Nope'"),
        (["reset", AUTH, "Nope"], ExitCode.NOT_SENT, "OAuth2 user-agent"),
        (["status", AUTH, "--env", "staging"], ExitCode.USAGE, "has: development, live"),
        (["login", AUTH, PROVIDER, "--env", "staging"], ExitCode.USAGE, "No environment"),
        (["status", "no/such/file.toml"], ExitCode.NOT_SENT, "no such file"),
        (["login", AUTH, "Basic"], ExitCode.USAGE, "uses HTTP Basic, which needs no login"),
    ],
)
def test_problems_exit_with_the_documented_codes(
    capsys: pytest.CaptureFixture[str], args: list[str], exit_code: int, message: str
) -> None:
    code, _, err = workbench(capsys, "auth", *args)
    assert code == exit_code
    assert message in err and "Traceback" not in err


def test_login_of_a_method_without_a_person_fetches_a_token_at_once(
    fresh_demo: DemoServer, demo_credentials: DemoCredentials, capsys: pytest.CaptureFixture[str]
) -> None:
    store_demo_credentials(demo_credentials, SecretStore())
    code, _, err = workbench(
        capsys, "auth", "login", AUTH, "OAuth2 password", "--base-url", fresh_demo.base_url
    )
    assert code == 0, err
    assert "Logged in to OAuth2 password (environment development); token expires in 60 min" in err
    assert fresh_demo.state.request_count("POST", "/oauth/token") == 1
    assert tokens().cached(owner("OAuth2 password"), "development") is not None


def test_a_token_endpoint_that_refuses_exits_7(
    fresh_demo: DemoServer, demo_credentials: DemoCredentials, capsys: pytest.CaptureFixture[str]
) -> None:
    store_demo_credentials(demo_credentials, SecretStore())
    SecretStore().set(AUTH_WORKSPACE_ID, SecretAddress("OAuth2 password", "auth.password"), "no")
    code, _, err = workbench(
        capsys, "auth", "login", AUTH, "OAuth2 password", "--base-url", fresh_demo.base_url
    )
    assert code == ExitCode.AUTH
    assert "OAuth2 password flow" in err and "invalid_grant" in err and "Traceback" not in err


@pytest.mark.parametrize("action", [[], ["login"], ["status"], ["reset"]])
def test_help(capsys: pytest.CaptureFixture[str], action: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["auth", *action, "--help"])
    assert exit_info.value.code == 0
    assert "usage: workbench auth" in capsys.readouterr().out
