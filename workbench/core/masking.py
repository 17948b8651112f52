"""Masking private values in text and bytes that are shown, logged or exported.

A private value may appear in a request in several encodings (percent-encoded
in a path or query, form-encoded, escaped inside a JSON string), so each
encoded form is masked, not only the plain text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from workbench.core.secrets import MASK
from workbench.core.template import json_escape

_MASK_BYTES = MASK.encode()


def encoded_forms(value: str) -> set[str]:
    """`value` as it may appear in a URL, a form, a JSON document or plain text."""
    return {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json_escape(value),
        json.dumps(value)[1:-1],  # the ASCII-only escaping other JSON encoders use
    }


class Masker:
    """Replaces every private value (and its encoded forms) with `secrets.MASK`."""

    def __init__(self, private_values: Iterable[str]) -> None:
        # Empty values are skipped: masking "" would put a mask between every character.
        forms = {form for value in private_values if value for form in encoded_forms(value)}
        # Longest first, so a value containing another private value is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def text(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def bytes(self, data: bytes) -> bytes:
        # Replacing at the byte level also works for binary (multipart) bodies.
        for form in self._forms:
            data = data.replace(form.encode(), _MASK_BYTES)
        return data
