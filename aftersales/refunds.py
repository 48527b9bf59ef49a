"""The finance refund sheet (SPEC §9, §14.5): what to pay now, what is held and why, what was paid
on the day; reconciled.

- **Payable**: a money resolution or a freight refund that is due (partial-refund and refund-only at
  once; return-refund and freight refunds once the goods are back — 收货时间 given or status 待退款 /
  已完成 — and a row with 退运费 waits for its goods whatever its resolution; intercept-refund once the
  status is 待退款 / 已完成), not held, 付款时间 blank, and not in the workbook's ledger — whatever day
  方案时间 falls on.
- **Held** (待处理, with the reason): every error of the case but the clock ones (which are why
  finance must pay now), return-qty-mismatch, a sheet-level error of the register, 已关闭, a 付款时间 in the future, no
  售后单号, goods not back yet, and cases that look like a ledger line paid under another 售后单号.
- **Paid** (已付): cases whose 付款时间 falls on the report date, for reconciliation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.cells import format_money
from aftersales.checks.context import case_issue, value_text
from aftersales.issues import Issue, Severity
from aftersales.ledger import EMPTY_LEDGER, Ledger, LedgerLine, batch_number
from aftersales.model import Case
from aftersales.payout import READY_STATUSES, freight_waits, goods_back, refund_money
from aftersales.taxonomy import MONEY_RESOLUTIONS, Resolution, resolution_label
from aftersales.validate import Report

R = Resolution
ZERO = Decimal("0.00")
PAY_AT_ONCE = frozenset({R.PARTIAL_REFUND, R.REFUND_ONLY})
CLOCK_CODES = frozenset({"solution-overdue", "cashback-unpaid"})
"""Errors that never hold a payment: they say it is late (SPEC §14.5)."""
HOLDING_WARNINGS = frozenset({"return-qty-mismatch"})
"""Warnings that hold a payment until fixed or validly approved (SPEC §14.3)."""


class RefundRow(BaseModel):
    """One line of 退款表 / 待处理 / 已付."""

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
    sku: str | None = None
    """货号 (not a sheet column: it keys the ledger's record of the line)."""

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
    """The refund and cashback sheet of a report date."""

    model_config = ConfigDict(frozen=True)

    day: date
    batch: str
    payable: tuple[RefundRow, ...]
    pending: tuple[RefundRow, ...]
    register_total: Decimal
    """The payable money summed from the register's cases, independently of the rows: the check."""
    paid: tuple[RefundRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    """possible-double-payment and amount-changed-after-export, found against the ledger."""

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

    def with_batch(self, batch: str) -> RefundSheet:
        """The same sheet with its payable rows in batch `batch`."""
        rows = tuple(row.model_copy(update={"batch": batch}) for row in self.payable)
        return self.model_copy(update={"batch": batch, "payable": rows})


def _totals(label: str, rows: Sequence[RefundRow]) -> Totals:
    return Totals(label=label, count=len(rows), refund=sum((r.refund for r in rows), ZERO),
                  freight=sum((r.freight for r in rows), ZERO))


def is_covered(case: Case) -> bool:
    """Cases with money to pay: a money resolution or a freight refund."""
    return case.resolution in MONEY_RESOLUTIONS or bool(case.freight_refund)


def category(case: Case) -> str:
    if case.resolution in MONEY_RESOLUTIONS:
        assert case.resolution is not None
        return resolution_label(case.resolution)
    return "退运费"


def is_due(case: Case) -> bool:
    """Partial refunds and refund-only at once; refunds of returned goods and freight refunds once the
    goods are back; an interception once its status says the parcel came back (待退款 / 已完成)."""
    if case.resolution is R.INTERCEPT_REFUND:
        return case.status in READY_STATUSES
    if freight_waits(case):
        return False
    return case.resolution in PAY_AT_ONCE or goods_back(case)


def hold_reasons(case: Case, issues: Iterable[Issue], now: datetime, sheet_errors: Sequence[Issue] = ()) -> list[str]:
    """Why this case cannot be paid now (empty: payable)."""
    reasons = [f"登记表有整表错误：[{issue.code}] {issue.message}" for issue in sheet_errors]
    if case.case_id is None:
        # Without a number the ledger cannot tell it was paid: it would be paid again next batch.
        reasons.append("没有售后单号：先按「校验」编号（或填写售后单号）再付")
    for issue in issues:
        if issue.code in HOLDING_WARNINGS or (issue.severity is Severity.ERROR and issue.code not in CLOCK_CODES):
            reasons.append(f"[{issue.code}] {issue.message}")
    if case.status == "已关闭":
        reasons.append("状态为已关闭：已关闭的售后不付款")
    if case.paid_at is not None and case.paid_at > now:
        reasons.append(f"付款时间 {value_text(case.paid_at)} 在未来：请核对付款时间")
    if not is_due(case):
        reasons.append(_awaiting(case))
    return reasons


def _awaiting(case: Case) -> str:
    if case.resolution is R.INTERCEPT_REFUND:
        return f"等待拦截成功、包裹退回（状态：{case.status or '空'}），到「待退款」再付"
    what = "退运费要等退回的货" if case.freight_refund and case.resolution in PAY_AT_ONCE else "等待退货"
    return f"{what}入库（状态：{case.status or '空'}，收货时间空）：货到验收后填写收货时间或把状态改为「待退款」再付"


def _row(case: Case, batch: str | None, reason: str = "") -> RefundRow:
    return RefundRow(
        batch=batch, case_id=case.case_id, order_id=case.order_id, platform=case.platform, buyer=case.buyer,
        channel=case.refund_channel, account=case.payee_account, refund=refund_money(case),
        freight=case.freight_refund or ZERO, category=category(case), agent=case.agent,
        approved_by=case.approved_by, resolved_at=case.resolved_at, paid_at=case.paid_at, reason=reason,
        row=case.row, sku=case.sku,
    )


def _same_key(line: LedgerLine, row: RefundRow) -> bool:
    """(订单号, 货号, 退款方式, 合计) equal; a line whose 货号 is unknown matches any item."""
    return (line.order_id == row.order_id and line.channel == row.channel and line.total == row.total
            and (line.sku is None or line.sku == row.sku))


def _against_ledger(case: Case, row: RefundRow, ledger: Ledger) -> tuple[bool, Issue | None]:
    """(already exported, the issue the ledger raises) for a case that would be paid."""
    exported = next((line for line in ledger.lines if case.case_id and line.case_id == case.case_id), None)
    if exported is not None:
        if (exported.refund, exported.freight) == (row.refund, row.freight):
            return True, None
        key = "amount" if exported.refund != row.refund else "freight_refund"
        return True, case_issue("amount-changed-after-export", case, key, batch=exported.batch,
                                exported=format_money(exported.total) or "", total=format_money(row.total) or "")
    twin = next((line for line in ledger.lines if _same_key(line, row)), None)
    if twin is not None:
        return False, case_issue("possible-double-payment", case, "case_id", total=format_money(row.total) or "",
                                 ledger=twin.sheet, line=str(twin.row), batch=twin.batch, exported=twin.case_id or "空")
    return False, None


def refund_sheet(report: Report, day: date, batch: str | None = None, ledger: Ledger = EMPTY_LEDGER) -> RefundSheet:
    """The refund sheet of report date `day` from a validated register, against its ledger."""
    batch = batch or batch_number(day, 1)
    issues: dict[int, list[Issue]] = defaultdict(list)
    sheet_errors: list[Issue] = []
    for issue in report.issues:
        if issue.sheet != report.sheet:
            continue
        if issue.row is None or (issue.row == report.header_row and issue.severity is Severity.ERROR):
            if issue.severity is Severity.ERROR:
                sheet_errors.append(issue)
            continue
        issues[issue.row].append(issue)
    payable, pending, paid, found = [], [], [], []
    for result in report.results:
        case = result.case
        if not is_covered(case):
            continue
        if case.paid_at is not None and case.paid_at <= report.now:
            if case.paid_at.date() == day:
                paid.append(_row(case, None))
            continue
        row = _row(case, batch)
        exported, problem = _against_ledger(case, row, ledger)
        if problem is not None:
            found.append(problem)
        if exported:
            if problem is not None:
                pending.append(_row(case, None, f"[{problem.code}] {problem.message}"))
            continue
        reasons = hold_reasons(case, issues.get(case.row, []), report.now, sheet_errors)
        if problem is not None:
            reasons.append(f"[{problem.code}] {problem.message}")
        if reasons:
            pending.append(_row(case, None, "；".join(reasons)))
        else:
            payable.append(row)
    paying = {row.row for row in payable}
    register_total = sum(
        (refund_money(r.case) + (r.case.freight_refund or ZERO) for r in report.results if r.case.row in paying),
        ZERO,
    )
    return RefundSheet(day=day, batch=batch, payable=tuple(payable), pending=tuple(pending), paid=tuple(paid),
                       register_total=register_total, issues=tuple(found))
