"""Streaming a sheet part's XML in blocks that never split a cell: the scans that run before (and
beside) the readers all read parts this way, in constant memory however big the sheet."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator

CHUNK = 1 << 22
_PREFIX = re.compile(rb"\w+")


def local_name(tag: str) -> str:
    """An XML tag without its namespace: `{…/main}sheet` → `sheet`."""
    return tag.rsplit("}", 1)[-1]


def last_cell_start(buffer: bytes) -> int:
    """Where the block's last cell (or row) starts: the block is cut there."""
    plain = max(buffer.rfind(b"<c "), buffer.rfind(b"<c>"), buffer.rfind(b"<row"))
    # A prefixed cell (<x:c) counts only after the last plain one: no pass over the whole block.
    colon = buffer.rfind(b":c ", max(plain, 0))
    while colon > 0:
        start = buffer.rfind(b"<", 0, colon)  # the '<' of '<x:c', so the cell is not split
        if start >= 0 and _PREFIX.fullmatch(buffer, start + 1, colon):
            return max(plain, start)
        colon = buffer.rfind(b":c ", max(plain, 0), colon)  # ':c ' in some text: look further back
    return plain


def blocks(path: str, part: str, chunk: int = CHUNK) -> Iterator[bytes]:
    """The part's XML in blocks of about `chunk` bytes, each ending before a cell starts; nothing
    more once the file or part cannot be read (the reader itself then reports the damage)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            carry = b""
            while piece := stream.read(chunk):
                buffer = carry + piece
                cut = last_cell_start(buffer)
                if cut <= 0:
                    carry = buffer
                    continue
                head, carry = buffer[:cut], buffer[cut:]
                yield head
            if carry:
                yield carry
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError):
        return
