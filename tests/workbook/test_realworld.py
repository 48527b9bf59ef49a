"""Files written by Excel, Mac Excel CN, WPS, Tencent Docs (shared/realworld-xlsx): always a polite result.

None of them is an after-sales register: each must give either a checked register (exit 0/1 with a
report) or exactly one line on stderr and exit 2 — never a traceback (issue 2, SPEC §11).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.package import open_package
from workbook.reader import RegisterError, read_register
from workbook.xlsx_errors import scan_sheet

REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld-xlsx"
FILES = sorted(REALWORLD.glob("*.xlsx"))
NOW = "2026-11-21T18:30"


def _require_files() -> None:
    if not FILES:
        message = f"no real-world files in {REALWORLD}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def aftersales_script() -> Path:
    """The installed console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "aftersales"
    if not script.exists():
        pytest.fail(f"console script not installed beside {sys.executable}")
    return script


def test_the_real_world_files_are_there() -> None:
    _require_files()
    assert len(FILES) >= 16


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
@pytest.mark.parametrize("args", [[], ["--json"]], ids=["human", "json"])
def test_check_gives_a_polite_result(capsys: pytest.CaptureFixture[str], path: Path, args: list[str]) -> None:
    before = path.read_bytes()

    code = main(["check", str(path), "--now", NOW, *args])

    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1, 2)
    if code == 2:
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
    else:
        assert err == ""
        assert out.strip()
        if args:
            report = json.loads(out)
            assert report["summary"]["errors"] == sum(i["severity"] == "error" for i in report["issues"])
            assert code == (1 if report["summary"]["errors"] else 0)
    assert path.read_bytes() == before


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_reader_finds_a_register_or_says_why_in_one_line(path: Path) -> None:
    try:
        register = read_register(path)
    except RegisterError as error:
        assert str(error).strip()
        assert "\n" not in str(error)
    else:
        assert register.raw.sheet in register.sheet_names


def test_error_cells_written_by_excel_are_found() -> None:
    """calamine reads these as '' (research/clients.md §2.3); the reader must still see them."""
    path = REALWORLD / "calamine_errors.xlsx"
    if not path.exists():
        _require_files()
        pytest.skip(f"{path.name} missing")
    found = scan_sheet(str(path), open_package(path).part("Feuil1")).errors
    assert found == {
        (0, 0): "#DIV/0!", (1, 0): "#NAME?", (2, 0): "#VALUE!", (3, 0): "#NULL!",
        (4, 0): "#REF!", (5, 0): "#NUM!", (6, 0): "#N/A",
    }


@pytest.mark.parametrize("name", ["easyexcel_t02_titlerow_cn.xlsx", "easyexcel_t04_tencentdocs_cn.xlsx"])
def test_console_script_prints_no_traceback(name: str) -> None:
    path = REALWORLD / name
    if not path.exists():
        _require_files()
        pytest.skip(f"{name} missing")

    done = subprocess.run(
        [str(aftersales_script()), "check", str(path), "--now", NOW],
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode in (0, 1, 2)
    if done.returncode == 2:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    else:
        assert done.stdout.strip()


def test_console_script_on_a_bad_file_prints_one_line(tmp_path: Path) -> None:
    path = tmp_path / "not-excel.xlsx"
    path.write_text("hello", encoding="utf-8")

    done = subprocess.run(
        [str(aftersales_script()), "check", str(path), "--now", NOW],
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
