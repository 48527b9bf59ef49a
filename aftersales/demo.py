"""A realistic, seeded day of after-sales cases for `aftersales demo`.

Most rows are handled by the book; a known set carries the mistakes staff really make (SPEC §11):
order numbers typed as numbers, missing photos, over-ceiling payouts, late solutions, unpaid
cashback, typos in dropdown columns, money typed with ¥/元/full-width digits. Pure: the caller
passes the day; nothing reads the clock.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from aftersales.cells import cents
from aftersales.model import Case, SourcePos
from aftersales.policy import DEFAULT_POLICY, Policy
from aftersales.recommend import recommend
from aftersales.taxonomy import (
    CASE_TYPE_LIST,
    MONEY_RESOLUTIONS,
    RESOLUTION_LIST,
    CaseType,
    Resolution,
    case_type_label,
    resolution_label,
)

DEMO_DAY = date(2026, 11, 21)
DEMO_SEED = 20261121
DEMO_POLICY = Policy(approvers=("组长老周", "张主管"), shop="示例旗舰店")
"""The demo shop's 政策: its two approvers listed (SPEC §14.3.3), the rest the defaults."""
AGENTS = ("小王", "小李", "小张", "小陈", "小刘")
PLATFORMS = ("淘宝", "天猫", "京东", "拼多多", "抖音")
SKUS = ("YF-1001-黑-M", "YF-1002-白-L", "KZ-2003-蓝-30", "XZ-3010-灰-40", "MZ-5001-红", "BB-6002-棕")
DESCRIPTIONS: dict[CaseType, str] = {
    CaseType.TRACKING: "买家催发货，问什么时候到",
    CaseType.REFUND_BEFORE_SHIP: "未发货，买家不想要了申请退款",
    CaseType.INTERCEPT: "已发货买家申请仅退款，需拦截",
    CaseType.SHORT: "少发一件，买家称收到只有一件",
    CaseType.WRONG_ITEM: "发错颜色",
    CaseType.DAMAGED: "外箱压坏，商品有破损",
    CaseType.LOST: "物流显示丢件",
    CaseType.NO_TRACKING: "三天没有物流更新",
    CaseType.FALSE_SIGN: "显示已签收，买家称没收到",
    CaseType.QUALITY: "开线、走线不齐",
    CaseType.SIZE: "尺码偏小，要换大一码",
    CaseType.NOT_AS_DESCRIBED: "颜色和图片差别大",
    CaseType.NO_REASON: "不喜欢，七天无理由退货",
    CaseType.PRICE_PROTECT: "买后降价，申请保价",
    CaseType.COMPLAINT: "买家说要投诉客服态度",
    CaseType.OTHER: "要求开发票",
}
# How many of each case type a typical day has (62 cases).
DAY_MIX: dict[CaseType, int] = {
    CaseType.TRACKING: 6, CaseType.REFUND_BEFORE_SHIP: 4, CaseType.INTERCEPT: 3, CaseType.SHORT: 5,
    CaseType.WRONG_ITEM: 5, CaseType.DAMAGED: 6, CaseType.LOST: 3, CaseType.NO_TRACKING: 3,
    CaseType.FALSE_SIGN: 2, CaseType.QUALITY: 5, CaseType.SIZE: 5, CaseType.NOT_AS_DESCRIBED: 4,
    CaseType.NO_REASON: 5, CaseType.PRICE_PROTECT: 3, CaseType.COMPLAINT: 2, CaseType.OTHER: 1,
}

Row = dict[str, object]


class _DayBuilder:
    def __init__(self, day: date, seed: int, policy: Policy) -> None:
        self.day = day
        self.rng = random.Random(seed)
        self.rng_revision_2 = random.Random(seed + 2)
        """Draws for the columns of SPEC §14.1, apart so the day's other draws stay as they were."""
        self.policy = policy
        self.order_serial = 0

    def money(self, low: int, high: int) -> Decimal:
        return cents(Decimal(self.rng.randint(low * 100, high * 100)) / 100)

    def order_id(self) -> str:
        self.order_serial += 1
        return f"{self.rng.randint(1, 4)}{self.day:%y%m%d}{self.rng.randint(10**9, 10**10 - 1)}{self.order_serial:03d}"

    def registered(self, index: int, total: int) -> datetime:
        minutes = 9 * 60 + (index * (8 * 60 + 20)) // total + self.rng.randint(0, 9)
        return datetime.combine(self.day, time(minutes // 60, minutes % 60))

    def base(self, kind: CaseType, index: int, total: int) -> Row:
        rng = self.rng
        paid = self.money(39, 399)
        registered = self.registered(index, total)
        row: Row = {
            "case_id": f"SH{self.day:%Y%m%d}-{index + 1:03d}",
            "registered_at": registered,
            "platform": rng.choice(PLATFORMS),
            "order_id": self.order_id(),
            "ordered_at": registered - timedelta(days=rng.randint(2, 5), hours=rng.randint(1, 9)),
            "buyer": f"买家{rng.randint(1000, 9999)}{'abcdefgh'[index % 8]}",
            "agent": AGENTS[index % len(AGENTS)],
            "case_type": case_type_label(kind),
            "order_stage": "已签收",
            "signed_at": registered - timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6)),
            "sku": rng.choice(SKUS),
            "qty": 1,
            "paid_amount": paid,
            "order_profit": cents(paid * Decimal("0.2")),
            "shipping_fee": Decimal("10.00") if rng.random() < 0.7 else None,
            "evidence_count": rng.randint(3, 5),
            "description": DESCRIPTIONS[kind],
            # The buyer applied on the platform a little before the agent registered the case.
            "applied_at": registered - timedelta(minutes=self.rng_revision_2.randint(3, 50)),
            "tracking_no": f"YT{self.rng_revision_2.randint(10**11, 10**12 - 1)}",
            "freight_insured": "是" if self.rng_revision_2.random() < 0.3 else "否",
        }
        self.specialise(kind, row)
        return row

    def specialise(self, kind: CaseType, row: Row) -> None:
        rng = self.rng
        if kind in (CaseType.TRACKING, CaseType.REFUND_BEFORE_SHIP, CaseType.INTERCEPT):
            row.update(order_stage="未发货" if kind is CaseType.REFUND_BEFORE_SHIP else "已发货未签收", signed_at=None)
            if kind is CaseType.REFUND_BEFORE_SHIP:
                row.update(tracking_no=None)
            if kind is not CaseType.INTERCEPT:
                row.update(evidence_count=None)
        if kind in (CaseType.LOST, CaseType.NO_TRACKING):
            row.update(order_stage="已发货未签收", signed_at=None, liable_party="快递")
        if kind is CaseType.SHORT:
            row.update(item_amount=self.money(8, 60), liable_party="我方")
        if kind is CaseType.WRONG_ITEM:
            others = [sku for sku in SKUS if sku != row["sku"]]
            row.update(received_sku=rng.choice(others), item_amount=self.money(5, 90), liable_party="我方")
        if kind in (CaseType.DAMAGED, CaseType.QUALITY):
            row.update(severity=rng.choice(("轻微", "轻微", "严重")))
        if kind is CaseType.DAMAGED:
            row.update(liable_party="快递")
        if kind is CaseType.SIZE:
            row.update(liable_party=rng.choice(("客户", "我方")), evidence_count=1)
        if kind is CaseType.PRICE_PROTECT:
            row.update(item_amount=self.money(5, 30))
        if kind in (CaseType.COMPLAINT, CaseType.OTHER):
            row.update(approved_by="组长老周", evidence_count=None)

    def resolve(self, row: Row, kind: CaseType) -> None:
        """Give the case the recommended solution, within its ceiling, as a careful agent would."""
        case = _as_case(row)
        rec = recommend(case, self.policy)
        resolution = rec.resolution
        if resolution is None:
            return
        registered = row["registered_at"]
        assert isinstance(registered, datetime)
        resolved = min(registered + timedelta(minutes=self.rng.randint(5, 90)),
                       datetime.combine(self.day, self.policy.day_end))
        row.update(resolution=resolution_label(resolution), resolved_at=resolved)
        if resolution in MONEY_RESOLUTIONS or resolution is Resolution.GIFT:
            ceiling = rec.ceiling if rec.ceiling is not None else Decimal(0)
            amount = ceiling if resolution is not Resolution.PARTIAL_REFUND else min(ceiling, self.money(5, 12))
            row["amount"] = amount
        insured = row.get("freight_insured") == "是"  # then the insurer pays the return freight
        if rec.freight_payer == "我方" and resolution in (Resolution.RETURN_REFUND, Resolution.EXCHANGE) and not insured:
            # What the buyer really advanced (到付 12–15 元), within 退运费上限.
            advanced = cents(Decimal(self.rng_revision_2.randint(800, 1500)) / 100)
            row["freight_refund"] = min(rec.freight_ceiling or Decimal(0), advanced)
        self.settle(row, resolution, resolved)

    def settle(self, row: Row, resolution: Resolution, resolved: datetime) -> None:
        end = datetime.combine(self.day, self.policy.day_end)
        paid_at = min(resolved + timedelta(minutes=self.rng.randint(5, 40)), end)
        order = str(row["order_id"])
        if resolution in (Resolution.PARTIAL_REFUND, Resolution.REFUND_ONLY):
            never_shipped = row["case_type"] == case_type_label(CaseType.REFUND_BEFORE_SHIP)
            # A refund of an order never shipped goes back through the platform (seed 003); compensation
            # is often cashback (seed 004 返现).
            drawn = self.rng.choice(("支付宝返现", "千牛红包", "原路退款"))
            channel = "原路退款" if never_shipped else drawn
            if channel == "原路退款":  # a platform refund: finance pays it from the 退款表
                row.update(refund_channel=channel, status="待退款")
            else:  # cashback: paid by the agent at once
                row.update(refund_channel=channel, status="已完成", paid_at=paid_at)
            if channel == "支付宝返现":
                row["payee_account"] = f"1{self.rng.randint(3, 9)}{self.rng.randint(10**8, 10**9 - 1)}"
        elif resolution in (Resolution.RETURN_REFUND, Resolution.EXCHANGE):
            # Half the buyers have sent the parcel back (待入库, with its number); the return freight is
            # refunded against that number (seed 004), so the others have none yet.
            # Of those, every other one has arrived and passed inspection (收货时间, 实收数量): 待退款.
            shipped = order[-1] in "02468"
            received = order[-1] in "08"
            freight = row.get("freight_refund") if shipped else None
            refund = "原路退款" if resolution is Resolution.RETURN_REFUND else ("支付宝返现" if freight else None)
            status = "待退款" if received else "待入库" if shipped else "待寄回"
            row.update(refund_channel=refund, status=status, freight_refund=freight,
                       return_tracking=f"YT{order[-12:]}" if shipped else None)
            if received:
                row.update(goods_received_at=min(resolved + timedelta(hours=3), end), received_qty=row["qty"])
            if refund == "支付宝返现":
                row["payee_account"] = f"13{order[-9:]}"
        elif resolution is Resolution.INTERCEPT_REFUND:
            row.update(refund_channel="原路退款", status="待退款")
        elif resolution is Resolution.DECLINE:
            row.update(status="已关闭")
        elif resolution is Resolution.ESCALATE:
            row.update(status="已给方案")
        else:
            row.update(status="已完成")


def _as_case(row: Row) -> Case:
    """Read a demo row back as a case (the labels it holds are valid by construction)."""
    values: dict[str, Any] = {k: v for k, v in row.items() if v is not None}
    kind = CASE_TYPE_LIST.match(str(values["case_type"]))
    assert kind is not None
    values["case_type"] = CaseType(kind.code)
    if "resolution" in values:
        choice = RESOLUTION_LIST.match(str(values["resolution"]))
        assert choice is not None
        values["resolution"] = Resolution(choice.code)
    return Case.model_construct(source=SourcePos("登记表", 0, {}), **values)


Mistake = Callable[[list[Row], _DayBuilder], None]


def _first(rows: list[Row], kind: CaseType, skip: int = 0) -> Row:
    label = case_type_label(kind)
    return [row for row in rows if row["case_type"] == label][skip]


def _mistakes(rows: list[Row], day: _DayBuilder) -> None:
    """The mistakes of a real day, each on a known row."""
    end = datetime.combine(day.day, day.policy.day_end)
    # Order numbers pasted into a number-formatted column: 19 digits lose their tail, 15 survive.
    rows[3]["order_id"] = float(str(rows[3]["order_id"])[:19])
    rows[8]["order_id"] = int(str(rows[8]["order_id"])[:15])
    # Order number pasted from chat with spaces and a zero-width space: cleaned, accepted.
    rows[12]["order_id"] = " " + str(rows[12]["order_id"])[:6] + "\u200b " + str(rows[12]["order_id"])[6:]
    # Damage with only one photo, and a partial refund already promised.
    damaged = _first(rows, CaseType.DAMAGED, 1)
    damaged.update(evidence_count=1)
    # Quality partial refund above the ceiling without approval.
    quality = _first(rows, CaseType.QUALITY)
    quality.update(resolution="部分退款", amount=Decimal("30.00"), approved_by=None, refund_channel="原路退款",
                   payee_account=None, paid_at=None, status="待退款")
    # A solution given the next morning instead of the same day (registered yesterday evening).
    late = _first(rows, CaseType.SIZE)
    late.update(registered_at=end - timedelta(days=1, hours=1), resolved_at=end - timedelta(hours=7))
    # Cashback promised in the morning, never paid.
    cash = _first(rows, CaseType.NOT_AS_DESCRIBED)
    cash.update(refund_channel="支付宝返现", paid_at=None, status="已给方案", payee_account="13800001234")
    # Cashback to Alipay with no account.
    noacct = _first(rows, CaseType.PRICE_PROTECT)
    noacct.update(refund_channel="支付宝返现", payee_account=None, paid_at=None, status="待退款")
    # Cases still waiting for a solution after 下班.
    for kind in (CaseType.NO_TRACKING, CaseType.TRACKING):
        open_case = _first(rows, kind, 1)
        for key in ("resolution", "resolved_at", "amount"):
            open_case[key] = None
        open_case["status"] = "待处理"
    # A typo in a dropdown column and money typed by hand.
    _first(rows, CaseType.WRONG_ITEM, 1)["liable_party"] = "仓库"
    _first(rows, CaseType.SHORT, 1)["item_amount"] = "￥１２．５"
    _first(rows, CaseType.SHORT, 2)["paid_amount"] = "1,299.00元"
    # Dates typed as text in the ways people do.
    rows[20]["registered_at"] = f"{day.day:%Y/%m/%d} 10:42"
    rows[21]["registered_at"] = f"{day.day.year}年{day.day.month}月{day.day.day}日 11:05"
    # One buyer passed between two agents, and a blank 售后单号.
    rows[30]["buyer"], rows[30]["platform"] = rows[31]["buyer"], rows[31]["platform"]
    rows[40]["case_id"] = None
    _revision_2_mistakes(rows, day)
    # 七天无理由 asked for after the window, offered a return anyway.
    expired = _first(rows, CaseType.NO_REASON, 1)
    registered = expired["registered_at"]
    assert isinstance(registered, datetime)
    expired.update(signed_at=registered - timedelta(days=9), resolution="退货退款", amount=expired["paid_amount"])


def _returned(row: Row, day: _DayBuilder, received: datetime, **changes: object) -> None:
    """Make `row` a return whose goods came back and were inspected at `received`."""
    order = str(row["order_id"])
    row.update(severity="严重", resolution="退货退款", amount=row["paid_amount"], refund_channel="原路退款",
               payee_account=None, status="待退款", resolved_at=row["registered_at"], paid_at=None,
               return_tracking=f"YT{order[-12:]}", goods_received_at=received, received_qty=row["qty"],
               freight_refund=None)
    row.update(changes)


def _revision_2_mistakes(rows: list[Row], day: _DayBuilder) -> None:
    """The loopholes SPEC §14.3 closed, each tried once on a known row."""
    end = datetime.combine(day.day, day.policy.day_end)
    # 超上限 by 10 元, "approved" by the agent himself; and by someone not on the 审批人名单.
    selfish = _first(rows, CaseType.DAMAGED, 2)
    selfish.update(severity="轻微", resolution="部分退款", amount=cents(Decimal(str(selfish["paid_amount"])) / 2),
                   approved_by=selfish["agent"], refund_channel="原路退款", payee_account=None, paid_at=None,
                   status="待退款")
    stranger = _first(rows, CaseType.WRONG_ITEM, 2)
    stranger.update(resolution="部分退款", amount=cents(Decimal(str(stranger["item_amount"])) + 5),
                    approved_by="小林", refund_channel="原路退款", payee_account=None, paid_at=None, status="待退款")
    # With 运费险 the insurer pays the return freight, yet the agent refunded it too.
    insured = _first(rows, CaseType.SIZE, 1)
    order = str(insured["order_id"])
    insured.update(liable_party="我方", resolution="换货", freight_insured="是", freight_refund=Decimal("12.00"),
                   return_tracking=f"YT{order[-12:]}", refund_channel="支付宝返现",
                   payee_account=f"13{order[-9:]}", status="待入库", amount=None)
    # A return refunded by cashback instead of through the platform (seed 003: 原路退款).
    cashback = _first(rows, CaseType.DAMAGED, 3)
    _returned(cashback, day, end - timedelta(hours=4), refund_channel="支付宝返现", payee_account="13900001111")
    # 3 元 against the shop's 5–15 元 rule for 与描述不符.
    low = _first(rows, CaseType.NOT_AS_DESCRIBED, 1)
    low.update(resolution="部分退款", amount=Decimal("3.00"), liable_party="我方")
    # Goods back (待退款) but nobody wrote down when they arrived.
    unlogged = _first(rows, CaseType.QUALITY, 2)
    _returned(unlogged, day, end, goods_received_at=None, received_qty=None)
    # Two ordered, one came back: the refund waits for the count or a lead's approval.
    short_return = _first(rows, CaseType.QUALITY, 4)
    _returned(short_return, day, end - timedelta(hours=2), qty=2, received_qty=1)
    # A partial refund closed without being paid.
    closed = _first(rows, CaseType.WRONG_ITEM, 3)
    closed.update(resolution="部分退款", amount=Decimal("5.00"), refund_channel="原路退款", payee_account=None,
                  status="已关闭", paid_at=None)
    # The buyer applied at 23:30 on the window's last day; the agent registered the next morning: in time.
    late_applied = _first(rows, CaseType.NO_REASON, 2)
    registered = late_applied["registered_at"]
    assert isinstance(registered, datetime)
    late_applied.update(signed_at=registered - timedelta(days=8), applied_at=datetime.combine(
        registered.date() - timedelta(days=1), time(23, 30)))


def demo_rows(day: date = DEMO_DAY, seed: int = DEMO_SEED, policy: Policy = DEFAULT_POLICY) -> list[Row]:
    """About 60 cases of one day, every case type, with typical mistakes on known rows.

    Values are what staff would type (labels, datetimes, Decimals, the odd text or number);
    keys are the column catalogue's keys.
    """
    builder = _DayBuilder(day, seed, policy)
    kinds = [kind for kind, count in DAY_MIX.items() for _ in range(count)]
    builder.rng.shuffle(kinds)
    rows = []
    for index, kind in enumerate(kinds):
        row = builder.base(kind, index, len(kinds))
        builder.resolve(row, kind)
        rows.append(row)
    _mistakes(rows, builder)
    return rows


def demo_now(day: date = DEMO_DAY, policy: Policy = DEFAULT_POLICY) -> datetime:
    """The moment the team lead runs the day's check: half an hour after 下班."""
    return datetime.combine(day, policy.day_end) + timedelta(minutes=30)
