"""The input file, checked before any reader allocates anything: a regular file, an .xlsx/.xlsm zip
package (other formats refused with one line), no zip bomb, no duplicate parts or sheet names, and
which XML part holds each sheet.

The readers (python-calamine, and openpyxl for the odd files) each resolve sheets to parts their own
way. Everything that could make them read different parts than the one our scans judged (two sheets
of one name, two zip members of one name, a sheet whose part cannot be found) is refused here.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from workbook.xlsx_parts import local_name


class RegisterError(Exception):
    """The file cannot be used as a register; the message is one line for the user."""


SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开后「另存为」Excel 工作簿（.xlsx），再用另存的文件"
MAX_UNPACKED = 2 * 1024**3
"""No register unpacks to more than 2 GB (100,000 rows are ~150 MB)."""
MAX_RATIO = 200
"""Real parts compress 5–20×; a large part compressed far more is a zip bomb."""
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
"""An encrypted .xlsx is an OLE2 file holding this stream; a plain OLE2 file is an old .xls."""
_WORKBOOK = "xl/workbook.xml"
_RELS = "xl/_rels/workbook.xml.rels"


def _os_problem(error: OSError) -> str:
    return error.strerror or type(error).__name__


def check_input_file(path: Path) -> None:
    """A readable regular file: never a folder, a pipe or a device (reading /dev/zero or a FIFO
    would never end)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise RegisterError(f"找不到文件：{path}") from None
    except OSError as error:
        raise RegisterError(f"无法打开文件（{_os_problem(error)}）：{path}") from None
    if stat.S_ISDIR(info.st_mode):
        raise RegisterError(f"这是一个文件夹，不是 Excel 文件：{path}")
    if not stat.S_ISREG(info.st_mode):
        raise RegisterError(f"这不是普通文件（可能是管道或设备），不读取：{path}")
    if info.st_size == 0:
        raise RegisterError(f"文件是空的（0 字节），不是 Excel 文件：{path}")


def _sniff_non_zip(path: Path) -> RegisterError:
    """Why a file that is not a zip package cannot be read."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            body = stream.read(8 * 1024**2) if head == _OLE2 else b""
    except OSError as error:
        return RegisterError(f"无法读取文件（{_os_problem(error)}）：{path}")
    if head == _OLE2 and _ENCRYPTED in body:
        return RegisterError(f"文件有密码保护，请先在 Excel 中取消密码：{path}")
    if head == _OLE2:
        return RegisterError(f"不是有效的 Excel 文件（这是旧版 .xls 格式，不支持）：{SAVE_AS_XLSX}：{path}")
    return RegisterError(f"不是有效的 Excel 文件（.xlsx 应是 zip 包，文件可能已损坏或是别的格式）：{path}")


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str | None
    """Zip member holding the sheet's XML; None when it cannot be found (the sheet is not read)."""


@dataclass(frozen=True)
class Package:
    """What is inside an .xlsx package, as far as the readers care."""

    path: Path
    sheets: tuple[SheetPart, ...]
    shared_strings: str | None = None
    styles: str | None = None
    date1904: bool = False
    """The workbook counts dates from 1904 (old Mac Excel) instead of 1900."""

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(sheet.name for sheet in self.sheets)

    def part(self, sheet: str) -> str:
        found = next((s.part for s in self.sheets if s.name == sheet), None)
        if found is None:
            raise RegisterError(f"工作表「{sheet}」的内容在文件里找不到，文件可能已损坏：{SAVE_AS_XLSX}")
        return found


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _zip_key(name: str) -> str:
    """A zip member name as python-calamine looks it up (backslashes as slashes, ASCII lower case)."""
    return name.replace("\\", "/").translate(_ASCII_LOWER)


def _office_document(archive: zipfile.ZipFile, by_folded: dict[str, str], path: Path) -> None:
    """The workbook part must be xl/workbook.xml, where every reader looks for it."""
    if "_rels/.rels" not in by_folded:
        raise RegisterError(f"不是有效的 Excel 文件（zip 包里没有 _rels/.rels）：{path}")
    for rel in _xml(archive, by_folded["_rels/.rels"], path):
        if rel.get("Type", "").endswith("/officeDocument"):
            target = rel.get("Target", "").lstrip("/")
            if _zip_key(target) != _WORKBOOK:
                raise RegisterError(f"工作簿不在通常的位置（{target}），为安全起见不读取：{SAVE_AS_XLSX}")


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (r:id in transitional and strict files)."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


def _xml(archive: zipfile.ZipFile, member: str, path: Path) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(archive.read(member))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise RegisterError(f"不是有效的 Excel 文件（{member} 缺失或已损坏）：{path}") from None


def _refuse_bombs(members: list[zipfile.ZipInfo], path: Path) -> None:
    total = sum(member.file_size for member in members)
    bombs = [m for m in members if m.file_size > 50 * 1024**2 and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNPACKED or bombs:
        size = f"{total / 1024**3:.1f} GB"
        raise RegisterError(f"文件解压后过大（{size}），不像一份登记表，为安全起见不读取：{path}")


def open_package(path: Path) -> Package:
    """Check the file and map its sheets to their parts.

    Raises:
        RegisterError: not a regular file, not an .xlsx/.xlsm package, a zip bomb, or a package whose
            parts or sheet names are ambiguous.
    """
    check_input_file(path)
    if not zipfile.is_zipfile(path):
        raise _sniff_non_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            return _package(archive, members, path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise RegisterError(f"不是有效的 Excel 文件（zip 包已损坏）：{path}") from None


def _package(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path) -> Package:
    by_folded: dict[str, str] = {}
    for member in members:
        folded = _zip_key(member.filename)
        if folded in by_folded:
            raise RegisterError(f"文件里有两个同名的部件（{member.filename}），可能已损坏或被改动过：{SAVE_AS_XLSX}")
        by_folded[folded] = member.filename
    _refuse_bombs(members, path)
    if "xl/workbook.bin" in by_folded:
        raise RegisterError(f"不支持 .xlsb（Excel 二进制工作簿）：{SAVE_AS_XLSX}：{path}")
    if "mimetype" in by_folded or "content.xml" in by_folded:
        raise RegisterError(f"不支持 .ods（OpenDocument 表格）：{SAVE_AS_XLSX}：{path}")
    if _WORKBOOK not in by_folded:
        raise RegisterError(f"不是有效的 Excel 文件（zip 包里没有工作簿 xl/workbook.xml）：{path}")
    _office_document(archive, by_folded, path)
    workbook = _xml(archive, by_folded[_WORKBOOK], path)
    rels = _xml(archive, by_folded[_RELS], path) if _RELS in by_folded else ElementTree.Element("none")
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels:
        rel_id = rel.get("Id")
        if rel_id is None:
            continue
        if rel_id in targets:
            raise RegisterError(f"文件的关系表里有重复的编号 {rel_id}，可能已损坏或被改动过：{SAVE_AS_XLSX}")
        targets[rel_id] = (rel.get("Target", ""), rel.get("Type", ""))

    def resolve(target: str) -> str | None:
        # python-calamine's rule, exactly: absolute targets lose their "/", relative ones follow "xl/"
        # unnormalised; names compare with "\\" as "/" and ASCII letters in lower case.
        wanted = target[1:] if target.startswith("/") else "xl/" + target
        return by_folded.get(_zip_key(wanted))

    sheets: list[SheetPart] = []
    seen: set[str] = set()
    for element in workbook.iter():
        if local_name(element.tag) != "sheet":
            continue
        name = element.get("name") or ""
        if name.casefold() in seen:
            raise RegisterError(f"工作簿里有两个同名的工作表「{name}」，文件可能已损坏或被改动过：{SAVE_AS_XLSX}")
        seen.add(name.casefold())
        target = targets.get(_attribute(element, "id") or "")
        sheets.append(SheetPart(name, resolve(target[0]) if target else None))
    kinds = {kind.rsplit("/", 1)[-1]: resolve(target) for target, kind in targets.values()}
    date1904 = any(
        local_name(e.tag) == "workbookPr" and e.get("date1904", "").lower() in ("1", "true") for e in workbook.iter()
    )
    return Package(path, tuple(sheets), shared_strings=kinds.get("sharedStrings"), styles=kinds.get("styles"),
                   date1904=date1904)


def sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The part holding a sheet, in an open package (the add-in builder's own workbooks)."""
    package = _package(archive, archive.infolist(), Path(archive.filename or "workbook"))
    return next((sheet.part for sheet in package.sheets if sheet.name == name), None)
