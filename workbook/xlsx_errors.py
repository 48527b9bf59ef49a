"""Find Excel error cells (#N/A, #VALUE!, …) in an .xlsx sheet.

python-calamine reads error cells as '' like blanks (shared/research/clients.md), so the reader
scans the sheet's XML for cells of type "e" and puts the errors back. The scan streams the part in
chunks and costs little: most sheets have no `t="e"` at all.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)\bt=[\"']e[\"']([^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CHUNK = 1 << 22


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


def _last_cell_start(buffer: bytes) -> int:
    return max(buffer.rfind(b"<c "), buffer.rfind(b":c "), buffer.rfind(b"<row"))


def error_cells(path: str, sheet_name: str) -> dict[tuple[int, int], str]:
    """{(0-based row, 0-based column): error code} of the sheet's error cells; {} when not an xlsx."""
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet_name)
            if part is None:
                return found
            with archive.open(part) as stream:
                carry = b""
                while chunk := stream.read(_CHUNK):
                    buffer = carry + chunk
                    cut = _last_cell_start(buffer)
                    if cut <= 0:
                        carry = buffer
                        continue
                    head, carry = buffer[:cut], buffer[cut:]
                    if b'"e"' in head or b"'e'" in head:
                        _scan(head, found)
                if carry:
                    _scan(carry, found)
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    return found
