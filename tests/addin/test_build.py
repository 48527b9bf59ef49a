"""The built add-in workbooks: the Lite settings carry the current code, every button is a shape
linked to the cell its script names, the embedded code runs with only what requirements.txt names,
and the workbooks still open in openpyxl and LibreOffice."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from addin.build import (
    CLASSIC_PATH,
    LITE_PATH,
    build_classic,
    build_lite,
    embedded_sources,
    main_py,
    read_embedded,
)
from addin.layout import BUTTONS
from aftersales.columns import column_index
from tests.tools import libreoffice_convert

WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def lite_settings(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("xl/webextensions/webextension1.xml"))
    return {p.get("name", ""): json.loads(p.get("value", '""')) for p in root.iter(f"{WE}property")}


def button_shapes(path: Path) -> dict[str, str]:
    """{shape name: hyperlink target} of the register sheet's drawing."""
    with zipfile.ZipFile(path) as archive:
        drawing = ElementTree.fromstring(archive.read("xl/drawings/drawing1.xml"))
        rels = ElementTree.fromstring(archive.read("xl/drawings/_rels/drawing1.xml.rels"))
        sheet_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "drawings/drawing1.xml" in sheet_rels and "<drawing " in sheet
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    shapes = {}
    for props in drawing.iter(f"{XDR}cNvPr"):
        link = props.find(f"{A}hlinkClick")
        assert link is not None, props.get("name")
        shapes[props.get("name", "")] = targets[link.get(f"{R}id")]
    return shapes


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lite(tmp_path_factory.mktemp("lite") / "lite.xlsx")


def test_main_py_compiles_and_embeds_the_current_code(lite: Path) -> None:
    settings = lite_settings(lite)
    main = settings["main.py"]
    compile(main, "main.py", "exec")
    assert read_embedded(main) == embedded_sources()
    assert set(embedded_sources()) >= {"aftersales/recommend.py", "addin/scripts.py", "addin/udfs.py"}
    assert not [name for name in embedded_sources() if name in ("addin/classic.py", "addin/build.py")]
    # The 月报's pandas code stays out: xlwings Lite would download pandas on every open (issue 16).
    assert not [name for name in embedded_sources() if name.startswith("analysis/")]
    assert "pandas" not in main and "from analysis" not in main
    requirements = settings["requirements.txt"].splitlines()
    assert requirements[0].startswith("xlwings==") and "# required" in requirements[0]
    assert settings["pyodideVersion"] and settings["addinVersion"]
    assert settings["xlwingsSettingsWorkbook"] == {"startupBehavior": "taskpane"}


def test_the_build_refuses_a_main_py_too_big_for_the_workbook_settings() -> None:
    from addin.build import MAX_MAIN_PY, check_main_size

    main = main_py()
    check_main_size(main)
    assert len(main) < MAX_MAIN_PY / 4  # today's code is far from the limit
    with pytest.raises(SystemExit, match=r"main\.py"):
        check_main_size(main, limit=len(main) - 1)


def test_committed_workbooks_are_up_to_date() -> None:
    main = lite_settings(LITE_PATH)["main.py"]
    assert read_embedded(main) == embedded_sources(), "run `python -m addin.build lite` and commit addin/dist"
    assert main == main_py()
    assert "xlwings.conf" in openpyxl.load_workbook(CLASSIC_PATH).sheetnames


def test_every_button_is_a_shape_linked_to_its_scripts_cell(lite: Path) -> None:
    shapes = button_shapes(lite)
    assert shapes == {b.shape: "#" + b.reference.split("]", 1)[1] for b in BUTTONS}
    scripts = (Path(__file__).resolve().parents[2] / "addin" / "scripts.py").read_text(encoding="utf-8")
    declared = re.findall(r'@xw\.script\(button=button\("(\w+)"\)\.reference[^)]*\)\s*\ndef (\w+)', scripts)
    assert sorted(declared) == sorted((b.script, b.script) for b in BUTTONS)


def shape_areas(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """{shape name: (first column, first row, last column, last row)}, 0-based, of each anchored shape."""
    with zipfile.ZipFile(path) as archive:
        drawing = ElementTree.fromstring(archive.read("xl/drawings/drawing1.xml"))
    areas = {}
    for anchor in drawing.iter(f"{XDR}twoCellAnchor"):
        start, end = anchor.find(f"{XDR}from"), anchor.find(f"{XDR}to")
        props = anchor.find(f".//{XDR}cNvPr")
        assert start is not None and end is not None and props is not None
        areas[props.get("name", "")] = tuple(int(corner.findtext(f"{XDR}{part}") or 0)  # type: ignore[assignment]
                                             for corner in (start, end) for part in ("col", "row"))
    return areas


def test_button_cells_cannot_fire_by_accident_nor_become_a_case(lite: Path) -> None:
    """Lite runs a script when its linked cell is selected, then selects the cell below (issue 15 item 3)."""
    sheet = openpyxl.load_workbook(lite)["登记表"]
    (table,) = sheet.tables.values()
    last_column = column_index(re.sub(r"\d", "", table.ref.split(":")[1]))
    rows = []
    for b in BUTTONS:
        letters, row = re.sub(r"\d", "", b.cell), int(re.sub(r"\D", "", b.cell))
        column = column_index(letters)
        assert column > last_column + 1  # outside the table, not in the column it grows into first
        assert row > 1 and sheet[b.cell].value is None  # below the header, empty: never a phantom case
        first_col, first_row, end_col, end_row = shape_areas(lite)[b.shape]
        assert first_col <= column < end_col and first_row <= row - 1 < end_row  # the shape covers it
        rows.append(row)
    assert all(later - earlier >= 3 for earlier, later in itertools.pairwise(rows))


def test_lite_workbook_still_opens_in_openpyxl_and_libreoffice(lite: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(lite)
    assert book.sheetnames[0] == "登记表" and "Register" in book["登记表"].tables
    converted = libreoffice_convert(lite, tmp_path)
    assert openpyxl.load_workbook(converted).sheetnames[:3] == ["登记表", "说明", "政策"]


def test_classic_workbook_has_its_xlwings_conf(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(build_classic(tmp_path / "classic.xlsx"))
    conf = {row[0]: row[1] for row in book["xlwings.conf"].iter_rows(values_only=True)}
    assert conf == {"UDF Modules": "addin.udfs"}  # no empty PYTHONPATH / Interpreter row: it would hide the ribbon's


RUN_EMBEDDED = r"""
import json, runpy, sys, tempfile
namespace = runpy.run_path(sys.argv[1])
names = sorted(n for n in namespace if n.startswith("AS_") or n == "validate_register")
import xlwings as xw
payload = json.loads(open(sys.argv[2], encoding="utf-8").read())
book = xw.Book(json=payload)
namespace["validate_register"](book)
actions = book.json()["actions"]
blocked = [m for m in ("openpyxl", "python_calamine", "pandas", "workbook", "analysis") if m in sys.modules]
print(json.dumps({"names": names, "actions": len(actions), "blocked": blocked,
                  "recommend": namespace["AS_RECOMMEND"]([["登记时间", "订单号", "买家", "客服", "售后类型", "问题描述"],
                                                          [46347.5, "123456789012", "b", "a", "查件", "x"]])}))
"""


@pytest.fixture(scope="module")
def clean_python(tmp_path_factory: pytest.TempPathFactory, lite: Path) -> Path:
    """A fresh virtual environment holding only what the Lite requirements.txt names."""
    folder = tmp_path_factory.mktemp("clean")
    (folder / "requirements.txt").write_text(lite_settings(lite)["requirements.txt"], encoding="utf-8")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=300)
    python = folder / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(folder / "requirements.txt")],
                   check=True, timeout=600, capture_output=True)
    return python


def test_embedded_code_runs_with_only_the_requirements(clean_python: Path, lite: Path, tmp_path: Path) -> None:
    from tests.addin.payload import payload_from_xlsx
    from tests.domain import valid_row
    from workbook.template import build_register_workbook

    main = tmp_path / "main.py"
    main.write_text(lite_settings(lite)["main.py"], encoding="utf-8")
    register = tmp_path / "register.xlsx"
    build_register_workbook([valid_row(case_id=None)]).save(register)
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(payload_from_xlsx(register), ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(RUN_EMBEDDED, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "XLWINGS_ON_SERVER")}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"  # the remote engine, for this test process only
    result = subprocess.run([str(clean_python), str(script), str(main), str(payload)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["names"] == ["AS_CEILING", "AS_CHECK", "AS_DEADLINE", "AS_RECOMMEND", "AS_RETURN_WINDOW_END",
                                "AS_SOLUTION_DEADLINE", "validate_register"]
    assert outcome["actions"] >= 3
    assert outcome["blocked"] == []
    assert outcome["recommend"] == [["解释说明"]]
