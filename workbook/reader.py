"""Reading a register workbook: find the register sheet and its header row, keep Excel positions.

python-calamine reads the cells (about 12× faster than openpyxl on 100,000 rows, see
shared/research/clients.md); error cells, which calamine reads as '', are put back from the XML.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from aftersales.cells import ExcelError
from aftersales.gcpause import gc_paused
from aftersales.issues import Issue
from aftersales.locate import HEADER_SEARCH_ROWS, choose_register_sheet, register_from_rows
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.sheets import POLICY_SHEET, VOUCHER_SHEET
from workbook.xlsx_errors import SheetScan, last_value_row, scan_sheet


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
    if zipfile.is_zipfile(path):
        _refuse_bombs(path)
    try:
        return calamine.CalamineWorkbook.from_path(os.fspath(path))
    except calamine.PasswordError:
        raise RegisterError(f"文件有密码保护，请先在 Excel 中取消密码：{path}") from None
    except Exception as error:  # calamine raises many kinds for corrupt or foreign files
        raise RegisterError(f"无法读取 Excel 文件（{type(error).__name__}）：{path}") from None


MAX_UNPACKED = 2 * 1024**3
"""No register unpacks to more than 2 GB (100,000 rows are ~150 MB)."""
MAX_RATIO = 200
"""Real parts compress 5–20×; a large part compressed far more is a zip bomb."""


def _refuse_bombs(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise RegisterError(f"不是有效的 Excel 文件（zip 包已损坏）：{path}") from None
    total = sum(member.file_size for member in members)
    bombs = [m for m in members if m.file_size > 50 * 1024**2 and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNPACKED or bombs:
        size = f"{total / 1024**3:.1f} GB"
        raise RegisterError(f"文件解压后过大（{size}），不像一份登记表，为安全起见不读取：{path}")


def _sheet_rows(book: calamine.CalamineWorkbook, name: str, nrows: int | None = None) -> list[list[object]]:
    try:
        sheet = book.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False, nrows=nrows)  # type: ignore[no-any-return]
    except Exception as error:  # a damaged sheet part
        raise RegisterError(f"无法读取工作表「{name}」（{type(error).__name__}）") from None


SPARSE_ROWS = 200_000
"""A sheet whose last value sits below this row must hold about a value per row to be read: the
reader (python-calamine) allocates every cell up to the last one, so one stray value at row
1,048,576 would cost gigabytes."""


class _Scans:
    """One streaming XML scan per sheet (errors, extent), made before any sheet is loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: dict[str, SheetScan] = {}

    def __call__(self, sheet: str) -> SheetScan:
        if sheet not in self.found:
            scan = scan_sheet(os.fspath(self.path), sheet) if zipfile.is_zipfile(self.path) else SheetScan()
            if scan.last_value_row > SPARSE_ROWS and scan.values < scan.last_value_row:
                raise RegisterError(
                    f"工作表「{sheet}」第 {scan.last_value_row} 行还有内容，但中间几乎都是空行：请删除表格下方多余的内容后再试"
                )
            self.found[sheet] = scan
        return self.found[sheet]


def _choose_sheet(
    book: calamine.CalamineWorkbook, names: Sequence[str], scans: _Scans
) -> tuple[str, list[list[object]]]:
    def head(sheet: str) -> list[list[object]]:
        scans(sheet)  # refuses a sparse giant before calamine would allocate it
        return _sheet_rows(book, sheet, nrows=HEADER_SEARCH_ROWS)

    name = choose_register_sheet(names, head)
    if name is None:
        raise RegisterError(
            "找不到登记表：没有名为「登记表」的工作表，其他工作表前 11 行也没有登记表的表头（如 登记时间、订单号、买家）"
        )
    return name, _load_sheet(book, name, scans)


def _load_sheet(book: calamine.CalamineWorkbook, name: str, scans: _Scans) -> list[list[object]]:
    """All rows of a sheet, its XML scanned for error cells meanwhile: python-calamine parses
    without holding the GIL, so the scan costs no time (measured in benchmarks/). Only a sheet whose
    last value lies far down waits for the whole scan first, which may refuse it."""
    if name not in scans.found and last_value_row(os.fspath(scans.path), name) > SPARSE_ROWS:
        scans(name)
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(_sheet_rows, book, name)
        scans(name)
        return loading.result()


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
    with gc_paused():
        return _read_register(Path(path))


def _read_register(path: Path) -> RegisterFile:
    book = _open(path)
    names = tuple(book.sheet_names)
    scans = _Scans(path)
    sheet, rows = _choose_sheet(book, names, scans)
    _restore_errors(rows, scans(sheet).errors)
    raw = register_from_rows(sheet, rows)
    policy, policy_issues = DEFAULT_POLICY, []
    if POLICY_SHEET in names:
        policy_rows = _sheet_rows(book, POLICY_SHEET) if scans(POLICY_SHEET) else []
        _restore_errors(policy_rows, scans(POLICY_SHEET).errors)
        policy, policy_issues = parse_policy(policy_rows)
    vouchers = _sheet_rows(book, VOUCHER_SHEET) if VOUCHER_SHEET in names and scans(VOUCHER_SHEET) else []
    return RegisterFile(path, raw, policy, policy_issues, names, vouchers)

