"""What a person types into the workbook reads back with the same values at the same positions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from aftersales.columns import BY_KEY, COLUMNS, column_letter
from aftersales.taxonomy import CaseType, Resolution
from aftersales.validate import validate
from workbook.reader import read_register
from workbook.template import TEMPLATE_PATH

NOW = datetime(2026, 11, 21, 18, 30)
TYPED = [  # (key, what the person typed, what the case holds)
    ("case_id", "SH20261121-001", "SH20261121-001"),
    ("registered_at", datetime(2026, 11, 21, 9, 30), datetime(2026, 11, 21, 9, 30)),
    ("platform", "天猫", "天猫"),
    ("order_id", "123456789012345678", "123456789012345678"),
    ("ordered_at", date(2026, 11, 18), datetime(2026, 11, 18)),
    ("buyer", "tb_小明", "tb_小明"),
    ("agent", "小王", "小王"),
    ("case_type", "破损", CaseType.DAMAGED),
    ("signed_at", "2026/11/20 15:00", datetime(2026, 11, 20, 15, 0)),
    ("sku", "YF-1001", "YF-1001"),
    ("qty", 2, 2),
    ("paid_amount", 199.9, Decimal("199.90")),
    ("order_profit", "¥30", Decimal("30.00")),
    ("severity", "轻微", "轻微"),
    ("evidence_count", 4, 4),
    ("description", "外箱压坏", "外箱压坏"),
    ("resolution", "补偿", Resolution.PARTIAL_REFUND),
    ("amount", "12.5元", Decimal("12.50")),
    ("refund_channel", "支付宝返现", "支付宝返现"),
    ("payee_account", "13800001234", "13800001234"),
    ("status", "已完成", "已完成"),
    ("resolved_at", datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 21, 10, 0)),
    ("paid_at", "2026年11月21日 10:20", datetime(2026, 11, 21, 10, 20)),
]


def _assert_case(case, columns: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for key, _typed, held in TYPED:
        if key != "case_id":
            assert getattr(case, key) == held, key
        assert case.source.columns[key] == columns[key], key


def test_template_filled_as_a_person_types(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(TEMPLATE_PATH)
    sheet = book["登记表"]
    for row in (2, 4):  # row 3 left blank, as happens
        for key, typed, _held in TYPED:
            sheet[f"{column_letter(COLUMNS.index(BY_KEY[key]))}{row}"] = typed
    sheet["A4"] = "SH20261121-002"
    path = tmp_path / "filled.xlsx"
    book.save(path)

    register = read_register(path)
    report = validate(register.raw, NOW, register.policy)
    assert [r.case.row for r in report.results] == [2, 4]
    letters = {key: column_letter(COLUMNS.index(BY_KEY[key])) for key, _, _ in TYPED}
    for result in report.results:
        _assert_case(result.case, letters)
    assert [r.case.case_id for r in report.results] == ["SH20261121-001", "SH20261121-002"]
    assert report.issues == ()  # typed right, so nothing to report


def test_own_layout_with_title_rows_an_extra_column_and_reordered_headers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "登记表"
    sheet["A1"] = "XX旗舰店 售后登记表"
    sheet["A2"] = "2026年11月"
    keys = [key for key, _, _ in reversed(TYPED)]
    sheet.append(["序号", *[BY_KEY[key].header for key in keys[:-3]], *keys[-3:]])  # 3 headers as English keys
    for number in range(1, 4):
        sheet.append([number, *[typed for key in keys for k, typed, _ in TYPED if k == key]])
    sheet.append([4])  # a prefilled 序号 with nothing else: not a case
    sheet.append([None])
    sheet.append([5, *[typed for key in keys for k, typed, _ in TYPED if k == key]])
    sheet.cell(row=4, column=1 + keys.index("order_id") + 1).number_format = "@"
    path = tmp_path / "own.xlsx"
    book.save(path)

    register = read_register(path)
    assert register.raw.header_row == 3
    report = validate(register.raw, NOW)
    assert [r.case.row for r in report.results] == [4, 5, 6, 9]
    letters = {key: column_letter(1 + keys.index(key)) for key in keys}
    for result in report.results:
        _assert_case(result.case, letters)
    assert {i.code for i in report.issues} <= {"duplicate-case-id", "duplicate-case"}
    assert all(i.column == letters["case_id"] for i in report.issues if i.code == "duplicate-case-id")
