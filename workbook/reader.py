"""Reading a register workbook: find the register sheet and its header row, keep Excel positions.

python-calamine reads the cells (about 12× faster than openpyxl on 100,000 rows, see
shared/research/clients.md); error cells, which calamine reads as '', are put back from the XML.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from aftersales.cells import ExcelError
from aftersales.issues import Issue
from aftersales.locate import HEADER_SEARCH_ROWS, choose_register_sheet, register_from_rows
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.sheets import POLICY_SHEET, VOUCHER_SHEET
from workbook.xlsx_errors import error_cells


class RegisterError(Exception):
    """The file cannot be used as a register; the message is one line for the user."""


@dataclass(frozen=True)
class RegisterFile:
    path: Path
    raw: RawRegister
    policy: Policy = DEFAULT_POLICY
    policy_issues: list[Issue] = field(default_factory=list)
    sheet_names: tuple[str, ...] = ()
    voucher_rows: list[list[object]] = field(default_factory=list)
    """The rows of sheet 单据 when the workbook has one (its posted vouchers must be kept)."""


def _open(path: Path) -> calamine.CalamineWorkbook:
    if not path.exists():
        raise RegisterError(f"找不到文件：{path}")
    if path.is_dir():
        raise RegisterError(f"这是一个文件夹，不是 Excel 文件：{path}")
    if path.suffix.lower() in (".xlsx", ".xlsm") and not zipfile.is_zipfile(path):
        raise RegisterError(f"不是有效的 Excel 文件（.xlsx 应是 zip 包，文件可能已损坏）：{path}")
    try:
        return calamine.CalamineWorkbook.from_path(os.fspath(path))
    except calamine.PasswordError:
        raise RegisterError(f"文件有密码保护，请先在 Excel 中取消密码：{path}") from None
    except Exception as error:  # calamine raises many kinds for corrupt or foreign files
        raise RegisterError(f"无法读取 Excel 文件（{type(error).__name__}）：{path}") from None


def _sheet_rows(book: calamine.CalamineWorkbook, name: str, nrows: int | None = None) -> list[list[object]]:
    try:
        sheet = book.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False, nrows=nrows)  # type: ignore[no-any-return]
    except Exception as error:  # a damaged sheet part
        raise RegisterError(f"无法读取工作表「{name}」（{type(error).__name__}）") from None


def _choose_sheet(book: calamine.CalamineWorkbook, names: Sequence[str]) -> tuple[str, list[list[object]]]:
    name = choose_register_sheet(names, lambda sheet: _sheet_rows(book, sheet, nrows=HEADER_SEARCH_ROWS))
    if name is None:
        raise RegisterError(
            "找不到登记表：没有名为「登记表」的工作表，其他工作表前 11 行也没有登记表的表头（如 登记时间、订单号、买家）"
        )
    return name, _sheet_rows(book, name)


def _restore_errors(rows: list[list[object]], errors: dict[tuple[int, int], str]) -> None:
    for (row, col), code in errors.items():
        if row < len(rows):
            cells = rows[row]
            if col >= len(cells):
                cells.extend([""] * (col + 1 - len(cells)))
            cells[col] = ExcelError(code)


def read_register(path: str | os.PathLike[str]) -> RegisterFile:
    """Read the register (and its 政策 sheet) of a workbook.

    Raises:
        RegisterError: the file is missing, not a spreadsheet, damaged, or holds no register.
    """
    path = Path(path)
    book = _open(path)
    names = tuple(book.sheet_names)
    sheet, rows = _choose_sheet(book, names)
    _restore_errors(rows, error_cells(os.fspath(path), sheet))
    raw = register_from_rows(sheet, rows)
    policy, policy_issues = DEFAULT_POLICY, []
    if POLICY_SHEET in names:
        policy_rows = _sheet_rows(book, POLICY_SHEET)
        _restore_errors(policy_rows, error_cells(os.fspath(path), POLICY_SHEET))
        policy, policy_issues = parse_policy(policy_rows)
    vouchers = _sheet_rows(book, VOUCHER_SHEET) if VOUCHER_SHEET in names else []
    return RegisterFile(path, raw, policy, policy_issues, names, vouchers)

