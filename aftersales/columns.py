"""The column catalogue of the register (SPEC §2): the single source for the template, the reader,
validation and the positions of issues.

Columns are found by header text, never by position; each header also accepts its English key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from aftersales.taxonomy import (
    CASE_TYPE_LIST,
    LIABLE_PARTIES,
    ORDER_STAGES,
    PLATFORMS,
    REFUND_CHANNELS,
    RESOLUTION_LIST,
    SEVERITIES,
    STATUSES,
    YES_NO,
    ChoiceList,
    normalise_text,
)


class Kind(StrEnum):
    TEXT = "text"
    ORDER_ID = "order_id"
    DATETIME = "datetime"
    CHOICE = "choice"
    INTEGER = "integer"
    MONEY = "money"


@dataclass(frozen=True)
class Column:
    """One register column: Chinese header, English key, kind of value, and where it comes from."""

    key: str
    header: str
    kind: Kind
    choices: ChoiceList | None = None
    minimum: int = 0
    """Smallest allowed value of an integer column."""
    maximum: int | None = None
    """Largest allowed value of an integer column (SPEC §14.1 ranges)."""
    output: bool = False
    """Written only by the add-in (shaded grey in the template); never read as input."""
    always_required: bool = False
    """Required on every case (SPEC §3.3); a missing header is `header-missing`."""


def _col(key: str, header: str, kind: Kind, **extra: object) -> Column:
    return Column(key, header, kind, **extra)  # type: ignore[arg-type]


INPUT_COLUMNS: tuple[Column, ...] = (
    _col("case_id", "售后单号", Kind.TEXT),
    _col("registered_at", "登记时间", Kind.DATETIME, always_required=True),
    _col("platform", "平台", Kind.CHOICE, choices=ChoiceList(PLATFORMS)),
    _col("order_id", "订单号", Kind.ORDER_ID, always_required=True),
    _col("ordered_at", "下单时间", Kind.DATETIME),
    _col("buyer", "买家", Kind.TEXT, always_required=True),
    _col("agent", "客服", Kind.TEXT, always_required=True),
    _col("case_type", "售后类型", Kind.CHOICE, choices=CASE_TYPE_LIST, always_required=True),
    _col("order_stage", "订单节点", Kind.CHOICE, choices=ChoiceList(ORDER_STAGES)),
    _col("signed_at", "签收时间", Kind.DATETIME),
    _col("sku", "货号", Kind.TEXT),
    _col("received_sku", "实收货号", Kind.TEXT),
    _col("qty", "数量", Kind.INTEGER, minimum=1, maximum=100_000),
    _col("paid_amount", "实付金额", Kind.MONEY),
    _col("item_amount", "涉及金额", Kind.MONEY),
    _col("order_profit", "订单利润", Kind.MONEY),
    _col("shipping_fee", "运费", Kind.MONEY),
    _col("severity", "程度", Kind.CHOICE, choices=ChoiceList(SEVERITIES)),
    _col("evidence_count", "凭证数", Kind.INTEGER, minimum=0, maximum=1000),
    _col("liable_party", "责任方", Kind.CHOICE, choices=ChoiceList(LIABLE_PARTIES)),
    _col("description", "问题描述", Kind.TEXT, always_required=True),
    _col("resolution", "处理方案", Kind.CHOICE, choices=RESOLUTION_LIST),
    _col("amount", "金额", Kind.MONEY),
    _col("freight_refund", "退运费", Kind.MONEY),
    _col("refund_channel", "退款方式", Kind.CHOICE, choices=ChoiceList(REFUND_CHANNELS)),
    _col("payee_account", "收款账号", Kind.TEXT),
    _col("status", "状态", Kind.CHOICE, choices=ChoiceList(STATUSES)),
    _col("resolved_at", "方案时间", Kind.DATETIME),
    _col("approved_by", "审批人", Kind.TEXT),
    _col("paid_at", "付款时间", Kind.DATETIME),
    _col("return_tracking", "退回单号", Kind.TEXT),
    _col("note", "备注", Kind.TEXT),
    # SPEC §14.1: optional; a rule that reads one is skipped when the register lacks the column.
    _col("applied_at", "申请时间", Kind.DATETIME),
    _col("tracking_no", "运单号", Kind.TEXT),
    _col("freight_insured", "运费险", Kind.CHOICE, choices=ChoiceList(YES_NO)),
    _col("goods_received_at", "收货时间", Kind.DATETIME),
    _col("received_qty", "实收数量", Kind.INTEGER, minimum=0, maximum=100_000),
)

OUTPUT_COLUMNS: tuple[Column, ...] = (
    _col("recommended", "推荐方案", Kind.TEXT, output=True),
    _col("ceiling", "补偿上限", Kind.MONEY, output=True),
    _col("deadline", "截止时间", Kind.DATETIME, output=True),
    _col("check", "校验", Kind.TEXT, output=True),
)

COLUMNS: tuple[Column, ...] = INPUT_COLUMNS + OUTPUT_COLUMNS
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
REQUIRED_HEADERS: tuple[Column, ...] = tuple(c for c in INPUT_COLUMNS if c.always_required)

_BY_NAME: dict[str, Column] = {}
for _column in COLUMNS:
    _BY_NAME[normalise_text(_column.header).casefold()] = _column
    _BY_NAME[_column.key.casefold()] = _column


def column_for_header(value: object) -> Column | None:
    """The catalogue column a header cell names (Chinese header or English key), if any."""
    if not isinstance(value, str):
        return None
    return _BY_NAME.get(normalise_text(value).casefold())


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """0-based column index of Excel column letters, either case: A → 0, AB → 27 (-1 for none)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter if isinstance(letter, int) else ord(letter)) - 64
    return number - 1


@dataclass(frozen=True)
class HeaderMatch:
    """Which catalogue columns a header row holds, by 0-based column index."""

    positions: dict[str, int]
    """key → 0-based column index (the first occurrence wins)."""

    @property
    def known(self) -> int:
        return len(self.positions)

    @property
    def missing_required(self) -> tuple[Column, ...]:
        return tuple(c for c in REQUIRED_HEADERS if c.key not in self.positions)

    def letter(self, key: str) -> str | None:
        index = self.positions.get(key)
        return None if index is None else column_letter(index)


def match_headers(row: Sequence[object]) -> HeaderMatch:
    positions: dict[str, int] = {}
    for index, value in enumerate(row):
        column = column_for_header(value)
        if column is not None and column.key not in positions:
            positions[column.key] = index
    return HeaderMatch(positions)


MIN_KNOWN_HEADERS = 3
"""A row naming fewer catalogue headers than this is not taken for a register header row."""


def find_header_row(rows: Iterable[Sequence[object]], search_rows: int = 11) -> tuple[int, HeaderMatch] | None:
    """The header row among the first `search_rows` rows (0-based index and its match).

    The first row holding every always-required header wins; failing that, the row naming the most
    catalogue headers (at least MIN_KNOWN_HEADERS), so a register missing a header still reads and
    reports `header-missing`.
    """
    best: tuple[int, HeaderMatch] | None = None
    for index, row in enumerate(rows):
        if index >= search_rows:
            break
        match = match_headers(row)
        if not match.missing_required:
            return index, match
        if match.known >= MIN_KNOWN_HEADERS and (best is None or match.known > best[1].known):
            best = (index, match)
    return best
