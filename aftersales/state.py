"""The add-in's memory in the hidden state sheet (`_aftersales`): blocks of lines side by side under
header row 3, each found by its first header. Besides the colours of the 校验 button (columns A–E):

- the refund batches the 退款表 button issued (a number is never issued twice, and a ledger that no
  longer shows one cannot be trusted: SPEC §14.5),
- what each exported line was, by 售后单号 and by (订单号, 货号, 退款方式, 合计) — the ledger has no 货号,
- the output columns the 校验 button owns (it writes no column holding a user's own content),
- the charts the 日结 button made.

Pure parsing and formatting; the add-in and the command line read the sheet their own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aftersales.sheets import STATE_HEADER_ROW


@dataclass(frozen=True)
class StateBlock:
    headers: tuple[str, ...]
    default_column: int
    """0-based column of the block when the sheet has none yet."""


BATCHES = StateBlock(("已发批次", "条数", "合计", "发出时间"), 6)
EXPORTS = StateBlock(("导出批次", "导出售后单号", "订单号", "货号", "退款方式", "导出合计"), 11)
OWNED_COLUMNS = StateBlock(("输出列工作表", "输出列名", "输出列"), 18)
CHARTS = StateBlock(("图表工作表", "图表名"), 22)
"""The charts the 日结 button made: an Excel that reports no charts to Python must not get them again."""
BLOCKS = (BATCHES, EXPORTS, OWNED_COLUMNS, CHARTS)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def block_column(rows: Sequence[Sequence[object]], block: StateBlock) -> int | None:
    """0-based column of a block's first header in the header row; None when the sheet lacks it."""
    header = rows[STATE_HEADER_ROW - 1] if len(rows) >= STATE_HEADER_ROW else []
    for index, value in enumerate(header):
        if _text(value) == block.headers[0]:
            return index
    return None


def block_lines(rows: Sequence[Sequence[object]], block: StateBlock) -> list[tuple[str, ...]]:
    """The block's non-empty lines below the header row, as text, one value per header."""
    column = block_column(rows, block)
    if column is None:
        return []
    width = len(block.headers)
    lines = []
    for row in rows[STATE_HEADER_ROW:]:
        cells = tuple(_text(row[i]) if i < len(row) else "" for i in range(column, column + width))
        if any(cells):
            lines.append(cells)
    return lines


def block_table(block: StateBlock, lines: Sequence[Sequence[object]], old_lines: int = 0) -> list[list[object]]:
    """The block as it is written from its header row: header, lines, and blanks over old extra lines."""
    width = len(block.headers)
    table: list[list[object]] = [list(block.headers), *([*line][:width] for line in lines)]
    table += [[""] * width for _ in range(max(0, old_lines - len(lines)))]
    return table
