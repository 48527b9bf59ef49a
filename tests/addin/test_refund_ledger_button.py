"""The 退款表 button against a ledger people have been working in (issue 12 items 12 and 14, SPEC
§14.5): notes above the header, a deleted header, batches deleted, sorted or moved to an archive,
the sheet deleted, a case renumbered after export. It finds the header where it is, never writes
above it or into a line someone typed, never exports a case twice, never reuses a batch number, and
exports nothing (saying why) when the ledger cannot be trusted."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from addin.scripts import build_refund_sheet, validate_register
from tests.addin.payload import Excel
from tests.addin.test_voucher_refund_buttons import (
    BATCH_1,
    BATCH_2,
    CLEAN_PARTIAL,
    PENDING,
    PENDING_HEADERS,
    REFUND_HEADERS,
    REFUNDS,
    WAITING_RETURN,
    excel_for,
    log_lines,
    records,
    register_set,
    rows_of,
)

STATE = "_aftersales"


def exported(demo_workbook: Path) -> Excel:
    """The demo day after 校验 and a first press of 退款表 (batch 01)."""
    excel = excel_for(demo_workbook)
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    assert {r["批次号"] for r in records(excel, REFUNDS, REFUND_HEADERS)} == {BATCH_1}
    return excel


def ledger_lines(excel: Excel, name: str = REFUNDS) -> list[list[object]]:
    return [line for line in excel.sheet_named(name)["values"] if line and str(line[0]).startswith("FK")]


def refused(excel: Excel, words: str) -> None:
    assert excel.alerts and words in excel.alerts[-1]
    assert log_lines(excel)[-1][2].startswith("没有导出")


def test_notes_above_the_header_are_never_written_over(demo_workbook: Path) -> None:
    excel = excel_for(demo_workbook)
    sheet = excel.sheet_named(REFUNDS)
    width = len(sheet["values"][0])
    notes = [[f"财务说明第 {n} 行", *[""] * (width - 1)] for n in range(1, 13)]
    sheet["values"] = [*notes, *sheet["values"]]
    before = copy.deepcopy(sheet["values"][:13])
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    values = excel.sheet_named(REFUNDS)["values"]
    assert values[:13] == before  # 12 note lines and the header, untouched
    assert values[13][0] == BATCH_1 and values[12][:2] == ["批次号", "售后单号"]
    excel.run(build_refund_sheet)
    assert excel.sheet_named(REFUNDS)["values"][:13] == before


def test_a_deleted_header_row_exports_nothing_and_says_why(demo_workbook: Path) -> None:
    excel = exported(demo_workbook)
    sheet = excel.sheet_named(REFUNDS)
    sheet["values"] = [line for line in sheet["values"] if line[0] != "批次号"]
    before = copy.deepcopy(sheet["values"])
    register_set(excel, WAITING_RETURN, "状态", "待退款")  # a case becomes payable
    excel.run(build_refund_sheet)
    refused(excel, "表头")
    assert excel.sheet_named(REFUNDS)["values"] == before


@pytest.mark.parametrize("how", ["lines deleted", "sheet deleted", "moved without header"])
def test_batches_gone_from_the_ledger_export_nothing(demo_workbook: Path, how: str) -> None:
    excel = exported(demo_workbook)
    lines = ledger_lines(excel)
    sheet = excel.sheet_named(REFUNDS)
    if how == "sheet deleted":
        excel.payload["sheets"].remove(sheet)
    else:
        sheet["values"] = [line for line in sheet["values"] if line not in lines]
    if how == "moved without header":
        excel.payload["sheets"].append({"name": "已付归档", "values": copy.deepcopy(lines), "pictures": [],
                                        "tables": [], "charts": []})
    register_set(excel, WAITING_RETURN, "状态", "待退款")
    excel.run(build_refund_sheet)
    refused(excel, BATCH_1)
    names = [sheet["name"] for sheet in excel.payload["sheets"]]
    if how == "sheet deleted":
        assert REFUNDS not in names  # not made again, empty, as if nothing had been paid
    else:
        assert ledger_lines(excel) == []  # nothing exported


def test_paid_batches_moved_to_an_archive_sheet_still_count(demo_workbook: Path) -> None:
    excel = exported(demo_workbook)
    lines = ledger_lines(excel)
    sheet = excel.sheet_named(REFUNDS)
    sheet["values"] = [line for line in sheet["values"] if line not in lines]
    excel.payload["sheets"].append({"name": "退款表归档", "values": [list(REFUND_HEADERS), *copy.deepcopy(lines)],
                                    "pictures": [], "tables": [], "charts": []})
    excel.run(build_refund_sheet)
    assert not excel.alerts
    assert ledger_lines(excel) == []  # nothing exported again
    register_set(excel, WAITING_RETURN, "状态", "待退款")
    excel.run(build_refund_sheet)
    assert [(line[0], line[1]) for line in ledger_lines(excel)] == [(BATCH_2, WAITING_RETURN)]


def test_a_sorted_ledger_is_still_read(demo_workbook: Path) -> None:
    excel = exported(demo_workbook)
    sheet = excel.sheet_named(REFUNDS)
    filled = [line for line in sheet["values"] if any(v not in (None, "") for v in line)]
    header, rest = filled[0], filled[1:]
    sheet["values"] = [*sorted(rest, key=lambda line: str(line[1]), reverse=True), header]  # header sorted down
    excel.run(build_refund_sheet)
    assert not excel.alerts and "没有新的" in log_lines(excel)[-1][2]


def test_a_renumbered_case_is_held_as_a_possible_double_payment(demo_workbook: Path) -> None:
    excel = exported(demo_workbook)
    before = copy.deepcopy(excel.sheet_named(REFUNDS)["values"])
    register_set(excel, CLEAN_PARTIAL, "售后单号", "SH20261121-901")  # cleared and numbered again
    excel.run(build_refund_sheet)
    assert excel.sheet_named(REFUNDS)["values"] == before
    held = {r["售后单号"]: r for r in records(excel, PENDING, PENDING_HEADERS)}
    assert "possible-double-payment" in str(held["SH20261121-901"]["原因"])
    assert excel.alerts and "possible-double-payment" in excel.alerts[-1]
    assert "possible-double-payment" in log_lines(excel)[-1][2]


def test_batch_numbers_are_never_reused(demo_workbook: Path) -> None:
    excel = exported(demo_workbook)
    register_set(excel, WAITING_RETURN, "状态", "待退款")
    excel.run(build_refund_sheet)
    assert {line[0] for line in ledger_lines(excel)} == {BATCH_1, BATCH_2}
    state = excel.sheet_named(STATE)["values"]
    issued = [cell for line in state for cell in line if str(cell).startswith("FK20261121-")]
    assert BATCH_1 in issued and BATCH_2 in issued
    assert rows_of(excel, REFUNDS)[0] == REFUND_HEADERS


def test_the_first_batch_of_a_register_without_a_ledger_goes_under_the_header(tmp_path: Path) -> None:
    # Found by the five-day test: the header written this run was not in what had been read, and the
    # first batch was written over it; the next day's proposal then refused the ledger.
    from datetime import datetime

    from tests.addin.payload import payload_from_xlsx
    from tests.domain import valid_row
    from tests.workbook.xlsx import register_book, save

    path = save(register_book([valid_row(paid_at=None, status="已给方案")]), tmp_path / "own.xlsx")
    clock = datetime(2026, 11, 21, 17, 0)
    excel = Excel(payload_from_xlsx(path, clock=clock), clock=clock)
    excel.run(build_refund_sheet)
    values = excel.sheet_named(REFUNDS)["values"]
    assert values[0][: len(REFUND_HEADERS)] == list(REFUND_HEADERS)
    (first,) = [line[0] for line in ledger_lines(excel)]  # no state sheet: the computer's clock names it
    excel.run(build_refund_sheet)  # the next press reads the ledger it wrote
    assert [line[0] for line in ledger_lines(excel)] == [first]
    assert "没有导出" not in log_lines(excel)[-1][2]
