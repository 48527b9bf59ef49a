"""Where the add-in's buttons live in the workbook.

One list of buttons drives both the `@script(button=…)` declarations and the shapes the Lite
workbook builder draws, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.columns import COLUMNS, column_letter
from aftersales.sheets import REGISTER_SHEET

BUTTON_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.key == "check") + 4
"""0-based column of the buttons: three empty columns right of the register table's last column (校验),
so the table, which ends there, never covers them."""
FIRST_ROW, ROW_STEP = 2, 4
"""0-based top row of the first button and the distance between buttons: below the header row, and
apart enough that Lite, which runs a script when its linked cell is selected and then selects the cell
below, never lands on the next button's cell (one Enter after 校验 must not run 生成单据)."""


@dataclass(frozen=True)
class Button:
    script: str
    """Name of the function in addin.scripts."""
    label: str
    """Text on the button."""
    shape: str
    """Name of the shape (ASCII: Lite matches it in `button="[shape]Sheet!Cell"`)."""
    row: int
    """Top row of the shape (0-based) beside the table; its linked cell is the shape's top-left cell."""

    @property
    def cell(self) -> str:
        """Cell on the register sheet the shape's hyperlink points at (kept empty, covered by the shape)."""
        return f"{column_letter(BUTTON_COLUMN)}{self.row + 1}"

    @property
    def reference(self) -> str:
        return f"[{self.shape}]{REGISTER_SHEET}!{self.cell}"


BUTTONS: tuple[Button, ...] = tuple(
    Button(script, label, shape, FIRST_ROW + index * ROW_STEP)
    for index, (script, label, shape) in enumerate((
        ("validate_register", "校验", "btn_validate"),
        ("generate_vouchers", "生成单据", "btn_vouchers"),
        ("build_refund_sheet", "退款表", "btn_refunds"),
        ("end_of_day", "日结", "btn_eod"),
    ))
)
"""The sheet buttons: the scripts of addin.scripts, the shapes of the Lite workbook."""


def button(script: str) -> Button:
    return next(b for b in BUTTONS if b.script == script)
