"""Masking private values in text and bytes that are shown, logged or exported.

A private value may appear in a request in several encodings (percent-encoded
in a path or query, form-encoded, escaped inside a JSON string, base64), and
an error message may quote it as Python writes bytes, so each encoded form is
masked, not only the plain text. Values derived from others (an HTTP Basic
credential, a signed JWT) are made `Secret`s where they are made, so that
they are known too.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from workbench.core.secrets.store import MASK, known_values
from workbench.core.sending.template import json_escape
from workbench.core.terminal_text import visible

_MASK_BYTES = MASK.encode()


# `Scheme credential`, as a whole Authorization header value is kept (`Bearer abc...`): the
# credential alone is private too, and a server may echo it without the scheme.
_SCHEME_AND_CREDENTIAL = re.compile(r"[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]* (\S{8,})")


def encoded_forms(value: str) -> set[str]:
    """`value` (and the credential of a `Scheme credential` value) as it may appear in a URL,
    a form, a JSON document, base64, an error message (Python's `repr` of the bytes sent, as
    h11 and httpx quote a header) or plain text."""
    credential = _SCHEME_AND_CREDENTIAL.fullmatch(value)
    if credential:
        return _forms(value) | _forms(credential.group(1))
    return _forms(value)


def _forms(value: str) -> set[str]:
    data = value.encode("utf-8", "surrogatepass")
    return {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json_escape(value),
        json.dumps(value)[1:-1],  # the ASCII-only escaping other JSON encoders use
        repr(data)[2:-1],
        # Unpadded, so the form is found whatever padding (or none) the writer used.
        base64.b64encode(data).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(data).decode("ascii").rstrip("="),
    }


class Masker:
    """Replaces every private value (and its encoded forms) with `secrets.MASK`."""

    def __init__(self, private_values: Iterable[str]) -> None:
        # Empty values are skipped: masking "" would put a mask between every character.
        forms = {form for value in private_values if value for form in encoded_forms(value)}
        # Longest first, so a value containing another private value is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)
        self._byte_forms = [form.encode("utf-8", "surrogatepass") for form in self._forms]

    @classmethod
    def known(cls) -> Masker:
        """A masker of every private value this process has held (`secrets.known_values`)."""
        return cls(known_values())

    def __bool__(self) -> bool:
        """Whether there is anything to mask."""
        return bool(self._forms)

    def text(self, text: str) -> str:
        """`text` masked; the very same object when nothing was found (a cheap check for
        callers that keep both forms of a big text)."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def bytes(self, data: bytes) -> bytes:
        # Replacing at the byte level also works for binary (multipart) bodies.
        for form in self._byte_forms:
            if form in data:
                data = data.replace(form, _MASK_BYTES)
        return data


def shown_message(message: str) -> str:
    """An error or notice as it may be shown or printed: every known private value masked,
    control characters made visible (line breaks kept)."""
    return visible(Masker.known().text(message), keep_newlines=True)
