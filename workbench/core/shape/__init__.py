"""Response shapes: paths into data, learning a shape, drift, and initializing a call.

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.shape.drift import (
        Drift as Drift,
        format_drift as format_drift,
    )
    from workbench.core.shape.fields import (
        Field as Field,
        FieldType as FieldType,
        Shape as Shape,
    )
    from workbench.core.shape.initialize import (
        Learned as Learned,
        learn as learn,
        manual_data as manual_data,
        not_initialized_reason as not_initialized_reason,
        shape_lines as shape_lines,
        store_shape as store_shape,
        with_call_shape as with_call_shape,
    )
    from workbench.core.shape.json_path import (
        JsonPath as JsonPath,
        PathError as PathError,
        key_path as key_path,
        lookup as lookup,
        path_text as path_text,
    )

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "fields": (
            "Field",
            "FieldType",
            "Shape",
        ),
        "drift": (
            "Drift",
            "format_drift",
        ),
        "json_path": (
            "JsonPath",
            "PathError",
            "key_path",
            "path_text",
            "lookup",
        ),
        "initialize": (
            "Learned",
            "learn",
            "manual_data",
            "shape_lines",
            "store_shape",
            "not_initialized_reason",
            "with_call_shape",
        ),
    },
)
