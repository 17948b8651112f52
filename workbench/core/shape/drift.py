"""Initialize again: keep the user's choices (`reconcile`) and report drift (`diff_shapes`).

Initializing again learns a fresh shape and `reconcile(saved, fresh)` keeps
the user's choices (exclusions, pinned types that still hold what the server
sends) for every field still there; a fresh answer that shows a field only as
null, or a list only empty, tells nothing about its type or items, so what the
saved shape knew about them is kept. The saved fields keep their order (the
file's lines do not move), new ones go where the response shows them.
`diff_shapes` reports the drift between two shapes on the same terms,
`format_drift` puts it in lines for people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workbench.core.shape.fields import Field, FieldType, Shape
from workbench.core.shape.json_path import is_within, label


def reconcile(saved: Shape, fresh: Shape) -> Shape:
    """The shape to keep after initializing again: `fresh`, with what `saved` knew that
    `fresh` cannot tell.

    Kept from `saved` for every field `fresh` still has: exclusions, pinned
    types (as long as the pinned type can hold what the server now sends, else the
    server really changed the type: the learned one replaces the pin) and the marks
    (optional, nullable) of pinned fields. A field `fresh` saw only as null keeps its
    saved type (now nullable) and its saved fields; a list `fresh` saw only empty keeps
    its saved item fields. Everything else (optional, nullable, new and gone fields,
    types) is as `fresh` learned it.
    """
    fields: list[Field] = []
    for learned in fresh:
        known = saved.get(learned.path)
        if known is None:
            fields.append(learned)
            continue
        only_null = learned.type is FieldType.NULL and known.type is not FieldType.NULL
        pinned = known.pinned and (only_null or _pin_holds(known.type, learned.type))
        kept_type = known.type if only_null or pinned else learned.type
        fields.append(
            replace(
                learned,
                type=kept_type,
                # A pinned field's marks are the user's: a response that has the field, not
                # null, does not take them away (one where it is missing or null adds them).
                optional=learned.optional or (known.pinned and known.optional),
                nullable=learned.nullable or only_null or (known.pinned and known.nullable),
                excluded=known.excluded,
                pinned=pinned,
            )
        )
        items = learned.path + "[]"
        if only_null:
            fields.extend(f for f in saved if is_within(f.path, learned.path))
        elif learned.type is FieldType.LIST and items not in fresh:
            fields.extend(f for f in saved if f.path == items or is_within(f.path, items))
    return Shape(_in_saved_order(saved, fields))


def _in_saved_order(saved: Shape, fields: list[Field]) -> tuple[Field, ...]:
    """`fields` (in the order the response showed them) in the order of `saved`, each new
    field right after the one before it in the response, so that initializing again never
    moves a line of the file (whatever order it was written in), it only adds and removes.
    """
    followers: dict[str | None, list[Field]] = {}  # a new field after its predecessor's path
    previous: str | None = None
    for f in fields:
        if f.path not in saved:
            followers.setdefault(previous, []).append(f)
        previous = f.path
    kept = {f.path: f for f in fields if f.path in saved}
    ordered: list[Field] = []
    # Depth first: a new field's own followers come right after it.
    pending = [*reversed([kept[f.path] for f in saved if f.path in kept])]
    pending.extend(reversed(followers.get(None, [])))
    while pending:
        f = pending.pop()
        ordered.append(f)
        pending.extend(reversed(followers.get(f.path, [])))
    return tuple(ordered)


# Types sent as JSON strings, which a user may read as one another (a date the inference
# did not recognise, a text that holds JSON), and the scalars a pinned text can hold.
_STRINGS = frozenset((FieldType.TEXT, FieldType.DATE, FieldType.DATE_TIME, FieldType.JSON_TEXT))
_SCALARS = _STRINGS | {FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN}


def _pin_holds(pinned: FieldType, learned: FieldType) -> bool:
    """Whether values the server sends as `learned` still read as the user's `pinned` type.

    The shape does not record what the server sent when the type was pinned, so a real
    change is one the pin cannot hold: text holds any scalar (ids read as text), a number
    an integer, a date or JSON text any string; anything else is a change of type.
    """
    if pinned is learned or pinned is FieldType.ANY:
        return True
    if pinned is FieldType.TEXT:
        return learned in _SCALARS
    if pinned in _STRINGS:
        return learned in _STRINGS
    return pinned is FieldType.NUMBER and learned is FieldType.INTEGER


@dataclass(frozen=True)
class TypeChange:
    """A field whose type changed."""

    path: str
    old: FieldType
    new: FieldType


@dataclass(frozen=True)
class Drift:
    """How a response's shape moved away from the saved one (fields by path)."""

    added: tuple[Field, ...] = ()
    removed: tuple[Field, ...] = ()
    changed: tuple[TypeChange, ...] = ()
    now_optional: tuple[str, ...] = ()
    no_longer_optional: tuple[str, ...] = ()
    now_nullable: tuple[str, ...] = ()
    no_longer_nullable: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.changed,
                self.now_optional,
                self.no_longer_optional,
                self.now_nullable,
                self.no_longer_nullable,
            )
        )


def diff_shapes(old: Shape, new: Shape) -> Drift:
    """The drift from `old` (the saved shape) to `new` (a fresh one).

    Compared as `reconcile(old, new)` would keep it, so the drift is exactly
    what initializing again changes: excluded fields (and what is in them)
    are ignored, pinned types change only when they cannot hold what the server now
    sends, and a field seen only as null or
    a list seen only empty is not a change of type or a loss of fields.
    """
    merged = reconcile(old, new)
    root = Field("", FieldType.OBJECT)  # an object response has no "" field: see infer_shape
    old_root, merged_root = old.get("") or root, merged.get("") or root

    def ignored(path: str) -> bool:
        return old.is_excluded(path) or merged.is_excluded(path)

    added: list[Field] = []
    changed: list[TypeChange] = []
    now_optional: list[str] = []
    no_longer_optional: list[str] = []
    now_nullable: list[str] = []
    no_longer_nullable: list[str] = []
    for now in (merged_root, *(f for f in merged if f.path)):
        if ignored(now.path):
            continue
        was = old_root if not now.path else old.get(now.path)
        if was is None:
            added.append(now)
            continue
        if was.type is not now.type:
            changed.append(TypeChange(now.path, was.type, now.type))
        if was.optional != now.optional:
            (now_optional if now.optional else no_longer_optional).append(now.path)
        if was.nullable != now.nullable:
            (now_nullable if now.nullable else no_longer_nullable).append(now.path)
    removed = [f for f in old if f.path and f.path not in merged and not ignored(f.path)]
    return Drift(
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        now_optional=tuple(now_optional),
        no_longer_optional=tuple(no_longer_optional),
        now_nullable=tuple(now_nullable),
        no_longer_nullable=tuple(no_longer_nullable),
    )


def format_drift(drift: Drift) -> list[str]:
    """One line per change, for people: `+ added: type`, `- removed`, `~ path: old -> new`,
    `? path: now optional`."""
    return [
        *(f"+ {f.label}: {f.type_text}" for f in drift.added),
        *(f"- {f.label}" for f in drift.removed),
        *(f"~ {label(c.path)}: {c.old} -> {c.new}" for c in drift.changed),
        *(f"? {label(path)}: now optional" for path in drift.now_optional),
        *(f"? {label(path)}: no longer optional" for path in drift.no_longer_optional),
        *(f"? {label(path)}: now nullable" for path in drift.now_nullable),
        *(f"? {label(path)}: no longer nullable" for path in drift.no_longer_nullable),
    ]
