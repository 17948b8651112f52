"""An OpenAPI document fetched from an http(s) URL: its text, read up to a size cap.

No credential is sent: a document behind a login is saved to a file first.
Redirects are followed; proxies come from the environment, as httpx reads it.
"""

from __future__ import annotations

from workbench.core.interop.openapi_document import OpenApiError

MAX_BYTES = 20 * 1024 * 1024  # large public APIs' documents are a few MB
TIMEOUT = 30.0


class FetchError(OpenApiError):
    """The document could not be fetched: `status` is the answer's (None: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def is_url(source: str) -> bool:
    """Whether `source` names a document on the web rather than a file."""
    return source.lower().startswith(("http://", "https://"))


def fetch_document(url: str) -> str:
    """The text at `url`. `FetchError` when there is no answer, an error status or too much."""
    import httpx  # only a fetch needs it: not loaded at start

    accept = "application/json, application/yaml, text/yaml, */*;q=0.5"
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=TIMEOUT) as client,
            client.stream("GET", url, headers={"Accept": accept}) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(
                    f"{url} answered {response.status_code} {response.reason_phrase}: "
                    "no document there.",
                    response.status_code,
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{url} holds more than {MAX_BYTES // 2**20} MB: not read.")
                chunks.append(chunk)
            encoding = response.charset_encoding or "utf-8"
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(f"{url} could not be fetched: {error or type(error).__name__}.") from None
    try:
        return b"".join(chunks).decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        return b"".join(chunks).decode("utf-8", errors="replace")
