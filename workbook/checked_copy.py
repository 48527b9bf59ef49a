"""`aftersales check REGISTER -o OUT.xlsx` (SPEC §14.7): a copy of the register with exactly what the
校验 button writes — the button's own code (`aftersales.check_action`) run on the file through
`FileBook` — for shops on WPS / 金山文档 or without Python in Excel. The input is only read.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from aftersales.check_action import validate_action
from aftersales.session import run_action
from workbook.file_book import FileBook, formula_results, with_formula_results
from workbook.files import check_output, render_workbook, write_bytes
from workbook.reader import RegisterError

CHECK_LABEL = "校验"


@dataclass(frozen=True)
class CheckedCopy:
    path: Path
    summary: str
    """The 操作记录 line the button writes."""
    alerts: tuple[str, ...]
    """What the button would have shown in a message box."""


OPENPYXL_LOSSES = (
    ("Data Validation extension", "引用其他工作表的下拉列表（Excel 2010 扩展）"),
    ("Conditional Formatting extension", "部分条件格式（Excel 2010 扩展）"),
    ("Slicer List extension", "切片器"),
    ("wmf image format", "WMF 格式的图片"),
)
"""openpyxl's warnings of what it drops on load, as the user reads them."""


def write_checked_copy(register: Path, out: Path, now: datetime, sheet: str | None, *, force: bool) -> CheckedCopy:
    """Write the checked copy of `register` (already read and checked as a spreadsheet) to `out`."""
    check_output(out, force=force, inputs=(register,))
    try:
        data = register.read_bytes()
        macros = zipfile.ZipFile(io.BytesIO(data)).namelist().count("xl/vbaProject.bin") > 0
        wanted = ".xlsm" if macros else ".xlsx"
        if out.suffix.lower() != wanted:
            raise RegisterError(f"副本请用 {wanted} 结尾（{'输入文件带宏' if macros else '副本是不带宏的工作簿'}，"
                                f"别的扩展名 Excel 打不开）：{out}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            book = load_workbook(io.BytesIO(data), keep_vba=macros, keep_links=True, rich_text=True)
            cached = load_workbook(io.BytesIO(data), data_only=True, keep_links=True)
    except OSError as error:
        raise RegisterError(f"无法读取 {register}：{error.strerror or error}") from None
    except RegisterError:
        raise
    except Exception as error:  # openpyxl refuses what calamine could read
        raise RegisterError(f"无法生成副本，openpyxl 打不开这个文件（{type(error).__name__}: {error}）：{register}") from None
    lost = sorted({label for warning in caught for text, label in OPENPYXL_LOSSES if text in str(warning.message)})
    results = formula_results(book, cached)
    target = FileBook(book, cached)
    summary = run_action(target, now, CHECK_LABEL, validate_action, sheet)
    rendered = render_workbook(book)
    if book.vba_archive is not None:
        book.vba_archive.close()  # now, while its buffer is open (else a traceback when Python exits)
    written = write_bytes(with_formula_results(rendered, results), out, force=force, inputs=(register,))
    notes = [f"副本里没有保留：{'、'.join(lost)}（openpyxl 不支持），原文件里仍在"] if lost else []
    if target.skipped:
        notes.append(f"合并单元格里没有写入：{'、'.join(target.skipped[:5])}{' 等' if len(target.skipped) > 5 else ''}")
    return CheckedCopy(written, summary, (*target.alerts, *notes))
