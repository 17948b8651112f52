"""Workspaces as files: create a new one, open another, rename one (its name in the file).

New and opened files are taken relative to the desk's folder (the folder the
app was opened on, or the first workspace's); a new file is written at once,
empty, as `workbench new.toml` does. A file already open is selected, not
opened twice.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.config.reading import load_config
from workbench.core.desk.items import TreeItem
from workbench.core.errors import SecretStoreError, WorkspaceError
from workbench.core.secrets.keyring_store import open_store
from workbench.core.secrets.sources import PersonalSources
from workbench.core.workspace.document import WorkspaceDocument
from workbench.core.workspace.editing import Renamed
from workbench.core.workspace.local_file import is_local_file
from workbench.core.workspace.model import Defaults

if TYPE_CHECKING:
    from workbench.core.desk.desk import Desk


class DocumentFlows:
    """What the tree's w (new), o (open) and r on a workspace (rename) start."""

    def __init__(
        self, desk: Desk, folder: Path, defaults: Defaults, sources: PersonalSources | None
    ) -> None:
        self.desk = desk
        self.folder = folder
        self.defaults = defaults  # the user's config, for the files opened here
        self.sources = sources  # the user's sources of private values, when none is open

    def _path(self, text: str) -> Path:
        path = self.folder / Path(text.strip()).expanduser()
        return path if path.suffix == ".toml" else path.with_name(path.name + ".toml")

    async def new_workspace(self) -> None:
        def problem(text: str) -> str | None:
            if not text.strip():
                return "Give a file name, like api.toml."
            path = self._path(text)
            if path.exists():
                return f"{path} exists: o opens it."
            if not path.parent.is_dir():
                return f"There is no folder {path.parent}."
            return None

        text = await self.desk.ask.name(f"New workspace file in {self.folder}", "", problem)
        if text is None:
            return
        path = self._path(text)
        try:
            WorkspaceDocument.create_empty(path, name=path.stem.replace("-", " ").title())
        except (OSError, WorkspaceError) as error:
            self.desk.ask.tell(f"Not created: {error}", severity="error")
            return
        await self._add(path, f"Created {path}: N adds its first provider.")

    async def open_workspace(self) -> None:
        def problem(text: str) -> str | None:
            path = self._path(text) if text.strip() else None
            if path is None or not path.is_file():
                return f"There is no workspace file {path or 'by that name'}."
            if is_local_file(path):
                return f"{path.name} holds your own values for a workspace: open the workspace."
            return None

        text = await self.desk.ask.name(f"Open a workspace file (from {self.folder})", "", problem)
        if text is not None:
            await self._add(self._path(text), "")

    async def _add(self, path: Path, told: str) -> None:
        desk = self.desk
        opened = next((d for d in desk.documents if d.path.resolve() == path.resolve()), None)
        if opened is None:
            # The same store and personal sources as the others (a command runs once).
            first = desk.documents[0].secrets if desk.documents else None
            sources = first.sources if first else self.sources
            try:
                if first is not None:
                    store = first.store
                else:
                    store = open_store(sources.settings) if sources is not None else None
                opened = WorkspaceDocument.load(
                    path,
                    store=store,
                    sources=sources,
                    defaults=self.defaults,
                    config=load_config().overrides,
                )
            except (WorkspaceError, SecretStoreError) as error:
                desk.ask.tell(str(error), title="Not opened", severity="error")
                return
            desk.documents.append(opened)
            for notice in opened.notices:
                desk.ask.tell(notice, title="Private values")
        desk.reselect(TreeItem(opened))
        if told:
            desk.ask.tell(told)
        for warning in opened.warnings:
            desk.ask.tell(warning, title="Your own values", severity="warning")

    async def rename_workspace(self, document: WorkspaceDocument) -> None:
        def problem(text: str) -> str | None:
            return None if text.strip() else "A workspace needs a name."

        current = document.workspace.name
        name = await self.desk.ask.name(f"Rename the workspace {current}", current, problem)
        if name is not None and name.strip() != current:
            edited = replace(document.workspace, name=name.strip())
            self.desk.apply_edit(document, Renamed(edited), TreeItem(document))
