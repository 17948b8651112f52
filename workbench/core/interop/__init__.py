"""Interop: other tools' formats in and out (curl commands, OpenAPI documents, Postman
and Posting collections in; curl and HTTPie commands, an OpenAPI document out).

The package's public face, imported lazily (see `workbench.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.lazy import lazy_face

if TYPE_CHECKING:
    from workbench.core.interop.collection import (
        CollectionError as CollectionError,
        CollectionImport as CollectionImport,
        PrivateValue as PrivateValue,
    )
    from workbench.core.interop.curl import (
        CurlError as CurlError,
        CurlImport as CurlImport,
        ParsedCurl as ParsedCurl,
        import_curl as import_curl,
        parse_curl as parse_curl,
    )
    from workbench.core.interop.curl_out import export_command as export_command
    from workbench.core.interop.openapi import (
        OpenApiImport as OpenApiImport,
        import_openapi as import_openapi,
    )
    from workbench.core.interop.openapi_document import OpenApiError as OpenApiError
    from workbench.core.interop.openapi_fetch import (
        FetchError as FetchError,
        fetch_document as fetch_document,
        is_url as is_url,
    )
    from workbench.core.interop.openapi_out import (
        OpenApiExport as OpenApiExport,
        export_openapi as export_openapi,
    )
    from workbench.core.interop.posting import import_posting as import_posting
    from workbench.core.interop.postman import import_postman as import_postman

__getattr__, __dir__, __all__ = lazy_face(
    __name__,
    {
        "curl": ("CurlError", "CurlImport", "ParsedCurl", "import_curl", "parse_curl"),
        "curl_out": ("export_command",),
        "openapi": ("OpenApiImport", "import_openapi"),
        "openapi_document": ("OpenApiError",),
        "openapi_fetch": ("FetchError", "fetch_document", "is_url"),
        "collection": ("CollectionError", "CollectionImport", "PrivateValue"),
        "postman": ("import_postman",),
        "posting": ("import_posting",),
        "openapi_out": ("OpenApiExport", "export_openapi"),
    },
)
