"""The add-in's functions and button through xlwings' own server call path — the code xlwings Lite
runs inside Excel — with Excel-shaped arguments (2-D lists, serial dates, empty cells as None).

Run in its own process with XLWINGS_ON_SERVER=true (tests/addin/test_server.py starts it): the
decorators are chosen when xlwings is imported, so this cannot share the main test process.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime

import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_call, custom_scripts_meta

from aftersales.columns import INPUT_COLUMNS
from tests.domain import valid_row

assert os.environ.get("XLWINGS_ON_SERVER") == "true", "run through tests/addin/test_server.py"

from addin import scripts, udfs  # noqa: E402 - after the environment check

KEYS = [c.key for c in INPUT_COLUMNS]
SERIAL = {datetime(2026, 11, 21, 10, 0): 46347.416666666664, datetime(2026, 11, 21, 10, 30): 46347.4375,
          datetime(2026, 11, 21, 11, 0): 46347.458333333336, datetime(2026, 11, 17, 9, 0): 46343.375,
          datetime(2026, 11, 20, 15, 0): 46346.625}


def excel_row(**overrides: object) -> list[object]:
    """A register row as Office.js passes it to a custom function: serial dates, None for empty."""
    row = valid_row(**overrides)
    return [SERIAL.get(row.get(k), row.get(k)) if row.get(k) is not None else None for k in KEYS]


REGISTER = [
    [c.header for c in INPUT_COLUMNS],
    excel_row(),
    [None] * len(KEYS),
    excel_row(case_id="SH20261121-002", buyer="b2", order_id="223456789012345678", case_type="质量问题",
              resolution=None, amount=None, resolved_at=None, paid_at=None, refund_channel=None, payee_account=None,
              status="待处理"),
]


def call(name: str, *args: object) -> object:
    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}
    return asyncio.run(custom_functions_call(data, udfs))


def test_functions_are_registered_with_excel_names() -> None:
    names = {meta["name"] for meta in custom_functions_meta(udfs)["functions"]}
    assert {"AS_RECOMMEND", "AS_CEILING", "AS_CHECK", "AS_DEADLINE", "AS_RETURN_WINDOW_END",
            "AS_SOLUTION_DEADLINE"} <= names


def test_column_functions_spill_one_value_per_row() -> None:
    assert call("AS_RECOMMEND", REGISTER) == [["部分退款（可选：退货退款）"], [""], ["部分退款（可选：退货退款、换货）"]]
    assert call("AS_CEILING", REGISTER) == [[20.0], [""], [10.0]]
    check = call("AS_CHECK", REGISTER, [[46347.8]])
    assert check[0] == [""] and check[1] == [""]
    assert check[2][0].startswith("[solution-overdue]")


def test_deadlines_come_back_as_excel_dates() -> None:
    result = call("AS_DEADLINE", REGISTER)
    assert result[1] == [""]
    first = result[0][0]
    assert first == 46347.75 or (isinstance(first, dict) and first.get("basicValue") == 46347.75), first


def test_policy_range_changes_the_result() -> None:
    policy = [["参数", "值", "说明"], ["质量问题折扣上限", 6, ""]]
    assert call("AS_CEILING", REGISTER, policy) == [[20.0], [""], [6.0]]


def test_bad_arguments_come_back_as_text() -> None:
    assert str(call("AS_RECOMMEND", [["a", "b"], [1, 2]])).startswith("[['参数错误")
    assert "参数错误" in str(call("AS_CHECK", REGISTER, [["明天"]]))
    assert "参数错误" in str(call("AS_SOLUTION_DEADLINE", [["abc"]]))


def test_scalar_helpers() -> None:
    end = call("AS_RETURN_WINDOW_END", [[46346.625]])
    assert "46354" in str(end)  # 2026-11-28 00:00 = serial 46354
    deadline = call("AS_SOLUTION_DEADLINE", [[46347.77]], [[0.75]])
    assert "46348.75" in str(deadline)  # registered after 18:00: next day's 18:00


def test_button_is_declared_for_lite() -> None:
    meta = {m["function_name"]: m for m in custom_scripts_meta(scripts)}
    assert meta["validate_register"]["button"] == "[btn_validate]登记表!AS3"
    assert all(m.get("show_taskpane") is True for m in meta.values())  # a button's output is never hidden
    assert "单据" in meta["validate_register"]["exclude"] and "退款表" not in meta["build_refund_sheet"]["exclude"]


def test_button_runs_through_the_lite_script_path() -> None:
    import tempfile
    from pathlib import Path

    from tests.addin.payload import payload_from_xlsx
    from workbook.template import build_register_workbook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        build_register_workbook([valid_row()]).save(path)
        book = xw.Book(json=payload_from_xlsx(path, clock=datetime(2026, 11, 21, 18, 30)))
    result = asyncio.run(custom_scripts_call(scripts, "validate_register", typehint_to_value={xw.Book: book}))
    assert result is None or result is book
    funcs = [action["func"] for action in book.json()["actions"]]
    assert "setValues" in funcs



def test_every_declared_button_has_its_shape_in_the_lite_workbook() -> None:
    from addin.build import LITE_PATH
    from tests.addin.test_build import button_shapes

    shapes = button_shapes(LITE_PATH)
    for meta in custom_scripts_meta(scripts):
        shape, target = meta["button"][1:].split("]", 1)
        assert shapes[shape] == "#" + target


def test_every_argument_has_help_and_deadlines_show_their_time() -> None:
    """Excel shows `doc` instead of "Positional argument 1"; a deadline keeps its 18:00 (issue 15 items 5, 6)."""
    for meta in custom_functions_meta(udfs)["functions"]:
        assert meta["description"] and all(p.get("description") for p in meta["parameters"]), meta["name"]
    call = {"func_name": "AS_SOLUTION_DEADLINE", "args": [[[46347.7]]], "version": xw.__version__,
            "client": "Office.js", "runtime": "1.4"}
    (cell,) = asyncio.run(custom_functions_call(call, udfs))[0]
    assert cell == {"type": "FormattedNumber", "basicValue": 46347.75, "numberFormat": "yyyy-mm-dd hh:mm"}
