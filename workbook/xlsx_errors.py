"""Find Excel error cells (#N/A, #VALUE!, …) in an .xlsx sheet, formulas nobody calculated, and
date cells before 1900.

python-calamine reads error cells as '' like blanks (shared/research/clients.md), so the reader
scans the sheet's XML for cells of type "e" and puts the errors back. A formula saved without a
cached value (files written by scripts, never opened in Excel) also reads as '': it is flagged as
NOT_CALCULATED rather than taken for a blank. A date before 1900 (a negative or sub-1 serial) reads
as a bare time of day, its date lost: its serial is kept so the date can be shown. The scan streams
the part in blocks and costs little: most sheets have no `t="e"`, no formulas, no such serials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aftersales.columns import column_index
from workbook.xlsx_parts import blocks

_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)\bt=[\"']e[\"']([^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb"\br=[\"']([A-Za-z]{1,3})(\d+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_STRING_TYPE = re.compile(rb"\bt=[\"']str[\"']")
_SMALL_SERIAL = re.compile(rb"v>(-[\d.Ee+-]+|0?\.\d[\d.Ee+-]*)<")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
_STYLE = re.compile(rb"\bs=[\"'](\d+)[\"']")
NOT_CALCULATED = "#未计算"
"""Stands in for a formula cell without a cached value (reported like an error value)."""


def _place(attributes: bytes) -> tuple[int, int] | None:
    ref = _REF.search(attributes)
    return None if ref is None else (int(ref.group(2)) - 1, column_index(ref.group(1)))


@dataclass
class SheetScan:
    """What one streaming pass over a sheet's XML found."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    """{(0-based row, 0-based column): error code}: error cells and formulas without a value."""
    serials: dict[tuple[int, int], tuple[float, int]] = field(default_factory=dict)
    """{(0-based row, 0-based column): (serial, style index)} of numbers below 1: a date cell among
    them is a date before 1900, which python-calamine reads as a bare time of day."""


def _scan(data: bytes, found: dict[tuple[int, int], str]) -> None:
    for match in _ERROR_CELL.finditer(data):
        place = _place(match.group(1) + b" " + match.group(2))
        if place is None:
            continue  # a cell without a reference cannot be placed
        value = _VALUE.search(match.group(3))
        found[place] = value.group(1).decode("utf-8", "replace") if value else "#N/A"


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
        place = _place(match.group(1))
        if place is not None:
            found.setdefault(place, NOT_CALCULATED)


def _scan_serials(data: bytes, found: dict[tuple[int, int], tuple[float, int]]) -> None:
    """Numbers below 1 (negative, or 0.x): found by their value, then placed by their cell."""
    for match in _SMALL_SERIAL.finditer(data):
        start = data.rfind(b"<", 0, match.start())  # the <v> (or <x:v>) itself
        cell = max(data.rfind(b"<c ", 0, start), data.rfind(b":c ", 0, start))
        if cell < 0:
            continue
        attributes = data[cell + 2 : data.find(b">", cell)]
        kind = _TYPE.search(attributes)
        place = _place(attributes)
        if place is None or (kind is not None and kind.group(1) != b"n"):
            continue
        try:
            serial = float(match.group(1))
        except ValueError:
            continue
        style = _STYLE.search(attributes)
        found[place] = (serial, int(style.group(1)) if style else 0)


def _scan_part(data: bytes, scan: SheetScan) -> None:
    if b'"e"' in data or b"'e'" in data:
        _scan(data, scan.errors)
    if b"<f" in data or b":f" in data:
        _scan_formulas(data, scan.errors)
    if b"v>-" in data or b"v>0." in data or b"v>." in data:
        _scan_serials(data, scan.serials)


def scan_sheet(path: str, part: str) -> SheetScan:
    """One streaming pass over a sheet part's XML."""
    scan = SheetScan()
    for data in blocks(path, part):
        _scan_part(data, scan)
    return scan
