"""Data safety and hostile inputs (issue 8): nothing a shop typed is ever lost, no bad file crashes us."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pytest

from aftersales.columns import BY_KEY, COLUMNS, column_letter
from tests.domain import valid_row
from workbook.cli import main
from workbook.reader import read_register
from workbook.template import build_register_workbook, demo_register_workbook

NOW = "2026-11-21T18:30"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def register(tmp_path: Path) -> Path:
    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--now", NOW],
        ["check", "--now", NOW, "--json"],
        ["vouchers", "--now", NOW, "-o", "OUT"],
        ["refunds", "--date", "2026-11-21", "--now", NOW, "-o", "OUT"],
        ["eod", "--now", NOW, "-o", "OUT"],
    ],
)
def test_every_command_leaves_its_input_byte_identical(register: Path, command: list[str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    before, mtime = digest(register), register.stat().st_mtime_ns
    args = [str(register.with_name("out.xlsx")) if a == "OUT" else a for a in command]
    main([args[0], str(register), *args[1:]])
    capsys.readouterr()
    assert digest(register) == before and register.stat().st_mtime_ns == mtime


def test_a_write_that_fails_half_way_leaves_the_previous_file(register: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """(The same with a real OS-level failure: tests/workbook/test_output_safety.py.)"""
    import workbook.files

    out = register.with_name("eod.xlsx")
    out.write_bytes(b"yesterday's report")
    write = workbook.files._write_new

    def full_disk(path: Path, data: bytes) -> None:
        write(path, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook.files, "_write_new", full_disk)
    code = main(["eod", str(register), "--now", NOW, "-o", str(out), "--force"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "No space left" in err and "磁盘已满" in err
    assert out.read_bytes() == b"yesterday's report"
    assert sorted(p.name for p in out.parent.iterdir()) == ["eod.xlsx", "register.xlsx"]  # no temp file left


def _one_line_exit_2(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["check", str(path), "--now", NOW])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_an_xls_renamed_to_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)  # an OLE2 (.xls) header
    assert "不是有效的 Excel 文件" in _one_line_exit_2(path, capsys)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = register.with_name("bomb.xlsx")
    with zipfile.ZipFile(register) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet9.xml":
                data = data.replace(b"</worksheet>", b" " * (120 * 1024**2) + b"</worksheet>")
            target.writestr(item, data)
    assert bomb.stat().st_size < 2 * 1024**2
    assert "文件解压后过大" in _one_line_exit_2(bomb, capsys)


def test_a_stray_value_at_row_1048576_is_read_without_allocating_the_rows_between(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = build_register_workbook([valid_row()])
    check = column_letter(COLUMNS.index(BY_KEY["check"]))
    book["登记表"][f"{check}1048576"] = "x"  # under 校验, an output column: no case
    path = tmp_path / "stray.xlsx"
    book.save(path)
    assert [row for row, _ in read_register(path).raw.rows] == [2]
    assert main(["check", str(path), "--now", NOW]) == 0


def test_formatting_down_to_row_1048576_is_fine(tmp_path: Path) -> None:
    from openpyxl.styles import PatternFill

    book = build_register_workbook([valid_row()])
    book["登记表"]["A1048576"].fill = PatternFill("solid", fgColor="FF0000")
    path = tmp_path / "formatted.xlsx"
    book.save(path)
    assert [row for row, _ in read_register(path).raw.rows] == [2]


def test_merged_cells_in_the_data_area(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = build_register_workbook([valid_row(), valid_row(case_id="SH2", buyer="b2", order_id="223456789012345678")])
    sheet = book["登记表"]
    sheet.merge_cells("U2:U3")  # 问题描述 merged over two cases: only the top cell keeps the text
    path = tmp_path / "merged.xlsx"
    book.save(path)
    assert main(["check", str(path), "--now", NOW, "--json"]) == 1
    out = capsys.readouterr().out
    assert '"row": 3' in out and "required-missing" in out  # the second case is told to fill it in


def test_formulas_use_cached_values_and_are_flagged_without_one(tmp_path: Path) -> None:
    book = build_register_workbook([valid_row()])
    book["登记表"]["N2"] = "=99+1"  # 实付金额 as a formula, saved by a script: no cached value
    path = tmp_path / "formula.xlsx"
    book.save(path)
    from datetime import datetime

    from aftersales.validate import validate

    register = read_register(path)
    report = validate(register.raw, datetime(2026, 11, 21, 18, 30), register.policy)
    issue = next(i for i in report.issues if i.code == "excel-error")
    assert (issue.row, issue.column, issue.field) == (2, "N", "实付金额") and "未计算" in issue.message
    # The same file after a spreadsheet program calculated it: the cached value is used.
    from tests.tools import libreoffice_convert

    out = tmp_path / "lo"
    out.mkdir()
    calculated = read_register(libreoffice_convert(path, out))
    report = validate(calculated.raw, datetime(2026, 11, 21, 18, 30), calculated.policy)
    assert report.results[0].case.paid_amount == 100
    assert not [i for i in report.issues if i.code == "excel-error"]


def test_duplicate_headers_use_the_first_and_stray_spaces_or_full_width_still_match(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "登记表"
    keys = ["registered_at", "order_id", "buyer", "agent", "case_type", "description", "paid_amount"]
    headers = [" 登记时间 ", "订单号\u3000", "买家", "客服", "售后类型", "问题描述", "实付金额", "实付金额"]
    sheet.append(headers)
    row = valid_row()
    sheet.append([row[k] for k in keys] + ["别的数"])
    path = tmp_path / "headers.xlsx"
    book.save(path)
    register = read_register(path)
    from datetime import datetime

    from aftersales.validate import validate

    report = validate(register.raw, datetime(2026, 11, 21, 18, 30))
    case = report.results[0].case
    assert case.registered_at == row["registered_at"] and case.order_id == row["order_id"]
    assert case.paid_amount == row["paid_amount"]  # the first 实付金额 column, not the second
    assert "header-missing" not in {i.code for i in report.issues}


@pytest.mark.parametrize("text", ["=1+1", "+86 1380000", "-负数", "@SUM(A1)", "\t=1+1", "\r=2"])
def test_exports_keep_formula_looking_text_as_text(tmp_path: Path, text: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    row = valid_row(buyer=text, note=text, paid_at=None)  # not paid yet: on the 退款表
    path = tmp_path / "register.xlsx"
    build_register_workbook([row]).save(path)
    out = tmp_path / "refunds.xlsx"
    main(["refunds", str(path), "--date", "2026-11-21", "--now", NOW, "-o", str(out)])
    capsys.readouterr()
    sheet = openpyxl.load_workbook(out)["退款表"]
    cell = sheet.cell(row=2, column=5)  # 买家
    assert (cell.value, cell.data_type) == (text.strip(), "s")  # trimmed like every cell, still text


def test_finance_keeps_the_full_account_and_the_report_masks_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    row = valid_row(paid_at=None, status="已给方案", payee_account="13800001234")
    path = tmp_path / "register.xlsx"
    build_register_workbook([row]).save(path)
    main(["refunds", str(path), "--date", "2026-11-21", "--now", NOW, "-o", str(tmp_path / "r.xlsx")])
    main(["eod", str(path), "--now", NOW, "-o", str(tmp_path / "e.xlsx")])
    capsys.readouterr()
    refunds = openpyxl.load_workbook(tmp_path / "r.xlsx")["退款表"]
    assert refunds.cell(row=2, column=7).value == "13800001234"
    report = " ".join(str(v) for r in openpyxl.load_workbook(tmp_path / "e.xlsx")["日结"].iter_rows(values_only=True)
                      for v in r if v is not None)
    assert "13800001234" not in report and "*******1234" in report
