"""Find Excel error cells (#N/A, #VALUE!, …) in an .xlsx sheet, and formulas nobody calculated.

python-calamine reads error cells as '' like blanks (shared/research/clients.md), so the reader
scans the sheet's XML for cells of type "e" and puts the errors back. A formula saved without a
cached value (files written by scripts, never opened in Excel) also reads as '': it is flagged as
NOT_CALCULATED rather than taken for a blank. The scan streams the part in chunks and costs little:
most sheets have no `t="e"` and no formulas at all.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)\bt=[\"']e[\"']([^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_STRING_TYPE = re.compile(rb"\bt=[\"']str[\"']")
_CHUNK = 1 << 22
NOT_CALCULATED = "#未计算"
"""Stands in for a formula cell without a cached value (reported like an error value)."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip path of a sheet's XML part, found through workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rel_id = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet_name:
            rel_id = element.get(_REL_NS)
    if rel_id is None:
        return None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index - 1


def _scan(data: bytes, found: dict[tuple[int, int], str]) -> None:
    for match in _ERROR_CELL.finditer(data):
        ref = _REF.search(match.group(1) + b" " + match.group(2))
        if ref is None:
            continue  # a cell without a reference cannot be placed
        value = _VALUE.search(match.group(3))
        code = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        found[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = code


def _scan_formulas(data: bytes, found: dict[tuple[int, int], str]) -> None:
    """Formula cells saved without a value (no <v>, or an empty one)."""
    for match in _CELL.finditer(data):
        body = match.group(2) or b""
        if not _FORMULA.search(body):
            continue
        value = _VALUE.search(body)
        if value is not None and value.group(1):
            continue  # calculated
        if _STRING_TYPE.search(match.group(1)):
            continue  # a formula that returned "" (saved as t="str" with an empty <v>)
        ref = _REF.search(match.group(1))
        if ref is not None:
            found.setdefault((int(ref.group(2)) - 1, _column_index(ref.group(1))), NOT_CALCULATED)


_PREFIX = re.compile(rb"\w+")


def _last_cell_start(buffer: bytes) -> int:
    plain = max(buffer.rfind(b"<c "), buffer.rfind(b"<row"))
    # A prefixed cell (<x:c) counts only after the last plain one: no pass over the whole block.
    colon = buffer.rfind(b":c ", max(plain, 0))
    while colon > 0:
        start = buffer.rfind(b"<", 0, colon)  # the '<' of '<x:c', so the cell is not split
        if start >= 0 and _PREFIX.fullmatch(buffer, start + 1, colon):
            return max(plain, start)
        colon = buffer.rfind(b":c ", max(plain, 0), colon)  # ':c ' in some text: look further back
    return plain


@dataclass
class SheetScan:
    """What one streaming pass over a sheet's XML found."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    """{(0-based row, 0-based column): error code}: error cells and formulas without a value."""
    values: int = 0
    """Cells holding a value."""
    last_value_row: int = 0
    """Excel row of the last cell holding a value (formatting-only rows do not count)."""


_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br=["\'](\d+)["\']')


def _last_value_row(data: bytes, last: int) -> int:
    """Excel row of the cell holding the value that ends at `last` (0 when it cannot be placed)."""
    cell_start = max(data.rfind(b"<c ", 0, last), data.rfind(b":c ", 0, last))
    ref = _REF.search(data, cell_start, last) if cell_start >= 0 else None
    if ref is not None:
        return int(ref.group(2))
    # cells without a reference: the row element says where they are
    row = _ROW_REF.search(data, max(0, data.rfind(b"row", 0, last) - 4), last)
    return int(row.group(1)) if row is not None else 0


def _last_value(data: bytes, prefixed: bool = True) -> int:
    """Where the part's last value element starts (-1: none). `prefixed=False` skips the `x:v`
    forms, which cost a whole pass each in the usual unprefixed part."""
    last = max(data.rfind(b"<v>"), data.rfind(b"<is>"))
    return max(last, data.rfind(b":v>"), data.rfind(b":is>")) if prefixed else last


def _scan_part(data: bytes, scan: SheetScan) -> None:
    if b'"e"' in data or b"'e'" in data:
        _scan(data, scan.errors)
    if b"<f" in data or b":f" in data:
        _scan_formulas(data, scan.errors)
    values = data.count(b"<v>") + data.count(b":v>") // 2 + data.count(b"<is>") + data.count(b":is>") // 2
    if values:
        scan.values += values
        scan.last_value_row = max(scan.last_value_row, _last_value_row(data, _last_value(data)))


def _parts(path: str, sheet_name: str) -> Iterator[bytes]:
    """The sheet's XML in blocks of about _CHUNK bytes, each ending before a cell starts (constant
    memory however big the sheet); nothing when the file or sheet cannot be opened."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet_name)
            if part is None:
                return
            with archive.open(part) as stream:
                carry = b""
                while chunk := stream.read(_CHUNK):
                    buffer = carry + chunk
                    cut = _last_cell_start(buffer)
                    if cut <= 0:
                        carry = buffer
                        continue
                    head, carry = buffer[:cut], buffer[cut:]
                    yield head
                if carry:
                    yield carry
    except (zipfile.BadZipFile, KeyError, OSError):
        return


def scan_sheet(path: str, sheet_name: str) -> SheetScan:
    """One streaming pass over the sheet's XML. The <dimension> element is not trusted: some
    writers leave "A1" or a stale range there."""
    scan = SheetScan()
    for data in _parts(path, sheet_name):
        _scan_part(data, scan)
    return scan


def last_value_row(path: str, sheet_name: str) -> int:
    """Excel row of the sheet's last cell holding a value: the same as `scan_sheet(…).last_value_row`
    at a fraction of its cost (searching backwards from each block's end finds it at once)."""
    last_block, prefixed = b"", None
    for data in _parts(path, sheet_name):
        if prefixed is None:
            data_at = data.find(b"sheetData")
            prefixed = data_at < 0 or data[data_at - 1] == 0x3A  # <x:sheetData (or unsure: look for both)
        if _last_value(data, prefixed) >= 0:
            last_block = data
    return _last_value_row(last_block, _last_value(last_block)) if last_block else 0
