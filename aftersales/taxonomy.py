"""Taxonomies of SPEC §3 and the other choice lists of the register (§2.1).

A choice is matched exactly after trimming and full-width/half-width normalisation, against its
label, its code and its aliases. Nothing else is accepted: `非质量问题` is not 质量问题.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class CaseType(StrEnum):
    TRACKING = "tracking"
    REFUND_BEFORE_SHIP = "refund-before-ship"
    INTERCEPT = "intercept"
    SHORT = "short"
    WRONG_ITEM = "wrong-item"
    DAMAGED = "damaged"
    LOST = "lost"
    NO_TRACKING = "no-tracking"
    FALSE_SIGN = "false-sign"
    QUALITY = "quality"
    SIZE = "size"
    NOT_AS_DESCRIBED = "not-as-described"
    NO_REASON = "no-reason"
    PRICE_PROTECT = "price-protect"
    COMPLAINT = "complaint"
    OTHER = "other"


class Resolution(StrEnum):
    EXPLAIN = "explain"
    RESHIP = "reship"
    EXCHANGE = "exchange"
    RETURN_REFUND = "return-refund"
    REFUND_ONLY = "refund-only"
    PARTIAL_REFUND = "partial-refund"
    GIFT = "gift"
    INTERCEPT_REFUND = "intercept-refund"
    DECLINE = "decline"
    ESCALATE = "escalate"
    REPAIR = "repair"


@dataclass(frozen=True)
class Choice:
    """One valid value of a choice column: its code, its Chinese label and accepted aliases."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()


def _choices(rows: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[Choice, ...]:
    return tuple(Choice(code, label, aliases) for code, label, aliases in rows)


CASE_TYPES = _choices(
    [
        ("tracking", "查件催件", ("查件", "催件", "催发货")),
        ("refund-before-ship", "未发货退款", ("未发货仅退款",)),
        ("intercept", "拦截退回", ("拦截", "拒收", "已发货仅退款")),
        ("short", "少货漏发", ("少货", "漏发", "少件")),
        ("wrong-item", "错货错发", ("错货", "错发", "发错")),
        ("damaged", "运输破损", ("破损", "损坏")),
        ("lost", "丢件", ("丢失",)),
        ("no-tracking", "无物流更新", ("物流不更新",)),
        ("false-sign", "虚假签收", ()),
        ("quality", "质量问题", ("做工问题",)),
        ("size", "尺码问题", ("尺寸问题",)),
        ("not-as-described", "与描述不符", ("与想象不符",)),
        ("no-reason", "七天无理由", ("7天无理由", "无理由退货")),
        ("price-protect", "保价退差价", ("保价", "退差价")),
        ("complaint", "投诉维权", ("投诉",)),
        ("other", "其他", ()),
    ]
)

RESOLUTIONS = _choices(
    [
        ("explain", "解释说明", ()),
        ("reship", "补发", ()),
        ("exchange", "换货", ("退换",)),
        ("return-refund", "退货退款", ()),
        ("refund-only", "仅退款", ()),
        ("partial-refund", "部分退款", ("补偿", "补损", "折价")),
        ("gift", "赠送", ()),
        ("intercept-refund", "拦截退款", ()),
        ("decline", "婉拒", ("拒绝",)),
        ("escalate", "升级主管", ()),
        ("repair", "维修", ()),
    ]
)


def _labels(*labels: str) -> tuple[Choice, ...]:
    """A choice list whose codes are its labels (lists the spec names only in Chinese)."""
    return tuple(Choice(label, label) for label in labels)


PLATFORMS = _labels("淘宝", "天猫", "京东", "拼多多", "抖音", "快手", "线下", "其他")
ORDER_STAGES = _labels("未发货", "已发货未签收", "已签收")
SEVERITIES = _labels("轻微", "严重")
LIABLE_PARTIES = _labels("我方", "快递", "客户", "厂家", "待定")
REFUND_CHANNELS = _labels("原路退款", "支付宝返现", "千牛红包")
STATUSES = _labels("待处理", "已给方案", "待寄回", "待入库", "待退款", "已完成", "已关闭")
YES_NO = _choices([("是", "是", ("有", "已买", "y", "yes")), ("否", "否", ("无", "没有", "未买", "n", "no"))])

# Resolutions whose `amount` is money paid to the buyer (SPEC §3.2).
MONEY_RESOLUTIONS = frozenset(
    {Resolution.RETURN_REFUND, Resolution.REFUND_ONLY, Resolution.PARTIAL_REFUND, Resolution.INTERCEPT_REFUND}
)

# Case types that concern goods and so need the ordered SKU (SPEC §3.3).
GOODS_CASES = frozenset(
    {
        CaseType.SHORT,
        CaseType.WRONG_ITEM,
        CaseType.DAMAGED,
        CaseType.QUALITY,
        CaseType.SIZE,
        CaseType.NOT_AS_DESCRIBED,
        CaseType.NO_REASON,
        CaseType.LOST,
        CaseType.FALSE_SIGN,
        CaseType.INTERCEPT,
    }
)

CASHBACK_CHANNELS = frozenset({"支付宝返现", "千牛红包"})

INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E]
)


def normalise_text(text: str) -> str:
    """Trim and fold full-width forms to half-width (NFKC), dropping zero-width characters."""
    return unicodedata.normalize("NFKC", text.translate(INVISIBLE)).strip()


class ChoiceList:
    """Exact lookup of a choice by label, code or alias, plus the closest label for messages."""

    def __init__(self, choices: tuple[Choice, ...]) -> None:
        self.choices = choices
        self._by_code = {choice.code: choice for choice in choices}
        self._lookup: dict[str, Choice] = {}
        for choice in choices:
            for name in (choice.label, choice.code, *choice.aliases):
                self._lookup[normalise_text(name).casefold()] = choice

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(choice.label for choice in self.choices)

    def match(self, text: str) -> Choice | None:
        return self._lookup.get(normalise_text(text).casefold())

    def by_code(self, code: str) -> Choice:
        return self._by_code[code]

    def closest_label(self, text: str) -> str:
        """The valid label nearest to `text` (through aliases too); always names one."""
        wanted = normalise_text(text).casefold()
        best_label, best_score = self.choices[0].label, -1.0
        for name, choice in self._lookup.items():
            score = difflib.SequenceMatcher(None, wanted, name).ratio()
            if score > best_score:
                best_label, best_score = choice.label, score
        return best_label


CASE_TYPE_LIST = ChoiceList(CASE_TYPES)
RESOLUTION_LIST = ChoiceList(RESOLUTIONS)


def case_type_label(case_type: CaseType) -> str:
    return CASE_TYPE_LIST.by_code(case_type.value).label


def resolution_label(resolution: Resolution) -> str:
    return RESOLUTION_LIST.by_code(resolution.value).label
