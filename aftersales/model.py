"""The case model: one register row, parsed, carrying where it came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from aftersales.taxonomy import CaseType, Resolution


@dataclass(frozen=True)
class RawRegister:
    """The register as a reader found it: cell values as read, before any parsing.

    Both the file reader (`workbook/`) and the add-in's UDFs produce one; the domain takes it from
    there. Rows hold cells from column A, so a cell's 0-based index is its column.
    """

    sheet: str
    header_row: int
    """Excel row number of the header row."""
    header: Sequence[object]
    rows: Sequence[tuple[int, Sequence[object]]]
    """(Excel row number, cells from column A) of every non-empty row below the header."""


class SourcePos(NamedTuple):
    """Where a case sits in the workbook: sheet, Excel row, and the column of each key.

    A named tuple: one is made per register row, and tuples are the cheapest immutable record.
    """

    sheet: str
    row: int
    columns: Mapping[str, str]
    """key → column letter."""
    indices: Mapping[str, int] = {}
    """key → 0-based index into `cells`."""
    cells: Sequence[object] = ()
    """The row's cells as read, so an issue can quote the cell as the user typed it."""

    def cell(self, key: str) -> object:
        index = self.indices.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None


class Case(BaseModel):
    """One after-sales case (a register row). Blank or unusable cells are None."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    source: SourcePos
    invalid: frozenset[str] = frozenset()
    """Keys whose cell held something that could not be used (already reported on that cell)."""

    case_id: str | None = None
    registered_at: datetime | None = None
    platform: str | None = None
    order_id: str | None = None
    ordered_at: datetime | None = None
    buyer: str | None = None
    agent: str | None = None
    case_type: CaseType | None = None
    order_stage: str | None = None
    signed_at: datetime | None = None
    sku: str | None = None
    received_sku: str | None = None
    qty: int | None = None
    paid_amount: Decimal | None = None
    item_amount: Decimal | None = None
    order_profit: Decimal | None = None
    shipping_fee: Decimal | None = None
    severity: str | None = None
    evidence_count: int | None = None
    liable_party: str | None = None
    description: str | None = None
    resolution: Resolution | None = None
    amount: Decimal | None = None
    freight_refund: Decimal | None = None
    refund_channel: str | None = None
    payee_account: str | None = None
    status: str | None = None
    resolved_at: datetime | None = None
    approved_by: str | None = None
    paid_at: datetime | None = None
    return_tracking: str | None = None
    note: str | None = None
    applied_at: datetime | None = None
    """申请时间: when the buyer applied on the platform (windows are judged on it, SPEC §14.1)."""
    tracking_no: str | None = None
    freight_insured: str | None = None
    """运费险: 是 / 否."""
    goods_received_at: datetime | None = None
    """收货时间: the returned goods arrived and passed inspection."""
    received_qty: int | None = None
    """实收数量: what came back; None = not checked."""

    @property
    def row(self) -> int:
        return self.source.row

    @property
    def sheet(self) -> str:
        return self.source.sheet

    @property
    def quantity(self) -> int:
        """数量, blank = 1."""
        return self.qty if self.qty is not None else 1

    @property
    def evidence(self) -> int:
        """凭证数, blank = 0."""
        return self.evidence_count or 0

    @property
    def is_open(self) -> bool:
        return self.status not in ("已完成", "已关闭")
