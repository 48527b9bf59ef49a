"""SPEC §2.3: the cell values people really type."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from aftersales.cells import (
    ExcelError,
    cell_text,
    excel_serial_to_datetime,
    normalise_order_id,
    parse_choice,
    parse_datetime,
    parse_integer,
    parse_money,
    parse_order_id,
    parse_time_of_day,
)
from aftersales.taxonomy import CASE_TYPE_LIST, RESOLUTION_LIST, ChoiceList

PATTERN = re.compile(r"^\d{12,20}$")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12.5, "12.50"),
        (12, "12.00"),
        ("12.5", "12.50"),
        ("¥12.50", "12.50"),
        ("￥12.5", "12.50"),
        ("12元", "12.00"),
        ("1,234.50", "1234.50"),
        ("１２．５", "12.50"),
        (" ¥ 1,234.5 元 ", "1234.50"),
        ("0.005", "0.01"),  # half-up at the cent
        ("0.004", "0.00"),
        (0.1 + 0.2, "0.30"),  # the float's shortest repr, not its binary expansion
        (Decimal("2.675"), "2.68"),
        (".5", "0.50"),
    ],
)
def test_money_formats(cell, expected):  # type: ignore[no-untyped-def]
    assert parse_money(cell) == (Decimal(expected), None)


@pytest.mark.parametrize("cell", ["abc", "12.5.1", "1,23", "¥", "十二元", True, float("nan"), float("inf"),
                                  datetime(2026, 1, 1), "1,2345.00"])
def test_money_not_parseable(cell):  # type: ignore[no-untyped-def]
    value, problem = parse_money(cell)
    assert value is None and problem is not None and problem.code == "invalid-number"


@pytest.mark.parametrize("cell", [-1, "-12.5", "-¥3", "¥-3"])
def test_negative_money(cell):  # type: ignore[no-untyped-def]
    assert parse_money(cell)[1].code == "negative-amount"  # type: ignore[union-attr]


@pytest.mark.parametrize("cell", [None, "", "   ", "\u3000"])
def test_blank_cells_are_none_without_problem(cell):  # type: ignore[no-untyped-def]
    assert parse_money(cell) == (None, None)
    assert parse_datetime(cell) == (None, None)
    assert parse_integer(cell) == (None, None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(2026, 11, 21, 14, 30), datetime(2026, 11, 21, 14, 30)),
        (date(2026, 11, 21), datetime(2026, 11, 21)),
        (46347.6041666667, datetime(2026, 11, 21, 14, 30)),
        (46347, datetime(2026, 11, 21)),
        ("2026-11-21 14:30", datetime(2026, 11, 21, 14, 30)),
        ("2026/11/21 14:30", datetime(2026, 11, 21, 14, 30)),
        ("2026年11月21日 14:30", datetime(2026, 11, 21, 14, 30)),
        ("2026年11月21日", datetime(2026, 11, 21)),
        ("2026-11-21", datetime(2026, 11, 21)),
        ("2026-11-21T14:30:05", datetime(2026, 11, 21, 14, 30, 5)),
        ("２０２６－１１－２１　１４：３０", datetime(2026, 11, 21, 14, 30)),
        ("2026/1/5 9:05", datetime(2026, 1, 5, 9, 5)),
    ],
)
def test_datetime_formats(cell, expected):  # type: ignore[no-untyped-def]
    assert parse_datetime(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["明天", "2026-13-01", "2026-02-30", "21/11/2026", True, -5, 10**9, time(18, 0),
                                  "2026-11-21 25:00"])
def test_datetime_not_parseable(cell):  # type: ignore[no-untyped-def]
    value, problem = parse_datetime(cell)
    assert value is None and problem is not None and problem.code == "invalid-datetime"


def test_excel_serial_keeps_the_1900_leap_bug_in_mind():
    assert excel_serial_to_datetime(61) == datetime(1900, 3, 1)
    assert excel_serial_to_datetime(1) == datetime(1900, 1, 1)


@pytest.mark.parametrize("cell", [ExcelError("#N/A"), "#N/A", "#VALUE!", " #div/0! ", "#REF!", "#NAME?"])
def test_excel_errors_are_reported_in_every_kind_of_column(cell):  # type: ignore[no-untyped-def]
    for parse in (parse_money, parse_datetime, parse_integer):
        assert parse(cell)[1].code == "excel-error"  # type: ignore[operator]
    assert parse_choice(cell, CASE_TYPE_LIST)[1].code == "excel-error"  # type: ignore[union-attr]
    assert parse_order_id(cell, PATTERN)[1][0].code == "excel-error"


@pytest.mark.parametrize(
    ("cell", "value", "problem"),
    [(3, 3, None), (3.0, 3, None), ("３", 3, None), ("2件", 2, None), (0, None, "invalid-number"),
     (1.5, None, "invalid-number"), ("两个", None, "invalid-number"), (True, None, "invalid-number")],
)
def test_quantity(cell, value, problem):  # type: ignore[no-untyped-def]
    parsed, issue = parse_integer(cell, minimum=1)
    assert parsed == value
    assert (issue.code if issue else None) == problem


@pytest.mark.parametrize(
    ("cell", "code"),
    [("破损", "damaged"), ("运输破损", "damaged"), (" 7天无理由 ", "no-reason"), ("７天无理由", "no-reason"),
     ("damaged", "damaged"), ("拒收", "intercept"), ("已发货仅退款", "intercept")],
)
def test_case_type_by_label_alias_and_code(cell, code):  # type: ignore[no-untyped-def]
    assert parse_choice(cell, CASE_TYPE_LIST) == (code, None)


@pytest.mark.parametrize(("cell", "closest"), [("非质量问题", "质量问题"), ("破损严重", "运输破损"), ("质量", "质量问题")])
def test_no_substring_or_fuzzy_acceptance(cell, closest):  # type: ignore[no-untyped-def]
    value, problem = parse_choice(cell, CASE_TYPE_LIST)
    assert value is None
    assert problem is not None and problem.code == "invalid-choice"
    assert problem.params["closest"] == closest


def test_resolution_aliases():
    assert parse_choice("补偿", RESOLUTION_LIST) == ("partial-refund", None)
    assert parse_choice("退换", RESOLUTION_LIST) == ("exchange", None)
    assert parse_choice("拒绝", RESOLUTION_LIST) == ("decline", None)


def test_closest_label_always_names_a_valid_label():
    choices = ChoiceList(CASE_TYPE_LIST.choices)
    assert choices.closest_label("zzz") in choices.labels


@pytest.mark.parametrize(
    "pasted",
    [
        " 123456789012345678 ",
        "123 456 789 012 345 678",
        "123456789012345678\u3000",
        "\u00a0123456789012345678",
        "1234\u200b56789012345678",
        "\ufeff123456789012345678\u200e",
        "'123456789012345678",
        "１２３４５６７８９０１２３４５６７８",
        "\u202a123456789012345678\u202c",
    ],
)
def test_order_numbers_as_pasted(pasted):  # type: ignore[no-untyped-def]
    assert parse_order_id(pasted, PATTERN) == ("123456789012345678", [])
    assert normalise_order_id(pasted) == "123456789012345678"


def test_order_number_stored_as_number_loses_digits():
    _, problems = parse_order_id(1.2345678901234568e18, PATTERN)
    assert [(p.code, p.severity) for p in problems] == [("order-id-as-number", "error")]
    assert cell_text(1.2345678901234568e18) == "1.23456789012346e+18"


def test_order_number_stored_as_number_within_precision_is_a_warning():
    value, problems = parse_order_id(123456789012345, PATTERN)
    assert value == "123456789012345"
    assert [(p.code, p.severity) for p in problems] == [("order-id-as-number", "warning")]


def test_short_number_is_also_a_format_error():
    _, problems = parse_order_id(12345, PATTERN)
    assert [p.code for p in problems] == ["order-id-as-number", "order-id-format"]


@pytest.mark.parametrize("cell", ["12345", "1234567890123-45", "TB123456789012", "订单123456789012"])
def test_order_number_format(cell):  # type: ignore[no-untyped-def]
    assert [p.code for p in parse_order_id(cell, PATTERN)[1]] == ["order-id-format"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("18:00", time(18)), ("17:30", time(17, 30)), (time(19, 0), time(19)), (0.75, time(18)), ("１８：００", time(18)),
     ("25:00", None), ("晚上", None), (1.5, None)],
)
def test_time_of_day(cell, expected):  # type: ignore[no-untyped-def]
    assert parse_time_of_day(cell) == expected
