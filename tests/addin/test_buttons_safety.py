"""Every button, pressed in a day's order on the remote engine, leaves every input cell of the
register as typed (blank 售后单号 excepted), the user's own columns and their contents included."""

from __future__ import annotations

from pathlib import Path

from addin.scripts import build_refund_sheet, end_of_day, generate_vouchers, validate_register
from aftersales.columns import BY_KEY, COLUMNS, INPUT_COLUMNS
from aftersales.demo import demo_now
from tests.addin.payload import Excel, payload_from_xlsx
from workbook.template import demo_register_workbook


def test_all_buttons_leave_the_typed_cells_alone(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    book = demo_register_workbook()
    sheet = book["登记表"]
    extra = len(COLUMNS) + 2  # the shop's own column, right of the table
    sheet.cell(row=1, column=extra, value="店铺")
    for row in range(2, 64):
        sheet.cell(row=row, column=extra, value=f"旗舰店{row}")
    book.save(path)
    excel = Excel(payload_from_xlsx(path, clock=demo_now()), clock=demo_now())
    before = [list(line) for line in excel.sheet_named("登记表")["values"]]
    for button in (validate_register, generate_vouchers, build_refund_sheet, end_of_day, validate_register):
        excel.run(button)
    after = excel.sheet_named("登记表")["values"]
    inputs = {COLUMNS.index(column) for column in INPUT_COLUMNS} | {extra - 1}
    case_id = COLUMNS.index(BY_KEY["case_id"])
    changed = [(r, c) for r, line in enumerate(before) for c, value in enumerate(line)
               if c in inputs and after[r][c] != value]
    assert all(c == case_id and before[r][c] in ("", None) for r, c in changed)  # only blank 售后单号 filled
    assert len(changed) == 1
    assert [line[extra - 1] for line in after[1:63]] == [f"旗舰店{row}" for row in range(2, 64)]
