"""The 日结 button on the remote engine: sheet 日结 written in one block, listed cases linked to their
register rows, two charts made once and updated after, idempotent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addin.scripts import end_of_day, validate_register
from aftersales.demo import demo_now, demo_rows
from tests.addin.payload import Excel, payload_from_xlsx
from workbook.template import build_register_workbook, demo_register_workbook

LINK = re.compile(r"""^=HYPERLINK\("#'(?P<sheet>[^']+)'!A(?P<row>\d+)","(?P<label>[^"]*)"\)$""")


@pytest.fixture()
def excel(tmp_path: Path) -> Excel:
    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    book = Excel(payload_from_xlsx(path, clock=demo_now()), clock=demo_now())
    book.run(validate_register)
    return book


def test_report_is_written_with_headline_figures_first(excel: Excel) -> None:
    excel.run(end_of_day)
    values = excel.sheet_named("日结")["values"]
    assert str(values[0][0]).startswith("日结 2026-11-21")
    assert values[1][0] == "需要下班前处理" and values[1][1] > 0
    assert values[2][:2] == ["今日登记", 61]
    log = excel.sheet_named("操作记录")["values"][-1]
    assert log[1] == "日结" and "当天给方案 96.7%" in log[2]


def test_every_listed_case_links_to_its_own_register_row(excel: Excel) -> None:
    excel.run(end_of_day)
    register = excel.sheet_named("登记表")["values"]
    links = [LINK.match(str(line[0])) for line in excel.sheet_named("日结")["values"]]
    found = [m for m in links if m]
    assert len(found) > 10
    for match in found:
        assert match["sheet"] == "登记表"
        row = int(match["row"])
        if match["label"] != "（无单号）":
            assert register[row - 1][0] == match["label"]  # the link lands on that case's row


def test_charts_are_made_once_and_updated_after(excel: Excel) -> None:
    first = excel.run(end_of_day)
    assert [a["func"] for a in first].count("addChart") == 2
    charts = excel.sheet_named("日结")["charts"]
    assert [c["name"] for c in charts] == ["AS_chart_1", "AS_chart_2"]
    values = excel.sheet_named("日结")["values"]
    assert values[0][7:9] == ["售后类型", "条数"] and len([line for line in values[1:17] if line[7]]) == 16
    assert [c["source"] for c in charts] == ["H1:I17", "H19:I24"]  # fixed cells: the sources never move
    heights = [a["args"][7] for a in first if a["func"] == "addChart"]
    assert heights[0] >= 16 * 22  # room for every one of the 16 case-type labels (SPEC §14.6)
    second = excel.run(end_of_day)
    assert "addChart" not in [a["func"] for a in second]
    assert excel.sheet_named("日结")["charts"] == charts


def test_pressing_again_leaves_the_same_report(excel: Excel) -> None:
    excel.run(end_of_day)
    before = [list(line) for line in excel.sheet_named("日结")["values"]]
    colours = dict(excel.colours)
    excel.run(end_of_day)
    assert excel.sheet_named("日结")["values"] == before
    assert excel.colours == colours


def test_what_needs_action_is_coloured(excel: Excel) -> None:
    excel.run(end_of_day)
    assert excel.colours[("日结", "A2")] == "#FFC7CE"  # 需要下班前处理
    values = excel.sheet_named("日结")["values"]
    overdue = next(i for i, line in enumerate(values, start=1) if str(line[0]).startswith("超时未给方案（"))
    assert excel.colours[("日结", f"A{overdue + 2}")] == "#FFC7CE"  # the first overdue case


def test_no_buyer_phone_or_account_in_clear(tmp_path: Path) -> None:
    rows = demo_rows()
    rows[0]["buyer"] = "13912345678"
    path = tmp_path / "register.xlsx"
    build_register_workbook(rows).save(path)
    excel = Excel(payload_from_xlsx(path, clock=demo_now()), clock=demo_now())
    excel.run(end_of_day)
    text = " ".join(str(v) for line in excel.sheet_named("日结")["values"] for v in line)
    accounts = [str(r.get("payee_account")) for r in rows if r.get("payee_account")]
    assert "13912345678" not in text
    assert not [a for a in accounts if a in text]


def test_an_excel_that_reports_no_charts_does_not_get_them_again(excel: Excel) -> None:
    """Office.js may not send the sheet's charts to Python: the state sheet remembers them (issue 15)."""
    excel.run(end_of_day)
    excel.sheet_named("日结")["charts"] = []  # what such a client reports
    again = excel.run(end_of_day)
    assert "addChart" not in [a["func"] for a in again]
