"""Turning responses into data: JSON, safe XML, text, binary, the include-errors and
capture-headers options, and pasted samples."""

from __future__ import annotations

import json

import httpx
import pytest

from workbench.core.sending.exchange import Exchange, Failure, FailureKind, SentRequest
from workbench.core.sending.response_data import (
    ResponseDataError,
    body_data,
    exchange_data,
    parse_manual_response,
)
from workbench.core.shape.infer import infer_shape
from workbench.core.shape.json_path import BinaryBody, lookup, value_text
from workbench.core.shape.toml import shape_to_toml_data
from workbench.core.workspace.model import ResponseType

JSON, XML, TEXT, BINARY = (
    ResponseType.JSON,
    ResponseType.XML,
    ResponseType.TEXT,
    ResponseType.BINARY,
)
REQUEST = SentRequest("GET", "http://127.0.0.1:8400/users/999", (), b"")


def exchange(
    status: int | None = 200,
    body: bytes = b"",
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),),
    reason: str = "OK",
    failure: Failure | None = None,
) -> Exchange:
    return Exchange(REQUEST, status, reason, "HTTP/1.1", headers, body, failure=failure)


def from_httpx(response: httpx.Response) -> Exchange:
    return exchange(
        response.status_code,
        response.content,
        tuple(response.headers.multi_items()),
        response.reason_phrase,
    )


# ---- JSON ------------------------------------------------------------------------------------


def test_json_body() -> None:
    data = exchange_data(exchange(body=b'{"id": 1, "tags": ["a"]}'), JSON)
    assert data == {"id": 1, "tags": ["a"]}


def test_empty_json_body_is_null() -> None:
    assert exchange_data(exchange(204, b"", reason="No Content"), JSON) is None


def test_invalid_json_names_line_and_column() -> None:
    body = b'{\n  "id": 1\n  "name": "x"\n}'
    with pytest.raises(
        ResponseDataError, match=r"not valid JSON: Expecting ',' delimiter at line 3, column 3$"
    ):
        exchange_data(exchange(body=body), JSON)


def test_invalid_json_mentions_a_content_type_that_is_not_json() -> None:
    with pytest.raises(
        ResponseDataError, match=r"not valid JSON \(its content type is text/html\)"
    ):
        exchange_data(exchange(body=b"<html>", headers=(("content-type", "text/html"),)), JSON)


def test_json_that_is_not_utf8_is_an_error() -> None:
    with pytest.raises(ResponseDataError, match="not UTF-8 text"):
        exchange_data(exchange(body=b'{"a": "\xff"}'), JSON)


# ---- XML -------------------------------------------------------------------------------------

CATALOG = b"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://example.com/ns" xmlns:x="http://example.com/x" count="2">
  <book id="b1"><title lang="en">One</title><tag>a</tag><tag>b</tag><x:note>hi</x:note></book>
  <book id="b2"><title>Two</title><tag>c</tag><blurb/></book>
  <book id="b3"><title lang="fr">Trois</title></book>
  <mixed>before <b>bold</b> after</mixed>
</catalog>
"""


def test_xml_becomes_objects_with_attributes_text_and_lists() -> None:
    data = body_data(CATALOG, XML, "application/xml")
    assert data == {
        "catalog": {
            "@count": "2",
            "book": [
                {
                    "@id": "b1",
                    "title": {"@lang": "en", "#text": "One"},
                    "tag": ["a", "b"],
                    "note": "hi",
                },
                # `tag` repeats in b1, so it is a list in every book; `title` has
                # attributes in b1, so it is an object in every book.
                {"@id": "b2", "title": {"#text": "Two"}, "tag": ["c"], "blurb": ""},
                {"@id": "b3", "title": {"@lang": "fr", "#text": "Trois"}, "tag": []},
            ],
            "mixed": {"b": "bold", "#text": "before  after"},
        }
    }
    assert shape_to_toml_data(infer_shape(data)) == {
        "catalog": "object",
        "catalog.@count": "text",
        "catalog.book": "list",
        "catalog.book[]": "object",
        "catalog.book[].@id": "text",
        "catalog.book[].title": "object",
        "catalog.book[].title.@lang": "text?",
        "catalog.book[].title.#text": "text",
        "catalog.book[].tag": "list",
        "catalog.book[].tag[]": "text",
        "catalog.book[].note": "text?",
        "catalog.book[].blurb": "text?",
        "catalog.mixed": "object",
        "catalog.mixed.b": "text",
        "catalog.mixed.#text": "text",
    }
    assert value_text(lookup(data, "catalog.book[1].title.#text")) == "Two"


def test_xml_declared_encoding_is_honoured() -> None:
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><name>Zoë</name>'.encode("latin-1")
    assert body_data(body, XML) == {"name": "Zoë"}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<data>&secret;</data>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<data>x</data>
"""


@pytest.mark.parametrize(
    ("document", "entity"),
    [(BILLION_LAUGHS, "lol"), (EXTERNAL_ENTITY, "secret"), (PARAMETER_ENTITY, "remote")],
)
def test_malicious_xml_is_refused_with_a_clear_error(document: str, entity: str) -> None:
    message = (
        f"the XML response declares the entity '{entity}'; workbench does not read XML entities"
    )
    for parse in (
        lambda: body_data(document.encode(), XML),
        lambda: parse_manual_response(document, XML),
    ):
        with pytest.raises(ResponseDataError, match=message):
            parse()


def test_malformed_xml_names_line_and_column() -> None:
    with pytest.raises(
        ResponseDataError, match=r"not well-formed XML: mismatched tag at line 2, column 8$"
    ):
        body_data(b"<a>\n  <b></a>", XML)


def test_empty_xml_body_is_null() -> None:
    assert body_data(b"  \n", XML) is None


def test_deeply_nested_xml_is_an_error_not_a_crash() -> None:
    body = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(ResponseDataError, match="nested too deeply"):
        body_data(body, XML)


# ---- text and binary ----------------------------------------------------------------------------


def test_text_is_decoded_with_its_charset() -> None:
    body = "café".encode("latin-1")
    assert body_data(body, TEXT, "text/plain; charset=ISO-8859-1") == "café"
    assert body_data("café".encode(), TEXT, "text/plain") == "café"
    assert body_data(body, TEXT, "text/plain; charset=no-such-charset") == "caf\ufffd"
    assert shape_to_toml_data(infer_shape(body_data(body, TEXT))) == {"": "text"}


def test_binary_is_its_content_type_and_size() -> None:
    data = exchange_data(
        exchange(body=b"\x89PNG" + bytes(96), headers=(("Content-Type", "image/png"),)), BINARY
    )
    assert data == BinaryBody("image/png", 100)
    assert shape_to_toml_data(infer_shape(data)) == {"": "binary"}
    assert body_data(b"x", BINARY) == BinaryBody("application/octet-stream", 1)


# ---- answers that are not data -------------------------------------------------------------------


def test_an_error_status_without_include_errors_is_an_error() -> None:
    not_found = exchange(404, b'{"error": "user 999 not found"}', reason="Not Found")
    with pytest.raises(
        ResponseDataError,
        match=r'^the call answered 404 Not Found: \{"error": "user 999 not found"\}$',
    ):
        exchange_data(not_found, JSON)


@pytest.mark.parametrize("include_errors", [False, True])
@pytest.mark.parametrize(
    "failure",
    [
        Failure(FailureKind.REFUSED, "connection refused by 127.0.0.1:9"),
        Failure(FailureKind.TOO_LARGE, "the response is larger than 1 MB"),
    ],
)
def test_no_complete_answer_has_no_data(failure: Failure, include_errors: bool) -> None:
    status = 200 if failure.kind is FailureKind.TOO_LARGE else None
    with pytest.raises(ResponseDataError, match=f"no complete answer: {failure.message}$"):
        exchange_data(exchange(status, b"{", failure=failure), JSON, include_errors=include_errors)


# ---- include errors ----------------------------------------------------------------------------


def test_include_errors_turns_a_404_into_data(demo_url: str) -> None:
    response = httpx.get(f"{demo_url}/users/999")
    assert response.status_code == 404
    data = exchange_data(from_httpx(response), JSON, include_errors=True)
    assert isinstance(data, dict)
    assert list(data) == ["status_code", "has_error", "message", "body"]
    assert data["status_code"] == 404
    assert data["has_error"] is True
    assert data["message"] == "user 999 not found"
    assert data["body"]["error"] == "user 999 not found"
    learned = shape_to_toml_data(infer_shape(data))
    assert list(learned)[:5] == ["status_code", "has_error", "message", "body", "body.error"]
    assert learned["status_code"] == "integer"
    assert learned["has_error"] == "boolean"
    assert learned["body.error"] == "text"


def test_include_errors_wraps_a_successful_answer_the_same_way() -> None:
    data = exchange_data(exchange(body=b'{"id": 1}'), JSON, include_errors=True)
    assert data == {"status_code": 200, "has_error": False, "message": "", "body": {"id": 1}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": {"code": 7, "message": "quota exceeded"}}', "quota exceeded"),
        (b'{"error": "invalid_grant", "error_description": "code expired"}', "code expired"),
        (b'{"title": "Bad Request", "detail": "page must be positive"}', "page must be positive"),
        (b'{"errors": ["x"]}', "400 Bad Request"),
        (b"", "400 Bad Request"),
    ],
)
def test_include_errors_finds_the_message_of_an_error(body: bytes, message: str) -> None:
    data = exchange_data(exchange(400, body, reason="Bad Request"), JSON, include_errors=True)
    assert isinstance(data, dict)
    assert data["message"] == message


def test_include_errors_keeps_an_error_body_that_does_not_parse_as_text() -> None:
    answer = exchange(
        502, b"<html>Bad gateway</html>", (("Content-Type", "text/html"),), "Bad Gateway"
    )
    data = exchange_data(answer, JSON, include_errors=True)
    assert data == {
        "status_code": 502,
        "has_error": True,
        "message": "502 Bad Gateway",
        "body": "<html>Bad gateway</html>",
    }


def test_include_errors_does_not_hide_a_successful_body_that_does_not_parse() -> None:
    with pytest.raises(ResponseDataError, match="not valid JSON"):
        exchange_data(exchange(body=b"{"), JSON, include_errors=True)


# ---- capture headers ---------------------------------------------------------------------------


def test_capture_headers_puts_headers_beside_the_body() -> None:
    headers = (
        ("Content-Type", "application/json"),
        ("X-Rate-Limit", "10"),
        ("Set-Cookie", "a=1"),
        ("set-cookie", "b=2"),
    )
    data = exchange_data(exchange(body=b"[1]", headers=headers), JSON, capture_headers=True)
    assert data == {
        "headers": {
            "content-type": "application/json",
            "x-rate-limit": "10",
            "set-cookie": "a=1, b=2",
        },
        "body": [1],
    }
    assert value_text(lookup(data, "headers['x-rate-limit']")) == "10"
    assert list(shape_to_toml_data(infer_shape(data))) == [
        "headers",
        "headers['content-type']",
        "headers['x-rate-limit']",
        "headers['set-cookie']",
        "body",
        "body[]",
    ]


def test_both_options_make_one_envelope(demo_url: str) -> None:
    response = httpx.get(f"{demo_url}/text")
    data = exchange_data(from_httpx(response), TEXT, include_errors=True, capture_headers=True)
    assert isinstance(data, dict)
    assert list(data) == ["status_code", "has_error", "message", "headers", "body"]
    assert isinstance(data["headers"], dict)
    assert data["headers"]["content-type"] == "text/plain; charset=utf-8"
    assert "naïve café" in data["body"]


def test_demo_image_and_xml_over_loopback(demo_url: str) -> None:
    image = from_httpx(httpx.get(f"{demo_url}/image"))
    assert exchange_data(image, BINARY) == BinaryBody("image/png", len(image.body))
    xml = exchange_data(from_httpx(httpx.get(f"{demo_url}/xml")), XML)
    assert value_text(lookup(xml, "catalog.book[2].tags.tag")) == "[]"
    assert value_text(lookup(xml, "catalog.book[1].author.last")) == "de Saint-Exupéry"


# ---- pasted samples ----------------------------------------------------------------------------


def test_manual_json_sample_gives_its_shape() -> None:
    sample = """
    {"results": [
        {"id": 1, "name": "a", "updated": "2024-05-01T10:00:00+02:00"},
        {"id": 2, "name": null, "updated": "2024-05-02T10:00:00+02:00", "score": 0.5}
    ], "next": null}
    """
    shape = infer_shape(parse_manual_response(sample, JSON))
    assert shape_to_toml_data(shape) == {
        "results": "list",
        "results[]": "object",
        "results[].id": "integer",
        "results[].name": "text|null",
        "results[].updated": "date-time",
        "results[].score": "number?",
        "next": "null",
    }


def test_manual_xml_sample_gives_its_shape() -> None:
    sample = """<?xml version="1.0" encoding="UTF-8"?>
    <rates base="EUR" date="2024-05-01">
      <rate currency="USD">1.07</rate><rate currency="GBP">0.85</rate>
    </rates>
    """
    shape = infer_shape(parse_manual_response(sample, XML))
    assert shape_to_toml_data(shape) == {
        "rates": "object",
        "rates.@base": "text",
        "rates.@date": "date",
        "rates.rate": "list",
        "rates.rate[]": "object",
        "rates.rate[].@currency": "text",
        "rates.rate[].#text": "text",
    }


def test_manual_text_and_options() -> None:
    assert parse_manual_response("hello", TEXT) == "hello"
    assert parse_manual_response(" ", JSON) is None
    assert parse_manual_response('{"a": 1}', JSON, include_errors=True, capture_headers=True) == {
        "status_code": 200,
        "has_error": False,
        "message": "",
        "headers": {},
        "body": {"a": 1},
    }


def test_manual_errors() -> None:
    with pytest.raises(ResponseDataError, match="line 1, column 7"):
        parse_manual_response('{"a": }', JSON)
    with pytest.raises(ResponseDataError, match="binary response cannot be pasted"):
        parse_manual_response("x", BINARY)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_json_bodies_in_any_unicode_encoding_json_allows(encoding: str) -> None:
    body = '{"name": "Zoë", "tags": ["ü"]}'.encode(encoding)
    data = body_data(body, ResponseType.JSON, "application/json")
    assert data == {"name": "Zoë", "tags": ["ü"]}


def test_a_large_json_body_is_read_in_steps_with_the_same_result() -> None:
    items = [
        {"id": n, "name": f"user {n}", "nested": {"deep": [n, None, True]}} for n in range(9000)
    ]
    body = json.dumps({"items": items, "count": len(items)}).encode()
    assert len(body) > 512 * 1024  # bigger than what one step parses
    assert body_data(body, ResponseType.JSON) == json.loads(body)


def test_invalid_json_deep_in_a_large_body_names_its_line_and_column() -> None:
    body = b'{\n"items": [' + b"1, " * 100_000 + b"oops]}"
    # `"items": [` is 10 characters, then 100,000 times `1, `: the error is at column 300,011.
    with pytest.raises(ResponseDataError, match=r"Expecting value at line 2, column 300011$"):
        body_data(body, ResponseType.JSON)
