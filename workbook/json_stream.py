"""JSON written piece by piece: the same text as `json.dumps(obj, ensure_ascii=False, indent=1)` for an
object whose long lists are given as iterables, without building the whole document in memory (100,000
cases are 80 MB of JSON: one string of it, and the dicts behind it, cost over a gigabyte)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class Streamed:
    """A list value produced item by item."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


_SCALAR = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: Any, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)` nested `level` deep, by hand: with an indent the
    json module runs its pure-Python encoder (3× slower here, and its closures make a reference cycle per
    call, which the CLI's paused collector would keep); scalars still go through the C encoder."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + " " * (level + 1)
        items = (inner + _SCALAR.encode(str(key) if not isinstance(key, str) else key) + ": " + _dumps(item, level + 1)
                 for key, item in value.items())
        return "{" + ",".join(items) + "\n" + " " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + " " * (level + 1)
        return "[" + ",".join(inner + _dumps(item, level + 1) for item in value) + "\n" + " " * level + "]"
    return _SCALAR.encode(value)


def json_chunks(fields: dict[str, Any]) -> Iterator[str]:
    """The text of the top-level object `fields`, in pieces; a `Streamed` value is a list written
    one item at a time, indented as `json.dumps(indent=1)` would indent it."""
    yield "{"
    for index, (key, value) in enumerate(fields.items()):
        yield ("\n" if index == 0 else ",\n") + " " + _dumps(key) + ": "
        if not isinstance(value, Streamed):
            yield _dumps(value, 1)
            continue
        empty = True
        for item in value.items:
            yield ("[\n  " if empty else ",\n  ") + _dumps(item, 2)
            empty = False
        yield "[]" if empty else "\n ]"
    yield "\n}" if fields else "}"


def write_json(fields: dict[str, Any], write: Callable[[str], object], batch: int = 1 << 16) -> None:
    """Write the document through `write` in batches of about `batch` characters, then a newline."""
    pending: list[str] = []
    size = 0
    for chunk in json_chunks(fields):
        pending.append(chunk)
        size += len(chunk)
        if size >= batch:
            write("".join(pending))
            pending, size = [], 0
    pending.append("\n")
    write("".join(pending))
