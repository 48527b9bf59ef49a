"""Where the add-in's buttons live in the workbook.

One list of buttons drives both the `@script(button=…)` declarations and the shapes the Lite
workbook builder draws, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.sheets import REGISTER_SHEET


@dataclass(frozen=True)
class Button:
    script: str
    """Name of the function in addin.scripts."""
    label: str
    """Text on the button."""
    shape: str
    """Name of the shape (ASCII: Lite matches it in `button="[shape]Sheet!Cell"`)."""
    cell: str
    """Cell on the register sheet the shape's hyperlink points at."""
    row: int
    """Top row of the shape (0-based) beside the table."""

    @property
    def reference(self) -> str:
        return f"[{self.shape}]{REGISTER_SHEET}!{self.cell}"


BUTTONS: tuple[Button, ...] = (
    Button("validate_register", "校验", "btn_validate", "AN1", 0),
    Button("generate_vouchers", "生成单据", "btn_vouchers", "AN3", 2),
    Button("build_refund_sheet", "退款表", "btn_refunds", "AN5", 4),
    Button("end_of_day", "日结", "btn_eod", "AN7", 6),
)
"""The sheet buttons: the scripts of addin.scripts, the shapes of the Lite workbook."""


def button(script: str) -> Button:
    return next(b for b in BUTTONS if b.script == script)
