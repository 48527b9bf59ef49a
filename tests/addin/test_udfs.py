"""The custom functions called as classic xlwings calls them (plain Python on this platform):
Excel-shaped arguments in, one value per row out, readable text for bad arguments."""

from __future__ import annotations

from datetime import date, datetime

from addin.udfs import AS_CEILING, AS_CHECK, AS_DEADLINE, AS_RECOMMEND, AS_RETURN_WINDOW_END, AS_SOLUTION_DEADLINE
from aftersales.columns import INPUT_COLUMNS
from tests.domain import valid_row

KEYS = [c.key for c in INPUT_COLUMNS]
HEADER = [c.header for c in INPUT_COLUMNS]


def grid(*rows: dict[str, object]) -> list[list[object]]:
    return [HEADER, *([row.get(k) for k in KEYS] for row in rows)]


QUALITY = valid_row(case_id="SH2", buyer="b2", order_id="223456789012345678", case_type="质量问题", resolution=None,
                    amount=None, resolved_at=None, paid_at=None, refund_channel=None, payee_account=None,
                    status="待处理")
BLANK: dict[str, object] = {}
REGISTER = grid(valid_row(), BLANK, QUALITY)


def test_one_value_per_data_row_blank_for_empty_rows() -> None:
    assert AS_RECOMMEND(REGISTER) == [["部分退款（可选：退货退款）"], [""], ["部分退款（可选：退货退款、换货）"]]
    assert AS_CEILING(REGISTER) == [[20.0], [""], [10.0]]
    assert AS_DEADLINE(REGISTER) == [[datetime(2026, 11, 21, 18, 0)], [""], [datetime(2026, 11, 21, 18, 0)]]


def test_check_uses_the_now_passed_in() -> None:
    before = AS_CHECK(REGISTER, datetime(2026, 11, 21, 17, 0))
    after = AS_CHECK(REGISTER, 46347.8)  # a serial number, as Excel's NOW() arrives in Lite
    assert before == [[""], [""], [""]]
    assert after[0] == [""] and after[2][0].startswith("[solution-overdue]")


def test_serial_dates_and_date_cells_work_like_datetimes() -> None:
    serial = grid(valid_row(registered_at=46347.75, signed_at=date(2026, 11, 20)))
    assert AS_DEADLINE(serial) == [[datetime(2026, 11, 21, 18, 0)]]


def test_a_policy_range_changes_the_ceilings() -> None:
    assert AS_CEILING(REGISTER, [["参数", "值", "说明"], ["质量问题折扣上限", 6, ""]]) == [[20.0], [""], [6.0]]


def test_bad_arguments_come_back_as_text() -> None:
    assert AS_RECOMMEND([["a", "b"], [1, 2]])[0][0].startswith("参数错误")
    assert AS_RECOMMEND("x")[0][0].startswith("参数错误")
    assert AS_CHECK(REGISTER, "明天")[0][0].startswith("参数错误")
    assert AS_RETURN_WINDOW_END("abc").startswith("参数错误")
    assert AS_RETURN_WINDOW_END(46346.625, "七").startswith("参数错误")
    assert AS_SOLUTION_DEADLINE(46347.5, "晚上").startswith("参数错误")


def test_scalar_helpers() -> None:
    assert AS_RETURN_WINDOW_END(datetime(2026, 11, 20, 15, 0)) == datetime(2026, 11, 28)
    assert AS_RETURN_WINDOW_END(46346.625, 15) == datetime(2026, 12, 6)
    assert AS_SOLUTION_DEADLINE(datetime(2026, 11, 21, 18, 1)) == datetime(2026, 11, 22, 18, 0)
    assert AS_SOLUTION_DEADLINE(datetime(2026, 11, 21, 17, 45), "17:30") == datetime(2026, 11, 22, 17, 30)
    assert AS_SOLUTION_DEADLINE(46347.7, 0.75) == datetime(2026, 11, 21, 18, 0)


# --- SPEC §14.3 through the functions: the same rules, none in addin/ -------------------------------

NOW_ARG = datetime(2026, 11, 21, 18, 30)


def checked(row: dict[str, object], policy: object = None) -> str:
    result = AS_CHECK(grid(row), NOW_ARG, policy) if policy is not None else AS_CHECK(grid(row), NOW_ARG)
    return str(result[0][0])


def test_refund_only_of_received_goods_is_capped_like_a_partial_refund() -> None:
    row = valid_row(case_type="质量问题", resolution="仅退款", amount=60, refund_channel="原路退款")
    assert AS_CEILING(grid(row)) == [[10.0]]
    assert "[over-ceiling]" in checked(row)


def test_an_approval_by_the_agent_or_a_stranger_counts_as_none() -> None:
    row = valid_row(amount=50, approved_by="小王")
    assert "[self-approval]" in checked(row) and "[over-ceiling]" in checked(row)
    policy = [["参数", "值", "说明"], ["审批人名单", "组长老周、张主管", ""]]
    stranger = valid_row(amount=50, approved_by="小林")
    assert "[approver-unknown]" in checked(stranger, policy)
    assert checked(valid_row(amount=50, approved_by="组长老周"), policy) == ""


def test_freight_insurance_and_application_time_are_read_from_their_columns() -> None:
    insured = valid_row(freight_insured="是", freight_refund=8, return_tracking="YT1234567890")
    assert "[freight-refund-insured]" in checked(insured)
    late_registered = valid_row(case_type="七天无理由", resolution="退货退款", amount=100, refund_channel="原路退款",
                                severity=None, liable_party="客户", status="待寄回", paid_at=None,
                                signed_at=datetime(2026, 11, 13, 15, 0),
                                applied_at=datetime(2026, 11, 20, 23, 30),
                                registered_at=datetime(2026, 11, 21, 9, 0))
    assert "[outside-return-window]" not in checked(late_registered)
    assert "[outside-return-window]" in checked({**late_registered, "applied_at": None})


def test_a_register_without_the_new_columns_still_works() -> None:
    old = [c.header for c in INPUT_COLUMNS if c.key not in {"applied_at", "tracking_no", "freight_insured",
                                                            "goods_received_at", "received_qty"}]
    old_keys = [c.key for c in INPUT_COLUMNS if c.header in old]
    register = [old, [valid_row().get(k) for k in old_keys]]
    assert AS_CEILING(register) == [[20.0]]
    assert AS_CHECK(register, NOW_ARG) == [[""]]
