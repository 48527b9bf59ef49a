"""One record per register row, kept as columns (plain lists: 240,000 cases cost tens of MB, not the
validated reports behind them, which are dropped file by file). No pandas here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal

from aftersales.cells import cents
from aftersales.eod import courier_claim_money, mask_buyer
from aftersales.issues import Severity
from aftersales.model import Case, RawRegister
from aftersales.payout import refund_money
from aftersales.taxonomy import CaseType, case_type_label, normalise_text, resolution_label
from aftersales.validate import CaseResult, Report
from analysis.couriers import COURIER_HEADERS, courier_of

COURIER_CASES = frozenset({CaseType.DAMAGED, CaseType.LOST, CaseType.FALSE_SIGN})
"""The cases a courier answers for: 运输破损, 丢件, 虚假签收."""
NO_TYPE, NO_SKU, NO_AGENT, NO_PLATFORM, NO_CHANNEL = "（未填类型）", "（未填货号）", "（未填客服）", "（未填平台）", "（未填退款方式）"
UNREADABLE = "（无法识别）"
"""A cell that held something the rules could not use (reported by the check), e.g. 售后类型 破损严重."""
LABEL_CAP = 60
"""A label longer than this (a 货号 pasted with a description) is cut: it names a bar and a row."""


def cut(text: str) -> str:
    return text if len(text) <= LABEL_CAP else text[: LABEL_CAP - 1] + "…"


def label(case: Case, key: str, value: str | None, blank: str) -> str:
    """A choice or name as shown in the report: its text (cut to LABEL_CAP), else why there is none."""
    if value:
        return cut(str(value))
    return UNREADABLE if key in case.invalid else blank


def to_cents(amount: Decimal | None) -> int | None:
    """Money as whole cents: exact, and summed by pandas as integers."""
    return None if amount is None else int(cents(amount) * 100)


def on_time(result: CaseResult, now: datetime) -> bool | None:
    """Given a solution by its deadline (the same day's rule, SPEC §5); None while not yet due."""
    deadline, resolved = result.deadline, result.case.resolved_at
    if deadline is None:
        return None
    if resolved is not None:
        return resolved <= deadline
    return False if deadline < now else None


def case_key(shop: str, case: Case, file: str) -> str:
    """What makes a case one case across files: its 售后单号 in its shop (as typed, trimmed, full-width
    folded); a row without one is keyed by `natural_key` (and joined to a numbered copy when there is one)."""
    if case.case_id and normalise_text(case.case_id):
        return f"{shop}\x1f{normalise_text(case.case_id)}"
    return natural_key(shop, case, file)


def natural_key(shop: str, case: Case, file: str) -> str:
    """A case by its 订单号, 登记时间 and 售后类型: what a copied-forward row keeps, even when 校验 numbered
    its 售后单号 in between. Without a 登记时间 that is too little to tell cases apart: the row is its own."""
    if case.registered_at is None:
        return f"{shop}\x1f\x1d{file}|{case.source.sheet}|{case.row}"
    return f"{shop}\x1f\x1e{case.order_id or ''}|{case.registered_at:%Y-%m-%d %H:%M}|{case.case_type or ''}"


def _moments(case: Case) -> list[datetime]:
    return [m for m in (case.registered_at, case.resolved_at, case.paid_at, case.goods_received_at) if m]


@dataclass
class CaseRecords:
    """Columns of case records; `add_report` appends a checked register sheet's rows."""

    shop: list[str] = field(default_factory=list)
    file: list[str] = field(default_factory=list)
    file_order: list[int] = field(default_factory=list)
    sheet: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    key: list[str] = field(default_factory=list)
    case_id: list[str | None] = field(default_factory=list)
    registered_at: list[datetime | None] = field(default_factory=list)
    register_latest: list[datetime | None] = field(default_factory=list)
    """The latest 登记时间 of the row's register sheet: the copy whose register is newest wins."""
    register_activity: list[datetime | None] = field(default_factory=list)
    """The latest 登记/方案/付款/收货时间 of the sheet: between registers with the same latest 登记时间
    (a copy made on a day without new cases) the one worked on last wins."""
    file_modified: list[float] = field(default_factory=list)
    natural_key: list[str] = field(default_factory=list)
    platform: list[str] = field(default_factory=list)
    agent: list[str] = field(default_factory=list)
    case_type: list[str] = field(default_factory=list)
    courier_case: list[bool] = field(default_factory=list)
    resolution: list[str] = field(default_factory=list)
    sku: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    refund_channel: list[str] = field(default_factory=list)
    tracking_no: list[str] = field(default_factory=list)
    courier: list[str] = field(default_factory=list)
    buyer: list[str] = field(default_factory=list)
    amount_cents: list[int | None] = field(default_factory=list)
    """金额 as typed (what a conflict compares)."""
    freight_cents: list[int | None] = field(default_factory=list)
    given_cents: list[int] = field(default_factory=list)
    """Money given for the goods (金额, or 实付 where a blank 金额 means the whole order)."""
    money_cents: list[int] = field(default_factory=list)
    """Money out to the buyer: given + 退运费."""
    ceiling_cents: list[int | None] = field(default_factory=list)
    claim_cents: list[int] = field(default_factory=list)
    on_time: list[bool | None] = field(default_factory=list)
    overdue: list[bool] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    warnings: list[int] = field(default_factory=list)

    def columns(self) -> dict[str, list[object]]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __len__(self) -> int:
        return len(self.row)

    def add_report(self, report: Report, raw: RawRegister, *, shop: str, file: str, file_order: int,
                   file_modified: float = 0.0) -> None:
        """The rows of one checked register sheet."""
        errors: Counter[int] = Counter()
        warnings: Counter[int] = Counter()
        for issue in report.issues:
            if issue.sheet == report.sheet and issue.row is not None:
                if issue.severity is Severity.ERROR:
                    errors[issue.row] += 1
                elif issue.severity is Severity.WARNING:
                    warnings[issue.row] += 1
        courier_column = next((index for index, header in enumerate(raw.header)
                               if isinstance(header, str) and normalise_text(header) in COURIER_HEADERS), None)
        # A time after `now` is a typing mistake (the check reports it): it must not make an old copy win.
        now = report.now
        latest = max((r.case.registered_at for r in report.results
                      if r.case.registered_at and r.case.registered_at <= now), default=None)
        activity = max((m for r in report.results for m in _moments(r.case) if m <= now), default=None)
        for result in report.results:
            case = result.case
            rec = result.recommendation
            given = refund_money(case)
            typed = case.source.cells[courier_column] if courier_column is not None and courier_column < len(
                case.source.cells) else None
            self.shop.append(shop)
            self.file.append(file)
            self.file_order.append(file_order)
            self.sheet.append(report.sheet)
            self.row.append(case.row)
            self.key.append(case_key(shop, case, file))
            self.natural_key.append(natural_key(shop, case, file))
            self.register_activity.append(activity)
            self.file_modified.append(file_modified)
            self.case_id.append(normalise_text(case.case_id) if case.case_id else None)
            self.registered_at.append(case.registered_at)
            self.register_latest.append(latest)
            self.platform.append(label(case, "platform", case.platform, NO_PLATFORM))
            self.agent.append(label(case, "agent", case.agent, NO_AGENT))
            kind = case_type_label(case.case_type) if case.case_type else None
            self.case_type.append(label(case, "case_type", kind, NO_TYPE))
            self.courier_case.append(case.case_type in COURIER_CASES)
            self.resolution.append(resolution_label(case.resolution) if case.resolution else "")
            self.sku.append(label(case, "sku", case.sku, NO_SKU))
            self.status.append(case.status or "")
            self.refund_channel.append(label(case, "refund_channel", case.refund_channel, NO_CHANNEL))
            self.tracking_no.append(cut(case.tracking_no or ""))
            self.courier.append(cut(courier_of(typed, case.tracking_no)))
            self.buyer.append(cut(mask_buyer(case.buyer)))
            self.amount_cents.append(to_cents(case.amount))
            self.freight_cents.append(to_cents(case.freight_refund))
            self.given_cents.append(to_cents(given) or 0)
            self.money_cents.append(to_cents(given + (case.freight_refund or Decimal(0))) or 0)
            self.ceiling_cents.append(to_cents(rec.ceiling) if rec is not None else None)
            self.claim_cents.append((to_cents(courier_claim_money(result)) or 0) if case.case_type in COURIER_CASES else 0)
            self.on_time.append(on_time(result, report.now))
            self.overdue.append(result.overdue)
            self.errors.append(errors[case.row])
            self.warnings.append(warnings[case.row])
