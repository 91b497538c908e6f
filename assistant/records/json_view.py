"""A read-only view of parsed JSON that never raises on a wrong shape.

Health data from files and servers is often incomplete or oddly shaped: a string where an object
was expected, one object where a list was expected. :class:`JsonView` reads such data without
``isinstance`` checks at every step::

    node.obj("valueRange").obj("low").text("value")   # "" when any step is missing or wrong
    for coding in concept.each("coding"): ...          # [] when missing, [x] when not a list

Reading never raises and never changes the data. What a value *means* (a number that is not
a number, a date that is not a date) is for the reader of the format to judge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class JsonView:
    """One JSON value (object, list, string, number, boolean or null) seen through tolerant
    accessors. Members are read from objects only; any other value has no members."""

    __slots__ = ("raw",)

    def __init__(self, raw: object = None) -> None:
        #: The value as parsed (``json.loads``), shared, never copied.
        self.raw: Any = raw

    def __repr__(self) -> str:
        return f"JsonView({self.raw!r})"

    def __bool__(self) -> bool:
        """True for an object with at least one member (like a dict's truth)."""
        return isinstance(self.raw, dict) and bool(self.raw)

    @property
    def is_object(self) -> bool:
        return isinstance(self.raw, dict)

    def keys(self) -> Iterator[str]:
        """The member names of an object; nothing for any other value."""
        if isinstance(self.raw, dict):
            yield from (k for k in self.raw if isinstance(k, str))

    def has(self, key: str) -> bool:
        """Whether the object has the member ``key`` (even one that is null)."""
        return isinstance(self.raw, dict) and key in self.raw

    def get(self, key: str) -> Any:
        """The member ``key`` as parsed, or None."""
        return self.raw.get(key) if isinstance(self.raw, dict) else None

    def obj(self, key: str) -> JsonView:
        """The member ``key`` when it is an object, else an empty view."""
        value = self.get(key)
        return JsonView(value if isinstance(value, dict) else None)

    def each(self, key: str) -> list[JsonView]:
        """The items of the member ``key``: a list's items, a single value as one item,
        nothing when the member is missing or null."""
        return [JsonView(v) for v in as_list(self.get(key))]

    def text(self, key: str) -> str:
        """The member ``key`` as text (see :meth:`as_text`)."""
        return as_text(self.get(key))

    def as_text(self) -> str:
        """This value as text, see :func:`as_text`."""
        return as_text(self.raw)

    def texts(self, key: str) -> list[str]:
        """The non-empty texts of the items of the member ``key``."""
        return [t for t in (as_text(v) for v in as_list(self.get(key))) if t]


def as_list(value: object) -> list[Any]:
    """A list as it is, null as no items, any other value as one item."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def as_text(value: object) -> str:
    """A string with its white space runs made single spaces, a number as written by Python;
    "" for null, booleans, objects and lists."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ""


__all__ = ["JsonView", "as_list", "as_text"]
