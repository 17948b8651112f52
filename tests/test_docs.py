"""The documentation: generated parts up to date, links that resolve, a short README."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_START = """\
# workbench

Open the demo (installs into `.venv`, starts the demo API on a free port and opens the TUI on it):

```sh
python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/workbench demo
```

Run the whole test suite:

```sh
python3 -m venv .venv && .venv/bin/pip install -q -r requirements.lock -e '.[test]' && .venv/bin/python -m pytest
```

Both need only Python 3.11 or newer. The second installs the exact versions CI tests
(`requirements.lock`); `.ci/run` runs it on a clean clone, after the linters, the type
checker and the import contracts.
"""
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"`+[^`]*`+")


def load_generator() -> ModuleType:
    """docs/generate.py, which is a script and not part of a package."""
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def prose(text: str) -> list[str]:
    """The lines of a markdown text outside fenced code blocks, inline code removed."""
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(INLINE_CODE.sub("code", line))
    return lines


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a markdown file."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        heading = re.match(r"#{1,6} (.*)", line)
        if fenced or heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading[1].strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def test_generated_parts_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_generator().main(["--check"]) == 0, capsys.readouterr().err


def test_only_the_generated_regions_are_rewritten() -> None:
    generator = load_generator()
    text = "before\n<!-- generated: keys -->\nold\n<!-- end generated -->\nafter\n"
    assert generator.regenerate(text, {"keys": "new\n"}) == text.replace("old", "new")
    with pytest.raises(KeyError):
        generator.regenerate(text.replace("keys", "nothing"), {"keys": ""})


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves(path: Path) -> None:
    broken: list[str] = []
    for line in prose(path.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            if not linked.exists():
                broken.append(f"{target}: no file {linked}")
            elif anchor and anchor not in anchors(linked):
                broken.append(f"{target}: no heading for #{anchor} in {linked.name}")
    assert broken == []


def test_the_docs_pages_exist() -> None:
    names = {path.name for path in DOCS}
    assert {
        "authentication.md",
        "commands.md",
        "demo-api.md",
        "initialize.md",
        "keys.md",
        "security.md",
        "workspace-format.md",
    } <= names


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.startswith(README_START)
    assert len(text.splitlines()) <= 200


def test_ci_runs_the_readme_test_command() -> None:
    """`.ci/run` runs exactly the command the README gives for the whole test suite."""
    readme_command = README_START.split("```sh\n")[2].split("\n```")[0]
    assert readme_command.endswith("python -m pytest")
    assert readme_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
