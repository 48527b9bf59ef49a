"""Policy (SPEC §7): the shop's rule parameters, read from the 政策 sheet and validated with positions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict

from aftersales.cells import (
    cell_text,
    is_blank,
    parse_choice,
    parse_datetime,
    parse_integer,
    parse_money,
    parse_time_of_day,
)
from aftersales.columns import column_letter
from aftersales.issues import Issue, make_issue
from aftersales.sheets import POLICY_SHEET
from aftersales.taxonomy import YES_NO, ChoiceList, normalise_text


class DamageBasis(StrEnum):
    """How the ceiling of a minor damage partial refund is based (seed 000 四.1)."""

    HIGHER = "较高者"
    LOWER = "较低者"
    PROFIT = "利润"
    FREIGHT = "运费"


class Policy(BaseModel):
    """Rule parameters. Every field has the spec's default; the 政策 sheet overrides them."""

    model_config = ConfigDict(frozen=True)

    day_end: time = time(18, 0)
    no_reason_days: int = 7
    price_protect_days: int = 7
    exchange_limit: int = 1
    mismatch_comp_min: Decimal = Decimal("5.00")
    mismatch_comp_max: Decimal = Decimal("15.00")
    quality_discount_max: Decimal = Decimal("10.00")
    short_refund_max: Decimal = Decimal("20.00")
    damage_minor_basis: DamageBasis = DamageBasis.HIGHER
    default_shipping_fee: Decimal = Decimal("10.00")
    min_evidence_damage: int = 3
    min_evidence_other: int = 1
    order_id_pattern: str = r"^\d{12,20}$"
    stale_return_days: int = 7
    refund_days: int = 3
    approvers: tuple[str, ...] = ()
    """审批人名单: who may approve (empty: anyone but the case's own agent, SPEC §14.3.3)."""
    freight_refund_max: Decimal = Decimal("20.00")
    """退运费上限: the return freight a buyer really advances (到付 costs more than the shop's rate)."""
    holidays: tuple[date, ...] = ()
    """节假日: weekdays that are not working days (the refund clock, SPEC §14.3.9)."""
    workdays: tuple[date, ...] = ()
    """调休上班日: weekend days that are worked."""
    exchange_ship_first: bool = False
    """先换后退: an exchange's replacement goes out before the returned goods are back."""
    shop: str = ""
    """店铺: the shop's name, for reports across registers."""

    @cached_property
    def order_id_regex(self) -> re.Pattern[str]:
        return re.compile(self.order_id_pattern)


DEFAULT_POLICY = Policy()


class _Unusable(ValueError):
    """A policy value that cannot be used; the message says why (Chinese)."""


MAX_DAYS = 365
MAX_EXCHANGES = 10
MAX_POLICY_MONEY = Decimal("100000")
"""SPEC §14.3.12: day and count keys 0–365 (换货次数上限 0–10), money keys 0–100000."""


def _whole(maximum: int, unit: str) -> Callable[[object], int]:
    def parse(value: object) -> int:
        number, problem = parse_integer(value, minimum=0, maximum=maximum)
        if problem or number is None:
            raise _Unusable(f"须为 0–{maximum} 的整数{unit}")
        return number

    return parse


_days = _whole(MAX_DAYS, "天数")
_count = _whole(MAX_DAYS, "")
_exchanges = _whole(MAX_EXCHANGES, "次")


def _money(value: object) -> Decimal:
    amount, problem = parse_money(value)
    if problem or amount is None or amount > MAX_POLICY_MONEY:
        raise _Unusable(f"须为 0–{MAX_POLICY_MONEY} 元的金额")
    return amount


def _day_end(value: object) -> time:
    parsed = parse_time_of_day(value)
    if parsed is None:
        raise _Unusable("须为时刻，如 18:00")
    return parsed


def _basis(value: object) -> DamageBasis:
    text = normalise_text(cell_text(value) or "")
    for basis in DamageBasis:
        if text in (basis.value, basis.name.lower()):
            return basis
    raise _Unusable("须为 较高者、较低者、利润 或 运费")


_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _names(value: object) -> tuple[str, ...]:
    return tuple(name for name in _SEPARATORS.split(normalise_text(cell_text(value) or "")) if name)


def _dates(value: object) -> tuple[date, ...]:
    """One date cell, or dates typed in one cell: 2026-10-01、2026-10-02 …"""
    if not isinstance(value, str):
        moment, problem = parse_datetime(value)
        if problem or moment is None:
            raise _Unusable("须为日期，如 2026-10-01；多个日期用顿号或逗号隔开")
        return (moment.date(),)
    found = []
    for part in _SEPARATORS.split(normalise_text(value)):
        if not part:
            continue
        moment, problem = parse_datetime(part)
        if problem or moment is None:
            raise _Unusable(f"「{part}」不是日期（如 2026-10-01；多个日期用顿号或逗号隔开）")
        found.append(moment.date())
    return tuple(sorted(set(found)))


_YES_NO = ChoiceList(YES_NO)


def _yes_no(value: object) -> bool:
    code, problem = parse_choice(value, _YES_NO)
    if problem or code is None:
        raise _Unusable("须为 是 或 否")
    return code == "是"


def _shop(value: object) -> str:
    return (cell_text(value) or "").strip()


def _pattern(value: object) -> str:
    text = (cell_text(value) or "").strip()
    try:
        re.compile(text)
    except re.error as error:
        raise _Unusable(f"不是有效的正则表达式：{error}") from None
    return text


@dataclass(frozen=True)
class PolicyParam:
    key: str
    name: str
    """The Chinese 参数 name."""
    description: str
    """The 说明 text of the template's 政策 sheet."""
    parse: Callable[[object], object]


PARAMS: tuple[PolicyParam, ...] = (
    PolicyParam("day_end", "下班时间", "当天方案和返现的截止时刻；之后登记的售后顺延到次日此时", _day_end),
    PolicyParam("no_reason_days", "无理由退货天数", "签收次日零时起算的七天无理由天数", _days),
    PolicyParam("price_protect_days", "保价天数", "下单后可保价退差价的天数", _days),
    PolicyParam("exchange_limit", "换货次数上限", "同一订单最多换货次数", _exchanges),
    PolicyParam("mismatch_comp_min", "不符补损下限", "与描述不符的补损建议下限（元）", _money),
    PolicyParam("mismatch_comp_max", "不符补损上限", "与描述不符的补损上限（元）", _money),
    PolicyParam("quality_discount_max", "质量问题折扣上限", "质量问题部分退款上限（元）", _money),
    PolicyParam("short_refund_max", "少货直接退款上限", "少货金额不超过此数时直接退款，否则建议补发（元）", _money),
    PolicyParam("damage_minor_basis", "轻微破损上限依据", "较高者、较低者（订单利润与运费比较）、利润 或 运费", _basis),
    PolicyParam("default_shipping_fee", "默认运费", "运费为空时使用的单程运费（元）", _money),
    PolicyParam("min_evidence_damage", "破损质量凭证数", "破损、质量问题至少需要的照片/视频数", _count),
    PolicyParam("min_evidence_other", "其他凭证数", "少货、错货、尺码问题至少需要的照片/视频数", _count),
    PolicyParam("order_id_pattern", "订单号格式", "订单号须符合的正则表达式（清理空格后）", _pattern),
    PolicyParam("stale_return_days", "待寄回超时天数", "待寄回超过此天数提醒", _days),
    PolicyParam("refund_days", "退款时限天数", "退货验收合格（收货时间）后几个工作日内退款，超过提醒（客退处理流程）", _days),
    PolicyParam("approvers", "审批人名单", "可以审批超上限补偿和升级的人，用顿号或逗号隔开；空着则除本条客服外谁都算（建议填写）", _names),
    PolicyParam("freight_refund_max", "退运费上限", "我方承担运费时，最多退给买家的寄回运费（元）；买家到付往往高于店铺运费", _money),
    PolicyParam("holidays", "节假日", "不上班的工作日（退款时限按工作日算），如 2026-10-01、2026-10-02", _dates),
    PolicyParam("workdays", "调休上班日", "要上班的周末（调休），如 2026-10-11", _dates),
    PolicyParam("exchange_ship_first", "先换后退", "是：换货先发新货再等退回；否：收到退回的包裹后再发（售后手册 4.8）", _yes_no),
    PolicyParam("shop", "店铺", "店铺名称（多个店铺的登记表一起做报表时区分）", _shop),
)

_PARAM_BY_NAME = {normalise_text(p.name): p for p in PARAMS} | {p.key: p for p in PARAMS}


def policy_value_text(key: str, policy: Policy = DEFAULT_POLICY) -> str:
    """A policy value as a person would type it into the 政策 sheet."""
    value = getattr(policy, key)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple):
        return "、".join(item.isoformat() if isinstance(item, date) else str(item) for item in value)
    return str(value)


def parse_policy(
    rows: Sequence[Sequence[object]], *, first_row: int = 1, sheet: str = POLICY_SHEET
) -> tuple[Policy, list[Issue]]:
    """The policy in a 政策 sheet's rows (header row 参数/值/说明 searched in the first rows).

    `first_row` is the Excel row number of rows[0]. Unusable values become `policy-invalid`
    issues at their cell, and that key keeps its default.
    """
    header = _find_policy_header(rows)
    if header is None:
        if not any(any(not is_blank(v) for v in row) for row in rows):
            return DEFAULT_POLICY, []
        issue = make_issue(
            "policy-invalid", sheet=sheet, row=first_row, param="表头", why="找不到「参数」和「值」两列的表头",
            fallback="本次全部按默认值运行",
        )
        return DEFAULT_POLICY, [issue]
    header_index, key_col, value_col = header
    values: dict[str, object] = {}
    value_rows: dict[str, int] = {}
    issues: list[Issue] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 1):
        excel_row = first_row + offset
        name = row[key_col] if key_col < len(row) else None
        raw = row[value_col] if value_col < len(row) else None
        if is_blank(name):
            continue
        param = _PARAM_BY_NAME.get(normalise_text(cell_text(name) or ""))
        if param is None:
            issues.append(
                make_issue(
                    "policy-invalid", sheet=sheet, row=excel_row, column=column_letter(key_col), field="参数",
                    value=cell_text(name), param=cell_text(name) or "",
                    why="没有这个参数名，请对照模板「政策」表的参数列表", fallback="这一行本次被忽略",
                )
            )
            continue
        if is_blank(raw):
            continue
        value_rows[param.key] = excel_row
        try:
            values[param.key] = param.parse(raw)
        except _Unusable as why:
            issues.append(
                make_issue(
                    "policy-invalid", sheet=sheet, row=excel_row, column=column_letter(value_col), field="值",
                    value=cell_text(raw), param=param.name, why=f"值「{cell_text(raw)}」{why}",
                    fallback=_fallback_text(param.key),
                )
            )
    policy = Policy.model_validate(values)
    # 不符补损下限 above 上限: blame what the shop typed (下限 first), fall back until consistent.
    for key in ("mismatch_comp_min", "mismatch_comp_max"):
        if policy.mismatch_comp_min <= policy.mismatch_comp_max:
            break
        if key not in value_rows and key == "mismatch_comp_min" and "mismatch_comp_max" in value_rows:
            continue
        param = next(p for p in PARAMS if p.key == key)
        issues.append(
            make_issue(
                "policy-invalid", sheet=sheet, row=value_rows.get(key), column=column_letter(value_col), field="值",
                value=policy_value_text(key, policy), param=param.name, why="不符补损下限高于不符补损上限",
                fallback=f"本次按默认值 {policy_value_text(key)} 运行",
            )
        )
        policy = policy.model_copy(update={key: getattr(DEFAULT_POLICY, key)})
    return policy, issues


def _fallback_text(key: str) -> str:
    default = policy_value_text(key)
    # An empty default (审批人名单, 节假日 …) is not a value to name: say the whole cell is unused.
    return f"本次按默认值 {default} 运行" if default else "本次整格不用（当作空着），其中写对的部分也不算"


def _find_policy_header(rows: Sequence[Sequence[object]]) -> tuple[int, int, int] | None:
    for index, row in enumerate(rows[:11]):
        names = [normalise_text(cell_text(v) or "") for v in row]
        if "参数" in names and "值" in names:
            return index, names.index("参数"), names.index("值")
    return None
