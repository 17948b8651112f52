"""The users store behind /users: deterministic seed data, validation, thread-safe CRUD.

The seed is varied on purpose (optional `phone`, null `birthday` and
`manager_id`, nested `address`, lists) so response-shape inference has
something real to learn.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from typing import Any

User = dict[str, Any]

SEED_COUNT = 25

_NAMES = (
    "Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov",
    "Donald Knuth", "Margaret Hamilton", "Dennis Ritchie", "Frances Allen", "John McCarthy",
    "Radia Perlman", "Ken Thompson", "Katherine Johnson", "Tim Berners-Lee", "Hedy Lamarr",
    "Linus Torvalds", "Annie Easley", "Guido Rossum", "Sophie Wilson", "Niklaus Wirth",
    "Adele Goldberg", "Bjarne Stroustrup", "Shafi Goldwasser", "Leslie Lamport", "Jean Sammet",
)  # fmt: skip
_CITIES = (
    ("London", 51.5072, -0.1276), ("Paris", 48.8566, 2.3522), ("Berlin", 52.52, 13.405),
    ("Lisbon", 38.7223, -9.1393), ("Oslo", 59.9139, 10.7522), ("Tokyo", 35.6762, 139.6503),
    ("Nairobi", -1.2921, 36.8219), ("Lima", -12.0464, -77.0428),
)  # fmt: skip
_STREETS = ("Analytical Way", "Engine Street", "Compiler Road", "Kernel Lane", "Lambda Square")
_TAGS = ("admin", "beta", "billing", "support", "vip")

_DEFAULTS: User = {
    "active": True,
    "birthday": None,
    "address": None,
    "tags": [],
    "manager_id": None,
}
_READ_ONLY = frozenset({"id", "created_at"})
_REQUIRED = ("name", "email")
_NULLABLE = frozenset({"birthday", "address", "manager_id", "phone"})
# Every user lists its fields in this order, seeded or created, so listings read consistently.
_FIELD_ORDER = (
    "id", "name", "email", "active", "created_at", "birthday", "address", "tags", "manager_id",
    "phone",
)  # fmt: skip


def _seed_user(user_id: int) -> User:
    name = _NAMES[(user_id - 1) % len(_NAMES)]
    city, lat, lng = _CITIES[user_id % len(_CITIES)]
    user: User = {
        "id": user_id,
        "name": name,
        "email": name.lower().replace(" ", ".") + "@example.com",
        "active": user_id % 7 != 0,
        "created_at": f"2024-{user_id % 12 + 1:02d}-{user_id % 28 + 1:02d}T09:{user_id:02d}:00Z",
        "birthday": None if user_id % 5 == 0 else f"{1950 + user_id}-{user_id % 12 + 1:02d}-15",
        "address": {
            "street": f"{user_id * 3} {_STREETS[user_id % len(_STREETS)]}",
            "city": city,
            "geo": {"lat": lat, "lng": lng},
        },
        "tags": [_TAGS[(user_id + offset) % len(_TAGS)] for offset in range(user_id % 3)],
        "manager_id": None if user_id <= 3 else (user_id - 1) % 3 + 1,
    }
    if user_id % 3 == 1:
        user["phone"] = f"+44 20 7946 {user_id:04d}"
    return user


def _check_type(name: str, value: Any) -> None:
    """Raise ValueError naming the field when `value` is not acceptable for it."""
    if value is None:
        if name in _NULLABLE:
            return
        raise ValueError(f"field {name!r} must not be null")
    if name in ("name", "email", "phone", "birthday"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"field {name!r} must be a non-empty string")
        if name == "email" and "@" not in value:
            raise ValueError(f"field 'email' must be an email address, got {value!r}")
        if name == "birthday":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"field 'birthday' must be a date like 1990-04-30, got {value!r}"
                ) from None
    elif name == "active" and not isinstance(value, bool):
        raise ValueError("field 'active' must be true or false")
    elif name == "address" and not isinstance(value, dict):
        raise ValueError("field 'address' must be an object")
    elif name == "tags" and not (
        isinstance(value, list) and all(isinstance(t, str) for t in value)
    ):
        raise ValueError("field 'tags' must be a list of strings")
    elif name == "manager_id" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError("field 'manager_id' must be an integer or null")


def validate(fields: Any, *, partial: bool) -> User:
    """The writable fields of a request body; ValueError with a user-facing message otherwise.

    `partial` (PATCH) allows leaving out required fields. Read-only fields are
    ignored, so a user fetched with GET can be sent back with PUT unchanged.
    """
    if not isinstance(fields, dict):
        raise ValueError("request body must be a JSON object")
    known = set(_DEFAULTS) | set(_REQUIRED) | {"phone"}
    unknown = sorted(set(fields) - known - _READ_ONLY)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    missing = [name for name in _REQUIRED if name not in fields]
    if missing and not partial:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    writable = {name: value for name, value in fields.items() if name not in _READ_ONLY}
    for name, value in writable.items():
        _check_type(name, value)
    return writable


def _arrange(user: User) -> User:
    """A private copy in field order; a null `phone` means no phone (it is optional)."""
    return {
        name: copy.deepcopy(user[name])
        for name in _FIELD_ORDER
        if name in user and not (name == "phone" and user[name] is None)
    }


class UserStore:
    """Users by id, in creation order. Every method copies, so callers never share state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[int, User] = {}
        self._next_id = 1
        self.reset()

    def reset(self) -> None:
        """Back to the seed users, and ids continue after them."""
        with self._lock:
            self._users = {user_id: _seed_user(user_id) for user_id in range(1, SEED_COUNT + 1)}
            self._next_id = SEED_COUNT + 1

    def page(self, page: int, per_page: int) -> tuple[list[User], int]:
        """One page of users (1-based) and the total count."""
        with self._lock:
            users = list(self._users.values())
        start = (page - 1) * per_page
        return copy.deepcopy(users[start : start + per_page]), len(users)

    def get(self, user_id: int) -> User | None:
        with self._lock:
            return copy.deepcopy(self._users.get(user_id))

    def create(self, fields: User) -> User:
        """Store a new user from validated fields."""
        with self._lock:
            user_id = self._next_id
            self._next_id += 1
            created_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            user = _arrange(_DEFAULTS | {"id": user_id, "created_at": created_at} | fields)
            self._users[user_id] = user
            return copy.deepcopy(user)

    def replace(self, user_id: int, fields: User) -> User | None:
        """PUT: every writable field from `fields`, defaults for the ones left out."""
        with self._lock:
            old = self._users.get(user_id)
            if old is None:
                return None
            user = _arrange(_DEFAULTS | {"id": user_id, "created_at": old["created_at"]} | fields)
            self._users[user_id] = user
            return copy.deepcopy(user)

    def update(self, user_id: int, fields: User) -> User | None:
        """PATCH: change only the given fields; `phone: null` removes the optional phone."""
        with self._lock:
            old = self._users.get(user_id)
            if old is None:
                return None
            user = _arrange(old | fields)
            self._users[user_id] = user
            return copy.deepcopy(user)

    def delete(self, user_id: int) -> bool:
        with self._lock:
            return self._users.pop(user_id, None) is not None
