"""Reading a register workbook: find the register sheet and its header row, keep Excel positions.

python-calamine reads the cells (about 12× faster than openpyxl on 100,000 rows, see
shared/research/clients.md), but only sheets whose extent it can allocate safely (xlsx_extent): the
others stream through openpyxl, cut to the columns under known headers (stream_reader). Error cells,
which calamine reads as '', are put back from the XML (xlsx_errors). Before any of that, the file
itself is checked (package).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import python_calamine as calamine

from aftersales.cells import ExcelError
from aftersales.columns import COLUMNS
from aftersales.gcpause import gc_paused
from aftersales.issues import Issue
from aftersales.ledger import EMPTY_LEDGER, Ledger, is_ledger_sheet, read_ledger
from aftersales.locate import (
    HEADER_SEARCH_ROWS,
    choose_register_sheet,
    other_register_sheets,
    other_sheets_issue,
    register_from_rows,
)
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.sheets import (
    LOG_HEADERS,
    POLICY_SHEET,
    REFUND_HEADERS,
    STATE_HEADERS,
    STATE_SHEET,
    VOUCHER_HEADERS,
    VOUCHER_SHEET,
)
from aftersales.state import BLOCKS
from aftersales.taxonomy import normalise_text
from workbook.package import Package, RegisterError, open_package
from workbook.stream_reader import stream_rows
from workbook.xlsx_errors import SheetScan, scan_sheet
from workbook.xlsx_extent import Extent, count_values, measure
from workbook.xlsx_head import head_rows
from workbook.xlsx_styles import Styles, read_styles

__all__ = ["RegisterError", "RegisterFile", "WorkbookReader", "read_register"]

DENSE_CELLS = 10_000_000
"""python-calamine may allocate this many cells for a sheet whatever its values (~0.4 GB)."""
MAX_CELLS = 40_000_000
"""No sheet is read past this many cells (about a million register rows)."""
_EPOCH_1900, _EPOCH_1904 = datetime(1899, 12, 30), datetime(1904, 1, 1)
T = TypeVar("T")


def _header_key(text: str) -> str:
    return normalise_text(text).casefold()


KNOWN_HEADERS = frozenset(
    _header_key(name)
    for name in (
        *(c.header for c in COLUMNS), *(c.key for c in COLUMNS), "参数", "值", "说明",
        *VOUCHER_HEADERS, *REFUND_HEADERS, *LOG_HEADERS, *STATE_HEADERS, "货号",
        *(header for block in BLOCKS for header in block.headers),
    )
)
"""Every header a reader of ours looks for: columns right of the last one are never read."""


@dataclass(frozen=True)
class RegisterFile:
    path: Path
    raw: RawRegister
    policy: Policy = DEFAULT_POLICY
    policy_issues: list[Issue] = field(default_factory=list)
    sheet_names: tuple[str, ...] = ()
    voucher_rows: list[list[object]] = field(default_factory=list)
    """The rows of sheet 单据 when the workbook has one (its posted vouchers must be kept)."""
    workbook_issues: list[Issue] = field(default_factory=list)
    """Issues about the workbook as a whole (other-register-sheets)."""
    reader: WorkbookReader | None = None
    """The open workbook, for commands that read more of its sheets."""

    @property
    def extra_issues(self) -> list[Issue]:
        """Issues found while reading, reported with the register's own."""
        return [*self.workbook_issues, *self.policy_issues]


class _CalamineFailed(Exception):
    """python-calamine could not read something (an error, or a Rust panic): the streaming reader reads it."""


@contextlib.contextmanager
def _rust_quiet() -> Iterator[None]:
    """python-calamine's Rust code prints a panic (with a backtrace) straight to the process's standard
    error before Python sees the exception: keep that away from the user's one-line messages. What
    anything else wrote meanwhile is passed on."""
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to protect
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        panicked = False
        try:
            yield
        except _CalamineFailed:
            panicked = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if not panicked:
                sink.seek(0)
                leftover = sink.read()
                if leftover:
                    with contextlib.suppress(OSError):
                        os.write(2, leftover)


def _calamine(action: Callable[[], T]) -> T:
    try:
        return action()
    except calamine.PasswordError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a damaged part; a Rust panic is a BaseException
        raise _CalamineFailed(type(error).__name__) from None


def _calamine_rows(book: calamine.CalamineWorkbook, name: str) -> list[Sequence[object]]:
    return list(_calamine(lambda: book.get_sheet_by_name(name).to_python(skip_empty_area=False)))


class WorkbookReader:
    """An open, checked workbook: sheets read on demand, each judged before it is loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.package: Package = open_package(path)
        self.book: calamine.CalamineWorkbook | None = None
        names: tuple[str, ...] = ()
        try:
            with _rust_quiet():
                book = _calamine(lambda: calamine.CalamineWorkbook.from_path(os.fspath(path)))
                names = tuple(_calamine(lambda: book.sheet_names))
                self.book = book
        except calamine.PasswordError:
            raise RegisterError(f"文件有密码保护，请先在 Excel 中取消密码：{path}") from None
        except _CalamineFailed:
            self.book = None  # every sheet through the streaming reader
        if self.book is not None and names != self.package.sheet_names:
            raise RegisterError(f"工作表列表读出来不一致，文件可能已损坏或被改动过：请在 Excel 中另存一份再试：{path}")
        self._styles: Styles | None = None

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            self._styles = read_styles(os.fspath(self.path), self.package.styles)
        return self._styles

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return self.package.sheet_names

    def head(self, name: str) -> list[list[object]]:
        """The sheet's first rows (for finding header rows), without loading the sheet."""
        part = next((s.part for s in self.package.sheets if s.name == name), None)
        if part is None:
            return []
        return head_rows(os.fspath(self.path), part, self.package.shared_strings, HEADER_SEARCH_ROWS)

    def rows(self, name: str) -> list[Sequence[object]]:
        """Every row of a sheet (rows[0] is Excel row 1, cells from column A)."""
        path = os.fspath(self.path)
        part = self.package.part(name)
        extent = measure(path, part)
        rows: list[Sequence[object]] | None = None
        if self.book is not None and _calamine_can_load(extent, path, part):
            book = self.book
            try:
                with _rust_quiet(), ThreadPoolExecutor(max_workers=1) as pool:
                    # python-calamine parses without holding the GIL: the scan costs no time meanwhile.
                    loading = pool.submit(_calamine_rows, book, name)
                    scan = scan_sheet(path, part)
                    rows = loading.result()
                width = extent.columns
            except _CalamineFailed:
                rows = None  # e.g. a date cell holding 1E+308: calamine panics, the streaming reader reads it
        if rows is None:
            scan = scan_sheet(path, part)
            rows = stream_rows(path, part, strings_part=self.package.shared_strings, styles=self.styles,
                               date1904=self.package.date1904, known=KNOWN_HEADERS, normalise=_header_key,
                               max_cells=MAX_CELLS)
            width = max(map(len, rows), default=0)
        _restore_errors(rows, scan.errors, width)
        self._restore_old_dates(rows, scan)
        return rows

    def _restore_old_dates(self, rows: list[Sequence[object]], scan: SheetScan) -> None:
        """A date cell before 1900 reads as a bare time of day: give it its date back."""
        for (row, column), (serial, style) in scan.serials.items():
            found = row < len(rows) and column < len(rows[row]) and isinstance(rows[row][column], time)
            if found and style in self.styles.dates:
                epoch = _EPOCH_1904 if self.package.date1904 else _EPOCH_1900
                _set(rows, row, column, epoch + timedelta(seconds=round(serial * 86400)))


def _calamine_can_load(extent: Extent, path: str, part: str) -> bool:
    """Whether python-calamine may allocate the sheet: a bounded extent, or one its values fill."""
    if not extent.positioned or extent.cells > MAX_CELLS:
        return False
    return extent.cells <= DENSE_CELLS or extent.cells <= 2 * count_values(path, part)


def _set(rows: list[Sequence[object]], row: int, column: int, value: object) -> None:
    cells = rows[row]
    if not isinstance(cells, list):
        cells = list(cells)
        rows[row] = cells
    if column >= len(cells):
        cells.extend([""] * (column + 1 - len(cells)))
    cells[column] = value


def _restore_errors(rows: list[Sequence[object]], errors: dict[tuple[int, int], str], width: int) -> None:
    """Error values back into their cells (only under the columns read: never widen a row past them)."""
    for (row, column), code in errors.items():
        if row < len(rows) and column < width:
            _set(rows, row, column, ExcelError(code))


def read_register(path: str | os.PathLike[str], sheet: str | None = None) -> RegisterFile:
    """Read the register (and its 政策 and 单据 sheets) of a workbook; `sheet` names the register
    sheet (default 登记表, else the first sheet with the register's header row).

    Raises:
        RegisterError: the file is missing, not a spreadsheet, damaged, or holds no register.
    """
    with gc_paused():
        return _read_register(Path(path), sheet)


def pick_sheet(names: Sequence[str], wanted: str) -> str:
    """The sheet a user named (--sheet): exactly, else the one whose name matches trimmed and folded."""
    if wanted in names:
        return wanted
    folded = _header_key(wanted)
    for name in names:
        if _header_key(name) == folded:
            return name
    raise RegisterError(f"没有名为「{wanted}」的工作表（有：{'、'.join(names)}）")


def _read_register(path: Path, sheet: str | None) -> RegisterFile:
    reader = WorkbookReader(path)
    names = reader.sheet_names
    chosen = pick_sheet(names, sheet) if sheet is not None else choose_register_sheet(names, reader.head)
    if chosen is None:
        raise RegisterError(
            "找不到登记表：没有名为「登记表」的工作表，其他工作表前 11 行也没有登记表的表头（如 登记时间、订单号、买家）"
        )
    raw = register_from_rows(chosen, reader.rows(chosen))
    others = other_register_sheets(names, chosen, reader.head)
    workbook_issues = [other_sheets_issue(raw, others)] if others else []
    policy, policy_issues = DEFAULT_POLICY, list[Issue]()
    if POLICY_SHEET in names and chosen != POLICY_SHEET:
        policy, policy_issues = parse_policy(reader.rows(POLICY_SHEET))
    vouchers = [list(r) for r in reader.rows(VOUCHER_SHEET)] if VOUCHER_SHEET in names and chosen != VOUCHER_SHEET else []
    return RegisterFile(path, raw, policy, policy_issues, names, vouchers, workbook_issues, reader)


def register_ledger(register: RegisterFile) -> Ledger:
    """The refund ledger inside the register's workbook (its 退款表 sheets and the state sheet)."""
    reader = register.reader
    if reader is None:
        return EMPTY_LEDGER
    names = reader.sheet_names
    sheets = {name: reader.rows(name) for name in names if is_ledger_sheet(name) and name != register.raw.sheet}
    state = reader.rows(STATE_SHEET) if STATE_SHEET in names else []
    return read_ledger(sheets, state)
