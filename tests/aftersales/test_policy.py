"""SPEC §7: the 政策 sheet — defaults, Chinese names or keys, blank = default, positioned errors."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest

from aftersales.policy import DEFAULT_POLICY, PARAMS, DamageBasis, Policy, parse_policy, policy_value_text
from tests.domain import codes, run, valid_row

HEADER = ["参数", "值", "说明"]


def test_defaults_are_the_spec_values():
    assert Policy(
        day_end=time(18, 0), no_reason_days=7, price_protect_days=7, exchange_limit=1,
        mismatch_comp_min=Decimal("5"), mismatch_comp_max=Decimal("15"), quality_discount_max=Decimal("10"),
        short_refund_max=Decimal("20"), damage_minor_basis=DamageBasis.HIGHER, default_shipping_fee=Decimal("10"),
        min_evidence_damage=3, min_evidence_other=1, order_id_pattern=r"^\d{12,20}$", stale_return_days=7,
        refund_days=3,
    ) == DEFAULT_POLICY
    assert [p.key for p in PARAMS] == list(Policy.model_fields)


def test_values_by_chinese_name_or_key():
    policy, issues = parse_policy([
        HEADER,
        ["下班时间", "17:30", ""],
        ["no_reason_days", 15, ""],
        ["轻微破损上限依据", "较低者", ""],
        ["默认运费", "¥12", ""],
        ["订单号格式", r"^\d{6}-\d{15}$", "拼多多"],
    ])
    assert issues == []
    assert policy.day_end == time(17, 30)
    assert policy.no_reason_days == 15
    assert policy.damage_minor_basis is DamageBasis.LOWER
    assert policy.default_shipping_fee == Decimal("12.00")
    assert policy.order_id_regex.fullmatch("241121-123456789012345")


def test_blank_value_means_default_and_title_rows_are_skipped():
    policy, issues = parse_policy([["店铺售后政策"], [], HEADER, ["换货次数上限", None, ""], ["保价天数", "", ""]])
    assert (policy, issues) == (DEFAULT_POLICY, [])


def test_excel_time_cell_for_day_end():
    assert parse_policy([HEADER, ["下班时间", time(19, 0)]])[0].day_end == time(19, 0)
    assert parse_policy([HEADER, ["下班时间", 0.75]])[0].day_end == time(18, 0)


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("下班时间", "25:00", "day_end"),
        ("无理由退货天数", "七天", "no_reason_days"),
        ("保价天数", -1, "price_protect_days"),
        ("不符补损上限", "abc", "mismatch_comp_max"),
        ("轻微破损上限依据", "最大", "damage_minor_basis"),
        ("订单号格式", "^(\\d+$", "order_id_pattern"),
    ],
)
def test_unusable_value_is_positioned_and_default_kept(name, value, key):  # type: ignore[no-untyped-def]
    policy, issues = parse_policy([["标题"], HEADER, ["下班时间", "18:00"], [name, value, ""]], first_row=1)
    assert [(i.code, i.sheet, i.row, i.column, i.field) for i in issues] == [("policy-invalid", "政策", 4, "B", "值")]
    assert getattr(policy, key) == getattr(DEFAULT_POLICY, key)
    assert policy_value_text(key) in issues[0].message  # says which default was used


@pytest.mark.parametrize(("name", "value"), [("节假日", "2026-11-02、十一"), ("调休上班日", "2026-13-01")])
def test_an_unusable_list_with_an_empty_default_says_the_cell_is_unused(name: str, value: str) -> None:
    policy, issues = parse_policy([HEADER, [name, value]])
    assert policy.holidays == () and policy.workdays == ()
    (issue,) = issues
    assert issue.message.endswith("：本次整格不用（当作空着），其中写对的部分也不算，请改正。")
    assert "默认值  运行" not in issue.message


def test_unknown_parameter_name_is_reported():
    _, issues = parse_policy([HEADER, ["下班时问", "18:00"]])
    assert [(i.code, i.row, i.column, i.field) for i in issues] == [("policy-invalid", 2, "A", "参数")]


def test_min_above_max_is_reported_and_min_falls_back():
    policy, issues = parse_policy([HEADER, ["不符补损下限", 20], ["不符补损上限", 15]])
    assert [(i.code, i.row) for i in issues] == [("policy-invalid", 2)]
    assert policy.mismatch_comp_min == DEFAULT_POLICY.mismatch_comp_min


def test_sheet_without_header_is_reported():
    policy, issues = parse_policy([["下班时间", "17:00"]])
    assert policy == DEFAULT_POLICY
    assert [i.code for i in issues] == ["policy-invalid"]


def test_policy_changes_the_rules():
    strict = Policy(day_end=time(17, 0), min_evidence_damage=5)
    row = valid_row(resolution=None, amount=None, resolved_at=None, paid_at=None, status="待处理",
                    refund_channel=None)
    report = run([row], now=datetime(2026, 11, 21, 17, 30), policy=strict)
    assert "solution-overdue" in codes(report)
    assert "evidence-insufficient" in codes(report)
    assert "solution-overdue" not in codes(run([row], now=datetime(2026, 11, 21, 17, 30)))
