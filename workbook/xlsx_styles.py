"""Which cell styles of an .xlsx show a date, and which only a time of day: read from styles.xml when
python-calamine took a date before 1900 for a bare time, and by the streaming reader."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from workbook.xlsx_parts import local_name

DATE_BUILTINS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
"""Excel's built-in number formats with a date part (27–36 and 50–58: the zh-CN/ja/ko ones)."""
TIME_BUILTINS = frozenset({18, 19, 20, 21, 45, 46, 47})
"""Excel's built-in time-of-day formats."""
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def shows_date(code: str) -> bool:
    """Whether a custom number format shows a date (year or day), ignoring quoted text and brackets."""
    bare = _LITERALS.sub("", code).lower()
    return "y" in bare or "d" in bare


def shows_time(code: str) -> bool:
    """Whether a custom number format shows a time of day (and no date)."""
    bare = _LITERALS.sub("", code).lower()
    return not shows_date(code) and ("h" in bare or "s" in bare.replace("general", ""))


@dataclass(frozen=True)
class Styles:
    """Style indices (cellXfs order, the `s` of a cell) by what their number format shows."""

    dates: frozenset[int] = frozenset()
    times: frozenset[int] = frozenset()


def read_styles(path: str, styles_part: str | None) -> Styles:
    """The date and time-of-day styles of a workbook (none when styles.xml cannot be read)."""
    if styles_part is None:
        return Styles()
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read(styles_part))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError, EOFError, ValueError):
        return Styles()
    custom = {
        int(element.get("numFmtId", "-1")): element.get("formatCode", "")
        for element in root.iter()
        if local_name(element.tag) == "numFmt"
    }
    dates: set[int] = set()
    times: set[int] = set()
    for container in root.iter():
        if local_name(container.tag) != "cellXfs":
            continue
        for index, xf in enumerate(child for child in container if local_name(child.tag) == "xf"):
            number = int(xf.get("numFmtId", "0") or 0)
            code = custom.get(number)
            if (shows_date(code) if code is not None else number in DATE_BUILTINS):
                dates.add(index)
            elif (shows_time(code) if code is not None else number in TIME_BUILTINS):
                times.add(index)
    return Styles(frozenset(dates), frozenset(times))
