"""Where a word typed into the wrong choice column belongs (SPEC §14.3.11), for invalid-choice messages.

Staff type what they did into the column they see first: 退差价 or 返现 as 处理方案, 退货退款 as 售后类型.
The message says where the word belongs before it falls back to the closest label.
"""

from __future__ import annotations

from aftersales.columns import BY_KEY, INPUT_COLUMNS, Kind
from aftersales.taxonomy import normalise_text

_REFUND_WAYS = "返现、红包是退款方式，处理方案请选「部分退款」或「仅退款」，再在「退款方式」里选支付宝返现或千牛红包"
_ADVICE: dict[tuple[str, str], str] = {
    ("resolution", "退差价"): "退差价请选「部分退款」，金额填差价（保价退差价是售后类型）",
    ("resolution", "差价"): "退差价请选「部分退款」，金额填差价（保价退差价是售后类型）",
    ("resolution", "返现"): _REFUND_WAYS,
    ("resolution", "红包"): _REFUND_WAYS,
    ("resolution", "支付宝返现"): _REFUND_WAYS,
    ("resolution", "千牛红包"): _REFUND_WAYS,
    ("resolution", "退款"): "请选「仅退款」（商品不用退回）或「退货退款」（买家先退回商品）",
    ("resolution", "退钱"): "请选「仅退款」（商品不用退回）或「退货退款」（买家先退回商品）",
}
_CHOICE_COLUMNS = tuple(column for column in INPUT_COLUMNS if column.kind is Kind.CHOICE and column.choices)


def _folded(text: str) -> str:
    return "".join(normalise_text(text).casefold().split())


def wrong_column_advice(key: str, text: str) -> str | None:
    """What to do with `text`, unknown in column `key`, when it belongs elsewhere; None otherwise."""
    word = _folded(text)
    advice = _ADVICE.get((key, word))
    if advice is not None:
        return advice
    for column in _CHOICE_COLUMNS:
        if column.key == key or column.choices is None:
            continue
        choice = column.choices.match(word)
        if choice is None:
            continue
        if key == "case_type" and column.key == "resolution":
            return (f"「{choice.label}」是处理方案，请在「处理方案」列选；售后类型填的是原因"
                    "（如 七天无理由、质量问题、尺码问题）")
        here = BY_KEY[key].header
        return f"「{choice.label}」是{column.header}的选项，请填在「{column.header}」列；{here}请从下拉列表中选择"
    return None
