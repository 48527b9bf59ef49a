"""Names and headers of the workbook's other sheets (SPEC §2.2, §8–§10), shared by the template,
the writers and the add-in."""

from __future__ import annotations

from collections.abc import Sequence

REGISTER_SHEET = "登记表"
POLICY_SHEET = "政策"
HELP_SHEET = "说明"
VOUCHER_SHEET = "单据"
REFUND_SHEET = "退款表"
PENDING_SHEET = "待处理"
PAID_SHEET = "已付"
EOD_SHEET = "日结"
LOG_SHEET = "操作记录"

VOUCHER_HEADERS = ("单据号", "单据类型", "日期", "售后单号", "订单号", "货号", "数量", "金额", "摘要", "状态", "冲销单号")
"""SPEC §8."""

REFUND_HEADERS = (
    "批次号", "售后单号", "订单号", "平台", "买家", "退款方式", "收款账号", "退款金额", "退运费", "合计", "类别",
    "客服", "审批人", "方案时间", "付款时间",
)
"""SPEC §9: the payable rows (sheet 退款表)."""

PENDING_HEADERS = (*REFUND_HEADERS[1:], "原因")
"""SPEC §9: not payable yet (sheet 待处理): the same columns without a batch number, plus 原因."""

LOG_HEADERS = ("时间", "按钮", "摘要")
"""SPEC §2.2: one line per button run."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these could run as a formula in a spreadsheet: outputs write it as text."""

OUTPUT_GREY = "D9D9D9"
"""Fill of the output columns (written only by the add-in)."""
ERROR_COLOUR = "#FFC7CE"
"""Light red: a cell with an error."""
WARNING_COLOUR = "#FFEB9C"
"""Light yellow: a cell with a warning."""
OUTPUT_FILL = "#" + OUTPUT_GREY
"""The template's grey of the output columns: a cleared output cell goes back to it."""

STATE_SHEET = "_aftersales"
"""Hidden sheet of the add-in: the workbook's clock (=NOW() in B1) and the cells it coloured last time."""
CLOCK_CELL = "B1"
STATE_HEADER_ROW = 3
STATE_HEADERS = ("工作表", "单元格", "颜色", "售后单号", "列")


def records(
    rows: Sequence[Sequence[object]], headers: tuple[str, ...], keep_blank: bool = False
) -> list[dict[str, object]]:
    """The rows under a header row (the first row naming `headers[0]`) as {header: cell} dicts;
    columns are found by header text; blank rows skipped (or kept as empty dicts)."""
    table = [list(row) for row in rows]
    for start, row in enumerate(table):
        names = [str(v).strip() if v is not None else "" for v in row]
        if headers[0] in names:
            index = {name: names.index(name) for name in headers if name in names}
            return [
                {name: (line[i] if i < len(line) else None) for name, i in index.items()}
                for line in table[start + 1 :]
                if keep_blank or any(v not in (None, "") for v in line)
            ]
    return []
