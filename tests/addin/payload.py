"""What Office.js sends xlwings Lite for a workbook, made from a real .xlsx; and Excel's side of the
conversation: applying the returned actions to that payload, so a second run sees the first's writes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw

from aftersales.columns import column_letter

Payload = dict[str, Any]


def _office_value(value: object) -> object:
    """A cell as Office.js sends it: dates as ISO strings with Z, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}T00:00:00.000Z"
    if isinstance(value, time):
        return f"1899-12-30T{value:%H:%M:%S}.000Z"
    if isinstance(value, Decimal):
        return float(value)
    return value


def payload_from_xlsx(path: Path, clock: datetime | None = None) -> Payload:
    """The payload for `path` (cached values; formulas without a cached value read as "").

    `clock` is what the workbook's =NOW() cell shows (the add-in's state sheet), when it has one.
    """
    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for sheet in book.worksheets:
        values = [[_office_value(v) for v in row] for row in sheet.iter_rows(values_only=True)] or [[""]]
        width = max(len(row) for row in values)
        values = [row + [""] * (width - len(row)) for row in values]
        if sheet.title == "_aftersales" and clock is not None:
            values[0][1] = _office_value(clock)
        tables = []
        for table in sheet.tables.values():
            start, end = table.ref.split(":")
            header_end = re.sub(r"\d+", "", end) + re.sub(r"\D+", "", start)
            body_start = re.sub(r"\d+", "", start) + str(int(re.sub(r"\D+", "", start)) + 1)
            tables.append({
                "name": table.displayName, "range_address": table.ref,
                "header_row_range_address": f"{start}:{header_end}", "data_body_range_address": f"{body_start}:{end}",
                "total_row_range_address": None, "show_headers": True, "show_totals": False,
                "table_style": table.tableStyleInfo.name if table.tableStyleInfo else None, "show_autofilter": True,
            })
        charts = [{"name": f"Chart {i + 1}", "chart_type": "bar_clustered"} for i, _ in enumerate(sheet._charts)]
        sheets.append({"name": sheet.title, "values": values, "pictures": [], "tables": tables, "charts": charts})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


@dataclass
class Excel:
    """Excel's state as the actions leave it: cell values, fills, hidden sheets, table ranges, alerts."""

    payload: Payload
    colours: dict[tuple[str, str], str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    alerts: list[str] = field(default_factory=list)
    clock: datetime | None = None

    def run(self, script: Any) -> list[dict[str, Any]]:
        """Run a button script on the current state; apply and return its actions."""
        from addin.scripts import NOT_READ

        sent = copy.deepcopy(self.payload)
        for sheet in sent["sheets"]:  # what the script's `exclude=` keeps Excel from sending
            if sheet["name"] in NOT_READ.get(getattr(script, "__name__", ""), ()):
                sheet["values"] = [[]]  # as xlwings' client sends an excluded sheet
        book = xw.Book(json=sent)
        script(book)
        actions: list[dict[str, Any]] = book.json()["actions"]
        for action in actions:
            self.apply(action)
        return actions

    def sheet(self, position: int) -> dict[str, Any]:
        return self.payload["sheets"][position]

    def sheet_named(self, name: str) -> dict[str, Any]:
        return next(s for s in self.payload["sheets"] if s["name"] == name)

    def value(self, sheet: str, cell: str) -> object:
        column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(re.sub(r"\d", "", cell)))) - 1
        row = int(re.sub(r"\D", "", cell)) - 1
        values = self.sheet_named(sheet)["values"]
        return values[row][column] if row < len(values) and column < len(values[row]) else ""

    def apply(self, action: dict[str, Any]) -> None:
        func, position = action["func"], action["sheet_position"]
        if func == "addSheet":
            index, name = action["args"]
            self.payload["sheets"].insert(index, {"name": name, "values": [[""]], "pictures": [], "tables": [],
                                                  "charts": []})
        elif func in ("setValues", "setFormula"):
            values = action["values"]
            if func == "setFormula" and values == [["=NOW()"]] and self.clock is not None:
                values = [[_office_value(self.clock)]]
            # Excel keeps a leading apostrophe as the text marker, not as part of the value.
            values = [[v[1:] if isinstance(v, str) and v.startswith("'") else v for v in line] for line in values]
            self._write(self.sheet(position), action["start_row"], action["start_column"], values)
        elif func == "setRangeColors":
            sheet = self.sheet(position)["name"]
            for r, line in enumerate(action["args"][0]):
                for c, colour in enumerate(line):
                    cell = f"{column_letter(action['start_column'] + c)}{action['start_row'] + r + 1}"
                    if colour == "keep":
                        continue
                    if colour is None:
                        self.colours.pop((sheet, cell), None)
                    else:
                        self.colours[(sheet, cell)] = colour.upper()
        elif func == "setSheetVisibility":
            self.hidden.add(self.sheet(position)["name"])
        elif func == "resizeTable":
            index, address = action["args"]
            self.sheet(position)["tables"][index]["range_address"] = address.replace("$", "")
        elif func == "addChart":
            name, chart_type, sheet_name, address = action["args"][:4]
            self.sheet_named(sheet_name)["charts"].append(
                {"name": name, "chart_type": chart_type, "source": address.replace("$", "")})
        elif func == "setChartName":
            charts = self.sheet(position)["charts"]
            charts[action["args"][0]]["name"] = action["args"][1]
        elif func == "setChartSourceData":
            charts = self.sheet(position)["charts"]
            charts[action["args"][0]]["source"] = action["args"][2].replace("$", "")
        elif func == "alert":
            self.alerts.append(str(action["args"]))

    @staticmethod
    def _write(sheet: dict[str, Any], row: int, column: int, block: list[list[Any]]) -> None:
        values = sheet["values"]
        width = max(max(len(r) for r in values), column + max(len(line) for line in block))
        while len(values) < row + len(block):
            values.append([""] * width)
        for line in values:
            line.extend([""] * (width - len(line)))
        for r, line in enumerate(block):
            for c, value in enumerate(line):
                values[row + r][column + c] = value
