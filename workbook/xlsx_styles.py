"""Which cell styles of an .xlsx show a date (not only a time of day): read from styles.xml only when
a sheet has numbers below 1 that the reader took for times (a date before 1900 loses its date)."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

DATE_BUILTINS = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
"""Excel's built-in number formats with a date part (27–36 and 50–58: the zh-CN/ja/ko ones)."""
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def shows_date(code: str) -> bool:
    """Whether a custom number format shows a date (year or day), ignoring quoted text and brackets."""
    bare = _LITERALS.sub("", code).lower()
    return "y" in bare or "d" in bare or "e" in bare.replace("general", "")


def date_styles(path: str, styles_part: str | None) -> frozenset[int]:
    """Indices (cellXfs order, the `s` of a cell) of the styles whose number format shows a date."""
    if styles_part is None:
        return frozenset()
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read(styles_part))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError, EOFError, ValueError):
        return frozenset()
    custom = {
        int(element.get("numFmtId", "-1")): element.get("formatCode", "")
        for element in root.iter()
        if _local(element.tag) == "numFmt"
    }
    found: set[int] = set()
    for container in root.iter():
        if _local(container.tag) != "cellXfs":
            continue
        for index, xf in enumerate(child for child in container if _local(child.tag) == "xf"):
            number = int(xf.get("numFmtId", "0") or 0)
            if number in custom:
                if shows_date(custom[number]):
                    found.add(index)
            elif number in DATE_BUILTINS:
                found.add(index)
    return frozenset(found)
