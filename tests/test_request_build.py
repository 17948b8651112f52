"""Building requests from calls: URLs, parameters, bodies, headers, authentication, masking.

No network: requests are inspected as built, or sent through `httpx.MockTransport`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from workbench.core import auth
from workbench.core.auth import AuthAdditions, AuthMethod, AuthSetting
from workbench.core.auth.tokens import Token
from workbench.core.errors import RequestBuildError, SecretMissing
from workbench.core.secrets.store import (
    MASK,
    Secret,
    SecretAddress,
    SecretResolver,
    SecretStore,
    environment_variable,
)
from workbench.core.sending.request import BuiltRequest, build_request, preview_url
from workbench.core.workspace.model import (
    Auth,
    BodyType,
    Call,
    CallOptions,
    Header,
    Location,
    Method,
    Parameter,
    PerEnvironment,
    Provider,
    Workspace,
)

WORKSPACE = Workspace(id="ws-test", name="Test")
BASE = "http://api.test/v1"
# Awkward on purpose: every encoding (percent, plus, JSON escape) differs from the plain text.
SECRET = 'sk "live"/a b+c&d=e\n\\é'


@pytest.fixture
def store(tmp_path: Path) -> SecretStore:
    return SecretStore(tmp_path / "home")


@pytest.fixture
def resolver(store: SecretStore) -> SecretResolver:
    return SecretResolver(WORKSPACE.id, store, environ={})


def provider(call: Call, **changes: Any) -> Provider:
    return replace(Provider("Demo", BASE, calls=(call,)), **changes)


def build(
    call: Call,
    prov: Provider | None = None,
    *,
    secrets: SecretResolver | None = None,
    environment: str = "development",
    overrides: Mapping[str, str] = {},
    base_url: str | None = None,
) -> BuiltRequest:
    return build_request(
        WORKSPACE,
        prov or provider(call),
        call,
        environment=environment,
        secrets=secrets or SecretResolver(WORKSPACE.id, environ={}),
        overrides=overrides,
        base_url=base_url,
    )


def body_json(built: BuiltRequest) -> object:
    return json.loads(built.request.content)


def assert_hidden(text: str | bytes, secret: str = SECRET) -> None:
    """Neither the secret nor any usual encoding of it appears in `text`."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for form in (secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]):
        assert form not in text


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("john smith", "john%20smith"),
        ("a/b", "a%2Fb"),
        ("Zoë ✓", "Zo%C3%AB%20%E2%9C%93"),
        ("?#&%", "%3F%23%26%25"),
    ],
)
def test_path_values_are_percent_encoded(value: str, encoded: str) -> None:
    call = Call("Get user", url="/users/[id]/profile", parameters=(Parameter("id", value),))
    built = build(call)
    assert str(built.request.url) == f"{BASE}/users/{encoded}/profile"
    assert built.request.url.path == f"/v1/users/{value}/profile"


@pytest.mark.parametrize("value", [".", ".."])
def test_a_path_value_that_would_move_along_the_path_is_refused(value: str) -> None:
    """`DELETE /users/[id]` with id=".." would be `DELETE /`: refused, whoever gave it."""
    call = Call("Delete user", url="/users/[id]", parameters=(Parameter("id", "1"),))
    with pytest.raises(RequestBuildError, match=r"\[id\].*would change the path"):
        build(call, overrides={"id": value})
    assert str(build(call, overrides={"id": "..a"}).request.url) == f"{BASE}/users/..a"


@pytest.mark.parametrize("where", ["base_url", "param"])
def test_text_that_is_not_utf8_is_a_clear_error(where: str) -> None:
    """A byte a shell could not decode arrives as a lone surrogate (PEP 383)."""
    call = Call("Get user", url="/users/[id]", parameters=(Parameter("id", "1"),))
    options: dict[str, Any] = (
        {"base_url": "http://127.0.0.1/\udcff"}
        if where == "base_url"
        else {"overrides": {"id": "\udcff"}}
    )
    with pytest.raises(RequestBuildError, match="not UTF-8"):
        build(call, **options)


@pytest.mark.parametrize("url", ["users", "/users"])
def test_base_path_is_kept(url: str) -> None:
    assert str(build(Call("List", url=url)).request.url) == f"{BASE}/users"
    prov = provider(Call("List", url=url), base_url=BASE + "/")
    assert str(build(Call("List", url=url), prov).request.url) == f"{BASE}/users"


def test_absolute_call_url_ignores_base() -> None:
    built = build(
        Call("Other", url="https://other.test/x/[id]", parameters=(Parameter("id", "1"),))
    )
    assert str(built.request.url) == "https://other.test/x/1"


def test_base_url_override() -> None:
    built = build(Call("List", url="/users"), base_url="http://127.0.0.1:8765/api")
    assert str(built.request.url) == "http://127.0.0.1:8765/api/users"


def test_relative_url_without_base_is_an_error() -> None:
    call = Call("List", url="/users")
    with pytest.raises(RequestBuildError, match="no base URL for environment 'development'"):
        build(call, provider(call, base_url=""))


@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("http://api.test:port", "Invalid port"),
        ("http://", "no host name"),
        ("api.test/v1", "must be an absolute URL"),
    ],
)
def test_invalid_url_is_an_error(base: str, reason: str) -> None:
    call = Call("List", url="/users")
    with pytest.raises(RequestBuildError, match=reason):
        build(call, base_url=base)


@pytest.mark.parametrize(
    ("base", "url", "shown"),
    [
        ("htp://api.test", "/users", "htp://api.test/users"),
        (BASE, "htps://other.test/x", "htps://other.test/x"),
    ],
)
def test_unknown_scheme_is_refused_before_sending(base: str, url: str, shown: str) -> None:
    """httpx would only fail when sending, with what reads like a connection the server closed."""
    scheme = shown.split(":")[0]
    expected = f"The URL {shown} has the scheme '{scheme}'; use http:// or https://"
    with pytest.raises(RequestBuildError, match=re.escape(expected)):
        build(Call("List", url=url), base_url=base)


def test_base_url_per_environment() -> None:
    call = Call("List", url="/users")
    prov = provider(
        call,
        base_url=PerEnvironment({"development": "http://dev.test", "live": "https://live.test"}),
    )
    assert str(build(call, prov).request.url) == "http://dev.test/users"
    assert str(build(call, prov, environment="live").request.url) == "https://live.test/users"


def test_unknown_environment_is_an_error() -> None:
    with pytest.raises(RequestBuildError, match="no environment 'staging'"):
        build(Call("List", url="/users"), environment="staging")


def test_unknown_url_placeholder_is_an_error() -> None:
    with pytest.raises(RequestBuildError, match=r"placeholder \[id\].*%5Bid%5D"):
        build(Call("Get", url="/users/[id]"))


def test_unknown_body_placeholder_is_an_error() -> None:
    """Sent as written it would reach the server as the text `<nmae>`."""
    call = Call(
        "Create", method=Method.POST, url="/users", body_type=BodyType.JSON, body='{"x": "<nmae>"}'
    )
    with pytest.raises(RequestBuildError, match=r"placeholder <nmae>.*\\u003cnmae>"):
        build(call)


def test_markup_in_a_raw_body_is_not_taken_for_placeholders() -> None:
    body = '<?xml version="1.0"?><user><name><who></name><br/><!-- x --></user>'
    call = Call(
        "Create",
        method=Method.POST,
        url="/users",
        body_type=BodyType.RAW,
        body=body,
        parameters=(Parameter("who", "Ada"),),
    )
    assert build(call).request.content == body.replace("<who>", "Ada").encode()


def test_the_preview_fills_the_url_and_masks_private_values() -> None:
    call = Call(
        "Rename",
        method=Method.PATCH,
        url="/orgs/[org]/users/[id]/[later]",
        parameters=(
            Parameter("org", private=True),
            Parameter("id", "3"),
            Parameter("later", optional=True),
        ),
    )
    assert preview_url(provider(call), call, environment="development") == (
        f"{BASE}/orgs/{MASK}/users/3/[later]"
    )
    unknown = replace(call, url="/users/[user]")
    with pytest.raises(RequestBuildError, match=r"placeholder \[user\]"):
        preview_url(provider(unknown), unknown, environment="development")


def test_existing_query_is_kept() -> None:
    call = Call(
        "Search",
        url="/search?x=1&x=2&sort=a%20b",
        parameters=(Parameter("x", "3"), Parameter("q", "a b&c")),
    )
    url = build(call).request.url
    assert url.query == b"x=1&x=2&sort=a%20b&x=3&q=a+b%26c"
    assert url.params.get_list("x") == ["1", "2", "3"]


def test_timeout_goes_into_request_extensions() -> None:
    built = build(Call("List", url="/users", options=CallOptions(timeout=4.5)))
    assert built.request.extensions["timeout"] == httpx.Timeout(4.5).as_dict()
    assert built.options.timeout == 4.5


# -- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "in_query"),
    [
        (Method.GET, True),
        (Method.DELETE, True),
        (Method.HEAD, True),
        (Method.OPTIONS, True),
        (Method.POST, False),
        (Method.PUT, False),
        (Method.PATCH, False),
    ],
)
def test_placement_by_method(method: Method, in_query: bool) -> None:
    built = build(Call("C", method=method, url="/x", parameters=(Parameter("q", "v"),)))
    if in_query:
        assert built.request.url.params["q"] == "v"
        assert built.request.content == b""
    else:
        assert built.request.url.query == b""
        assert body_json(built) == {"q": "v"}
        assert built.request.headers["content-type"] == "application/json"


def test_explicit_locations() -> None:
    call = Call(
        "C",
        method=Method.POST,
        url="/x",
        parameters=(
            Parameter("X-Trace", "t1", location=Location.HEADER),
            Parameter("page", "2", location=Location.QUERY),
            Parameter("name", "n", location=Location.BODY),
        ),
    )
    built = build(call)
    assert built.request.headers["x-trace"] == "t1"
    assert built.request.url.params["page"] == "2"
    assert body_json(built) == {"name": "n"}

    get = Call("G", url="/x", parameters=(Parameter("name", "n", location=Location.BODY),))
    assert body_json(build(get)) == {"name": "n"}


def test_explicit_path_without_placeholder_is_an_error() -> None:
    call = Call("C", url="/x", parameters=(Parameter("id", "1", location=Location.PATH),))
    with pytest.raises(RequestBuildError, match=r"no \[id\]"):
        build(call)


def test_optional_empty_is_dropped_and_allow_blank_is_sent() -> None:
    call = Call(
        "C",
        url="/x",
        parameters=(Parameter("opt", "", optional=True), Parameter("blank", "", allow_blank=True)),
    )
    assert build(call).request.url.query == b"blank="


def test_missing_required_value_is_an_error() -> None:
    call = Call("Find", url="/x", parameters=(Parameter("q", ""),))
    with pytest.raises(RequestBuildError) as error:
        build(call)
    message = str(error.value)
    assert "'q'" in message and "call 'Find'" in message and "--param q=VALUE" in message


def test_overrides_win_over_test_values() -> None:
    call = Call("C", url="/u/[id]", parameters=(Parameter("id", "1"), Parameter("q", "")))
    built = build(call, overrides={"id": "2", "q": "found"})
    assert str(built.request.url) == f"{BASE}/u/2?q=found"


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(RequestBuildError, match="no parameter 'qq'.*q"):
        build(Call("C", url="/x", parameters=(Parameter("q", "1"),)), overrides={"qq": "1"})


def test_values_per_environment() -> None:
    value = PerEnvironment({"development": "dev-id", "live": "live-id"})
    call = Call("C", url="/x", parameters=(Parameter("client", value),))
    assert build(call).request.url.params["client"] == "dev-id"
    assert build(call, environment="live").request.url.params["client"] == "live-id"


def test_shared_parameters_and_headers_with_call_overrides() -> None:
    call = Call(
        "C",
        url="/x",
        headers=(Header("x-both", "call"), Header("X-Call", "c")),
        parameters=(Parameter("shared", "call-value"), Parameter("own", "o")),
    )
    prov = provider(
        call,
        headers=(Header("X-Both", "provider"), Header("X-Shared", "s")),
        parameters=(Parameter("shared", "provider-value"), Parameter("key", "k")),
    )
    built = build(call, prov)
    headers = built.request.headers
    assert headers.get_list("x-both") == ["call"]
    assert (headers["x-shared"], headers["x-call"]) == ("s", "c")
    assert built.request.url.params.multi_items() == [
        ("shared", "call-value"),
        ("key", "k"),
        ("own", "o"),
    ]


def test_header_parameter_wins_over_header() -> None:
    call = Call(
        "C",
        url="/x",
        headers=(Header("X-Mode", "header"),),
        parameters=(Parameter("x-mode", "param", location=Location.HEADER),),
    )
    assert build(call).request.headers.get_list("X-Mode") == ["param"]


def test_non_ascii_header_value_is_an_error_without_the_value() -> None:
    call = Call("C", url="/x", headers=(Header("X-Name", "Zoë"),))
    with pytest.raises(RequestBuildError, match="X-Name") as error:
        build(call)
    assert "Zoë" not in str(error.value)


# -- bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        'she said "hi"',
        "C:\\path\\file",
        "two\nlines",
        "a\ttab",
        "party 🎉",
        "</script><script>alert(1)</script>",
        '{"nested": ["json", 1]}',
    ],
)
def test_json_body_with_awkward_values(value: str) -> None:
    call = Call(
        "Create",
        method=Method.POST,
        url="/users",
        body_type=BodyType.JSON,
        body='{\n  "name": "<name>",\n  "note": "<b>keep</b>"\n}',
        parameters=(Parameter("name", value),),
    )
    built = build(call)
    assert body_json(built) == {"name": value, "note": "<b>keep</b>"}
    assert built.request.headers["content-type"] == "application/json"


def test_json_body_raw_values_outside_strings() -> None:
    call = Call(
        "Create",
        method=Method.POST,
        url="/users",
        body_type=BodyType.JSON,
        body='{"age": <age>, "admin": <admin>, "tags": <tags>}',
        parameters=(
            Parameter("age", "42"),
            Parameter("admin", "false"),
            Parameter("tags", '["a"]'),
        ),
    )
    assert body_json(build(call)) == {"age": 42, "admin": False, "tags": ["a"]}


def test_json_body_sent_as_written() -> None:
    template = '{\n  "a": "<v>",\n  "b": 1\n}'
    call = Call(
        "C",
        method=Method.POST,
        body_type=BodyType.JSON,
        body=template,
        parameters=(Parameter("v", "x"),),
    )
    assert build(call).request.content == template.replace("<v>", "x").encode()


def test_invalid_json_after_substitution_names_the_place() -> None:
    call = Call(
        "Create",
        method=Method.POST,
        url="/users",
        body_type=BodyType.JSON,
        body='{\n  "name": <name>\n}',
        parameters=(Parameter("name", "Ada"),),
    )
    with pytest.raises(RequestBuildError) as error:
        build(call)
    message = str(error.value)
    assert "not valid JSON after substitution" in message
    assert "line 2, column 11" in message
    assert '"name": Ada' in message
    assert '"<name>"' in message  # the hint to quote text values


def test_invalid_json_error_masks_private_values(resolver: SecretResolver) -> None:
    resolver.set(SecretAddress("Demo", "Create/param.token"), SECRET)
    call = Call(
        "Create",
        method=Method.POST,
        url="/users",
        body_type=BodyType.JSON,
        body='{"token": "<token>", "oops": <token>}',
        parameters=(Parameter("token", private=True),),
    )
    with pytest.raises(RequestBuildError) as error:
        build(call, secrets=resolver)
    assert MASK in str(error.value)
    assert_hidden(str(error.value))


def test_json_body_parameters_not_in_template_are_merged() -> None:
    call = Call(
        "C",
        method=Method.POST,
        body_type=BodyType.JSON,
        body='{"a": "<a>"}',
        parameters=(Parameter("a", "1"), Parameter("b", "2")),
    )
    assert body_json(build(call)) == {"a": "1", "b": "2"}


def test_json_body_not_an_object_cannot_take_parameters() -> None:
    call = Call(
        "C",
        method=Method.POST,
        body_type=BodyType.JSON,
        body='["<a>"]',
        parameters=(Parameter("a", "1"), Parameter("b", "2")),
    )
    with pytest.raises(RequestBuildError, match="not a JSON object.*b"):
        build(call)


def test_content_type_header_wins_over_default() -> None:
    call = Call(
        "C",
        method=Method.POST,
        headers=(Header("Content-Type", "application/vnd.api+json"),),
        body_type=BodyType.JSON,
        body="{}",
    )
    assert build(call).request.headers.get_list("content-type") == ["application/vnd.api+json"]


def test_form_body() -> None:
    call = Call(
        "Login",
        method=Method.POST,
        body_type=BodyType.FORM,
        parameters=(Parameter("user", "a b"), Parameter("pass", "x&y=z")),
    )
    built = build(call)
    assert built.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert built.request.content == b"user=a+b&pass=x%26y%3Dz"


def multipart_parts(built: BuiltRequest) -> list[bytes]:
    content_type = built.request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    # Files are streamed from disk: read the body as sending would.
    return built.request.read().split(b"--" + boundary)[1:-1]


def test_multipart_body_with_file(tmp_path: Path) -> None:
    picture = tmp_path / "avatar.png"
    picture.write_bytes(b"\x89PNG fake")
    call = Call(
        "Upload",
        method=Method.POST,
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("title", "Me"), Parameter("avatar", str(picture), file=True)),
    )
    title, avatar = multipart_parts(build(call))
    assert b'name="title"' in title and title.endswith(b"\r\n\r\nMe\r\n")
    assert b'name="avatar"; filename="avatar.png"' in avatar
    assert b"Content-Type: image/png" in avatar and b"\x89PNG fake" in avatar


def test_multipart_with_plain_fields_only_is_still_multipart() -> None:
    call = Call(
        "Upload",
        method=Method.POST,
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("a", "1"),),
    )
    (part,) = multipart_parts(build(call))
    assert b'name="a"' in part


def test_multipart_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    call = Call(
        "Upload",
        method=Method.POST,
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("doc", str(missing), file=True),),
    )
    with pytest.raises(RequestBuildError, match="nope.txt.*does not exist"):
        build(call)


@pytest.mark.parametrize(
    ("content_type", "expected"), [("application/xml", None), ("", "text/plain")]
)
def test_raw_body(content_type: str, expected: str | None) -> None:
    call = Call(
        "Raw",
        method=Method.POST,
        body_type=BodyType.RAW,
        body="<user><name><full_name></name></user>",
        content_type=content_type,
        parameters=(Parameter("full_name", 'A & "B"'),),
    )
    built = build(call)
    assert built.request.content == b'<user><name>A & "B"</name></user>'
    assert built.request.headers["content-type"] == (expected or content_type)


def test_raw_body_parameter_not_in_template_is_an_error() -> None:
    call = Call(
        "Raw",
        method=Method.POST,
        body_type=BodyType.RAW,
        body="hello",
        parameters=(Parameter("extra", "1"),),
    )
    with pytest.raises(RequestBuildError, match='<extra>.*in = "query"'):
        build(call)


# -- secrets and authentication -------------------------------------------------------------


def header_auth(call: Call) -> Provider:
    return provider(call, auth=Auth("header", {"header": "X-Api-Key"}))


def test_header_auth_from_the_store_per_environment(store: SecretStore) -> None:
    address = SecretAddress("Demo", "auth.value")
    store.set(WORKSPACE.id, address, "dev-key", "development")
    store.set(WORKSPACE.id, address, "live-key", "live")
    secrets = SecretResolver(WORKSPACE.id, store, environ={})
    call = Call("List", url="/users")
    assert build(call, header_auth(call), secrets=secrets).request.headers["x-api-key"] == "dev-key"
    live = build(call, header_auth(call), secrets=secrets, environment="live")
    assert live.request.headers["x-api-key"] == "live-key"
    assert live.private_values == frozenset({"live-key"})


def test_header_auth_from_an_environment_variable() -> None:
    variable = environment_variable(SecretAddress("Demo", "auth.value"))
    secrets = SecretResolver(WORKSPACE.id, environ={variable: "Bearer from-ci"})
    call = Call("List", url="/users")
    prov = provider(call, auth=Auth("header"))  # the header name falls back to its default
    assert build(call, prov, secrets=secrets).request.headers["authorization"] == "Bearer from-ci"


def test_missing_secret_names_the_set_command() -> None:
    call = Call("List", url="/users")
    with pytest.raises(SecretMissing, match="workbench secret set .*Demo/auth.value") as caught:
        build(call, header_auth(call))
    assert caught.value.address == SecretAddress("Demo", "auth.value")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (Call("List", parameters=(Parameter("token", private=True),)), "List/param.token"),
        (Call("List", headers=(Header("X-Key", private=True),)), "List/header.X-Key"),
    ],
)
def test_a_missing_private_value_carries_its_address(call: Call, field: str) -> None:
    with pytest.raises(SecretMissing) as caught:
        build(call)
    assert caught.value.address == SecretAddress("Demo", field)


def test_unknown_auth_method_is_an_error() -> None:
    call = Call("List", url="/users")
    with pytest.raises(RequestBuildError, match="unknown authentication method 'magic'.*header"):
        build(call, provider(call, auth=Auth("magic")))


@pytest.fixture
def query_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    """A method putting a plain and a private setting in the query, like an API key in the URL."""

    def apply(settings: dict[str, str | Secret], token: Token | None) -> AuthAdditions:
        return AuthAdditions(query=[("app", settings["app"]), ("key", settings["key"])])

    method = AuthMethod(
        "query-test",
        "Key in query",
        (AuthSetting("app", "Application"), AuthSetting("key", "Key", private=True)),
        apply,
    )
    monkeypatch.setitem(auth.METHODS, method.name, method)


@pytest.mark.usefixtures("query_auth")
def test_auth_query_additions_are_added_and_masked(resolver: SecretResolver) -> None:
    resolver.set(SecretAddress("Demo", "auth.key"), SECRET)
    call = Call("List", url="/users?page=1")
    prov = provider(call, auth=Auth("query-test", {"app": PerEnvironment({"development": "dev"})}))
    built = build(call, prov, secrets=resolver)
    assert built.request.url.params.multi_items() == [
        ("page", "1"),
        ("app", "dev"),
        ("key", SECRET),
    ]
    assert_hidden(built.sent().url)


@pytest.mark.usefixtures("query_auth")
def test_missing_required_auth_setting_is_an_error(resolver: SecretResolver) -> None:
    resolver.set(SecretAddress("Demo", "auth.key"), SECRET)
    call = Call("List", url="/users")
    prov = provider(call, auth=Auth("query-test", {"app": PerEnvironment({"live": "x"})}))
    with pytest.raises(RequestBuildError, match="'Application' .* environment 'development'"):
        build(call, prov, secrets=resolver)


def test_private_parameter_and_header_from_the_store(resolver: SecretResolver) -> None:
    resolver.set(SecretAddress("Demo", "param.token"), "shared-token")
    resolver.set(SecretAddress("Demo", "C/header.X-Secret"), "header-secret")
    call = Call("C", url="/x", headers=(Header("X-Secret", private=True),))
    prov = provider(call, parameters=(Parameter("token", private=True),))
    built = build(call, prov, secrets=resolver)
    assert built.request.url.params["token"] == "shared-token"
    assert built.request.headers["x-secret"] == "header-secret"
    assert built.private_values == frozenset({"shared-token", "header-secret"})


def test_optional_private_parameter_without_secret_is_dropped() -> None:
    call = Call("C", url="/x", parameters=(Parameter("token", private=True, optional=True),))
    built = build(call)
    assert built.request.url.query == b""
    assert built.private_values == frozenset()


def test_overridden_private_parameter_is_still_private() -> None:
    call = Call("C", url="/x", parameters=(Parameter("token", private=True),))
    built = build(call, overrides={"token": SECRET})
    assert built.private_values == frozenset({SECRET})
    assert_hidden(built.sent().url)


# -- masking --------------------------------------------------------------------------------


def private_call(body_type: BodyType, body: str = "") -> Call:
    return Call(
        "Send",
        method=Method.POST,
        url="/items/[path_secret]",
        headers=(Header("X-Token", private=True),),
        parameters=(
            Parameter("path_secret", private=True),
            Parameter("query_secret", private=True, location=Location.QUERY),
            Parameter("body_secret", private=True),
        ),
        body_type=body_type,
        body=body,
    )


@pytest.fixture
def private_resolver(resolver: SecretResolver) -> SecretResolver:
    for field in ("path_secret", "query_secret", "body_secret"):
        resolver.set(SecretAddress("Demo", f"Send/param.{field}"), SECRET)
    resolver.set(SecretAddress("Demo", "Send/header.X-Token"), "Bearer tok-123")
    resolver.set(SecretAddress("Demo", "auth.value"), "auth-456")
    return resolver


@pytest.mark.parametrize(
    ("body_type", "body"),
    [
        (BodyType.JSON, '{"in_string": "x <body_secret> y"}'),
        (BodyType.JSON, ""),
        (BodyType.FORM, ""),
        (BodyType.MULTIPART, ""),
        (BodyType.RAW, "secret=<body_secret>"),
        (BodyType.NONE, ""),
    ],
)
async def test_sent_masks_every_private_value_and_still_sends(
    private_resolver: SecretResolver, body_type: BodyType, body: str
) -> None:
    call = private_call(body_type, body)
    built = build(call, header_auth(call), secrets=private_resolver)
    sent = built.sent()
    everything = repr(sent) + sent.body.decode("utf-8", "replace")
    assert_hidden(everything)
    for other in ("tok-123", "auth-456"):
        assert other not in everything
    assert MASK in sent.url and MASK.encode() in sent.body
    assert dict(sent.headers)["X-Token"] == MASK
    assert dict(sent.headers)["X-Api-Key"] == MASK

    received: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        response = await client.send(built.request)
    assert response.status_code == 204
    (request,) = received
    assert request.url == built.request.url
    assert request.headers["x-token"] == "Bearer tok-123"
    assert request.content == built.request.content


async def test_multipart_upload_still_sends_after_sent(tmp_path: Path) -> None:
    upload = tmp_path / "data.json"
    upload.write_bytes(b'{"k": 1}')
    call = Call(
        "Upload",
        method=Method.POST,
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("file", str(upload), file=True),),
    )
    built = build(call)
    # The file is streamed from disk when sent: the request view names it, and nothing
    # was read (or left open) to show it.
    assert built.sent().body.endswith(b"file: file data.json (application/json, 8 bytes)")

    def handler(request: httpx.Request) -> httpx.Response:
        assert b"Content-Type: application/json" in request.content
        return httpx.Response(200, content=request.content)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        first = await client.send(built.request)
        again = await client.send(built.request)  # a retry reads it from the start
    assert b'{"k": 1}' in first.content and first.content == again.content


async def test_an_upload_is_sent_from_disk_in_chunks_up_to_its_size_when_built(
    tmp_path: Path, demo_url: str
) -> None:
    """Memory stays flat for a big file (read in chunks while sent), and a file that grows
    after the call was built still sends the length announced."""
    upload = tmp_path / "big.bin"
    upload.write_bytes(b"x" * (3 * 64 * 1024 + 5))
    call = Call(
        "Upload",
        method=Method.POST,
        body_type=BodyType.MULTIPART,
        parameters=(Parameter("file", str(upload), file=True),),
    )
    built = build(call, base_url=f"{demo_url}/echo")
    with upload.open("ab") as growing:
        growing.write(b"appended later")
    reads: list[int] = []
    file = built.uploads[0]
    read = file.read

    def counted(size: int = -1) -> bytes:
        data = read(size)
        reads.append(len(data))
        return data

    file.read = counted  # type: ignore[method-assign]
    async with httpx.AsyncClient() as client:
        response = await client.send(built.request)
    assert response.status_code == 200
    assert response.json()["files"][0]["size"] == 3 * 64 * 1024 + 5
    assert max(reads) <= 64 * 1024 and sum(reads) == 3 * 64 * 1024 + 5
    assert file._handle is None  # closed at its end


def test_empty_private_values_are_not_masked() -> None:
    call = Call("C", url="/x", parameters=(Parameter("t", private=True, allow_blank=True),))
    built = build(call, overrides={"t": ""})
    assert built.private_values == frozenset()
    assert built.sent().url == f"{BASE}/x?t="


def test_no_error_message_shows_a_private_value(private_resolver: SecretResolver) -> None:
    call = private_call(BodyType.RAW, "no placeholder here")
    with pytest.raises(RequestBuildError) as error:
        build(call, header_auth(call), secrets=private_resolver)
    assert_hidden(str(error.value))


def test_the_repr_of_a_built_request_shows_no_private_value() -> None:
    """A repr lands in logs and tracebacks: the private query value must not."""
    call = Call("C", url="/x", parameters=(Parameter("key", private=True),))
    built = build(call, overrides={"key": "query-secret-123"})
    assert "query-secret-123" in str(built.request.url)  # it is sent...
    assert "query-secret-123" not in repr(built)  # ...and never shown
    assert repr(built) == f"BuiltRequest(GET {BASE}/x?key=••••••)"
