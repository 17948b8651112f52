"""Texts in a workspace file read as they are (a JSON body reads as JSON), and always come back
exactly: quotes, backslashes, carriage returns, tabs and spaces at the end of a line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from workbench.core.errors import WorkspaceError
from workbench.core.shape.toml import shape_from_toml_data
from workbench.core.workspace import io
from workbench.core.workspace.io import dumps_workspace, loads_workspace, save_workspace
from workbench.core.workspace.model import (
    BodyType,
    Call,
    Header,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    Workspace,
    with_derived_ids,
)

JSON_BODY = '{\n  "name": "<name>",\n  "path": "C:\\\\temp",\n  "quote": "say \\"hi\\""\n}\n'


def with_body(body: str, *others: Call) -> Workspace:
    call = Call("Send", method=Method.POST, body_type=BodyType.RAW, body=body)
    return Workspace(id="abc", name="W", providers=(Provider("P", calls=(call, *others)),))


def assert_exact(workspace: Workspace) -> str:
    """The workspace's text, having checked it reads back the same and writes the same again."""
    workspace = with_derived_ids(workspace)  # as a file without ids reads
    text = dumps_workspace(workspace)
    assert loads_workspace(text, "w.toml") == workspace
    assert dumps_workspace(loads_workspace(text, "w.toml")) == text
    return text


def test_a_json_body_is_written_as_it_reads() -> None:
    text = assert_exact(with_body(JSON_BODY))
    assert "body = '''\n" + JSON_BODY + "'''\n" in text
    assert text.count("\\") == JSON_BODY.count("\\")  # the body's own escapes, no others


def test_one_line_texts_with_quotes_are_written_between_single_quotes() -> None:
    call = Call(
        "Echo",
        url='/echo?q="x"',
        headers=(Header("X-Filter", 'name eq "Ada"'),),
        parameters=(Parameter("path", PerEnvironment({"live": "C:\\data", "development": "."})),),
        body='{"message": "<message>"}',
    )
    text = assert_exact(with_body("", call))
    assert "url = '/echo?q=\"x\"'" in text
    assert 'body = \'{"message": "<message>"}\'' in text
    assert '{ name = "X-Filter", value = \'name eq "Ada"\' }' in text
    assert "live = 'C:\\data'" in text


# (text, how its value starts in the file)
SPELLINGS = [
    ("plain\nlines\n", '"""\nplain'),  # nothing to escape: as tomli-w writes it
    ('"""triple double"""\n', "'''\n\"\"\""),
    ('tab\t"x"\n', "'''\ntab\t"),
    ('trailing  \n"q"  \n', "'''\ntrailing  \n"),
    ('\n\nblank lines first "x"', "'''\n\n\nblank"),
    ('it\'s "one" line', '"it\'s \\"one\\" line"'),
    ("back\\slash", "'back\\slash'"),
    ("a '''quoted''' \"x\"\n", "\"\"\"\na '''quoted''' \\\"x\\\""),
    ('ends "x"\nwith a quote\'', '"""\nends \\"x\\"'),
    ('crlf\r\nbody "x"\r\n', '"crlf\\r\\nbody \\"x\\"\\r\\n"'),
    ("lone \r return", '"lone \\r return"'),
    ("spaces at the end  \nof lines \t\n", '"""\nspaces at the end  \nof lines \t\n"""'),
]


@pytest.mark.parametrize(("body", "spelled"), SPELLINGS, ids=[repr(b) for b, _ in SPELLINGS])
def test_each_text_is_spelled_as_it_best_reads_and_comes_back_exactly(
    body: str, spelled: str
) -> None:
    text = assert_exact(with_body(body))
    assert f"body = {spelled}" in text


def test_a_carriage_return_in_one_text_leaves_the_others_readable() -> None:
    raw = Call("Raw", body_type=BodyType.RAW, body="--b\r\nhi\r\n--b--\r\n")
    text = assert_exact(with_body(JSON_BODY, raw))
    assert "body = '''\n" + JSON_BODY + "'''\n" in text
    assert 'body = "--b\\r\\nhi\\r\\n--b--\\r\\n"' in text


def test_a_text_with_a_line_break_is_never_in_an_inline_table() -> None:
    call = Call("C", headers=(Header("X-A", "one\r\ntwo"), Header("X-B", "b")))
    text = assert_exact(with_body("", call))
    assert "[[providers.calls.headers]]" in text
    assert 'value = "one\\r\\ntwo"' in text


def test_keys_are_respelled_only_where_toml_allows() -> None:
    shape = shape_from_toml_data({"body": "object", "body['say \"hi\"']": "text"})
    text = assert_exact(with_body("", Call("Shaped", shape=shape)))
    assert '"body[\'say \\"hi\\"\']" = "text"' in text  # holds ', so between double quotes


def test_any_mix_of_quotes_breaks_and_spaces_comes_back_exactly() -> None:
    pieces = ["'", '"', "\\", "\n", "\r", "\r\n", "\t", " ", "a", "'''", '"""', "é", "{}"]
    chooser = random.Random(13)
    for _ in range(300):
        body = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 12)))
        notes = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 6)))
        workspace = with_body(body, Call("Other", notes=notes, url=notes.replace("\n", "")))
        assert_exact(workspace)


def test_a_text_that_would_not_read_back_the_same_is_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: should respelling ever change a text, nothing is written."""
    monkeypatch.setattr(io, "dumps_readable", lambda data: 'format = 1\nname = "W"\n')
    path = tmp_path / "w.toml"
    with pytest.raises(WorkspaceError, match="would not read back the same"):
        save_workspace(with_body(JSON_BODY), path)
    assert not path.exists()
