"""A command line split as a POSIX shell splits it: each case is compared with what bash
itself makes of it (where bash is installed), so the rules are the shell's, not ours."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from workbench.core.interop.shell_words import ShellSyntaxError, shell_words

CASES = [
    # (text, words)
    ("a  b\tc", ["a", "b", "c"]),
    ("'C:\\Users\\ada' x", ["C:\\Users\\ada", "x"]),  # in single quotes a backslash is one
    ('"say \\"hi\\" to C:\\\\temp"', ['say "hi" to C:\\temp']),
    ('"s3cr\\$t\'q\\\\"', ["s3cr$t'q\\"]),  # \$ and \\ are escapes in double quotes
    ('"a\\b\\n\\`c\\`"', ["a\\b\\n`c`"]),  # \b, \n are not: the backslash stays
    ("a\\ b \\'c\\'", ["a b", "'c'"]),  # outside quotes a backslash keeps what follows
    ("one \\\n  two", ["one", "two"]),  # a line continuation between words
    ("on\\\ne", ["one"]),  # ... and inside a word
    ('"on\\\ne"', ["one"]),  # in double quotes too
    ("'on\\\ne'", ["on\\\ne"]),  # in single quotes it is text
    ("'it'\"'\"'s'", ["it's"]),  # the usual way to put a single quote in single quotes
    ("$'tab\\there\\nnew \\'q\\' \\x41\\101'", ["tab\there\nnew 'q' AA"]),
    ("$'caf\\xc3\\xa9 \\u00e9 \\U0001F600'", ["café é \U0001f600"]),  # bytes read as UTF-8
    ("x$'\\'' '' \"\"", ["x'", "", ""]),  # empty quotes are an empty word
]


@pytest.mark.parametrize(("text", "words"), CASES)
def test_words_are_split_as_a_shell_splits_them(text: str, words: list[str]) -> None:
    assert shell_words(text) == words


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(("text", "words"), CASES)
def test_bash_splits_them_the_same_way(text: str, words: list[str]) -> None:
    printed = subprocess.run(
        ["bash", "-c", "printf '%s\\0' " + text],
        capture_output=True,
        check=True,
        env={"LC_ALL": "C.UTF-8"},
    )
    assert printed.stdout.decode("utf-8").split("\0")[:-1] == words


def test_a_line_break_outside_quotes_separates_words() -> None:
    # A shell would end the command there; a command pasted without its backslashes still
    # reads as one.
    assert shell_words("curl http://h\n  -H 'A: b'") == ["curl", "http://h", "-H", "A: b"]


@pytest.mark.parametrize("text", ["'open", '"open', "$'open", "end\\"])
def test_an_unclosed_quote_is_an_error(text: str) -> None:
    with pytest.raises(ShellSyntaxError):
        shell_words(text)
