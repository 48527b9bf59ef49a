"""The committed template (workbook/register_template.xlsx) is exactly what the builder writes.

When the builder changes on purpose, regenerate it: `python -m workbook.template`.
"""

from __future__ import annotations

from pathlib import Path

from tests.workbook.golden import differences
from workbook.template import TEMPLATE_PATH, build_register_workbook


def test_committed_template_equals_the_builder_output(tmp_path: Path) -> None:
    built = tmp_path / "built.xlsx"
    build_register_workbook().save(built)
    found = differences(TEMPLATE_PATH, built)
    assert not found, "committed template is stale; run `python -m workbook.template`:\n" + "\n".join(found)


def test_the_comparison_sees_a_changed_cell(tmp_path: Path) -> None:
    import openpyxl

    built = tmp_path / "built.xlsx"
    build_register_workbook().save(built)
    book = openpyxl.load_workbook(built)
    book["政策"]["B2"].number_format = "General"
    book["登记表"]["A1"] = "单号"
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    found = differences(built, changed)
    assert any(line.startswith("登记表!A1: expected ('售后单号'") for line in found)
    assert any(line.startswith("政策!B2:") for line in found)
