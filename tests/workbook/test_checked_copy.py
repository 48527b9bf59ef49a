"""`aftersales check REGISTER -o OUT.xlsx` (SPEC §14.7): a copy with exactly what the 校验 button writes.

The button runs on xlwings' remote engine (the engine of xlwings Lite, tests/addin/payload.py) and the
command on the same file; the two results are compared cell by cell, colours included. The copy read
back gives the same issues, and the input stays byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.scripts import validate_register
from aftersales.columns import BY_KEY, OUTPUT_COLUMNS
from aftersales.demo import demo_now
from aftersales.sheets import ERROR_COLOUR, LOG_SHEET, STATE_SHEET, WARNING_COLOUR
from tests.addin.payload import Excel, payload_from_xlsx
from tests.domain import KEYS, valid_row
from tests.workbook.xlsx import letter_of, register_book, save
from workbook.checked_copy import write_checked_copy
from workbook.cli import main
from workbook.reader import read_register

NOW = demo_now()
NOW_TEXT = f"{NOW:%Y-%m-%d %H:%M}"
REGISTER = "登记表"
Capsys = pytest.CaptureFixture[str]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plain(value: object) -> object:
    """A cell as a person reads it, whichever client wrote it (dates, numbers, blanks)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, str):
        found = re.fullmatch(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.000Z)?", value)
        if found:
            return datetime.fromisoformat(f"{found[1]} {found[2]}")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return value


def grid(values: list[list[object]]) -> dict[tuple[int, int], object]:
    return {(r, c): plain(v) for r, row in enumerate(values) for c, v in enumerate(row) if plain(v) != ""}


def copy_colours(path: Path, sheet: str) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    found = {}
    for row in book[sheet].iter_rows():
        for cell in row:
            if cell.fill.fill_type == "solid":
                colour = "#" + str(cell.fill.fgColor.rgb)[-6:]
                if colour in (ERROR_COLOUR, WARNING_COLOUR):
                    found[cell.coordinate] = colour
    return found


def button_and_copy(register: Path, out: Path) -> tuple[Excel, Path]:
    excel = Excel(payload_from_xlsx(register, clock=NOW), clock=NOW)
    excel.run(validate_register)
    assert main(["check", str(register), "-o", str(out), "--now", NOW_TEXT]) in (0, 1)
    return excel, out


def assert_same_as_the_button(excel: Excel, copy: Path, sheet: str = REGISTER) -> None:
    written = payload_from_xlsx(copy)
    by_name = {s["name"]: s for s in written["sheets"]}
    assert grid(by_name[sheet]["values"]) == grid(excel.sheet_named(sheet)["values"])
    button_colours = {cell: colour for (name, cell), colour in excel.colours.items() if name == sheet}
    assert copy_colours(copy, sheet) == button_colours
    assert button_colours  # the comparison means something: there are coloured cells
    log = [row for row in by_name[LOG_SHEET]["values"] if any(row)]
    assert [row[1:] for row in log] == [row[1:] for row in excel.sheet_named(LOG_SHEET)["values"] if any(row)]
    # The state sheet remembers the same coloured cells (so the button, run later in Excel, clears them).
    state = [row for row in by_name[STATE_SHEET]["values"][2:] if any(row)]
    assert state == [row for row in excel.sheet_named(STATE_SHEET)["values"][2:] if any(row)]


def issue_keys(path: Path, sheet: str | None = None) -> set[tuple[object, ...]]:
    from aftersales.validate import validate

    register = read_register(path, sheet)
    report = validate(register.raw, NOW, register.policy, register.extra_issues)
    return {(i.row, i.column, i.code, i.severity.value) for i in report.issues if i.code != "case-id-missing"}


def test_the_demo_copy_holds_exactly_what_the_button_writes(demo_workbook: Path, tmp_path: Path) -> None:
    before = digest(demo_workbook)
    excel, copy = button_and_copy(demo_workbook, tmp_path / "checked.xlsx")
    assert digest(demo_workbook) == before  # the input is byte-identical
    assert_same_as_the_button(excel, copy)
    assert issue_keys(copy) == issue_keys(demo_workbook)
    assert "case-id-missing" not in {code for _, _, code, _ in issue_keys(copy)}


def self_made_register(path: Path) -> Path:
    """A shop's own register: two title rows, columns in its own order, two columns of its own, no
    output columns, a table, and a formula in 实付金额."""
    keys = [k for k in KEYS if k not in ("tracking_no", "received_qty")]
    keys = keys[5:] + keys[:5]
    rows = [valid_row(case_id=None), valid_row(case_id="SH20261121-002", amount=Decimal("60.00"), order_id="1" * 18),
            valid_row(case_id="SH20261121-003", order_id="223456789012345678", evidence_count=1,
                      resolution="解释说明", amount=None)]
    book = register_book(rows, keys=keys, titles=["XX旗舰店 售后登记", "2026年11月"],
                         extra={3: ("跟单", lambda n: f"跟单{n}"), 9: ("我的备注", lambda n: "老客户")}, table="Reg")
    sheet = book.active
    assert sheet is not None
    column = next(cell.column_letter for cell in sheet[3] if cell.value == BY_KEY["paid_amount"].header)
    sheet[f"{column}4"] = "=50+50"
    save(book, path)
    # Excel's cached result of the formula (openpyxl writes none): as Excel would have saved it.
    from tests.workbook.xlsx import rewrite_part

    rewrite_part(path, "xl/worksheets/sheet1.xml",
                 lambda xml: xml.replace("<f>50+50</f><v></v>", "<f>50+50</f><v>100</v>")
                 .replace("<f>50+50</f><v/>", "<f>50+50</f><v>100</v>")
                 .replace("<f>50+50</f><v />", "<f>50+50</f><v>100</v>"))
    return path


def test_a_self_made_register_with_titles_and_own_columns(tmp_path: Path) -> None:
    register = self_made_register(tmp_path / "own.xlsx")
    before = digest(register)
    excel, copy = button_and_copy(register, tmp_path / "own-checked.xlsx")
    assert digest(register) == before
    assert_same_as_the_button(excel, copy)
    assert issue_keys(copy) == issue_keys(register)
    sheet = openpyxl.load_workbook(copy)[REGISTER]
    assert [sheet["A1"].value, sheet["A2"].value] == ["XX旗舰店 售后登记", "2026年11月"]
    headers = [cell.value for cell in sheet[3] if cell.value]
    assert headers[-4:] == [column.header for column in OUTPUT_COLUMNS]  # appended after the last column
    assert {"跟单", "我的备注"} <= set(headers)
    assert sheet.tables["Reg"].ref.endswith(str(sheet.max_row)) and len(sheet.tables["Reg"].tableColumns) == len(headers)
    # The formula stays a formula, and its result is kept for readers that do not calculate.
    formulas = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert [cell.value for cell in formulas] == ["=50+50"]
    cached = openpyxl.load_workbook(copy, data_only=True)[REGISTER][formulas[0].coordinate].value
    assert cached == 100


def first_case_ids(path: Path) -> list[str | None]:
    from aftersales.validate import validate

    register = read_register(path)
    return [r.case.case_id for r in validate(register.raw, NOW, register.policy).results]


def test_the_blank_case_id_is_numbered_in_the_copy_only(tmp_path: Path) -> None:
    register = self_made_register(tmp_path / "own.xlsx")
    copy = tmp_path / "copy.xlsx"
    assert main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT]) in (0, 1)
    assert first_case_ids(register)[0] is None
    numbered = first_case_ids(copy)
    assert re.fullmatch(r"SH20261121-\d{3}", numbered[0] or "") and numbered[1:] == first_case_ids(register)[1:]


# --- the command --------------------------------------------------------------------------------


def test_the_copy_is_never_the_input_and_never_overwritten_without_force(demo_workbook: Path, tmp_path: Path,
                                                                         capsys: Capsys) -> None:
    before = digest(demo_workbook)
    assert main(["check", str(demo_workbook), "-o", str(demo_workbook), "--now", NOW_TEXT, "--force"]) == 2
    assert "输入文件本身" in capsys.readouterr().err
    out = tmp_path / "copy.xlsx"
    out.write_bytes(b"mine")
    assert main(["check", str(demo_workbook), "-o", str(out), "--now", NOW_TEXT]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"mine"
    assert main(["check", str(demo_workbook), "-o", str(out), "--now", NOW_TEXT, "--force"]) == 1
    assert out.read_bytes()[:2] == b"PK" and digest(demo_workbook) == before


def test_human_output_shows_recommendation_and_ceiling_of_each_listed_row(demo_workbook: Path, tmp_path: Path,
                                                                          capsys: Capsys) -> None:
    code = main(["check", str(demo_workbook), "-o", str(tmp_path / "c.xlsx"), "--now", NOW_TEXT])
    out = capsys.readouterr().out
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("登记表!第 ")]
    assert rows and all("推荐方案 " in line and "补偿上限 " in line for line in rows)
    assert "已写入校验后的副本" in out and "原文件未改动" in out


def test_plain_check_also_shows_recommendation_and_ceiling(demo_workbook: Path, capsys: Capsys) -> None:
    main(["check", str(demo_workbook), "--now", NOW_TEXT])
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("登记表!第 4 行"))
    assert re.search(r"推荐方案 \S+\s+补偿上限 (\d+\.\d\d|—)", line), line


def test_json_output_names_the_copy_and_its_log_line(demo_workbook: Path, tmp_path: Path, capsys: Capsys) -> None:
    main(["check", str(demo_workbook), "-o", str(tmp_path / "c.xlsx"), "--now", NOW_TEXT, "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["copy"]["path"].endswith("c.xlsx") and shown["copy"]["log"].startswith("62 条售后")
    assert not any(issue["code"] == "case-id-missing" for issue in shown["issues"])


def test_the_sheet_option_checks_the_named_sheet(tmp_path: Path) -> None:
    book = register_book([valid_row()], sheet="11月")
    from tests.workbook.xlsx import write_register

    write_register(book.create_sheet("12月"), [valid_row(amount=Decimal("60.00"))])
    register = save(book, tmp_path / "months.xlsx")
    copy = tmp_path / "c.xlsx"
    assert main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT, "--sheet", "12月"]) == 1
    checked = openpyxl.load_workbook(copy)
    assert checked["12月"].max_column > checked["11月"].max_column  # outputs on 12月 only
    assert any("over-ceiling" in str(cell.value) for cell in checked["12月"][2])


def test_a_users_own_column_named_like_an_output_is_left_alone_and_said(tmp_path: Path, capsys: Capsys) -> None:
    book = register_book([valid_row()], extra={len(KEYS): ("校验", lambda n: "组长已看")})
    register = save(book, tmp_path / "own-check.xlsx")
    copy = tmp_path / "c.xlsx"
    main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT])
    assert openpyxl.load_workbook(copy)[REGISTER].cell(row=2, column=len(KEYS) + 1).value == "组长已看"
    assert "注意：校验：「校验」列" in capsys.readouterr().out


def test_a_workbook_with_macros_needs_an_xlsm_copy(tmp_path: Path, demo_workbook: Path) -> None:
    import zipfile

    register = tmp_path / "macro.xlsm"
    with zipfile.ZipFile(demo_workbook) as source, zipfile.ZipFile(register, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\0" * 16)
    from workbook.reader import RegisterError

    with pytest.raises(RegisterError, match="xlsm"):
        write_checked_copy(register, tmp_path / "c.xlsx", NOW, REGISTER, force=False)


# --- where the outputs go, and what the copy keeps (found trying it as a user) -------------------------


def header_cells(path: Path, sheet: str = REGISTER, row: int = 1) -> dict[int, object]:
    return {cell.column: cell.value for cell in openpyxl.load_workbook(path)[sheet][row] if cell.value is not None}


OUTPUT_HEADERS = [column.header for column in OUTPUT_COLUMNS]


def test_a_stray_value_at_xfd_does_not_push_the_outputs_off_the_sheet(tmp_path: Path) -> None:
    book = register_book([valid_row(amount=Decimal("60.00"))])
    book.active["XFD3"] = "x"  # type: ignore[index]
    register = save(book, tmp_path / "stray.xlsx")
    copy = tmp_path / "c.xlsx"
    assert main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT]) == 1
    headers = header_cells(copy)
    assert [headers.get(len(KEYS) + n) for n in range(1, 5)] == OUTPUT_HEADERS  # right after the header
    assert max(headers) <= 16384
    assert "over-ceiling" in str(openpyxl.load_workbook(copy)[REGISTER].cell(row=2, column=len(KEYS) + 4).value)


def test_outputs_go_past_a_merged_note_and_every_row_is_written(tmp_path: Path, capsys: Capsys) -> None:
    book = register_book([valid_row(amount=Decimal("60.00")), valid_row(case_id="SH20261121-002")])
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=2, column=len(KEYS) + 2, value="组长批注：本周重点")
    sheet.merge_cells(start_row=2, start_column=len(KEYS) + 2, end_row=4, end_column=len(KEYS) + 6)
    register = save(book, tmp_path / "merged.xlsx")
    copy = tmp_path / "c.xlsx"
    assert main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT]) == 1
    assert "内部错误" not in capsys.readouterr().err
    headers = header_cells(copy)
    first = len(KEYS) + 7
    assert [headers.get(first + n) for n in range(4)] == OUTPUT_HEADERS
    checked = openpyxl.load_workbook(copy)[REGISTER]
    assert "over-ceiling" in str(checked.cell(row=2, column=first + 3).value)
    assert checked.cell(row=3, column=first).value  # the second case got its recommendation too
    assert [str(area) for area in checked.merged_cells.ranges] == [str(area) for area in sheet.merged_cells.ranges]


def test_only_the_registers_own_table_grows(tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    book = register_book([valid_row()], table="Register")
    sheet = book.active
    assert sheet is not None
    left = len(KEYS) + 2  # a lookup table of the shop's, one empty column right of the register
    for row, values in enumerate([["客服名单", "工号"], ["小王", 1], ["小李", 2]], start=1):
        for offset, value in enumerate(values):
            sheet.cell(row=row, column=left + offset, value=value)
    staff = f"{sheet.cell(row=1, column=left).coordinate}:{sheet.cell(row=3, column=left + 1).coordinate}"
    sheet.add_table(Table(displayName="Staff", ref=staff))
    register_ref = sheet.tables["Register"].ref
    register = save(book, tmp_path / "tables.xlsx")
    copy = tmp_path / "c.xlsx"
    main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT])
    checked = openpyxl.load_workbook(copy)[REGISTER]
    assert {name: str(ref) for name, ref in checked.tables.items()} == {"Register": register_ref, "Staff": staff}
    assert [header_cells(copy).get(left + 2 + n) for n in range(4)] == OUTPUT_HEADERS


@pytest.mark.parametrize("name", ["c.xlsm", "c.csv", "c.xls", "c"])
def test_the_copy_of_an_xlsx_must_be_named_xlsx(tmp_path: Path, demo_workbook: Path, capsys: Capsys,
                                                name: str) -> None:
    assert main(["check", str(demo_workbook), "-o", str(tmp_path / name), "--now", NOW_TEXT]) == 2
    assert ".xlsx" in capsys.readouterr().err and not (tmp_path / name).exists()


def test_checking_another_sheet_keeps_the_first_sheets_colours_to_clear(tmp_path: Path) -> None:
    from tests.workbook.xlsx import write_register

    book = register_book([valid_row()], sheet="11月")
    write_register(book.create_sheet("12月"), [valid_row(amount=Decimal("60.00"))])
    register = save(book, tmp_path / "months.xlsx")
    first, second, third = (tmp_path / f"c{n}.xlsx" for n in (1, 2, 3))
    main(["check", str(register), "-o", str(first), "--now", NOW_TEXT, "--sheet", "12月"])
    amount = f"{letter_of('amount')}2"
    assert copy_colours(first, "12月").get(amount) == ERROR_COLOUR
    main(["check", str(first), "-o", str(second), "--now", NOW_TEXT, "--sheet", "11月"])
    fixed = openpyxl.load_workbook(second)
    fixed["12月"][amount] = 12  # the agent fixes 12月 after 11月 was checked
    fixed.save(second)
    main(["check", str(second), "-o", str(third), "--now", NOW_TEXT, "--sheet", "12月"])
    assert amount not in copy_colours(third, "12月")


def test_rich_text_in_a_users_cell_is_kept(tmp_path: Path) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = register_book([valid_row()])
    sheet = book.active
    assert sheet is not None
    cell = sheet[f"{letter_of('description')}2"]
    cell.value = CellRichText([TextBlock(InlineFont(b=True, color="FF0000"), "重要："), "大客户，外箱压坏"])
    register = save(book, tmp_path / "rich.xlsx")
    copy = tmp_path / "c.xlsx"
    main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT])
    kept = openpyxl.load_workbook(copy, rich_text=True)[REGISTER][cell.coordinate].value
    assert isinstance(kept, CellRichText) and str(kept) == "重要：大客户，外箱压坏"


def test_a_value_at_the_last_row_costs_no_memory_for_the_rows_between(tmp_path: Path) -> None:
    import subprocess
    import sys

    book = register_book([valid_row()])
    book.active["B1048576"] = "x"  # type: ignore[index]
    register = save(book, tmp_path / "far.xlsx")
    copy = tmp_path / "c.xlsx"
    child = (
        "import resource, sys; from workbook.cli import main\n"
        f"code = main(['check', {str(register)!r}, '-o', {str(copy)!r}, '--now', {NOW_TEXT!r}])\n"
        "print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    code, peak_mib = result.stdout.split()[-2:]
    assert code == "1" and int(peak_mib) < 500, result.stdout[-300:]
    assert copy.stat().st_size < 100_000  # no cell made for the million rows between


def test_numbering_many_scattered_ids_keeps_a_formula_id_in_the_copy(tmp_path: Path) -> None:
    rows = [valid_row(case_id=None if i % 2 else f"SH20261120-{i:03d}", order_id=f"{10**17 + i}", buyer=f"b{i}")
            for i in range(12)]
    book = register_book(rows)
    sheet = book.active
    assert sheet is not None
    sheet["A6"] = '="SH20261120-"&TEXT(1,"000")'  # row 6 (i = 4), between blank ids: a computed id
    register = save(book, tmp_path / "formula-id.xlsx")
    from tests.workbook.xlsx import rewrite_part

    formula = '<f>"SH20261120-"&amp;TEXT(1,"000")</f>'
    rewrite_part(register, "xl/worksheets/sheet1.xml",  # Excel's cached result (openpyxl writes none)
                 lambda xml: xml.replace(f'<c r="A6">{formula}<v /></c>',
                                         f'<c r="A6" t="str">{formula}<v>SH20261120-001</v></c>'))
    copy = tmp_path / "c.xlsx"
    main(["check", str(register), "-o", str(copy), "--now", NOW_TEXT])
    checked = openpyxl.load_workbook(copy)[REGISTER]
    assert checked["A6"].data_type == "f"
    assert all(checked.cell(row=r, column=1).value for r in range(2, 14))
