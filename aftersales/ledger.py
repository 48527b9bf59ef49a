"""The refund ledger (SPEC §14.5): the 退款表 sheet inside the register workbook, where the 退款表
button appends one batch `FK{YYYYMMDD}-{nn}` per run, and the archive sheets beside it (a sheet
whose name starts with 退款表, holding the same header row).

A case is in the ledger by its 售后单号, or by (订单号, 货号, 退款方式, 合计) — a case renumbered after
export must not be paid again. Lines are found wherever they are below or above the header row
(a sorted sheet), by their batch number. The ledger cannot be trusted when its sheet lost its header
row, or when the hidden state sheet records batches it no longer shows: then nothing is exported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.cells import parse_money, parse_text
from aftersales.sheets import REFUND_HEADERS, REFUND_SHEET
from aftersales.state import BATCHES, EXPORTS, block_lines
from aftersales.taxonomy import normalise_text

ZERO = Decimal("0.00")
BATCH = re.compile(r"^FK(\d{8})-(P?)(\d{2,})$")
ESSENTIAL = ("批次号", "售后单号", "合计")
"""Headers a ledger sheet cannot do without."""
SKU_HEADER = "货号"
"""Not a ledger column, but read when someone added it (the key needs the item)."""


class LedgerLine(BaseModel):
    """One exported case."""

    model_config = ConfigDict(frozen=True)

    batch: str
    case_id: str | None
    order_id: str | None
    sku: str | None
    """None when unknown (the ledger has no 货号 and the state sheet does not say): matches any item."""
    channel: str | None
    refund: Decimal
    freight: Decimal
    sheet: str
    row: int
    """Excel row of the line in its sheet."""

    @property
    def total(self) -> Decimal:
        return self.refund + self.freight


class Ledger(BaseModel):
    model_config = ConfigDict(frozen=True)

    lines: tuple[LedgerLine, ...] = ()
    issued: tuple[str, ...] = ()
    """Batch numbers the 退款表 button issued (from the state sheet)."""
    problem: str | None = None
    """Why the ledger cannot be trusted (nothing may be exported); None when it can."""
    header: tuple[int, int] | None = None
    """(0-based row, 0-based column) of the 退款表 sheet's header row, where new batches go under."""
    columns: tuple[int, ...] = ()
    """0-based column of each REFUND_HEADERS column in the 退款表 sheet (-1: the column is missing)."""

    def batches(self) -> set[str]:
        return {line.batch for line in self.lines} | set(self.issued)


EMPTY_LEDGER = Ledger()


def _key(value: object) -> str:
    return normalise_text(str(value)) if value is not None else ""


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The ledger header row anywhere in a sheet: (0-based row, {header: 0-based column})."""
    for index, row in enumerate(rows):
        names = {_key(value): column for column, value in reversed(list(enumerate(row))) if isinstance(value, str)}
        if all(name in names for name in ESSENTIAL):
            return index, {name: names[name] for name in (*REFUND_HEADERS, SKU_HEADER) if name in names}
    return None


def _text(row: Sequence[object], column: int | None) -> str | None:
    if column is None or column >= len(row):
        return None
    text, _ = parse_text(row[column])
    return text or None


def _money(row: Sequence[object], column: int | None) -> Decimal:
    if column is None or column >= len(row):
        return ZERO
    amount, _ = parse_money(row[column])
    return amount if amount is not None else ZERO


def _lines(name: str, rows: Sequence[Sequence[object]], header: int, columns: dict[str, int]) -> list[LedgerLine]:
    found = []
    batch_column = columns["批次号"]
    for index, row in enumerate(rows):
        batch = _text(row, batch_column) if index != header else None
        if batch is None or not BATCH.match(batch):
            continue
        found.append(LedgerLine(
            batch=batch, case_id=_text(row, columns.get("售后单号")), order_id=_text(row, columns.get("订单号")),
            sku=_text(row, columns.get(SKU_HEADER)), channel=_text(row, columns.get("退款方式")),
            refund=_money(row, columns.get("退款金额")), freight=_money(row, columns.get("退运费")),
            sheet=name, row=index + 1,
        ))
    return found


def is_ledger_sheet(name: str) -> bool:
    """退款表 itself, or an archive of it (退款表归档, 退款表2025 …)."""
    return name.startswith(REFUND_SHEET)


def read_ledger(sheets: Mapping[str, Sequence[Sequence[object]]], state: Sequence[Sequence[object]] = ()) -> Ledger:
    """The ledger from the workbook's ledger sheets ({name: rows}) and its state sheet's rows."""
    lines: list[LedgerLine] = []
    problem: str | None = None
    header_cell: tuple[int, int] | None = None
    columns: tuple[int, ...] = ()
    for name, rows in sheets.items():
        found = find_header(rows)
        if found is None:
            filled = any(value not in (None, "") for row in rows for value in row)
            if name == REFUND_SHEET and filled:
                problem = (f"「{REFUND_SHEET}」里找不到表头行（{'、'.join(ESSENTIAL)}）：已导出的批次无法核对，"
                           "为防止重复付款，本次不导出。请把表头行恢复（可从模板复制）后再试")
            continue
        header, by_name = found
        lines.extend(_lines(name, rows, header, by_name))
        if name == REFUND_SHEET:
            header_cell = (header, by_name["批次号"])
            columns = tuple(by_name.get(h, -1) for h in REFUND_HEADERS)
    exports = {(line[0], line[1]): line for line in block_lines(state, EXPORTS)}
    lines = [_with_sku(line, exports) for line in lines]
    issued = tuple(line[0] for line in block_lines(state, BATCHES) if line[0])
    shown = {line.batch for line in lines}
    missing = [batch for batch in issued if batch not in shown]
    if problem is None and missing:
        where = "退款表被删除了" if REFUND_SHEET not in sheets else "退款表里找不到这些批次"
        problem = (f"已发出的批次 {'、'.join(missing[:5])}{' 等' if len(missing) > 5 else ''} 记录在隐藏的状态表里，"
                   f"但{where}（整批被删除、移走或改了批次号）：为防止重复付款，本次不导出。"
                   f"请把这些行放回「{REFUND_SHEET}」或名称以「{REFUND_SHEET}」开头、带表头的归档表后再试")
    return Ledger(lines=tuple(lines), issued=issued, problem=problem, header=header_cell, columns=columns)


def _with_sku(line: LedgerLine, exports: Mapping[tuple[str, str], tuple[str, ...]]) -> LedgerLine:
    if line.sku is not None or line.case_id is None:
        return line
    record = exports.get((line.batch, line.case_id))
    return line.model_copy(update={"sku": record[3] or None}) if record else line


def batch_number(day: date, sequence: int, proposal: bool = False) -> str:
    return f"FK{day:%Y%m%d}-{'P' if proposal else ''}{sequence:02d}"


def next_batch(day: date, ledger: Ledger, proposal: bool = False) -> str:
    """The next batch number of `day`: never one the ledger or the state sheet already holds."""
    used = []
    for batch in ledger.batches():
        match = BATCH.match(batch)
        if match and match.group(1) == f"{day:%Y%m%d}" and bool(match.group(2)) == proposal:
            used.append(int(match.group(3)))
    return batch_number(day, max(used, default=0) + 1, proposal)
