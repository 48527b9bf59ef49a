"""The first rows of a sheet, read straight from its XML without loading the sheet.

Finding which sheet is the register (and which other sheets look like one) needs only each sheet's
first 11 rows. Loading a whole sheet for that would cost a full read per sheet, and the allocation
risks of a full read (see xlsx_extent). This reader streams the part until the rows are read, and
the shared strings only up to the highest index those rows use. Text, numbers and booleans are
read; that is all header detection needs.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterator

from aftersales.columns import column_index
from workbook.xlsx_parts import blocks

_TOKEN = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb"\br=[\"'](\d+)[\"']")
_CELL_REF = re.compile(rb"\br=[\"']([A-Za-z]{1,3})(\d+)[\"']")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_ITEM = re.compile(rb"<(?:\w+:)?si(?:\s[^>]*)?>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
MAX_COLUMNS = 16384


def _text(xml: bytes) -> str:
    """The visible text of a string item (rich-text runs joined, phonetic guides left out)."""
    runs = _TEXT.findall(_PHONETIC.sub(b"", xml))
    return html.unescape(b"".join(runs).decode("utf-8", "replace"))


def _cells(path: str, part: str, count: int) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(0-based row, 0-based column, cell attributes, cell body) of the first `count` rows."""
    row, column = -1, -1
    for data in blocks(path, part, chunk=1 << 16):
        for token in _TOKEN.finditer(data):
            tag, attributes, closed = token.groups()
            if tag == b"row":
                number = _ROW_NUMBER.search(attributes)
                row = int(number.group(1)) - 1 if number else row + 1
                column = -1
                if row >= count:
                    return
                continue
            ref = _CELL_REF.search(attributes)
            if ref:
                row, column = int(ref.group(2)) - 1, column_index(ref.group(1))
            else:
                column += 1
            if row >= count:
                return
            body = b""
            if not closed:
                end = _CELL_END.search(data, token.end())
                body = data[token.end() : end.start()] if end else b""
            if row >= 0 and 0 <= column < MAX_COLUMNS:
                yield row, column, attributes, body


def _shared(path: str, part: str | None, wanted: set[int]) -> dict[int, str]:
    """The shared strings at the `wanted` indices (the table is read only up to the highest one)."""
    found: dict[int, str] = {}
    if part is None or not wanted:
        return found
    last, index, carry = max(wanted), 0, b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            while index <= last and (piece := stream.read(1 << 16)):
                carry += piece
                end = 0
                for item in _ITEM.finditer(carry):
                    if index in wanted:
                        found[index] = _text(item.group(1) or b"")
                    index += 1
                    end = item.end()
                carry = carry[end:]
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError):
        pass
    return found


def read_shared_strings(path: str, part: str | None) -> list[str]:
    """The whole shared-string table (the streaming reader needs any index)."""
    found: list[str] = []
    if part is None:
        return found
    carry = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            while piece := stream.read(1 << 20):
                carry += piece
                end = 0
                for item in _ITEM.finditer(carry):
                    found.append(_text(item.group(1) or b""))
                    end = item.end()
                carry = carry[end:]
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError):
        pass
    return found


def head_rows(path: str, part: str, shared_strings: str | None, count: int = 11) -> list[list[object]]:
    """The first `count` rows of a sheet as lists of cell values from column A (blank = None)."""
    cells: list[tuple[int, int, bytes, bytes]] = list(_cells(path, part, count))
    indices: set[int] = set()
    for _, _, attributes, body in cells:
        typed = _TYPE.search(attributes)
        given = _VALUE.search(body)
        if typed and typed.group(1) == b"s" and given and given.group(1).strip().isdigit():
            indices.add(int(given.group(1)))
    strings = _shared(path, shared_strings, indices)
    rows: list[list[object]] = [[] for _ in range(count)]
    for row, column, attributes, body in cells:
        kind_match = _TYPE.search(attributes)
        kind = kind_match.group(1) if kind_match else b"n"
        value_match = _VALUE.search(body)
        raw = value_match.group(1) if value_match else None
        value: object = None
        if kind == b"s" and raw is not None and raw.strip().isdigit():
            value = strings.get(int(raw))
        elif kind == b"inlineStr":
            value = _text(body)
        elif kind in (b"str", b"e") and raw is not None:
            value = html.unescape(raw.decode("utf-8", "replace"))
        elif kind == b"b" and raw is not None:
            value = raw.strip() == b"1"
        elif raw is not None:
            try:
                value = float(raw)
            except ValueError:
                value = None
        if value is not None:
            line = rows[row]
            line.extend([None] * (column + 1 - len(line)))
            line[column] = value
    return rows
