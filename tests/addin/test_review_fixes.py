"""Add-in edge cases found in the final review."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from addin.scripts import build_refund_sheet, end_of_day, generate_vouchers, validate_register
from aftersales.columns import BY_KEY, COLUMNS
from aftersales.demo import demo_now
from tests.addin.payload import Excel, payload_from_xlsx
from tests.domain import valid_row
from workbook.template import build_register_workbook

DAY1 = datetime(2026, 11, 21, 18, 30)
RETURN = {"severity": "严重", "resolution": "退货退款", "amount": Decimal("100.00"), "refund_channel": "原路退款",
          "payee_account": None, "paid_at": None, "status": "待寄回"}


def _excel(tmp_path: Path, rows: list[dict[str, object]], clock: datetime = DAY1) -> Excel:
    path = tmp_path / "register.xlsx"
    build_register_workbook(rows).save(path)
    return Excel(payload_from_xlsx(path, clock=clock), clock=clock)


def _set(excel: Excel, row: int, key: str, value: object) -> None:
    excel.sheet_named("登记表")["values"][row - 1][COLUMNS.index(BY_KEY[key])] = value


def test_a_return_whose_goods_arrive_days_later_is_paid_then(tmp_path: Path) -> None:
    excel = _excel(tmp_path, [valid_row(**RETURN)])
    excel.run(build_refund_sheet)
    assert not [line for line in excel.sheet_named("退款表")["values"][1:] if line[0]]
    day4 = DAY1 + timedelta(days=3)
    excel.clock = day4
    excel.sheet_named("_aftersales")["values"][0][1] = day4.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    _set(excel, 2, "status", "待退款")
    excel.run(build_refund_sheet)
    batches = [line[0] for line in excel.sheet_named("退款表")["values"][1:] if line[0]]
    assert batches == ["FK20261124-01"]


def test_number_like_text_is_written_as_text(tmp_path: Path) -> None:
    excel = _excel(tmp_path, [valid_row()], clock=demo_now())
    actions = excel.run(build_refund_sheet)
    written = [v for a in actions if a["func"] == "setValues" and a["values"] for line in a["values"] for v in line]
    assert "'123456789012345678" in written  # 订单号: Excel would keep only 15 digits of a number


def test_vouchers_under_a_title_row_keep_posted_and_typed_lines(tmp_path: Path) -> None:
    excel = _excel(tmp_path, [valid_row(case_id="A1"), valid_row(case_id="A2", buyer="b2",
                                                                 order_id="223456789012345678")])
    excel.run(validate_register)
    excel.run(generate_vouchers)
    sheet = excel.sheet_named("单据")["values"]
    sheet.insert(0, ["XX 店 单据", *[""] * (len(sheet[0]) - 1)])  # a title row above the header
    status = sheet[1].index("状态")
    for line in sheet[2:]:
        if line[0]:
            line[status] = "已过账"
    sheet.append(["合计（手工）", *[""] * (len(sheet[1]) - 1)])
    posted = [list(line) for line in sheet]
    _set(excel, 2, "amount", 5)
    excel.run(generate_vouchers)
    after = excel.sheet_named("单据")["values"]
    assert after[: len(posted)] == posted  # title, header, posted lines and the typed total untouched
    assert any(str(line[0]).endswith("-R") for line in after[len(posted):])


def test_report_links_quote_an_awkward_sheet_name(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    book = build_register_workbook([valid_row(resolution=None, amount=None, resolved_at=None, paid_at=None,
                                              status="待处理", refund_channel=None)])
    book["登记表"].title = "O'Brien\"s"
    book.save(path)
    excel = Excel(payload_from_xlsx(path, clock=DAY1), clock=DAY1)
    excel.run(end_of_day)
    links = [line[0] for line in excel.sheet_named("日结")["values"] if str(line[0]).startswith("=HYPERLINK")]
    assert links and all(re.fullmatch(r'=HYPERLINK\("#\'O\'\'Brien""s\'!A\d+","[^"]*"\)', link) for link in links)
