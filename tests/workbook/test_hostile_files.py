"""Files built to break the reader (issue 12 items 1, 16, 20): every one is read in memory bounded by
the cells that hold values, or refused with one line and exit 2 — never a crash, a Rust abort or a
run that never ends.

The memory tests run the real console script in a child process and read its peak RSS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import workbook.reader
from tests.domain import valid_row
from workbook.cli import main
from workbook.reader import read_register
from workbook.template import build_register_workbook

needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")

NOW = "2026-11-21T18:30"
ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"  # 登记表 is the template's first sheet


def _rows(count: int) -> list[dict[str, object]]:
    return [valid_row(case_id=f"SH20261121-{n:05d}", order_id=f"{123456789012345678 + n}", buyer=f"tb{n}")
            for n in range(count)]


def _register(tmp_path: Path, name: str, count: int = 3) -> Path:
    path = tmp_path / name
    build_register_workbook(_rows(count)).save(path)
    return path


def _many_rows(tmp_path: Path, name: str, count: int) -> Path:
    """A register of `count` cases, made fast: the template's second row repeated in the XML."""
    path = _register(tmp_path, name, 1)

    def repeat(xml: bytes) -> bytes:
        head, rest = xml.split(b'<row r="2"', 1)
        row = b'<row r="2"' + rest.split(b"</row>", 1)[0] + b"</row>"
        tail = b"</sheetData>" + rest.split(b"</sheetData>", 1)[1]
        rows = [
            re.sub(rb' r="([A-Z]*)2"', lambda m, n=n: b' r="%s%d"' % (m.group(1), n), row)  # type: ignore[misc]
            for n in range(2, count + 2)
        ]
        return head + b"".join(rows) + tail

    return _patched(path, repeat)


def _patched(path: Path, change: Callable[[bytes], bytes], part: str = SHEET) -> Path:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data) if info.filename == part else data)
    return path


def _append_rows(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>", 1)


def _peak_mib(*argv: str) -> tuple[int, float, str, str]:
    """Run `aftersales ARGV` in a child process: exit code, peak RSS in MiB, stdout, stderr.

    The peak is the child's own high-water mark (VmHWM): getrusage's ru_maxrss would also count the
    memory of the forked test process before it exec'd the child.
    """
    child = (
        "import sys\n"
        "from workbook.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "status = open('/proc/self/status').read()\n"
        "kib = int(status.split('VmHWM:')[1].split()[0])\n"
        "print('PEAK', kib / 1024, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", child, *argv], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    peak = float(re.findall(r"PEAK ([\d.]+)", result.stderr)[-1])
    err = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("PEAK"))
    return result.returncode, peak, result.stdout, err


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["check", str(path), "--now", NOW, "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    report.pop("register")
    return report  # type: ignore[no-any-return]


# --- 1(d) one stray value far to the right -------------------------------------------------------------


def test_a_stray_value_at_xfd3_reads_like_the_register_without_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    clean = _register(tmp_path, "clean.xlsx", 20)
    stray = _patched(_register(tmp_path, "stray.xlsx", 20), lambda xml: xml.replace(
        b'</row><row r="4"', b'<c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row><row r="4"', 1))
    assert b"XFD3" in zipfile.ZipFile(stray).read(SHEET)
    assert _report(stray, capsys) == _report(clean, capsys)


def _stray_at_xfd3(xml: bytes) -> bytes:
    return xml.replace(b'</row><row r="4"', b'<c r="XFD3"><v>1</v></c></row><row r="4"', 1)


@needs_proc
@pytest.mark.parametrize(("rows", "limit"), [(2000, 300), (20000, 1024)])
def test_a_register_with_a_stray_value_at_xfd3_is_read_in_bounded_memory(tmp_path: Path, rows: int,
                                                                          limit: int) -> None:
    """2,000 rows went from 49 MB to 1.3 GB; 20,000 ended in a PanicException traceback (python-calamine
    could not allocate 20,000 × 16,384 cells)."""
    path = _patched(_many_rows(tmp_path, "stray.xlsx", rows), _stray_at_xfd3)
    code, peak, out, err = _peak_mib("check", str(path), "--now", NOW)
    assert code in (0, 1), err
    assert f"共 {rows} 条售后" in out and "Traceback" not in err
    assert peak < limit, f"peak {peak:.0f} MiB"


# --- 1(a) rows and cells without references -------------------------------------------------------------


@needs_proc
def test_a_million_empty_rows_without_references_then_a_value_at_xfd(tmp_path: Path) -> None:
    """Valid OOXML: rows and cells without `r=` are placed in sequence."""
    far = b"<row>" + b"<c/>" * 16383 + b"<c><v>1</v></c></row>"
    path = _patched(_register(tmp_path, "positionless.xlsx"), _append_rows(b"<row/>" * 1_000_000 + far))
    code, peak, out, err = _peak_mib("check", str(path), "--now", NOW)
    assert code in (0, 1), err
    assert "共 3 条售后" in out
    assert peak < 300, f"peak {peak:.0f} MiB"


def _without_references(xml: bytes) -> bytes:
    """The sheet rewritten as a writer that omits `r=` does: every cell up to a row's last one written
    (blank ones as `<c/>`), every row up to the last one written (blank ones as `<row/>`)."""
    head, rest = xml.split(b"<sheetData>", 1)
    data, tail = rest.split(b"</sheetData>", 1)
    rows: list[bytes] = []
    for number, body in re.findall(rb'<row r="(\d+)"[^>]*>(.*?)</row>', data, re.S):
        while len(rows) < int(number) - 1:
            rows.append(b"<row/>")
        cells: list[bytes] = []
        for letters, attributes, content in re.findall(rb'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', body, re.S):
            column = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters.decode())))
            cells.extend([b"<c/>"] * (column - 1 - len(cells)))
            cells.append(b"<c" + attributes + (b">" + content + b"</c>" if content else b"/>"))
        rows.append(b"<row>" + b"".join(cells) + b"</row>")
    return head + b"<sheetData>" + b"".join(rows) + b"</sheetData>" + tail


def test_cells_without_references_are_placed_in_sequence(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The same register written with and without references reads the same."""
    clean = _register(tmp_path, "clean.xlsx")
    bare = _patched(_register(tmp_path, "bare.xlsx"), _without_references)
    assert b' r="' not in zipfile.ZipFile(bare).read(SHEET).split(b"<sheetData>")[1]
    assert _report(bare, capsys) == _report(clean, capsys)


# --- 1(b) the extent, not the values: full-width rows and one far value -----------------------------------


@needs_proc
def test_64_full_width_rows_and_one_value_at_row_1048576(tmp_path: Path) -> None:
    full = b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (_letters(c).encode(), r) for c in range(40, 16384))
        + b"</row>" for r in range(10, 74)
    )
    path = _patched(_register(tmp_path, "wide.xlsx"),
                    _append_rows(full + b'<row r="1048576"><c r="AZ1048576"><v>1</v></c></row>'))
    code, peak, out, err = _peak_mib("check", str(path), "--now", NOW)
    assert code in (0, 1), err
    assert "共 3 条售后" in out
    assert peak < 600, f"peak {peak:.0f} MiB"


def _letters(index: int) -> str:
    from aftersales.columns import column_letter

    return column_letter(index)


# --- 1(c) two sheets of one name --------------------------------------------------------------------------


def test_two_sheets_with_the_same_name_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _register(tmp_path, "twins.xlsx")
    _patched(path, lambda xml: xml.replace('<sheet name="政策"'.encode(), '<sheet name="登记表"'.encode(), 1),
             "xl/workbook.xml")
    assert main(["check", str(path), "--now", NOW]) == 2
    err = capsys.readouterr().err
    assert "两个同名的工作表「登记表」" in err and len(err.strip().splitlines()) == 1


def test_two_zip_members_with_one_name_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _register(tmp_path, "members.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("XL/Worksheets/Sheet1.xml", b"<worksheet/>")
    assert main(["check", str(path), "--now", NOW]) == 2
    assert "两个同名的部件" in capsys.readouterr().err


# --- a Rust panic is not an Exception -----------------------------------------------------------------


class FakePanic(BaseException):
    """Like pyo3's PanicException: a BaseException, not an Exception."""


def test_a_panic_in_python_calamine_falls_back_to_the_streaming_reader(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _register(tmp_path, "register.xlsx")
    expected = _report(path, capsys)

    names = list(read_register(path).sheet_names)

    class Book:
        sheet_names = names

        def get_sheet_by_name(self, name: str) -> object:
            raise FakePanic("capacity overflow")

    monkeypatch.setattr(workbook.reader.calamine.CalamineWorkbook, "from_path", lambda _path: Book())
    assert _report(path, capsys) == expected


def test_a_panic_anywhere_else_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import workbook.cli

    def panic(*_args: object, **_kwargs: object) -> object:
        raise FakePanic("index out of bounds")

    monkeypatch.setattr(workbook.cli, "validate", panic)
    path = _register(tmp_path, "register.xlsx")
    assert main(["check", str(path), "--now", NOW]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "FakePanic" in err and "Traceback" not in err


# --- 16 formats that are not .xlsx: refused, never read as blanks --------------------------------------


def test_an_old_xls_is_refused_with_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "登记表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert main(["check", str(path), "--now", NOW]) == 2
    err = capsys.readouterr().err
    assert ".xls" in err and "另存为" in err and len(err.strip().splitlines()) == 1


def test_an_encrypted_xlsx_is_told_to_remove_the_password(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512) + "EncryptionInfo".encode("utf-16-le") + bytes(512))
    assert main(["check", str(path), "--now", NOW]) == 2
    assert "密码" in capsys.readouterr().err


@pytest.mark.parametrize(("member", "label"), [("mimetype", ".ods"), ("xl/workbook.bin", ".xlsb")])
def test_ods_and_xlsb_are_refused_with_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  member: str, label: str) -> None:
    path = tmp_path / f"登记表{label}"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml" if label == ".ods" else "xl/worksheets/sheet1.bin", "<x/>")
    assert main(["check", str(path), "--now", NOW]) == 2
    err = capsys.readouterr().err
    assert label in err and "另存为" in err


def test_the_realworld_ods_trap_a_sparse_ods_is_never_unpacked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 22 KB .ods that expands to gigabytes in a reader: refused before any reader sees it."""
    path = tmp_path / "sparse.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<table:table-row table:number-rows-repeated="1048575"/>' * 10)
    assert main(["check", str(path), "--now", NOW]) == 2
    assert ".ods" in capsys.readouterr().err


# --- 20 inputs that are not regular files -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_input_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "workbook.cli", "check", str(fifo), "--now", NOW],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "不是普通文件" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_as_input_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "/dev/zero", "--now", NOW]) == 2
    assert "不是普通文件" in capsys.readouterr().err


# --- a date cell python-calamine cannot convert (found by the file fuzzer) ------------------------------


@pytest.mark.parametrize("serial", ["1E+308", "-1E+308", "99999999999999"])
def test_a_date_cell_calamine_panics_on_is_an_issue_not_a_backtrace(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                                   serial: str) -> None:
    """calamine's Rust code panics converting such a serial and prints a backtrace to the process's
    standard error; the sheet is read by the streaming reader instead and the cell is reported."""
    path = _register(tmp_path, "huge-date.xlsx")
    data = zipfile.ZipFile(path).read(SHEET)
    style = re.search(rb'<c r="J2" s="(\d+)"', data)  # 签收时间: a date-formatted cell
    assert style is not None
    _patched(path, lambda xml: re.sub(rb'<c r="J2" s="\d+"[^>]*>.*?</c>',
                                      b'<c r="J2" s="%s"><v>%s</v></c>' % (style.group(1), serial.encode()), xml,
                                      count=1, flags=re.S))
    code = main(["check", str(path), "--now", NOW, "--json"])
    out, err = capfd.readouterr()
    assert code == 1 and err == ""
    issues = [i for i in json.loads(out)["issues"] if i["row"] == 2 and i["field"] == "签收时间"]
    assert [i["code"] for i in issues] == ["invalid-datetime"]
