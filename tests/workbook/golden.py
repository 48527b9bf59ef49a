"""Compare two workbooks the way a person would see them, through openpyxl, cell by cell.

Raw XML differs between writers and saves (timestamps, ids), so the comparison covers what matters:
sheet names, cell values and number formats, fills, data validations, conditional formats, tables,
defined names and freeze panes — and reports each difference as one readable line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def describe(path: Path) -> dict[str, Any]:
    book = openpyxl.load_workbook(path)
    facts: dict[str, Any] = {
        "sheets": book.sheetnames,
        "defined names": {name: value.attr_text for name, value in book.defined_names.items()},
    }
    for sheet in book.worksheets:
        prefix = sheet.title
        facts[f"{prefix}: freeze panes"] = sheet.freeze_panes
        facts[f"{prefix}: tables"] = {
            table.displayName: (table.ref, table.tableStyleInfo.name if table.tableStyleInfo else None)
            for table in sheet.tables.values()
        }
        facts[f"{prefix}: validations"] = sorted(
            (str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.errorStyle, v.error, v.prompt)
            for v in sheet.data_validations.dataValidation
        )
        facts[f"{prefix}: conditional formats"] = sorted(
            (str(cf.sqref), rule.type, tuple(rule.formula or ()), rule.dxf.fill.fgColor.rgb if rule.dxf else None)
            for cf in sheet.conditional_formatting for rule in cf.rules
        )
        facts[f"{prefix}: widths"] = {k: v.width for k, v in sheet.column_dimensions.items() if v.width}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and cell.number_format == "General" and cell.fill.fgColor.rgb == "00000000":
                    continue
                facts[f"{prefix}!{cell.coordinate}"] = (cell.value, cell.number_format, cell.fill.fgColor.rgb)
    return facts


def differences(expected: Path, actual: Path, limit: int = 30) -> list[str]:
    """One line per difference: `where: expected … / actual …`; at most `limit` lines and a count."""
    want, got = describe(expected), describe(actual)
    lines = []
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            lines.append(f"{key}: expected {want.get(key)!r} / actual {got.get(key)!r}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more differences"]
    return lines
