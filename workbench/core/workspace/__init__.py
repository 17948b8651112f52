"""Workspaces: the model, reading and writing workspace files, and editing them.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.workspace.chaining import (
        CallKey as CallKey,
        CallNotFound as CallNotFound,
        chain_parameter as chain_parameter,
        find_call as find_call,
        full_name as full_name,
        locate_call as locate_call,
    )
    from workbench.core.workspace.document import (
        DEFAULT_WORKSPACE_NAME as DEFAULT_WORKSPACE_NAME,
        ChangedOnDisk as ChangedOnDisk,
        WorkspaceDocument as WorkspaceDocument,
    )
    from workbench.core.workspace.editing import (
        EditError as EditError,
        EnvironmentRename as EnvironmentRename,
        Renamed as Renamed,
        SecretChange as SecretChange,
        SecretCopy as SecretCopy,
        SecretMove as SecretMove,
        SecretRemoval as SecretRemoval,
        replace_call as replace_call,
        replace_provider as replace_provider,
    )
    from workbench.core.workspace.environments import (
        ValueSlot as ValueSlot,
        add_environment as add_environment,
        environment_problem as environment_problem,
        make_default as make_default,
        remove_environment as remove_environment,
        rename_environment as rename_environment,
        set_slot as set_slot,
        value_in as value_in,
        value_slots as value_slots,
    )
    from workbench.core.workspace.ids import (
        give_id as give_id,
    )
    from workbench.core.workspace.io import (
        load_workspace as load_workspace,
        save_workspace as save_workspace,
    )
    from workbench.core.workspace.local_file import (
        ConfigOverrides as ConfigOverrides,
        InUse as InUse,
        add_local_environment as add_local_environment,
        is_local_file as is_local_file,
        load_in_use as load_in_use,
        local_path as local_path,
        set_local_value as set_local_value,
    )
    from workbench.core.workspace.model import (
        Auth as Auth,
        BodyType as BodyType,
        Call as Call,
        CallOptions as CallOptions,
        Defaults as Defaults,
        Header as Header,
        Location as Location,
        Method as Method,
        Parameter as Parameter,
        PerEnvironment as PerEnvironment,
        Provider as Provider,
        ResponseType as ResponseType,
        UseAs as UseAs,
        Value as Value,
        Workspace as Workspace,
        WorkspaceSettings as WorkspaceSettings,
        item_ids as item_ids,
        new_item_id as new_item_id,
        new_workspace_id as new_workspace_id,
        value_for as value_for,
        with_derived_ids as with_derived_ids,
        with_new_ids as with_new_ids,
    )
    from workbench.core.workspace.schema import (
        SCHEMA_FILE as SCHEMA_FILE,
        workspace_schema as workspace_schema,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "document": ("DEFAULT_WORKSPACE_NAME", "ChangedOnDisk", "WorkspaceDocument"),
        "model": (
            "Auth",
            "BodyType",
            "Call",
            "CallOptions",
            "Defaults",
            "Header",
            "Location",
            "Method",
            "Parameter",
            "PerEnvironment",
            "Provider",
            "ResponseType",
            "UseAs",
            "Value",
            "Workspace",
            "WorkspaceSettings",
            "item_ids",
            "new_item_id",
            "new_workspace_id",
            "with_derived_ids",
            "with_new_ids",
            "value_for",
        ),
        "io": (
            "load_workspace",
            "save_workspace",
        ),
        "ids": ("give_id",),
        "local_file": (
            "ConfigOverrides",
            "InUse",
            "add_local_environment",
            "is_local_file",
            "load_in_use",
            "local_path",
            "set_local_value",
        ),
        "schema": ("SCHEMA_FILE", "workspace_schema"),
        "editing": (
            "EditError",
            "EnvironmentRename",
            "Renamed",
            "SecretChange",
            "SecretCopy",
            "SecretMove",
            "SecretRemoval",
            "replace_call",
            "replace_provider",
        ),
        "environments": (
            "ValueSlot",
            "add_environment",
            "environment_problem",
            "make_default",
            "remove_environment",
            "rename_environment",
            "set_slot",
            "value_in",
            "value_slots",
        ),
        "chaining": (
            "CallKey",
            "CallNotFound",
            "chain_parameter",
            "find_call",
            "full_name",
            "locate_call",
        ),
    },
)
