"""curl in and out, end to end: a curl command from an API's docs (quotes, backslashes, line
continuations, a multi-line JSON body or a form with a file, basic auth) is imported with
`workbench import curl`, sent with `workbench run` to the demo API's echo endpoint, exported
with `workbench export curl`, and the exported command run by real curl: the echo receives
the same request from all three (the command as written, workbench, the exported command)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_process import workbench

from workbench.core.secrets import SecretAddress, environment_variable

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")

PROVIDER = "127.0.0.1"  # a new provider, named after the command's host
ADA_PASSWORD = 'p@ss "w\\rd"'
GRACE = "grace:s3cr$t'q\\"
NOTES = 'first line\nsecond "line" \\ end\n'

# Single and double quotes, backslashes in both, a header with escaped quotes, a query
# with percent-escapes, line continuations, a JSON body over several lines.
JSON_COMMAND = r"""curl -s -X POST '{url}/echo/items?q=caf%C3%A9&tag=a%20b' \
  -H "X-Note: say \"hi\" to C:\\temp" \
  -H 'X-Path: C:\Users\ada' \
  -H 'Content-Type: application/json' \
  -u 'ada:p@ss "w\rd"' \
  --data-raw '{{
  "name": "Ada \"the\" Countess",
  "path": "C:\\Users\\ada",
  "it'"'"'s": true,
  "lines": ["one", "two"]
}}'
"""
# A form with a file, a field -F would read as options (a `;`), basic auth in double quotes
# with an escaped dollar, a single quote and a trailing backslash.
FORM_COMMAND = r"""curl -s '{url}/echo/upload?kind=notes' \
  -u "grace:s3cr\$t'q\\" \
  -F 'file=@notes.txt' \
  -F "caption=a \"quoted\" caption" \
  --form-string 'note=a;type=b @c' \
  -F 'path=C:\temp\x'
"""


def _shell(command: str, folder: Path, **variables: str) -> dict[str, Any]:
    """What the echo received from `command` run by a POSIX shell in `folder` (where the
    workspace is: a file named in the command is read from there, as workbench does)."""
    environment = {"PATH": os.environ.get("PATH", ""), **variables}
    ran = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, cwd=folder, env=environment
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)  # type: ignore[no-any-return]


def _request(echo: dict[str, Any]) -> dict[str, Any]:
    """The parts of a received request that must match: all but the user agent, which names
    the program. A request without Accept accepts anything, as curl's `Accept: */*` says
    (RFC 9110, 12.5.1). A multipart body is compared by its parts (its boundary is random,
    and with it the length and the Content-Type's parameter)."""
    headers = {k: v for k, v in echo["headers"].items() if k != "user-agent"}
    headers.setdefault("accept", "*/*")
    request = {k: echo[k] for k in ("method", "path", "query", "form", "files")}
    if headers.get("content-type", "").startswith("multipart/form-data"):
        headers["content-type"] = "multipart/form-data"
        del headers["content-length"]
    else:
        request["body"] = echo["body"]
    return {**request, "headers": headers}


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode("ascii")


def _round_trip(
    command: str, call: str, workspace: Path, variables: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """Import `command` into `workspace`, send it, export it and run the export (with its
    private values as `variables`); the request the echo received from workbench, which it
    also received from the command itself and from the export; and the exported command."""
    original = _shell(command, workspace.parent)
    imported = workbench("import", "curl", "-", "--into", str(workspace), stdin=command)
    assert imported.returncode == 0, imported.stderr
    assert f"Added {PROVIDER}/{call} to" in imported.stderr
    # --reveal: the Authorization header the echo sends back, as received, not masked.
    sent = workbench("run", str(workspace), f"{PROVIDER}/{call}", "--raw", "--reveal")
    assert sent.returncode == 0, sent.stderr
    exported = workbench("export", "curl", str(workspace), f"{PROVIDER}/{call}")
    assert exported.returncode == 0, exported.stderr
    assert set(re.findall(r"\$\{(WORKBENCH_\w+)\}", exported.stdout)) == set(variables)
    again = _shell(exported.stdout, workspace.parent, **variables)
    received = _request(json.loads(sent.stdout))
    assert received == _request(original)
    assert _request(again) == received
    return received, exported.stdout


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A new, empty workspace file in a folder of its own."""
    path = tmp_path / "imported.toml"
    path.write_text('format = 1\nname = "From curl"\n')
    return path


def test_a_curl_command_with_a_json_body_round_trips_through_workbench_to_real_curl(
    demo_url: str, workspace: Path
) -> None:
    password = environment_variable(SecretAddress.auth(PROVIDER, "password"))
    command = JSON_COMMAND.format(url=demo_url)
    sent, exported = _round_trip(command, "POST items", workspace, {password: ADA_PASSWORD})
    assert json.loads(sent["body"]) == {
        "name": 'Ada "the" Countess',
        "path": "C:\\Users\\ada",
        "it's": True,
        "lines": ["one", "two"],
    }
    assert sent["headers"]["x-note"] == 'say "hi" to C:\\temp'
    assert sent["headers"]["authorization"] == _basic(f"ada:{ADA_PASSWORD}")
    assert sent["query"] == {"q": ["café"], "tag": ["a b"]}
    assert f'-u "ada:${{{password}}}"' in exported  # the password stays out of the command
    assert ADA_PASSWORD not in exported and "p@ss" not in workspace.read_text()


def test_a_curl_command_with_a_form_and_a_file_round_trips_through_workbench_to_real_curl(
    demo_url: str, workspace: Path
) -> None:
    (workspace.parent / "notes.txt").write_text(NOTES)
    # The JSON command comes first: the provider's basic auth is ada's, and grace's goes
    # with this call, as its private Authorization header.
    first = JSON_COMMAND.format(url=demo_url)
    assert workbench("import", "curl", "-", "--into", str(workspace), stdin=first).returncode == 0
    header = environment_variable(SecretAddress.header(PROVIDER, "Authorization", "POST upload"))
    command = FORM_COMMAND.format(url=demo_url)
    sent, exported = _round_trip(command, "POST upload", workspace, {header: _basic(GRACE)})
    assert sent["headers"]["authorization"] == _basic(GRACE)
    assert sent["form"] == {
        "caption": ['a "quoted" caption'],
        "note": ["a;type=b @c"],
        "path": ["C:\\temp\\x"],
    }
    assert sent["files"] == [
        {
            "field": "file",
            "filename": "notes.txt",
            "content_type": "text/plain",
            "size": len(NOTES.encode()),
            "text": NOTES,
        }
    ]
    assert "--form-string 'note=a;type=b @c'" in exported
    # The file is named from where the workspace was: the export runs from anywhere.
    assert f"-F file=@{workspace.parent / 'notes.txt'}" in exported
    assert "s3cr" not in exported and "s3cr" not in workspace.read_text()
