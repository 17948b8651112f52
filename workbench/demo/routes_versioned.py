"""/versioned/users/{id}: a user whose response shape changes with the server's API version.

For trying drift detection: initialize "Get user (versioned)" against
version 1, switch the server to version 2 (`DemoServer(api_version=2)`,
`workbench demo-server --api-version 2`, or POST /admin/api-version
{"version": 2}) and initialize again.

    version 1: {"id", "name", "email", "created_at"}       created_at an ISO date-time
    version 2: {"id", "display_name", "email", "created_at", "status"}
               name renamed display_name, created_at seconds since 1970, status added
"""

from __future__ import annotations

import datetime as dt

from workbench.demo.messages import HTTPError, Request, Response, json_response
from workbench.demo.router import Router
from workbench.demo.state import API_VERSIONS


def register(router: Router) -> None:
    router.add("GET", "/versioned/users/{id}", get_user)
    router.add("GET", "/admin/api-version", get_api_version)
    router.add("POST", "/admin/api-version", set_api_version)


def get_user(request: Request) -> Response:
    text = request.params["id"]
    user = request.state.users.get(int(text)) if text.isdigit() else None
    if user is None:
        raise HTTPError(404, f"user {text} not found")
    if request.state.api_version == 1:
        return json_response({key: user[key] for key in ("id", "name", "email", "created_at")})
    created = dt.datetime.fromisoformat(user["created_at"].replace("Z", "+00:00"))
    return json_response(
        {
            "id": user["id"],
            "display_name": user["name"],
            "email": user["email"],
            "created_at": int(created.timestamp()),
            "status": "active" if user["active"] else "inactive",
        }
    )


def get_api_version(request: Request) -> Response:
    return json_response({"api_version": request.state.api_version})


def set_api_version(request: Request) -> Response:
    body = request.json_body()
    version = body.get("version") if isinstance(body, dict) else None
    if version not in API_VERSIONS or isinstance(version, bool):
        choices = " or ".join(map(str, API_VERSIONS))
        raise HTTPError(400, f'expected {{"version": {choices}}}')
    request.state.api_version = version
    return json_response({"api_version": version})
