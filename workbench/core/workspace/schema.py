"""The JSON Schema of the workspace file, shipped in the package beside this module.

`workspace.schema.json` (draft 2020-12) describes format `FORMAT_VERSION` as
the loader reads it, for editors and other tools; docs/workspace-format.md
says how to point an editor at it. Loading never uses it: the decoder's own
checks give messages with the file's line, and tests keep the two in step.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

SCHEMA_FILE = "workspace.schema.json"


def workspace_schema() -> dict[str, Any]:
    """The schema of the workspace file, as parsed JSON."""
    text = (files(__package__) / SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
