"""/users: a paged JSON resource with create, read, update and delete."""

from __future__ import annotations

import math

from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router
from workbench.demo.users import User, validate

MAX_PER_PAGE = 100


def register(router: Router) -> None:
    router.add("GET", "/users", list_users)
    router.add("POST", "/users", create_user)
    router.add("GET", "/users/{id}", get_user)
    router.add(("PUT", "PATCH"), "/users/{id}", update_user)
    router.add("DELETE", "/users/{id}", delete_user)


def list_users(request: Request) -> Response:
    page = request.query_int("page", 1, 1, 1_000_000)
    per_page = request.query_int("per_page", 10, 1, MAX_PER_PAGE)
    users, total = request.state.users.page(page, per_page)
    return json_response(
        {
            "data": users,
            "page": page,
            "per_page": per_page,
            "total": total,
            "total_pages": math.ceil(total / per_page),
        }
    )


def create_user(request: Request) -> Response:
    user = request.state.users.create(_fields(request, partial=False))
    return json_response(user, 201, [("Location", f"/users/{user['id']}")])


def get_user(request: Request) -> Response:
    user_id = _user_id(request)
    return json_response(_found(request.state.users.get(user_id), request))


def update_user(request: Request) -> Response:
    user_id = _user_id(request)
    users = request.state.users
    if request.method == "PUT":
        user = users.replace(user_id, _fields(request, partial=False))
    else:
        user = users.update(user_id, _fields(request, partial=True))
    return json_response(_found(user, request))


def delete_user(request: Request) -> Response:
    if not request.state.users.delete(_user_id(request)):
        raise _not_found(request)
    return Response(204)


def _fields(request: Request, *, partial: bool) -> User:
    try:
        return validate(request.json_body(), partial=partial)
    except ValueError as error:
        raise HTTPError(400, str(error)) from None


def _user_id(request: Request) -> int:
    try:
        return int(request.params["id"])
    except ValueError:
        raise _not_found(request) from None


def _found(user: User | None, request: Request) -> User:
    if user is None:
        raise _not_found(request)
    return user


def _not_found(request: Request) -> HTTPError:
    return HTTPError(404, f"user {request.params['id']} not found")
