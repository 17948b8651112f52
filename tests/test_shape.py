"""Response shapes: learning, user edits, reconcile, the workspace file form, drift, paths."""

from __future__ import annotations

import importlib
import json
import tomllib
from typing import Any

import httpx
import pytest
import tomli_w

from workbench.core.sending.response_data import body_data
from workbench.core.shape.drift import Drift, TypeChange, diff_shapes, format_drift, reconcile
from workbench.core.shape.fields import Field, FieldType, Shape, ShapeError
from workbench.core.shape.infer import infer_shape
from workbench.core.shape.json_path import (
    BinaryBody,
    Decoded,
    Item,
    Key,
    PathError,
    ancestors,
    format_path,
    is_within,
    key_path,
    lookup,
    parse_path,
    value_text,
)
from workbench.core.shape.toml import shape_from_toml_data, shape_to_toml_data
from workbench.core.workspace.model import ResponseType

T = FieldType


def table(shape: Shape) -> dict[str, str]:
    return shape_to_toml_data(shape)


# ---- the modules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "own", "elsewhere"),
    [
        (
            "shape.fields",
            {"Shape", "Field", "FieldType", "ShapeError"},
            {"infer_shape", "reconcile"},
        ),
        ("shape.infer", {"infer_shape"}, {"reconcile", "diff_shapes", "shape_to_toml_data"}),
        (
            "shape.drift",
            {"reconcile", "TypeChange", "Drift", "diff_shapes", "format_drift"},
            {"infer_shape", "shape_from_toml_data"},
        ),
        (
            "shape.toml",
            {"shape_to_toml_data", "shape_from_toml_data"},
            {"infer_shape", "reconcile", "diff_shapes"},
        ),
    ],
)
def test_each_shape_module_has_one_job(name: str, own: set[str], elsewhere: set[str]) -> None:
    """No module re-exports another's names: callers import from where a name is defined."""
    module = importlib.import_module(f"workbench.core.{name}")
    assert (module.__doc__ or "").strip(), f"{module.__name__} has no docstring saying its job"
    for defined in own:
        assert getattr(module, defined).__module__ == module.__name__, defined
    assert not {other for other in elsewhere if hasattr(module, other)}


# ---- learning ---------------------------------------------------------------------------------


def test_nested_objects_and_scalars() -> None:
    data = {
        "id": 7,
        "name": "Ada",
        "score": 1.5,
        "active": True,
        "nothing": None,
        "address": {"city": "Paris", "geo": {"lat": 48.85, "lng": 2}},
    }
    assert table(infer_shape(data)) == {
        "id": "integer",
        "name": "text",
        "score": "number",
        "active": "boolean",
        "nothing": "null",
        "address": "object",
        "address.city": "text",
        "address.geo": "object",
        "address.geo.lat": "number",
        "address.geo.lng": "integer",
    }


def test_list_items_are_merged_and_keys_missing_from_some_are_optional() -> None:
    data = {
        "data": [
            {"id": 1, "phone": "+44", "address": {"geo": {"lat": 1.5}}},
            {"id": 2, "address": {"geo": {"lat": 2.5, "alt": 10}}},
            {"id": 3, "address": {"geo": {"lat": 3.5}}, "nickname": "x"},
        ]
    }
    assert table(infer_shape(data)) == {
        "data": "list",
        "data[]": "object",
        "data[].id": "integer",
        "data[].phone": "text?",
        "data[].address": "object",
        "data[].address.geo": "object",
        "data[].address.geo.lat": "number",
        "data[].address.geo.alt": "integer?",
        "data[].nickname": "text?",
    }


def test_optional_is_relative_to_the_objects_at_its_place() -> None:
    # `address` is null in one item: its own fields are not optional for that.
    data = [{"address": {"city": "Oslo"}}, {"address": None}, {}]
    assert table(infer_shape(data)) == {
        "": "list",
        "[]": "object",
        "[].address": "object|null?",
        "[].address.city": "text",
    }


def test_nulls_make_a_field_nullable_and_only_nulls_make_it_null() -> None:
    data = [
        {"birthday": "1990-04-30", "manager": None, "note": None},
        {"birthday": None, "manager": 3, "note": None},
    ]
    assert table(infer_shape(data))["[].birthday"] == "date|null"
    assert table(infer_shape(data))["[].manager"] == "integer|null"
    assert table(infer_shape(data))["[].note"] == "null"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01", "date"),
        ("2024-02-29", "date"),
        ("2023-02-29", "text"),  # no such day
        ("2024-13-01", "text"),
        ("2024-05-01T09:30:00Z", "date-time"),
        ("2024-05-01T09:30Z", "date-time"),
        ("2024-05-01T09:30:00.123456789+02:00", "date-time"),
        ("2024-05-01 09:30:00", "date-time"),
        ("2024-05-01T09:30:60-0500", "date-time"),  # a leap second
        ("2024-05-01T24:00:00Z", "text"),
        ("2024-05-01T09:30:00Zulu", "text"),
        ("20240501", "text"),
        ("1234-56-78 and more", "text"),
        ("May 1st, 2024", "text"),
    ],
)
def test_dates_and_date_times_are_iso_8601_texts(text: str, expected: str) -> None:
    assert table(infer_shape({"at": text})) == {"at": expected}


def test_integer_and_number_together_are_number_and_booleans_are_not_integers() -> None:
    data = [{"n": 1, "flag": True}, {"n": 1.5, "flag": False}]
    assert table(infer_shape(data))["[].n"] == "number"
    assert table(infer_shape(data))["[].flag"] == "boolean"
    assert table(infer_shape([{"n": 1}, {"n": 2}]))["[].n"] == "integer"


def test_texts_of_different_kinds_are_text_and_other_mixes_are_any() -> None:
    data = [
        {"when": "2024-05-01", "mixed": 1, "texts": "{}"},
        {"when": "2024-05-01T10:00:00Z", "mixed": "one", "texts": "plain"},
    ]
    learned = table(infer_shape(data))
    assert learned["[].when"] == "text"
    assert learned["[].mixed"] == "any"
    assert learned["[].texts"] == "text"


def test_json_inside_texts_is_learned_under_json_mark() -> None:
    data = {
        "events": [
            {"payload": json.dumps({"id": 1, "at": "2024-05-01"})},
            {"payload": json.dumps({"id": 2, "extra": [1, 2]})},
        ],
        "list_text": "[10,-2, 3]",
        "not_json": "[citation needed]",
        "number_text": "42",
    }
    assert table(infer_shape(data)) == {
        "events": "list",
        "events[]": "object",
        "events[].payload": "json-text",
        "events[].payload(json)": "object",
        "events[].payload(json).id": "integer",
        "events[].payload(json).at": "date?",
        "events[].payload(json).extra": "list?",
        "events[].payload(json).extra[]": "integer",
        "list_text": "json-text",
        "list_text(json)": "list",
        "list_text(json)[]": "integer",
        "not_json": "text",
        "number_text": "text",
    }


def test_json_inside_only_some_texts_makes_its_content_optional() -> None:
    data = [{"p": '{"a": 1}'}, {"p": "plain"}]
    assert table(infer_shape(data)) == {
        "": "list",
        "[]": "object",
        "[].p": "text",
        "[].p(json)": "object?",
        "[].p(json).a": "integer",
    }


def test_empty_lists_have_unknown_items_until_one_has_items() -> None:
    assert table(infer_shape({"tags": []})) == {"tags": "list"}
    data = [{"tags": []}, {"tags": ["a"]}, {"tags": []}]
    assert table(infer_shape(data)) == {
        "": "list",
        "[]": "object",
        "[].tags": "list",
        "[].tags[]": "text",
    }


def test_mixed_lists() -> None:
    data = {"mixed": [1, "two", None, {"x": 1}, [2.5]]}
    assert table(infer_shape(data)) == {
        "mixed": "list",
        "mixed[]": "any|null",
        "mixed[].x": "integer",
        "mixed[][]": "number",
    }


def test_top_level_list_and_other_roots() -> None:
    assert table(infer_shape([{"id": 1}])) == {"": "list", "[]": "object", "[].id": "integer"}
    assert table(infer_shape([])) == {"": "list"}
    assert table(infer_shape({})) == {}
    assert table(infer_shape("plain text")) == {"": "text"}
    assert table(infer_shape(None)) == {"": "null"}
    assert table(infer_shape(BinaryBody("image/png", 10))) == {"": "binary"}


def test_awkward_keys_are_quoted() -> None:
    data = {
        "headers": {"content-type": "x", "it's": "y", "2fa": True, "a.b": 1, "": 0},
        "@id": "1",
        "#text": "t",
    }
    assert list(table(infer_shape(data))) == [
        "headers",
        "headers['content-type']",
        "headers['it\\'s']",
        "headers['2fa']",
        "headers['a.b']",
        "headers['']",
        "@id",
        "#text",
    ]


def test_fields_keep_the_order_first_seen_with_children_after_their_parent() -> None:
    data = [{"b": 1, "a": {"x": 1}}, {"c": 1, "a": {"y": 2}, "b": 2}]
    assert list(table(infer_shape(data))) == ["", "[]", "[].b", "[].a", "[].a.x", "[].a.y", "[].c"]


def test_deeply_nested_data_does_not_hit_the_recursion_limit() -> None:
    data: Any = 1
    for _ in range(5000):
        data = {"a": data}
    shape = infer_shape(data)
    assert len(shape) == 5000
    assert shape.fields[-1].type is T.INTEGER


def test_data_that_is_not_response_data_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="tuple"):
        infer_shape({"a": (1, 2)})


def test_large_list_is_merged_across_every_item() -> None:
    items: list[dict[str, object]] = [{"id": n, "name": f"n{n}"} for n in range(50_000)]
    items[-1]["late"] = "2024-05-01"
    shape = infer_shape({"items": items})
    assert table(shape)["items[].late"] == "date?"


def test_users_page_of_the_demo_api(demo_url: str) -> None:
    response = httpx.get(f"{demo_url}/users", params={"page": 1, "per_page": 10})
    data = body_data(response.content, ResponseType.JSON, response.headers["content-type"])
    learned = table(infer_shape(data))
    assert learned["data[].id"] == "integer"
    assert learned["data[].created_at"] == "date-time"
    assert learned["data[].birthday"] == "date|null"
    assert learned["data[].address.geo.lat"] == "number"
    assert learned["data[].tags[]"] == "text"
    assert learned["data[].manager_id"] == "integer|null"
    assert learned["data[].phone"] == "text?"


# ---- the shape object and user edits -----------------------------------------------------------

SAMPLE = [
    {"id": 1, "email": "a@x", "avatar": {"url": "u", "size": 3}},
    {"id": 2, "email": "b@x", "avatar": {"url": "v", "size": 4}},
]


def test_shape_is_frozen_hashable_and_ordered() -> None:
    first, second = infer_shape(SAMPLE), infer_shape(SAMPLE)
    assert first == second
    assert hash(first) == hash(second)
    assert [f.path for f in first][:3] == ["", "[]", "[].id"]
    assert "[].email" in first
    assert first.get("[].email") == Field("[].email", T.TEXT)
    assert first.get("nope") is None
    with pytest.raises(AttributeError):
        first.fields = ()  # type: ignore[misc]


def test_a_shape_cannot_list_a_field_twice() -> None:
    with pytest.raises(ShapeError, match="twice"):
        Shape((Field("a", T.TEXT), Field("a", T.INTEGER)))


def test_exclude_hides_the_field_and_everything_in_it() -> None:
    shape = infer_shape(SAMPLE).exclude("[].avatar")
    assert shape.get("[].avatar") == Field("[].avatar", T.OBJECT, excluded=True)
    assert shape.is_excluded("[].avatar")
    assert shape.is_excluded("[].avatar.url")
    assert shape.is_excluded("[].avatar.later.added")
    assert not shape.is_excluded("[].email")
    assert not shape.include("[].avatar").is_excluded("[].avatar.url")


def test_set_type_pins_the_type_and_unpin_releases_it() -> None:
    shape = infer_shape(SAMPLE).set_type("[].id", T.TEXT)
    assert shape.get("[].id") == Field("[].id", T.TEXT, pinned=True)
    assert shape.unpin("[].id").get("[].id") == Field("[].id", T.TEXT)


def test_a_null_field_is_never_nullable() -> None:
    """A nullable field given the type null drops its `|null`: "null|null" cannot be read back."""
    shape = infer_shape([{"b": None}, {"b": "2020-01-01"}]).set_type("[].b", T.NULL)
    assert shape.get("[].b") == Field("[].b", T.NULL, pinned=True)
    assert shape_from_toml_data(table(shape)) == shape


def test_mark_sets_optional_and_nullable_and_pins_the_field() -> None:
    shape = infer_shape(SAMPLE).mark("[].email", optional=True)
    assert shape.get("[].email") == Field("[].email", T.TEXT, optional=True, pinned=True)
    shape = shape.mark("[].email", nullable=True)  # the other mark stays as it is
    assert table(shape)["[].email"] == "text|null? (pinned)"
    shape = shape.mark("[].email", optional=False, nullable=False)
    assert shape.get("[].email") == Field("[].email", T.TEXT, pinned=True)
    with pytest.raises(ShapeError, match="a null field is always null"):
        infer_shape({"b": None}).mark("b", nullable=True)
    with pytest.raises(ShapeError, match="no such field"):
        shape.mark("[].nope", optional=True)


def test_edits_return_new_shapes_and_name_missing_fields() -> None:
    shape = infer_shape(SAMPLE)
    shape.exclude("[].id")
    assert not shape.is_excluded("[].id")
    with pytest.raises(ShapeError, match=r'"\[\]\.idd": no such field'):
        shape.exclude("[].idd")


def test_reconcile_keeps_exclusions_and_pinned_types_and_takes_the_rest_fresh() -> None:
    saved = infer_shape(SAMPLE).exclude("[].avatar").set_type("[].id", T.TEXT)
    fresh = infer_shape([{"id": 3, "avatar": {"url": "w"}, "name": "n"}, {"id": 4}])
    assert table(reconcile(saved, fresh)) == {
        "": "list",
        "[]": "object",
        "[].id": "text (pinned)",
        "[].avatar": "object? (excluded)",
        "[].avatar.url": "text",
        "[].name": "text?",
    }


def test_reconcile_keeps_the_saved_order_and_puts_new_fields_where_the_response_has_them() -> None:
    """Whatever order the file lists the fields in (a hand-written one here), initializing
    again moves no line: new fields go after the field before them in the response."""
    fresh = infer_shape({"id": 1, "name": "n", "address": {"city": "c", "zip": "z"}, "tags": []})
    saved = Shape(tuple(reversed([f for f in fresh if f.path not in ("address.zip", "id")])))
    assert [f.path for f in saved] == ["tags", "address.city", "address", "name"]
    assert [f.path for f in reconcile(saved, saved)] == [f.path for f in saved]
    assert [f.path for f in reconcile(saved, fresh)] == [
        "id",  # first in the response: first
        "tags",
        "address.city",
        "address.zip",  # after address.city, as in the response
        "address",
        "name",
    ]
    assert diff_shapes(saved, fresh) == Drift(added=(fresh.get("id"), fresh.get("address.zip")))


def test_reconcile_keeps_what_only_nulls_and_empty_lists_cannot_tell() -> None:
    saved = infer_shape(
        {"birthday": "1990-01-01", "address": {"city": "Oslo"}, "tags": [{"name": "a"}]}
    ).exclude("address")
    fresh = infer_shape({"birthday": None, "address": None, "tags": []})
    assert table(reconcile(saved, fresh)) == {
        "birthday": "date|null",
        "address": "object|null (excluded)",
        "address.city": "text",
        "tags": "list",
        "tags[]": "object",
        "tags[].name": "text",
    }


def test_reconcile_keeps_the_marks_the_user_gave_a_field() -> None:
    """A response where a marked field is present and not null does not take its marks away;
    one where it is missing or null still adds them."""
    saved = (
        infer_shape(SAMPLE)
        .mark("[].email", optional=True, nullable=True)
        .mark("[].id", optional=True)
    )
    avatar = {"url": "w", "size": 1}
    fresh = infer_shape(
        [{"id": None, "email": "c@x", "avatar": avatar}, {"email": "d@x", "avatar": avatar}]
    )
    kept = table(reconcile(saved, fresh))
    assert kept["[].email"] == "text|null? (pinned)"
    assert kept["[].id"] == "integer|null? (pinned)"
    assert diff_shapes(saved, fresh) == Drift(now_nullable=("[].id",))


def test_reconcile_of_a_shape_with_itself_changes_nothing() -> None:
    saved = infer_shape(SAMPLE).exclude("[].avatar").set_type("[].id", T.TEXT)
    assert reconcile(saved, saved) == saved


# ---- the workspace file ------------------------------------------------------------------------


def test_toml_notation() -> None:
    shape = Shape(
        (
            Field("", T.LIST),
            Field("[]", T.OBJECT),
            Field("[].id", T.INTEGER),
            Field("[].phone", T.TEXT, optional=True),
            Field("[].birthday", T.DATE, nullable=True),
            Field("[].manager", T.INTEGER, optional=True, nullable=True),
            Field("[].avatar", T.TEXT, excluded=True),
            Field("[].code", T.TEXT, pinned=True),
            Field("[].both", T.NUMBER, optional=True, excluded=True, pinned=True),
        )
    )
    assert shape_to_toml_data(shape) == {
        "": "list",
        "[]": "object",
        "[].id": "integer",
        "[].phone": "text?",
        "[].birthday": "date|null",
        "[].manager": "integer|null?",
        "[].avatar": "text (excluded)",
        "[].code": "text (pinned)",
        "[].both": "number? (excluded, pinned)",
    }
    assert shape_from_toml_data(shape_to_toml_data(shape)) == shape


def test_toml_round_trip_is_byte_identical() -> None:
    data = {
        "data": [
            {"id": 1, "content-type": "x", "payload": '{"a": 1}', "at": "2024-05-01T10:00:00Z"},
            {"id": 2, "tags": ["a"], "it's": None},
        ]
    }
    shape = infer_shape(data).exclude("data[].tags").set_type("data[].id", T.TEXT)
    text = tomli_w.dumps({"shape": shape_to_toml_data(shape)})
    loaded = shape_from_toml_data(tomllib.loads(text)["shape"])
    assert loaded == shape
    assert tomli_w.dumps({"shape": shape_to_toml_data(loaded)}) == text
    assert '"data[].id" = "text (pinned)"\n' in text
    assert '"data[][\'content-type\']" = "text?"\n' in text
    assert (
        '"data[].payload(json).a" = "integer?"\n' not in text
    )  # present in the one item: required
    assert '"data[].payload(json).a" = "integer"\n' in text


def test_one_changed_field_changes_one_line() -> None:
    items = [{f"field_{n}": n for n in range(300)} for _ in range(3)]
    before = tomli_w.dumps({"shape": shape_to_toml_data(infer_shape({"items": items}))})
    items[1]["field_150"] = "changed"
    after = tomli_w.dumps({"shape": shape_to_toml_data(infer_shape({"items": items}))})
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [('"items[].field_150" = "integer"', '"items[].field_150" = "any"')]


def test_reading_accepts_other_spellings_of_a_path() -> None:
    shape = shape_from_toml_data({'headers["content-type"]': "text", "a.b": "integer"})
    assert [f.path for f in shape] == ["headers['content-type']", "a.b"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"a": "integr"},
            r'"a": unknown type "integr"; expected one of: text, .*did you mean "integer"\?',
        ),
        ({"a": "text!"}, r""""a": cannot read 'text!': expected a type, then "\|null\""""),
        ({"a": 5}, r'"a": expected a type text .*; got an integer'),
        ({"a": "text (hidden)"}, r'marks in parentheses are "excluded" and "pinned"'),
        ({"a": "text (excluded, excluded)"}, r"each at most once"),
        ({"a": "null|null"}, r"a null field is always null"),
        ({"a..b": "text"}, r""""a..b": bad path 'a..b': expected a field name after '.'"""),
        ({"a[0]": "text"}, r"marks list items with \[\], not with an item number"),
        ({"a.b": "text", "a['b']": "text"}, r""""a\['b'\]": the same field as 'a.b'"""),
    ],
)
def test_reading_errors_name_the_entry_and_what_is_expected(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ShapeError, match=f"^calls\\[0\\] > shape > .*{message}") as caught:
        shape_from_toml_data(data, "calls[0] > shape")
    assert caught.value.field in data
    assert caught.value.detail in str(caught.value)


# ---- drift -------------------------------------------------------------------------------------

OLD = {
    "data": [
        {"id": 1, "email": "a@x", "phone": "1", "birthday": None, "address": {"city": "c"}},
        {"id": 2, "email": "b@x", "phone": "2", "birthday": "2000-01-01", "address": {"city": "d"}},
    ]
}


def drift_of(new: object, old: Shape | None = None) -> Drift:
    return diff_shapes(old or infer_shape(OLD), infer_shape(new))


def test_no_drift_when_equal() -> None:
    drift = drift_of(OLD)
    assert drift.is_empty
    assert drift == Drift()
    assert format_drift(drift) == []


def test_drift_added() -> None:
    new = json.loads(json.dumps(OLD))
    new["data"][0]["nickname"] = "n"
    new["data"][1]["nickname"] = "m"
    new["total"] = 2
    drift = drift_of(new)
    assert drift == Drift(added=(Field("data[].nickname", T.TEXT), Field("total", T.INTEGER)))
    assert format_drift(drift) == ["+ data[].nickname: text", "+ total: integer"]


def test_drift_removed() -> None:
    new = json.loads(json.dumps(OLD))
    for item in new["data"]:
        del item["phone"]
    drift = drift_of(new)
    assert drift == Drift(removed=(Field("data[].phone", T.TEXT),))
    assert format_drift(drift) == ["- data[].phone"]


def test_drift_changed_type() -> None:
    new = json.loads(json.dumps(OLD))
    for item in new["data"]:
        item["id"] = str(item["id"])
    drift = drift_of(new)
    assert drift == Drift(changed=(TypeChange("data[].id", T.INTEGER, T.TEXT),))
    assert format_drift(drift) == ["~ data[].id: integer -> text"]


def test_drift_optional_both_ways() -> None:
    new = json.loads(json.dumps(OLD))
    del new["data"][0]["email"]
    drift = drift_of(new)
    assert drift == Drift(now_optional=("data[].email",))
    assert format_drift(drift) == ["? data[].email: now optional"]
    back = diff_shapes(infer_shape(new), infer_shape(OLD))
    assert back == Drift(no_longer_optional=("data[].email",))
    assert format_drift(back) == ["? data[].email: no longer optional"]


def test_drift_nullable_both_ways() -> None:
    new = json.loads(json.dumps(OLD))
    new["data"][0]["email"] = None
    drift = drift_of(new)
    assert drift == Drift(now_nullable=("data[].email",))
    assert format_drift(drift) == ["? data[].email: now nullable"]
    new["data"][0]["birthday"] = "1999-09-09"
    drift = drift_of(new)
    assert drift == Drift(now_nullable=("data[].email",), no_longer_nullable=("data[].birthday",))
    assert format_drift(drift)[-1] == "? data[].birthday: no longer nullable"


def test_drift_ignores_excluded_fields_and_what_is_in_them() -> None:
    old = infer_shape(OLD).exclude("data[].address").exclude("data[].id")
    new = json.loads(json.dumps(OLD))
    for item in new["data"]:
        item["address"] = {"street": 5}
        item["id"] = "x"
    assert drift_of(new, old).is_empty


def test_drift_ignores_the_type_of_pinned_fields_but_not_their_flags() -> None:
    old = infer_shape(OLD).set_type("data[].id", T.TEXT)
    new = json.loads(json.dumps(OLD))
    new["data"][0]["id"] = 1.5
    del new["data"][1]["id"]
    assert drift_of(new, old) == Drift(now_optional=("data[].id",))


@pytest.mark.parametrize(
    ("pinned", "sent", "expected"),
    [
        (T.DATE, 1714550400, "~ data[].id: date -> integer"),
        (T.TEXT, {"value": 1}, "~ data[].id: text -> object"),
        (T.INTEGER, 1.5, "~ data[].id: integer -> number"),
    ],
)
def test_a_pinned_type_still_reports_a_type_it_cannot_hold(
    pinned: T, sent: object, expected: str
) -> None:
    """Pinning keeps the type the user chose, but a server that now sends something else
    is real drift; initializing again then learns the new type."""
    old = infer_shape(OLD).set_type("data[].id", pinned)
    new = json.loads(json.dumps(OLD))
    for item in new["data"]:
        item["id"] = sent
    assert expected in format_drift(drift_of(new, old))
    kept = reconcile(old, infer_shape(new)).get("data[].id")
    assert kept is not None and kept.type is not pinned and not kept.pinned


def test_a_pinned_type_holds_what_it_reads() -> None:
    """Text holds numbers (ids read as text), a number integers, a date the text it is sent
    as: none of these is drift, and the pin stays."""
    for pinned, sent in ((T.TEXT, 7), (T.NUMBER, 7), (T.DATE, "01/05/2024"), (T.ANY, True)):
        old = infer_shape(OLD).set_type("data[].id", pinned)
        new = json.loads(json.dumps(OLD))
        for item in new["data"]:
            item["id"] = sent
        assert drift_of(new, old).is_empty, pinned
        assert reconcile(old, infer_shape(new)).get("data[].id") == old.get("data[].id")


def test_only_nulls_and_empty_lists_are_not_drift_of_type_or_fields() -> None:
    old = infer_shape({"birthday": "1990-01-01", "tags": [{"name": "a"}], "address": {"c": "x"}})
    drift = diff_shapes(old, infer_shape({"birthday": None, "tags": [], "address": None}))
    assert drift == Drift(now_nullable=("birthday", "address"))


def test_drift_of_the_response_itself() -> None:
    drift = diff_shapes(infer_shape({"id": 1}), infer_shape([{"id": 1}]))
    assert format_drift(drift) == [
        "+ []: object",
        "+ [].id: integer",
        "- id",
        "~ (response): object -> list",
    ]


def test_drift_reports_every_kind_together_in_a_fixed_order() -> None:
    new = json.loads(json.dumps(OLD))
    for item in new["data"]:
        del item["phone"]
        item["id"] = str(item["id"])
        item["nickname"] = "n"
    del new["data"][0]["email"]
    assert format_drift(drift_of(new)) == [
        "+ data[].nickname: text",
        "- data[].phone",
        "~ data[].id: integer -> text",
        "? data[].email: now optional",
    ]


# ---- paths and lookup --------------------------------------------------------------------------


def test_paths_parse_and_format() -> None:
    segments = parse_path("data[0].address['zip-code'](json)[].@id[-1]")
    assert segments == (
        Key("data"),
        Item(0),
        Key("address"),
        Key("zip-code"),
        Decoded(),
        Item(),
        Key("@id"),
        Item(-1),
    )
    assert format_path(segments) == "data[0].address['zip-code'](json)[].@id[-1]"
    assert parse_path("") == ()
    assert parse_path("['it\\'s'].x") == (Key("it's"), Key("x"))
    assert key_path("", "a b") == "['a b']"
    assert key_path("x", "a b") == "x['a b']"
    assert ancestors("data[].address.city") == ["", "data", "data[]", "data[].address"]
    assert is_within("data[].a", "data")
    assert is_within("data(json)", "data")
    assert is_within("x", "")
    assert not is_within("database", "data")
    assert not is_within("data", "data")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a..b", r"expected a field name after '\.' at character 3"),
        (".a", r"expected a field name, \[\], \[N\].* at character 1"),
        ("a[x]", "at character 2"),
        ("a['b]", "at character 2"),
        ("a(jso)", "at character 2"),
    ],
)
def test_bad_paths_say_where(path: str, message: str) -> None:
    with pytest.raises(PathError, match=message):
        parse_path(path)


LOOKUP_DATA = {
    "data": [
        {"id": 1, "name": "Ada", "score": 2.5, "ok": True, "none": None, "geo": {"lat": 1.5}},
        {"id": 2, "payload": '{"token": "t-1", "n": [1, 2]}', "content-type": "json"},
    ],
    "file": BinaryBody("image/png", 1234),
}


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("data[0].id", "1"),
        ("data[0].name", "Ada"),
        ("data[0].score", "2.5"),
        ("data[0].ok", "true"),
        ("data[0].none", ""),
        ("data[0].geo", '{"lat":1.5}'),
        ("data[-1].id", "2"),
        ("data[1]['content-type']", "json"),
        ('data[1]["content-type"]', "json"),
        ("data[1].payload(json).token", "t-1"),
        ("data[1].payload(json).n", "[1,2]"),
        ("data[1].payload(json).n[1]", "2"),
    ],
)
def test_lookup_finds_values_and_their_text(path: str, text: str) -> None:
    assert value_text(lookup(LOOKUP_DATA, path)) == text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("data[0].idd", r"no field 'idd' at data\[0\]; fields: id, name, score, ok, none, geo$"),
        ("nope", "no field 'nope' in the response; fields: data, file$"),
        ("data[2]", "no item 2 at data: the list has 2 items$"),
        ("data[].id", r"data\[\] needs an item number, like data\[0\]$"),
        ("data.id", "data is a list, so it has no field 'id'$"),
        ("data[0].id[0]", r"data\[0\]\.id is an integer, not a list$"),
        ("data[0].name(json)", r"data\[0\]\.name is a text, not a text holding a JSON"),
    ],
)
def test_lookup_errors_say_how_far_the_path_got(path: str, message: str) -> None:
    with pytest.raises(PathError, match=message):
        lookup(LOOKUP_DATA, path)


def test_lookup_lists_only_the_first_fields_of_a_wide_object() -> None:
    wide = {f"f{n}": n for n in range(20)}
    with pytest.raises(PathError, match=r"fields: f0, .*, f11, \.\.\. \(8 more\)$"):
        lookup(wide, "x")


def test_lookup_of_the_empty_path_is_everything_and_binary_has_no_text() -> None:
    assert lookup(LOOKUP_DATA, "") is LOOKUP_DATA
    with pytest.raises(PathError, match=r"binary data \(image/png, 1,234 bytes\) has no text"):
        value_text(lookup(LOOKUP_DATA, "file"))
    with pytest.raises(PathError, match="has no text form"):
        value_text(LOOKUP_DATA)
