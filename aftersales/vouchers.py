"""Vouchers (单据, SPEC §8; seed 000 二–五): the warehouse and expense documents each resolution needs.

Vouchers follow the goods (SPEC §14.4): 退货单 and an exchange's replacement only once the returned goods
are back, dated by 收货时间; a courier's 少货 books no 出库单冲单. Numbers are deterministic
(`{售后单号}-{code}{n}`), so regenerating gives the same sheet. Posted
vouchers (状态 已过账) are never changed: when a case changes after posting, regeneration adds a
reversal (negated lines, number + `-R`, 冲销单号 → the original) and new drafts. Drafts are replaced.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from aftersales.cells import parse_datetime, parse_integer, parse_money, parse_text
from aftersales.columns import column_letter
from aftersales.issues import Issue, make_issue
from aftersales.model import Case
from aftersales.payout import READY_STATUSES, goods_back
from aftersales.sheets import VOUCHER_HEADERS, VOUCHER_SHEET, records
from aftersales.taxonomy import GOODS_CASES, CaseType, Resolution, case_type_label, normalise_text, resolution_label

R = Resolution
DRAFT, POSTED = "草稿", "已过账"
STATUSES = (DRAFT, POSTED)
"""The 状态 dropdown of 单据."""
POSTED_WORDS = frozenset({"已过账", "已过帐", "过账", "过帐", "posted"})
"""How people write 已过账 (SPEC §14.4): every one of them means the voucher is in the ERP."""


class VoucherType(StrEnum):
    CC = "出库单冲单"
    BC = "补出库单"
    TH = "退货单"
    FY = "费用单"
    KT = "空退单转费用单"


class Voucher(BaseModel):
    """One line of sheet 单据."""

    model_config = ConfigDict(frozen=True)

    number: str
    """单据号: `{售后单号}-{code}{n}`, a reversal adds `-R`."""
    type: VoucherType
    day: date | None
    """日期: the date of 方案时间; of 收货时间 (else the report date) for what waits for the goods."""
    case_id: str
    order_id: str | None = None
    sku: str | None = None
    qty: int | None = None
    amount: Decimal | None = None
    summary: str = ""
    status: str = DRAFT
    """As typed: a posted voucher keeps the word its team lead used."""
    reverses: str | None = None
    """冲销单号: the voucher this one reverses."""

    @property
    def code(self) -> str:
        return self.type.name

    @property
    def posted(self) -> bool:
        return normalise_text(self.status).casefold() in POSTED_WORDS

    def content(self) -> tuple[object, ...]:
        """What the voucher says (not its number or status): equal content needs no correction."""
        return (self.type, self.day, self.sku, self.qty, self.amount)

    def row(self) -> list[object]:
        """The line in the order of VOUCHER_HEADERS."""
        return [self.number, self.type.value, self.day, self.case_id, self.order_id, self.sku, self.qty,
                self.amount, self.summary, self.status, self.reverses]


assert len(Voucher.model_fields) == len(VOUCHER_HEADERS)

_Line = tuple[VoucherType, str | None, int | None, Decimal | None, str]
"""type, sku, signed quantity, money, 摘要."""
INTERCEPT_BACK_STATUSES = frozenset({"已完成"})
"""An interception's 待退款 means the parcel is still on its way back (SPEC §14.4)."""


def goods_are_back(case: Case) -> bool:
    """Returned goods in the warehouse (SPEC §14.4): 收货时间 given, or status 待退款 / 已完成 (an
    interception: 已完成 only)."""
    if case.goods_received_at is not None:
        return True
    back = INTERCEPT_BACK_STATUSES if case.resolution is R.INTERCEPT_REFUND else READY_STATUSES
    return case.status in back


def _courier_short(case: Case) -> bool:
    """少货 the courier lost (空包裹): no warehouse error, so no 出库单冲单 (SPEC §14.4)."""
    return case.case_type is CaseType.SHORT and case.liable_party == "快递"


def _fy(case: Case) -> list[_Line]:
    """费用单 for the money given to the buyer (none when 金额 is blank or zero)."""
    if not case.amount:
        return []
    assert case.resolution is not None and case.case_type is not None
    text = f"{resolution_label(case.resolution)}：{case_type_label(case.case_type)}，补偿买家 {case.amount:.2f} 元"
    return [(VoucherType.FY, None, None, case.amount, text)]


def _wrong_shipment(case: Case) -> list[_Line]:
    """The original outbound voucher corrected: the ordered item short (−), the wrong one over (+)."""
    qty = case.quantity
    return [
        (VoucherType.CC, case.sku, -qty, None, f"错发冲单：应发 {case.sku} 少发 {qty} 件"),
        (VoucherType.CC, case.received_sku, qty, None, f"错发冲单：误发 {case.received_sku} 多发 {qty} 件"),
    ]


def _lines(case: Case) -> list[_Line]:
    kind, resolution, qty = case.case_type, case.resolution, case.quantity
    lines: list[_Line] = []
    came = case.received_qty if case.received_qty is not None else qty  # 实收数量: what really came back
    back = (VoucherType.TH, case.sku, came, None, f"退货入库：{case.sku} 退回 {came} 件")
    out = (VoucherType.BC, case.sku, qty, None, f"补出库：{case.sku} 补发 {qty} 件")
    short = [] if _courier_short(case) else [(VoucherType.CC, case.sku, -qty, None, f"少发冲单：{case.sku} 少发 {qty} 件")]
    if kind is CaseType.SHORT and resolution is R.REFUND_ONLY:
        lines = [*short, *_fy(case)]
    elif kind is CaseType.SHORT and resolution is R.RESHIP:
        lines = [*short, out]
    elif kind is CaseType.WRONG_ITEM and resolution is R.EXCHANGE:
        lines = [*_wrong_shipment(case), (VoucherType.TH, case.received_sku, came, None,
                                          f"退货入库：错发的 {case.received_sku} 退回 {came} 件"), out]
    elif kind is CaseType.WRONG_ITEM and resolution is R.RETURN_REFUND:
        lines = [*_wrong_shipment(case), (VoucherType.TH, case.received_sku, came, None,
                                          f"退货入库：错发的 {case.received_sku} 退回 {came} 件")]
    elif kind is CaseType.WRONG_ITEM and resolution is R.PARTIAL_REFUND:
        lines = [*_wrong_shipment(case), *_fy(case)]
    elif kind is CaseType.WRONG_ITEM and resolution is R.GIFT:
        value = case.amount if case.amount is not None else case.item_amount
        lines = [*_wrong_shipment(case),
                 (VoucherType.KT, case.received_sku, qty, value, f"空退转费用：错发的 {case.received_sku} 赠送买家"),
                 out]
    elif resolution is R.PARTIAL_REFUND or (resolution is R.REFUND_ONLY and kind in (CaseType.DAMAGED, CaseType.QUALITY, CaseType.NOT_AS_DESCRIBED,
                                                  CaseType.SIZE, CaseType.PRICE_PROTECT)):
        lines = _fy(case)
    elif resolution is R.RETURN_REFUND and kind in GOODS_CASES:
        lines = [back]
    elif resolution is R.EXCHANGE and kind in GOODS_CASES:
        lines = [back, out]
    elif resolution is R.RESHIP and kind in (CaseType.LOST, CaseType.FALSE_SIGN):
        lines = [out]
    elif resolution is R.INTERCEPT_REFUND and kind is CaseType.INTERCEPT:
        lines = [back]
    # refund-before-ship, intercept, lost, false-sign, no-reason + refund-only: a platform refund of
    # the order, on the refund sheet only.
    if case.freight_refund:
        lines.append((VoucherType.FY, None, None, case.freight_refund, f"退运费：{case.freight_refund:.2f} 元"))
    if case.status == "已关闭":  # a closed case pays nothing (closed-with-money): no expense to book
        lines = [line for line in lines if line[0] not in (VoucherType.FY, VoucherType.KT) or line[3] is None]
    # Nothing came back (实收数量 0): no goods to book in.
    return [line for line in lines if not (line[0] is VoucherType.TH and line[2] == 0)]


def _waits_for_goods(case: Case, line: _Line, ship_first: bool) -> bool:
    """退货单, the replacement of an exchange (seed 004 4.8: 在收到客户包裹时处理系统换货事项, unless the
    shop ships first) and the 退运费 (paid once the goods are back, SPEC §14.5) wait for the returned
    goods; reships and compensation go at once."""
    kind = line[0]
    freight = kind is VoucherType.FY and line[4].startswith("退运费")
    return (kind is VoucherType.TH or freight
            or (kind is VoucherType.BC and case.resolution is R.EXCHANGE and not ship_first))


def case_vouchers(case: Case, first: Counter[VoucherType] | None = None, *, today: date | None = None,
                  ship_first: bool = False) -> list[Voucher]:
    """The draft vouchers of a case's chosen resolution (none without 售后单号 or 处理方案), as far as they
    are due (SPEC §14.4): those that wait for the returned goods only once they are back, dated by
    收货时间 (else `today`, the report date); the others dated by 方案时间.

    `first` gives, per type, how many numbers the case already used (posted ones): new numbers
    continue after them.
    """
    if case.case_id is None or case.resolution is None or case.case_type is None:
        return []
    used = Counter(first or {})
    solved = case.resolved_at.date() if case.resolved_at else None
    received = case.goods_received_at.date() if case.goods_received_at else today or solved
    back = goods_are_back(case)
    vouchers = []
    for line in _lines(case):
        kind, sku, qty, amount, summary = line
        waits = _waits_for_goods(case, line, ship_first)
        freight = kind is VoucherType.FY and waits
        if waits and not (goods_back(case) if freight else back):
            continue
        used[kind] += 1
        vouchers.append(Voucher(
            number=f"{case.case_id}-{kind.name}{used[kind]}", type=kind, day=received if waits else solved,
            case_id=case.case_id, order_id=case.order_id, sku=sku, qty=qty, amount=amount, summary=summary,
        ))
    return vouchers


def _keep_posted_days(case: Case, wanted: list[Voucher], live: Sequence[Voucher]) -> list[Voucher]:
    """A voucher dated by the report date (收货时间 blank) keeps the day it was posted with: the date of
    the run is no change of the case."""
    if case.goods_received_at is not None:
        return wanted
    posted = {(v.type, v.sku, v.qty, v.amount): v.day for v in live}
    return [v.model_copy(update={"day": posted.get((v.type, v.sku, v.qty, v.amount), v.day)})
            if v.type in (VoucherType.TH, VoucherType.BC) else v for v in wanted]


def reversal(voucher: Voucher, day: date | None = None) -> Voucher:
    """The negation of a posted voucher, dated `day` (the day the correction is booked) when given."""
    return voucher.model_copy(update={
        "day": day or voucher.day,
        "number": voucher.number + "-R",
        "qty": None if voucher.qty is None else -voucher.qty,
        "amount": None if voucher.amount is None else -voucher.amount,
        "summary": f"冲销 {voucher.number}：{voucher.summary}",
        "status": DRAFT,
        "reverses": voucher.number,
    })


def _type_numbers(vouchers: Iterable[Voucher]) -> Counter[VoucherType]:
    """How many numbers of each type a case's posted originals used (CC2 → 2)."""
    used: Counter[VoucherType] = Counter()
    for voucher in vouchers:
        tail = voucher.number.rsplit("-", 1)[-1]
        digits = tail[len(voucher.code):]
        if digits.isdigit():
            used[voucher.type] = max(used[voucher.type], int(digits))
    return used


Slot = Voucher | None
"""A line of the 单据 sheet: a voucher, or an empty line (kept so posted rows never move)."""


def regenerate(cases: Sequence[Case], existing: Sequence[Slot], in_scope: Iterable[str], *,
               today: date | None = None, ship_first: bool = False) -> list[Slot]:
    """The 单据 sheet after regenerating the cases whose 售后单号 is in `in_scope`.

    Posted rows, and the rows of cases out of scope, stay in their own lines (posted ones of a case
    no longer in the register too: see orphaned_vouchers); drafts of such cases go. A scoped case whose
    live posted vouchers differ from what it needs now gets a reversal of each and new drafts. The
    scoped cases' old drafts are replaced in their own lines (a line left over becomes empty; extra
    lines are appended in register order), so nothing posted ever moves and running it twice gives
    the same sheet.
    """
    scope = set(in_scope)
    present = {case.case_id for case in cases if case.case_id}
    posted_by_case: dict[str, list[Voucher]] = defaultdict(list)
    for voucher in existing:
        if voucher is not None and voucher.posted:
            posted_by_case[voucher.case_id].append(voucher)
    new_rows: dict[str, deque[Voucher]] = {}
    for case in cases:
        if case.case_id is None or case.case_id not in scope or case.case_id in new_rows:
            continue
        posted = posted_by_case.get(case.case_id, [])
        reversed_numbers = {v.reverses for v in posted if v.reverses}
        live = [v for v in posted if not v.reverses and v.number not in reversed_numbers]
        originals = [v for v in posted if not v.reverses]
        wanted = _keep_posted_days(case, case_vouchers(case, _type_numbers(originals), today=today,
                                                       ship_first=ship_first), live)
        if sorted(map(repr, (v.content() for v in live))) == sorted(map(repr, (v.content() for v in wanted))):
            new_rows[case.case_id] = deque()  # the posted vouchers already say what the case needs
        else:
            # A correction is booked on the day it is made: the reversal and what replaces it.
            redated = [v.model_copy(update={"day": today}) for v in wanted] if today and live else wanted
            new_rows[case.case_id] = deque([*(reversal(v, today) for v in live), *redated])
    sheet: list[Slot] = []
    for voucher in existing:
        # A draft of a case in scope is replaced; one of a case no longer in the register goes.
        if voucher is not None and not voucher.posted and (voucher.case_id in scope or voucher.case_id not in present):
            queue = new_rows.get(voucher.case_id)
            sheet.append(queue.popleft() if queue else None)
        else:
            sheet.append(voucher)
    for queue in new_rows.values():
        sheet.extend(queue)
    while sheet and sheet[-1] is None:
        sheet.pop()
    return sheet


def orphaned_vouchers(cases: Sequence[Case], rows: Sequence[Sequence[object]]) -> list[Issue]:
    """voucher-orphaned (SPEC §14.4): a posted voucher whose case is no longer in the register (its row
    deleted or archived, its 售后单号 changed). It is never reversed automatically: the team lead decides."""
    present = {case.case_id for case in cases if case.case_id}
    header = next((i for i, row in enumerate(rows) if VOUCHER_HEADERS[0] in (_header_text(v) for v in row)), None)
    if header is None:
        return []
    names = [_header_text(v) for v in rows[header]]
    column = column_letter(names.index("售后单号")) if "售后单号" in names else None
    found = []
    for index, voucher in enumerate(parse_voucher_rows(rows)):
        if voucher is None or not voucher.posted or voucher.case_id in present:
            continue
        amount = f"，金额 {voucher.amount:.2f}" if voucher.amount is not None else ""
        found.append(make_issue(
            "voucher-orphaned", sheet=VOUCHER_SHEET, row=header + 2 + index, column=column, field="售后单号",
            value=voucher.case_id, case_id=voucher.case_id, number=voucher.number,
            kind=voucher.type.value, amount=amount,
        ))
    return found


def _header_text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def vouchers_only(sheet: Iterable[Slot]) -> list[Voucher]:
    return [voucher for voucher in sheet if voucher is not None]


def parse_voucher_rows(rows: Sequence[Sequence[object]]) -> list[Slot]:
    """The lines of a 单据 sheet (header first): a Voucher per voucher line, None for an empty or
    unreadable line, so line positions are kept."""
    found: list[Slot] = []
    last_filled = 0  # trailing empty lines are dropped; a typed line that is no voucher is kept
    for record in records(rows, VOUCHER_HEADERS, keep_blank=True):
        if any(value not in (None, "") for value in record.values()):
            last_filled = len(found) + 1
        number, _ = parse_text(record.get("单据号"))
        case_id, _ = parse_text(record.get("售后单号"))
        type_text, _ = parse_text(record.get("单据类型"))
        kind = next((t for t in VoucherType if type_text in (t.value, t.name)), None)
        if not number or not case_id or kind is None:
            found.append(None)
            continue
        moment, _ = parse_datetime(record.get("日期"))
        qty, _ = parse_integer(record.get("数量"), minimum=-(10**9))
        found.append(Voucher(
            number=number, type=kind, day=moment.date() if moment else None, case_id=case_id,
            order_id=parse_text(record.get("订单号"))[0], sku=parse_text(record.get("货号"))[0], qty=qty,
            amount=_signed_money(record.get("金额")), summary=parse_text(record.get("摘要"))[0] or "",
            status=parse_text(record.get("状态"))[0] or DRAFT, reverses=parse_text(record.get("冲销单号"))[0],
        ))
    return found[:last_filled]


def _signed_money(value: object) -> Decimal | None:
    """Voucher money may be negative (reversals); the register's money parser refuses that."""
    if isinstance(value, str) and value.strip().startswith("-"):
        amount, _ = parse_money(value.strip()[1:])
        return None if amount is None else -amount
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value < 0:
        amount, _ = parse_money(-value)
        return None if amount is None else -amount
    amount, _ = parse_money(value)
    return amount
