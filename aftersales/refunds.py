"""The finance refund sheet (SPEC §9): what to pay today, what is held and why, reconciled.

Payable rows (退款表) carry a batch number; rows not payable yet (待处理) carry the reason. In the
workbook the 退款表 is an append-only ledger: each run adds a batch `FK{YYYYMMDD}-{nn}` of the cases
not exported before, and a case whose money changed after export is an error, never a second payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.cells import format_money, parse_money, parse_text
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.sheets import REFUND_HEADERS, records
from aftersales.taxonomy import MONEY_RESOLUTIONS, Resolution, resolution_label
from aftersales.validate import Report

R = Resolution
ZERO = Decimal("0.00")
PAY_AT_ONCE = frozenset({R.PARTIAL_REFUND, R.REFUND_ONLY})
FULL_REFUNDS = frozenset({R.RETURN_REFUND, R.REFUND_ONLY, R.INTERCEPT_REFUND})
GOODS_BACK_FIRST = frozenset({R.RETURN_REFUND, R.EXCHANGE, R.INTERCEPT_REFUND})
READY_STATUSES = frozenset({"待退款", "已完成"})
AWAITING_STATUSES = frozenset({"待寄回", "待入库", "已给方案"})
HOLDING_CODES = frozenset({
    "amount-exceeds-paid", "order-refunds-exceed-paid", "over-ceiling", "cashback-account-missing",
    "outside-return-window", "price-protect-expired", "refund-type-mismatch", "duplicate-case-id",
})
"""Errors of a case that hold its payment (SPEC §9). Clock-based issues never hold: they say pay now."""
CELL_CODES = frozenset({"required-missing", "invalid-number", "invalid-choice", "invalid-datetime", "excel-error",
                        "negative-amount"})
MONEY_FIELDS = frozenset({"金额", "退运费", "实付金额", "退款方式", "收款账号"})
"""Money, channel and account cells: a problem there holds the payment."""


class RefundRow(BaseModel):
    """One line of 退款表 / 待处理."""

    model_config = ConfigDict(frozen=True)

    batch: str | None
    case_id: str | None
    order_id: str | None
    platform: str | None
    buyer: str | None
    channel: str | None
    account: str | None
    refund: Decimal
    freight: Decimal
    category: str
    agent: str | None
    approved_by: str | None
    resolved_at: datetime | None
    paid_at: datetime | None
    reason: str = ""
    row: int = 0
    """Excel row of the case in the register."""

    @property
    def total(self) -> Decimal:
        return self.refund + self.freight

    def values(self, with_batch: bool = True) -> list[object]:
        """The line in the order of REFUND_HEADERS (PENDING_HEADERS without the batch, plus 原因)."""
        line: list[object] = [self.batch, self.case_id, self.order_id, self.platform, self.buyer, self.channel,
                              self.account, self.refund, self.freight, self.total, self.category, self.agent,
                              self.approved_by, self.resolved_at, self.paid_at]
        return line if with_batch else [*line[1:], self.reason]


class Totals(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    count: int
    refund: Decimal
    freight: Decimal

    @property
    def total(self) -> Decimal:
        return self.refund + self.freight


class RefundSheet(BaseModel):
    """The day's refund and cashback sheet."""

    model_config = ConfigDict(frozen=True)

    day: date
    batch: str
    payable: tuple[RefundRow, ...]
    pending: tuple[RefundRow, ...]
    register_total: Decimal
    """The same money summed from the register's cases, independently of the rows: the check."""

    @property
    def by_channel(self) -> list[Totals]:
        groups: dict[str, list[RefundRow]] = defaultdict(list)
        for row in self.payable:
            groups[row.channel or "（未填退款方式）"].append(row)
        return [_totals(f"合计（{name}）", rows) for name, rows in sorted(groups.items())]

    @property
    def overall(self) -> Totals:
        return _totals("总计", self.payable)

    @property
    def reconciled(self) -> bool:
        return self.overall.total == self.register_total

    def reconciliation(self) -> str:
        mark = "一致" if self.reconciled else "不一致，请核对"
        return (f"核对：本表合计 {format_money(self.overall.total)} 元，登记表中这 {len(self.payable)} 条售后合计 "
                f"{format_money(self.register_total)} 元，{mark}")


def _totals(label: str, rows: Sequence[RefundRow]) -> Totals:
    return Totals(label=label, count=len(rows), refund=sum((r.refund for r in rows), ZERO),
                  freight=sum((r.freight for r in rows), ZERO))


def batch_number(day: date, sequence: int) -> str:
    return f"FK{day:%Y%m%d}-{sequence:02d}"


def is_covered(case: Case, day: date | None) -> bool:
    """Cases on the sheet: a money resolution or a freight refund, resolved on `day` (any day: None)."""
    if case.resolved_at is None or (day is not None and case.resolved_at.date() != day):
        return False
    return case.resolution in MONEY_RESOLUTIONS or bool(case.freight_refund)


def refund_money(case: Case) -> Decimal:
    """Money to the buyer for the goods: 金额, or for a full refund with 金额 blank the whole 实付金额."""
    if case.resolution not in MONEY_RESOLUTIONS:
        return ZERO
    if case.amount is not None:
        return case.amount
    if case.resolution in FULL_REFUNDS and case.paid_amount is not None:
        return case.paid_amount
    return ZERO


def category(case: Case) -> str:
    if case.resolution in MONEY_RESOLUTIONS:
        assert case.resolution is not None
        return resolution_label(case.resolution)
    return "退运费"


def hold_reasons(case: Case, issues: Iterable[Issue]) -> list[str]:
    """Why this case cannot be paid yet (empty: payable now)."""
    reasons = []
    if case.case_id is None:
        # Without a number the ledger cannot tell it was paid: it would be paid again next batch.
        reasons.append("没有售后单号：先按「校验」编号（或填写售后单号）再付")
    for issue in issues:
        if issue.code in HOLDING_CODES or (issue.code in CELL_CODES and issue.field in MONEY_FIELDS):
            reasons.append(f"[{issue.code}] {issue.message}")
    if case.resolution in PAY_AT_ONCE:
        if case.resolution is R.PARTIAL_REFUND and case.amount is None:
            reasons.append("部分退款没有填写金额")
        return reasons
    if case.status not in READY_STATUSES:
        if case.status in AWAITING_STATUSES and case.resolution in GOODS_BACK_FIRST:
            reasons.append(f"等待退货入库或拦截成功（状态：{case.status}），到「待退款」再付")
        else:
            reasons.append(f"状态为「{case.status or '空'}」，还没到退款这一步")
    return reasons


def _row(case: Case, batch: str | None, reason: str = "") -> RefundRow:
    return RefundRow(
        batch=batch, case_id=case.case_id, order_id=case.order_id, platform=case.platform, buyer=case.buyer,
        channel=case.refund_channel, account=case.payee_account, refund=refund_money(case),
        freight=case.freight_refund or ZERO, category=category(case), agent=case.agent,
        approved_by=case.approved_by, resolved_at=case.resolved_at, paid_at=case.paid_at, reason=reason,
        row=case.row,
    )


def refund_sheet(report: Report, day: date, batch: str | None = None, every_day: bool = False) -> RefundSheet:
    """The refund sheet of `day` from a validated register (the CLI export: one batch `-01`).

    `every_day`: cases solved on any day (the workbook's ledger: a return solved on Monday whose
    goods arrive on Thursday is paid in Thursday's batch).
    """
    batch = batch or batch_number(day, 1)
    issues: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.sheet == report.sheet and issue.row is not None:
            issues[issue.row].append(issue)
    payable, pending = [], []
    for result in report.results:
        case = result.case
        if not is_covered(case, None if every_day else day):
            continue
        reasons = hold_reasons(case, issues.get(case.row, []))
        if reasons:
            pending.append(_row(case, None, "；".join(reasons)))
        else:
            payable.append(_row(case, batch))
    paying = {row.row for row in payable}
    register_total = sum(
        (refund_money(r.case) + (r.case.freight_refund or ZERO) for r in report.results if r.case.row in paying),
        ZERO,
    )
    return RefundSheet(day=day, batch=batch, payable=tuple(payable), pending=tuple(pending),
                       register_total=register_total)


class LedgerEntry(BaseModel):
    """A case already exported to the workbook's 退款表 ledger."""

    model_config = ConfigDict(frozen=True)

    batch: str
    case_id: str
    refund: Decimal
    freight: Decimal

    @property
    def total(self) -> Decimal:
        return self.refund + self.freight


class LedgerUpdate(BaseModel):
    """What one run of the 退款表 button adds to the ledger."""

    model_config = ConfigDict(frozen=True)

    batch: str | None
    """None when there is nothing new (nothing is appended)."""
    new: tuple[RefundRow, ...]
    changed: tuple[tuple[LedgerEntry, RefundRow], ...]
    """Exported cases whose money differs now: errors for finance, never paid again."""


def parse_ledger(rows: Sequence[Sequence[object]]) -> list[LedgerEntry]:
    entries = []
    for record in records(rows, REFUND_HEADERS):
        batch, _ = parse_text(record.get("批次号"))
        case_id, _ = parse_text(record.get("售后单号"))
        if not batch or not case_id or not batch.startswith("FK"):
            continue
        refund, _ = parse_money(record.get("退款金额"))
        freight, _ = parse_money(record.get("退运费"))
        entries.append(LedgerEntry(batch=batch, case_id=case_id, refund=refund or ZERO, freight=freight or ZERO))
    return entries


def ledger_update(sheet: RefundSheet, ledger: Sequence[LedgerEntry]) -> LedgerUpdate:
    """The next batch: payable cases not exported before; exported ones whose money changed are errors."""
    exported = {entry.case_id: entry for entry in ledger}
    new, changed = [], []
    for row in sheet.payable:
        entry = exported.get(row.case_id or "")
        if entry is None:
            new.append(row)
        elif (entry.refund, entry.freight) != (row.refund, row.freight):
            changed.append((entry, row))
    if not new:
        return LedgerUpdate(batch=None, new=(), changed=tuple(changed))
    prefix = f"FK{sheet.day:%Y%m%d}-"
    used = [int(e.batch[len(prefix):]) for e in ledger if e.batch.startswith(prefix) and e.batch[len(prefix):].isdigit()]
    batch = batch_number(sheet.day, max(used, default=0) + 1)
    return LedgerUpdate(batch=batch, new=tuple(r.model_copy(update={"batch": batch}) for r in new),
                        changed=tuple(changed))
