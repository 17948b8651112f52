"""Placeholder substitution: `[name]` in URLs, `<name>` in JSON and raw body templates."""

from __future__ import annotations

import json

import pytest

from workbench.core.sending.template import (
    body_placeholders,
    fill_json,
    fill_text,
    fill_url,
    json_escape,
    url_placeholders,
)


def test_url_placeholders_in_order() -> None:
    assert url_placeholders("/orgs/[org]/users/[id]?x=[q]") == ["org", "id", "q"]


def test_ipv6_host_is_not_a_placeholder() -> None:
    assert url_placeholders("http://[::1]:8080/users/[id]") == ["id"]
    assert fill_url("http://[::1]:8080/[id]", {"id": "7"}) == "http://[::1]:8080/7"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a b", "a%20b"),
        ("a/b", "a%2Fb"),
        ("é✓", "%C3%A9%E2%9C%93"),
        ("?#&%", "%3F%23%26%25"),
        ("[x]", "%5Bx%5D"),
    ],
)
def test_fill_url_percent_encodes_whole_value(value: str, encoded: str) -> None:
    assert fill_url("/users/[id]/x", {"id": value}) == f"/users/{encoded}/x"


def test_fill_url_leaves_unknown_names() -> None:
    assert fill_url("/[a]/[b]", {"a": "1"}) == "/1/[b]"


def test_value_that_looks_like_a_placeholder_is_not_substituted_again() -> None:
    assert fill_text("<a> <b>", {"a": "<b>", "b": "x"}) == "<b> x"
    assert fill_url("/[a]/[b]", {"a": "[b]", "b": "x"}) == "/%5Bb%5D/x"


def test_body_placeholders() -> None:
    assert body_placeholders('{"a": "<name>", "n": <count>, "s": "a < b > c"}') == {
        "name",
        "count",
    }


@pytest.mark.parametrize(
    "value",
    [
        'say "hi"',
        "back\\slash",
        "line\nbreak\r\n",
        "tab\there",
        "control \x00\x01\x1f",
        "emoji 🎉 and ü",
        "line\u2028separator",
        "</script><script>alert(1)</script>",
        '{"already": "json", "n": [1, 2]}',
    ],
)
def test_json_string_values_are_escaped(value: str) -> None:
    text = fill_json('{"v": "<v>", "prefix": "x-<v>-y"}', {"v": value})
    assert json.loads(text) == {"v": value, "prefix": f"x-{value}-y"}


def test_json_escape_matches_json_dumps() -> None:
    assert json_escape('a"b\\c\n') == 'a\\"b\\\\c\\n'


def test_json_values_outside_strings_go_in_raw() -> None:
    text = fill_json(
        '{"n": <n>, "f": <f>, "ok": <ok>, "none": <none>, "obj": <obj>}',
        {"n": "42", "f": "-1.5e3", "ok": "true", "none": "null", "obj": '{"a": [1, "two"]}'},
    )
    assert json.loads(text) == {
        "n": 42,
        "f": -1500.0,
        "ok": True,
        "none": None,
        "obj": {"a": [1, "two"]},
    }


def test_json_escaped_quotes_keep_track_of_strings() -> None:
    # The \" inside the first string must not end it: <v> is still inside a string.
    text = fill_json('{"a": "say \\"<v>\\"", "b": <n>}', {"v": 'x"y', "n": "1"})
    assert json.loads(text) == {"a": 'say "x"y"', "b": 1}


def test_json_unknown_placeholders_stay() -> None:
    template = '{"html": "<b>bold</b>", "v": "<v>"}'
    assert json.loads(fill_json(template, {"v": "1"})) == {"html": "<b>bold</b>", "v": "1"}


def test_fill_text_is_verbatim() -> None:
    assert fill_text("<user><name>x</name></user> <v>", {"v": 'a"\n<'}) == (
        '<user><name>x</name></user> a"\n<'
    )
