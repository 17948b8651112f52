"""/cookies/...: a session kept in a cookie, as web APIs behind a login form do.

POST /cookies/login answers with a `Set-Cookie` of a random session (with
`?next=/cookies/whoami`, as a 303 redirect there, as login forms do); GET
/cookies/whoami answers only when that cookie comes back; POST /cookies/logout
expires it (Max-Age=0). The cookie is HttpOnly with the path /cookies, so a
client that follows the cookie rules sends it to these routes only.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from workbench.demo.credentials import DEMO_USER
from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router

SESSION_COOKIE = "demo_session"
_ATTRIBUTES = "Path=/cookies; HttpOnly; SameSite=Lax"


def register(router: Router) -> None:
    router.add("POST", "/cookies/login", login)
    router.add("GET", "/cookies/whoami", whoami)
    router.add("POST", "/cookies/logout", logout)


def login(request: Request) -> Response:
    session = request.state.open_session()
    headers = [("Set-Cookie", f"{SESSION_COOKIE}={session}; {_ATTRIBUTES}")]
    target = request.query_value("next")
    if target is None:
        return json_response({"logged_in": True}, headers=headers)
    if not target.startswith("/") or target.startswith("//"):
        raise HTTPError(400, "next must be a path on this server, like /cookies/whoami")
    return json_response({"logged_in": True}, 303, [*headers, ("Location", target)])


def whoami(request: Request) -> Response:
    """Who the session cookie belongs to; 401 without one the demo gave out."""
    session = _session(request)
    if session is None:
        raise HTTPError(401, f"no {SESSION_COOKIE} cookie: POST /cookies/login first")
    if not request.state.has_session(session):
        raise HTTPError(401, f"the {SESSION_COOKIE} cookie is not a session this server opened")
    return json_response({"authenticated": True, "method": "cookie", "user": DEMO_USER})


def logout(request: Request) -> Response:
    session = _session(request)
    if session is not None:
        request.state.close_session(session)
    expired = f"{SESSION_COOKIE}=; Max-Age=0; {_ATTRIBUTES}"
    return json_response({"logged_in": False}, headers=[("Set-Cookie", expired)])


def _session(request: Request) -> str | None:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(request.headers.get("Cookie", ""))
    except CookieError:
        raise HTTPError(400, "the Cookie header is malformed") from None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None
