"""LibreOffice Calc as an independent client: our workbooks open there, and what it saves back
reads and checks the same (shared/research/clients.md)."""

from __future__ import annotations

from pathlib import Path

from aftersales.columns import COLUMNS
from aftersales.demo import demo_now, demo_rows
from aftersales.validate import validate
from tests.tools import libreoffice_convert
from workbook.reader import read_register
from workbook.template import TABLE_NAME, build_register_workbook


def _issues(path: Path) -> list[tuple[int | None, str | None, str]]:
    register = read_register(path)
    report = validate(register.raw, demo_now(), register.policy, register.policy_issues)
    return [(i.row, i.column, i.code) for i in report.issues]


def test_demo_register_round_trips_through_libreoffice(tmp_path: Path) -> None:
    ours = tmp_path / "register.xlsx"
    build_register_workbook(demo_rows()).save(ours)
    out = tmp_path / "lo"
    out.mkdir()
    theirs = libreoffice_convert(ours, out)
    register = read_register(theirs)
    assert register.raw.sheet == "登记表"
    assert [str(h) for h in register.raw.header[: len(COLUMNS)]] == [c.header for c in COLUMNS]
    assert set(register.sheet_names) >= {"登记表", "政策", "说明"}
    # Same cases, same issues at the same cells, read from LibreOffice's own file.
    assert _issues(theirs) == _issues(ours)
    assert len(register.raw.rows) == len(demo_rows())


def test_blank_template_keeps_its_table_and_dropdowns_in_libreoffice(tmp_path: Path) -> None:
    import openpyxl

    ours = tmp_path / "blank.xlsx"
    build_register_workbook().save(ours)
    out = tmp_path / "lo"
    out.mkdir()
    theirs = openpyxl.load_workbook(libreoffice_convert(ours, out))
    sheet = theirs["登记表"]
    assert TABLE_NAME in sheet.tables
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == sum(1 for c in COLUMNS if c.choices is not None)
