"""`workbench check`: a pre-commit lint that finds secrets written in workspace files.

Run in process through `cli.main`, as a hook would run `workbench check`; each test asserts
what a person reads: the finding's file, line, key path and fix, the exit code, and that the
value itself never appears in the output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench import cli
from workbench.core.secrets.scan import looks_like_secret, scan_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "workspaces").glob("*.toml"))

GITHUB_TOKEN = "ghp_R2d9vQ8xLm3Kp7Tz1Wb5Ny0Hc4Fj6Ga8Se2U"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q9Zr3LxT0vNw5KbY"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9"
    ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
AWS_KEY = "AKIAQ3EGUBN7XK2MPLZ4"
RANDOM_KEY = "q8Zr3LxT0vNw5KbY7mPd2FhJ9sGc"

PLANTED = f'''\
format = 1
id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
name = "Planted"

[[providers]]
name = "Demo"
base_url = "https://api.example.com"
headers = [
    {{ name = "Accept", value = "application/json" }},
    {{ name = "X-Api-Key", value = "{GITHUB_TOKEN}" }},
]

[providers.auth]
method = "jwt"
issuer = "service@demo.iam.example"
private_key = """
-----BEGIN PRIVATE KEY-----
{PEM_BODY}
-----END PRIVATE KEY-----
"""
'''


def workspace_with(parameters: str, *, headers: str = "") -> str:
    """A small workspace whose call has these inline parameters (and headers)."""
    return f"""\
format = 1
id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
name = "Values"

[[providers]]
name = "Demo"
base_url = "https://api.example.com/v1"

[[providers.calls]]
name = "Get file"
url = "/files/[id]"
headers = [{headers}]
parameters = [
{parameters}
]
"""


def check(capsys: pytest.CaptureFixture[str], *paths: str | Path) -> tuple[int, str, str]:
    code = cli.main(["check", *map(str, paths)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the planted workspace ------------------------------------------------------------------


def test_a_planted_token_and_pem_key_are_flagged_without_showing_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "planted.toml"
    file.write_text(PLANTED, encoding="utf-8")

    code, out, err = check(capsys, file)

    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    header, key = lines
    assert header.startswith(f'{file}:10: provider "Demo" > header "X-Api-Key" > value: ')
    assert "looks like a GitHub personal access token (ghp_…)" in header
    command = f'`workbench secret set {file} "Demo/header.X-Api-Key"`'
    assert f"fix: write `private = true` instead of its value and set it with {command}" in header
    assert key.startswith(f'{file}:16: provider "Demo" > auth > private_key: ')
    assert "looks like a PEM private key" in key
    assert f'`workbench secret set {file} "Demo/auth.private_key"`' in key
    # Neither value, nor a recognisable part of it beyond the token's known prefix.
    for shown in (out, err):
        assert GITHUB_TOKEN[:8] not in shown and PEM_BODY[:8] not in shown
    assert "2 values that look like secrets in 1 of 1 file" in err


def test_the_example_workspaces_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert EXAMPLES, "the examples moved"
    code, out, err = check(capsys, *EXAMPLES)
    assert (code, out) == (0, "")
    assert f"{len(EXAMPLES)} files, nothing that looks like a secret" in err
    # A folder stands for its *.toml files.
    assert check(capsys, ROOT / "workspaces")[0] == 0


# -- what counts as a secret ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "hint"),
    [
        (JWT, "a JSON Web Token", "eyJ…"),
        (AWS_KEY, "an AWS access key ID", "AKIA…"),
        (RANDOM_KEY, "a long random string", "q8Zr…"),
        (f"Bearer {RANDOM_KEY}", "a long random string", "q8Zr…"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe live secret key", "sk_live_…"),
        ("xoxb-2048-1357-ZpQ8rT3vLx9KmW", "a Slack bot token", "xoxb-…"),
        ("AIzaSyD3x9K2mQ7vLp4Wz8Nc1Rb5Ty6Hj0Fg2Ue", "a Google API key", "AIza…"),
        ("glpat-Xq3Lz9Km2Vr7Tn4Wb8Py", "a GitLab personal access token", "glpat-…"),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "a PEM block", ""),
        ("8f14e45fceea167a5a36dedd4bea2543", "a long random string", "8f14…"),
    ],
)
def test_values_that_look_like_secrets_are_flagged(
    value: str, kind: str, hint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "values.toml"
    quoted = value.replace("\n", "\\n")
    file.write_text(workspace_with(f'    {{ name = "key", value = "{quoted}" }},'), "utf-8")

    code, out, _ = check(capsys, file)

    assert code == 1
    assert out.startswith(f'{file}:14: provider "Demo" > call "Get file" > parameter "key" > value')
    assert f"looks like {kind}" in out and hint in out
    assert '"Demo/Get file/param.key"' in out
    hidden = value.split("\n")[1] if "\n" in value else value.removeprefix("Bearer ")[5:13]
    assert hidden not in out


@pytest.mark.parametrize(
    "value",
    [
        "https://api.example.com/v1/users/42?page=2&per_page=100&sort=created_at",
        "hello",
        "Ada Lovelace",
        "/files/123e4567-e89b-12d3-a456-426614174000/download",
        "123e4567-e89b-12d3-a456-426614174000",
        "application/vnd.api+json; charset=utf-8",
        "2024-05-01T12:30:00.000000Z",
        "CustomerOrderNumber12345678",
        "workbench_demo_client_identifier_2024",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36",
        "ghp_ tokens are set with workbench secret set",
    ],
)
def test_ordinary_values_are_not_flagged(value: str) -> None:
    text = workspace_with(f'    {{ name = "value", value = "{value}" }},')
    assert scan_text(text, "values.toml") == ()


def test_a_private_field_without_a_value_is_not_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "private.toml"
    file.write_text(
        workspace_with(
            '    { name = "key", private = true, in = "header" },',
            headers='{ name = "Authorization", private = true }',
        ),
        "utf-8",
    )
    assert check(capsys, file)[:2] == (0, "")


def test_a_value_written_for_a_private_field_is_flagged_whatever_it_looks_like() -> None:
    text = workspace_with('    { name = "password", value = "hunter2", private = true },')
    (finding,) = scan_text(text, "values.toml")
    assert str(finding.look) == "a value of a private parameter"
    assert finding.fix.startswith('remove "value" (the parameter is private)')
    assert "hunter2" not in str(finding)


def test_a_value_per_environment_names_the_environment() -> None:
    text = workspace_with(
        '    { name = "key", value = { development = "dev-key", live = "' + AWS_KEY + '" } },'
    )
    (finding,) = scan_text(text, "values.toml")
    assert finding.key_path.endswith('parameter "key" > value > live')
    assert "`workbench secret set --env live values.toml" in finding.fix


def test_secrets_outside_values_are_found_by_their_format_only() -> None:
    text = workspace_with('    { name = "id", value = "7" },').replace(
        'url = "/files/[id]"', f'url = "/files/[id]?token={JWT}"\nnotes = "id {RANDOM_KEY}"'
    )
    (finding,) = scan_text(text, "values.toml")
    assert finding.key_path == 'provider "Demo" > call "Get file" > url'
    assert finding.look.kind == "a JSON Web Token"
    assert "private parameter" in finding.fix


def test_a_file_that_does_not_decode_as_a_workspace_is_still_checked() -> None:
    # An unknown key and an unknown auth method: the decoder would stop at the first.
    text = PLANTED.replace('method = "jwt"', 'method = "home-made"').replace(
        "format = 1", "format = 1\ncolour = 'blue'"
    )
    kinds = [finding.look.kind for finding in scan_text(text, "planted.toml")]
    assert kinds == ["a GitHub personal access token", "a PEM private key"]


def test_looks_like_secret_never_shows_more_than_a_known_prefix_or_four_characters() -> None:
    look = looks_like_secret(RANDOM_KEY, random_strings=True)
    assert look is not None and str(look).endswith("(q8Zr…)")
    assert looks_like_secret(RANDOM_KEY, random_strings=False) is None
    assert (
        looks_like_secret("ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", random_strings=True) is None
    )


# -- files that cannot be checked -----------------------------------------------------------


def test_a_file_that_is_not_toml_gives_a_clear_message_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.toml"
    file.write_text("This is not TOML, [just] words = \n", encoding="utf-8")
    binary = tmp_path / "image.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")

    code, out, err = check(capsys, file, binary, tmp_path / "missing.toml")

    assert code == 3 and out == ""
    assert f"workbench: {file}: not valid TOML: " in err and "line 1" in err
    assert f"workbench: {binary}: not UTF-8 text" in err
    assert "missing.toml: no such file or folder" in err
    assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code, _, err = check(capsys, fifo)
    assert code == 3 and "pipe.toml: not a regular file" in err


def test_file_names_reach_the_terminal_without_control_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "evil\x1b]0;owned\x07.toml"
    file.write_text(PLANTED.replace('name = "Demo"', 'name = "De\\u001b[2Jmo"'), encoding="utf-8")
    code, out, err = check(capsys, file)
    assert code == 1
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "evil\\x1b]0;owned\\x07.toml" in out and 'provider "De\\x1b[2Jmo"' in out


def test_outside_git_without_paths_it_asks_for_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = check(capsys)
    assert code == 2
    assert "not in a git repository" in err and "workbench check workspaces/" in err


# -- as a pre-commit hook -------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_without_paths_it_checks_what_is_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / "workspaces").mkdir(parents=True)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    planted = repo / "workspaces" / "api.toml"
    planted.write_text(PLANTED, encoding="utf-8")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (repo / "unstaged.toml").write_text(PLANTED, encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "workspaces", "pyproject.toml"], check=True)
    # The commit holds what is staged, whatever the working tree says now.
    planted.write_text(EXAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(repo / "workspaces")

    code, out, err = check(capsys)

    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == ["api.toml", "api.toml"]
    assert "1 of 1 file" in err  # pyproject.toml is not a workspace: skipped

    subprocess.run(["git", "-C", str(repo), "add", "-A", "workspaces"], check=True)
    subprocess.run(["git", "-C", str(repo), "rm", "-q", "--cached", "unstaged.toml"], check=False)
    assert check(capsys)[0] == 0
