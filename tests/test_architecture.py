"""The layers hold: contracts kept, no import circle, the UI and CLI use only package faces.

The contracts themselves live in pyproject.toml (`lint-imports` checks them,
and `.ci/run` runs it); these tests make the suite fail too when they break.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
FACES = {
    "workbench.core.auth",
    "workbench.core.config",
    "workbench.core.desk",
    "workbench.core.errors",
    "workbench.core.history",
    "workbench.core.interop",
    "workbench.core.secrets",
    "workbench.core.sending",
    "workbench.core.shape",
    "workbench.core.terminal_text",
    "workbench.core.workspace",
}


def graph() -> grimp.ImportGraph:
    # Imports made only for type checkers are not made at run time: they cannot circle.
    return grimp.build_graph("workbench", exclude_type_checking_imports=True)


def circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found


def test_circles_are_found() -> None:
    assert circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_circle_among_workbench_modules() -> None:
    g = graph()
    imports = {m: g.find_modules_directly_imported_by(m) for m in g.modules}
    assert circles(imports) == []


def test_ui_and_cli_import_only_the_core_package_faces() -> None:
    g = graph()
    outside = [m for m in g.modules if not m.startswith(("workbench.core", "workbench.demo"))]
    wrong = sorted(
        f"{importer} -> {imported}"
        for importer in outside
        for imported in g.find_modules_directly_imported_by(importer)
        if imported.startswith("workbench.core.") and imported not in FACES
    )
    assert wrong == []


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_face_names_the_same_things_for_type_checkers_and_at_run_time() -> None:
    """A face lists its names twice (typed imports, lazy map): the two lists must agree, and
    every name must import."""
    for face in sorted(FACES):
        module = importlib.import_module(face)
        if not hasattr(module, "__path__"):
            continue  # a single module (errors, terminal_text) is its own face
        exported = set(getattr(module, "__all__", ()))
        typed = set()
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                for statement in node.body:
                    if isinstance(statement, ast.ImportFrom):
                        typed |= {alias.asname or alias.name for alias in statement.names}
        assert typed <= exported, (face, typed - exported)
        assert [name for name in exported if getattr(module, name, None) is None] == [], face
