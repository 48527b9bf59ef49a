"""SPEC §6: every issue code of the catalogue, each with a reproducer and a golden message.

A reproducer is the smallest register (or 政策 sheet) that raises exactly that issue. It pins the
code, severity, sheet, Excel row, column letter, header and cell text of every issue it raises.
The golden table below holds the full Chinese message of each reproducer, so a reviewer can read
every message in one place. A new catalogue code without a reproducer and a golden fails
`test_every_catalogue_code_has_a_reproducer_and_a_golden`.

Keys are issue codes; `code/variant` keys are extra reproducers of the same code (a severity
override, another column kind, another rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pytest

import aftersales.checks.cases
import aftersales.validate
from aftersales.cells import ExcelError
from aftersales.checks import TIERS
from aftersales.issues import CATALOGUE, Issue
from aftersales.ledger import Ledger, read_ledger
from aftersales.locate import other_register_sheets, other_sheets_issue
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, PARAMS, Policy, parse_policy, policy_value_text
from aftersales.refunds import refund_sheet
from aftersales.sheets import REFUND_HEADERS, REFUND_SHEET, VOUCHER_HEADERS
from aftersales.validate import validate
from aftersales.vouchers import orphaned_vouchers
from tests.domain import HEADERS, KEYS, NOW, codes, found, letter, raw_register, run, valid_row

D = Decimal
DAY = date(2026, 11, 21)
REGISTER = "登记表"
POLICY = "政策"
CROSS_ROW = ("duplicate-case-id", "duplicate-case", "order-refunds-exceed-paid", "exchange-limit",
             "buyer-multiple-agents")

# A case with no money moving yet (no resolution chosen, nothing paid).
UNSOLVED: dict[str, object] = {"resolution": None, "amount": None, "refund_channel": None, "payee_account": None,
                               "status": "待处理", "resolved_at": None, "paid_at": None}
# A case resolved without money (exchange, escalation …).
NO_MONEY: dict[str, object] = {"amount": None, "refund_channel": None, "payee_account": None, "paid_at": None}


def _boom(*args: object, **kwargs: object) -> object:
    raise RuntimeError("模拟故障")


BOOM_LINE = _boom.__code__.co_firstlineno + 1
"""Line of the raise in _boom: rule-crashed messages name where the rule broke."""


# --- golden messages --------------------------------------------------------------------------
# One message per involved row (in Excel row order) for the issues about several rows.

GOLDEN: dict[str, str | tuple[str, ...]] = {
    "header-missing":
        "找不到必填列「买家」：请在表头行（第 3 行）加上这一列，表头文字为「买家」或「buyer」。",
    "required-missing":
        "「问题描述」为空：每条售后都要填，请补上。",
    "invalid-choice":
        "「淘宝网」不是有效的平台：请从下拉列表中选择，最接近的是「淘宝」。",
    "invalid-choice/refund-difference":
        "「退差价」不是有效的处理方案：退差价请选「部分退款」，金额填差价（保价退差价是售后类型）。",
    "invalid-choice/cashback-as-resolution":
        "「返现」不是有效的处理方案：返现、红包是退款方式，处理方案请选「部分退款」或「仅退款」，再在「退款方式」里选支付宝返现或千牛红包。",
    "invalid-choice/refund-as-resolution":
        "「退款」不是有效的处理方案：请选「仅退款」（商品不用退回）或「退货退款」（买家先退回商品）。",
    "invalid-choice/resolution-as-case-type":
        "「退货退款」不是有效的售后类型：「退货退款」是处理方案，请在「处理方案」列选；售后类型填的是原因（如 七天无理由、质量问题、尺码问题）。",
    "invalid-choice/other-column":
        "「质量问题」不是有效的处理方案：「质量问题」是售后类型的选项，请填在「售后类型」列；处理方案请从下拉列表中选择。",
    "invalid-number":
        "「一百元」不是有效的实付金额：请填写金额数字，如 12.50（可带 ¥ 或 元）。",
    "invalid-number/integer":
        "「两件」不是有效的数量：请填写 1–100000 的整数。",
    "negative-amount":
        "金额为负数（-5.00）：请填写不小于 0 的金额，钱的去向由处理方案决定。",
    "invalid-datetime":
        "「昨天下午」不是有效的签收时间：请填写日期时间，如 2026-11-21 14:30。",
    "excel-error":
        "实付金额单元格是 Excel 错误值 #N/A：请修正公式，或直接填写正确的内容。",
    "excel-error/text-of-error":
        "登记时间单元格是 Excel 错误值 #VALUE!：请修正公式，或直接填写正确的内容。",
    "excel-error/text-column":
        "买家单元格是 Excel 错误值 #N/A：请修正公式，或直接填写正确的内容。",
    "order-id-as-number":
        "订单号被存成了数字（19 位），Excel 只保留 15 位有效数字，后面几位已经丢失："
        "请把「订单号」列设为文本格式，再重新粘贴订单号。",
    "order-id-as-number/warning":
        "订单号被存成了数字（15 位），容易丢掉开头的 0 或变成科学计数法："
        "请把「订单号」列设为文本格式，再重新粘贴订单号。",
    "order-id-format":
        "订单号「12345-678」格式不对：应为 12–20 位数字，请核对后重新粘贴。",
    "duplicate-case-id": (
        "售后单号「SH20261121-001」重复（同见第 3 行）：每个售后单号只能用一次，请改成唯一的单号。",
        "售后单号「SH20261121-001」重复（同见第 2 行）：每个售后单号只能用一次，请改成唯一的单号。",
    ),
    "case-id-missing":
        "售后单号为空：点「校验」按钮会自动编号，也可手工填写，如 SH20261121-001。",
    "date-in-future":
        "登记时间（2026-11-22 09:00）晚于当前时间 2026-11-21 18:30：请核对，不能填写未来的时间。",
    "signed-after-registered":
        "签收时间（2026-11-21 11:00）晚于登记时间（2026-11-21 10:00）：请核对这两个时间。",
    "amount-exceeds-paid":
        "金额 120.00 超过实付金额 100.00：退款不得高于买家实际付款，请改小金额。",
    "order-refunds-exceed-paid": (
        "订单 123456789012345678 各售后金额合计 120.00 超过实付金额 100.00（同见第 3 行）："
        "同一订单累计退款不得超过实付，请核对各条金额。",
        "订单 123456789012345678 各售后金额合计 120.00 超过实付金额 100.00（同见第 2 行）："
        "同一订单累计退款不得超过实付，请核对各条金额。",
    ),
    "over-ceiling":
        "金额 25.00 超过「部分退款」的补偿上限 20.00：请改到上限以内，或经主管同意后填写「审批人」。",
    "over-ceiling/freight":
        "退运费 25.00 超过退运费上限 20.00：请改到上限以内，或经主管同意后填写「审批人」。",
    "over-ceiling/invalid-approval":
        "金额 25.00 超过「部分退款」的补偿上限 20.00：请改到上限以内，或经主管同意后填写「审批人」。",
    "evidence-insufficient":
        "凭证数 2，运输破损至少需要 3 个：请让买家补充照片或视频后再定方案。",
    "outside-return-window":
        "七天无理由申请时已过七天退换期限（签收 2026-11-10 15:00，期限到 2026-11-18 00:00，登记 2026-11-21 10:00）："
        "不能「退货退款」，请改为「婉拒」；可以解释说明，或给补偿（部分退款）挽留。",
    "outside-return-window/size":
        "尺码问题申请时已过七天退换期限（签收 2026-11-10 15:00，期限到 2026-11-18 00:00，申请 2026-11-18 00:00）："
        "不能「换货」，请改为「婉拒」；可以解释说明，或给补偿（部分退款）挽留。",
    "price-protect-expired":
        "保价已过期（下单 2026-11-01 09:00，保价 7 天到 2026-11-08 为止，登记 2026-11-21 10:00）：只能「婉拒」，请修改处理方案。",
    "price-protect-unconfirmed":
        "保价退差价的前提是买家已确认收货，订单节点为「已发货未签收」：请确认买家已签收后再退差价。",
    "exchange-limit": (
        "订单 123456789012345678 货号 YF-1001-黑-M 换货 2 次，超过上限 1 次（同见第 3 行）：同一商品只能换货 1 次，其余请改为退货退款等其他方案。",
        "订单 123456789012345678 货号 YF-1001-黑-M 换货 2 次，超过上限 1 次（同见第 2 行）：同一商品只能换货 1 次，其余请改为退货退款等其他方案。",
    ),
    "refund-type-mismatch":
        "已签收订单的七天无理由不能「仅退款」：请改为「退货退款」，买家先退回商品。",
    "cashback-account-missing":
        "退款方式为支付宝返现，但收款账号为空：请填写买家的支付宝账号。",
    "resolution-missing":
        "已填方案时间（2026-11-21 10:30）但没有处理方案：请选择给买家的处理方案。",
    "resolved-at-missing":
        "已选处理方案「补发」但没有方案时间：请填写给买家方案的时间。",
    "required-missing/amount":
        "「金额」为空：「部分退款」要退钱，请填写退给买家的金额（不按猜测付款），请补上。",
    "required-missing/return-tracking":
        "「退回单号」为空：退运费须有买家寄回的快递单号（售后手册：客户寄出时提供快递单号），请补上。",
    "closed-with-money":
        "状态为已关闭，但「部分退款」要退钱且没有付款时间：已关闭的售后不会付款。确实要退，请把状态改回待退款；已经付了，请填写付款时间。",
    "possible-double-payment":
        "订单号、货号、退款方式和合计 12.00 与「退款表」第 2 行已导出的 FK20261121-01（售后单号 SH20261121-001）相同："
        "可能重复付款，本次不导出。是同一笔退款，请删掉这一行或改回原售后单号；确实是另一笔，请财务核实后手工付款并填写付款时间。",
    "amount-changed-after-export":
        "这条售后已在 FK20261121-01 导出（合计 12.00），现在合计为 15.00：不会再次付款。请财务核对：多退了要追回，少退了请按差额另行处理。",
    "escalation-missing":
        "投诉维权已处理但没有有效的审批人：疑难和投诉须立刻上报主管，请填写审批人。",
    "completed-unpaid":
        "状态为已完成，但「部分退款」还没有付款时间：请填写付款时间，或改回待退款。",
    "duplicate-case": (
        "订单 123456789012345678 货号 YF-1001-黑-M 已有未结束的运输破损售后（同见第 3 行）：请合并为一条，或关闭重复的一条。",
        "订单 123456789012345678 货号 YF-1001-黑-M 已有未结束的运输破损售后（同见第 2 行）：请合并为一条，或关闭重复的一条。",
    ),
    "buyer-multiple-agents": (
        "买家「tb_buyer1」由多位客服处理（小李、小王，同见第 3 行）：一个买家只对应一个客服，请统一客服。",
        "买家「tb_buyer1」由多位客服处理（小李、小王，同见第 2 行）：一个买家只对应一个客服，请统一客服。",
    ),
    "solution-overdue":
        "方案截止时间 2026-11-21 18:00 已过，仍未给方案：所有售后必须当天给出解决方案，请立即处理。",
    "solution-late":
        "方案时间 2026-11-21 18:20 晚于截止时间 2026-11-21 18:00：所有售后必须当天给出解决方案，请在截止前处理；如时间填错请改正。",
    "cashback-unpaid":
        "支付宝返现 12.00 应在 2026-11-21 18:00 前付给买家，还没有付款时间：请立即返款并填写付款时间。",
    "return-stale":
        "待寄回已 11 天（超过 7 天）：请联系买家寄回，或关闭这条售后。",
    "refund-stale":
        "退货退款 2026-11-17 10:00 收货验收，应在 3 个工作日内（2026-11-20 18:00 前）退款，已超时：请尽快退款并填写付款时间。",
    "refund-stale/calendar":
        "待退款已 4 天（超过 3 天）：请尽快退款并填写付款时间。",
    "self-approval":
        "审批人「小王」就是本条的客服，自己不能审批自己：请由主管审批后填写主管的名字。",
    "self-approval/needed":
        "审批人「小王」就是本条的客服，自己不能审批自己（本条金额超过补偿上限，要有效审批）：请由主管审批后填写主管的名字。",
    "approver-unknown":
        "审批人「李四」不在政策「审批人名单」（张主管、老周）里：请由名单上的人审批，或请组长把此人加进名单。",
    "approver-unknown/needed":
        "审批人「李四」不在政策「审批人名单」（张主管、老周）里（本条实收数量与数量不符，要有效审批）："
        "请由名单上的人审批，或请组长把此人加进名单。",
    "freight-refund-insured":
        "本单有运费险，寄回运费由保险公司赔给买家：退运费 5.00 请清空或改为 0（售后手册 换货流程）。",
    "cashback-channel":
        "「退货退款」的退款用了支付宝返现：退款应通过平台原路退回（与买家原支付方式一致），订单无法申请退款时才返现；"
        "请改为原路退款，或在备注写明原因。",
    "below-minimum-offer":
        "与描述不符的补损 3.00 低于政策下限 5.00：补损一般在 5.00–15.00 元之间，请提高金额，或改用其他方案。",
    "goods-received-missing":
        "「退货退款」状态为已完成，但收货时间为空：请填写退回商品验收合格的时间，退款时限从它算起。",
    "return-qty-mismatch":
        "实收数量 1 与数量 2 不符：请按少货错货流程核实（售后处理流程 七）；数量核对一致或经主管审批前，退款表不付这条。",
    "policy-invalid":
        "政策「下班时间」无法使用（值「25:99」须为时刻，如 18:00）：本次按默认值 18:00 运行，请改正。",
    "policy-invalid/days":
        "政策「无理由退货天数」无法使用（值「七天」须为 0–365 的整数天数）：本次按默认值 7 运行，请改正。",
    "voucher-orphaned":
        "已过账的费用单 SH20261120-007-FY1（售后单号 SH20261120-007，金额 12.00）在登记表里找不到这条售后（行被删除、移到归档或改了售后单号）："
        "已过账的单据不会自动冲销，请组长核对后决定是否手工冲销。",
    "other-register-sheets":
        "这些工作表也有登记表的表头，本次没有校验：11月、12月。要校验它们，请在命令行加 --sheet 工作表名，或把要校验的表命名为「登记表」。",
    "rule-crashed":
        f"内部规则 recommend 出错（RuntimeError: 模拟故障 @ _boom:{BOOM_LINE}）："
        "其他校验照常完成，请把此文件发给技术支持。",
    "rule-crashed/check":
        f"内部规则 check_required 出错（RuntimeError: 模拟故障 @ _boom:{BOOM_LINE}）："
        "其他校验照常完成，请把此文件发给技术支持。",
}


# --- reproducers ------------------------------------------------------------------------------

Make = Callable[[pytest.MonkeyPatch], Sequence[Issue]]


@dataclass(frozen=True)
class Repro:
    """How to raise one issue, and where it must land."""

    make: Make
    severity: str
    rows: tuple[int, ...]
    """Excel rows the issue is reported on (one issue per row)."""
    column: str | None
    field: str | None
    values: tuple[str | None, ...]
    """The cell text of each issue, in row order."""
    sheet: str = REGISTER


def reg(rows: list[dict[str, object]], key: str, field: str, value: str | tuple[str | None, ...] | None,
        severity: str = "error", *, now: datetime = NOW) -> Repro:
    """Validate a register of `rows` (Excel rows 2, 3, …); one issue per row, in column `key`."""
    values = value if isinstance(value, tuple) else (value,)
    return Repro(lambda _monkeypatch: run(rows, now=now).issues, severity, tuple(range(2, 2 + len(values))),
                 letter(key), field, values)


def _missing_buyer_header(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    """A register whose header row (row 3, under two title rows) has no 买家 column."""
    index = KEYS.index("buyer")
    header = [h for i, h in enumerate(HEADERS) if i != index]
    row = valid_row()
    cells = [row.get(key) for i, key in enumerate(KEYS) if i != index]
    return validate(RawRegister(sheet=REGISTER, header_row=3, header=header, rows=[(4, cells)]), NOW).issues


def _policy(*rows: list[object]) -> Make:
    return lambda _monkeypatch: parse_policy([["参数", "值", "说明"], *rows])[1]


def _other_register_sheets(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    """A workbook with monthly sheets beside 登记表 (and a 政策 sheet, which is no register)."""
    heads = {"登记表": [list(HEADERS)], "11月": [["月报"], list(HEADERS)], "政策": [["参数", "值"]],
             "12月": [list(HEADERS)]}
    others = other_register_sheets(list(heads), "登记表", heads.__getitem__)
    return [other_sheets_issue(raw_register([valid_row()]), others)]


def _exported(rows: list[dict[str, object]]) -> Ledger:
    """The ledger after the 退款表 button exported these cases (nothing paid yet)."""
    sheet = refund_sheet(run(rows), DAY)
    assert sheet.payable, "the reproducer's case must be payable first"
    return read_ledger({REFUND_SHEET: [list(REFUND_HEADERS), *(r.values() for r in sheet.payable)]})


UNPAID = {"paid_at": None, "status": "已给方案"}


def _renumbered_after_export(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    """售后单号 cleared after export and numbered again: the same money would go out twice."""
    ledger = _exported([valid_row(**UNPAID)])
    return refund_sheet(run([valid_row(**UNPAID, case_id="SH20261121-009")]), DAY, ledger=ledger).issues


def _changed_after_export(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    ledger = _exported([valid_row(**UNPAID)])
    return refund_sheet(run([valid_row(**UNPAID, amount=D("15.00"))]), DAY, ledger=ledger).issues


def _posted_voucher_of_a_deleted_case(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    """单据 holds a posted 费用单 of SH20261120-007; that row was deleted from the register."""
    rows = [list(VOUCHER_HEADERS),
            ["SH20261120-007-FY1", "费用单", "2026-11-20", "SH20261120-007", "123456789012345678", None, None, 12.0,
             "部分退款：运输破损，补偿买家 12.00 元", "已过帐", None]]
    return orphaned_vouchers([r.case for r in run([valid_row()]).results], rows)


def _recommend_crashes(monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    monkeypatch.setattr(aftersales.validate, "recommend", _boom)
    return run([valid_row()]).issues


def _required_check_crashes(monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
    monkeypatch.setattr(aftersales.checks.cases, "required_fields", _boom)
    return run([valid_row()]).issues


RECEIVED = datetime(2026, 11, 21, 10, 45)
"""收货时间 of returned goods (before the valid row's payment at 11:00)."""
NO_REASON = {"case_type": "七天无理由", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
             "goods_received_at": RECEIVED}
PRICE_PROTECT = {"case_type": "保价退差价", "item_amount": D("5.00"), "resolution": "仅退款", "amount": D("5.00")}
RETURNED = {"severity": "严重", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
            "payee_account": None, "paid_at": None}
RETURNED_AND_PAID = {**RETURNED, "goods_received_at": RECEIVED, "paid_at": datetime(2026, 11, 21, 11, 0)}
EXCHANGED = {**NO_MONEY, "resolution": "换货", "goods_received_at": RECEIVED}
APPROVERS = DEFAULT_POLICY.model_copy(update={"approvers": ("张主管", "老周")})


def only(code: str, rows: list[dict[str, object]], companion: str, policy: Policy = DEFAULT_POLICY) -> Make:
    """The issues `code` of a register that also (and rightly) raises `companion` on the same row."""
    def make(_monkeypatch: pytest.MonkeyPatch) -> Sequence[Issue]:
        report = run(rows, policy=policy)
        assert companion in codes(report)
        return found(report, code)

    return make
SECOND = "SH20261121-002"

REPROS: dict[str, Repro] = {
    "header-missing": Repro(_missing_buyer_header, "error", (3,), None, "买家", (None,)),
    "required-missing": reg([valid_row(description=None)], "description", "问题描述", None),
    "invalid-choice": reg([valid_row(platform="淘宝网")], "platform", "平台", "淘宝网"),
    # SPEC §14.3.11: words typed into the wrong column are told where they belong.
    "invalid-choice/refund-difference": reg([valid_row(resolution="退差价")], "resolution", "处理方案", "退差价"),
    "invalid-choice/cashback-as-resolution": reg([valid_row(resolution="返现")], "resolution", "处理方案", "返现"),
    "invalid-choice/refund-as-resolution": reg([valid_row(resolution="退款")], "resolution", "处理方案", "退款"),
    "invalid-choice/resolution-as-case-type": reg([valid_row(case_type="退货退款")], "case_type", "售后类型",
                                                  "退货退款"),
    "invalid-choice/other-column": reg([valid_row(resolution="质量问题")], "resolution", "处理方案", "质量问题"),
    "invalid-number": reg([valid_row(paid_amount="一百元")], "paid_amount", "实付金额", "一百元"),
    "invalid-number/integer": reg([valid_row(qty="两件")], "qty", "数量", "两件"),
    "negative-amount": reg([valid_row(amount=D("-5.00"))], "amount", "金额", "-5.00"),
    "invalid-datetime": reg([valid_row(signed_at="昨天下午")], "signed_at", "签收时间", "昨天下午"),
    "excel-error": reg([valid_row(paid_amount=ExcelError("#N/A"))], "paid_amount", "实付金额", "#N/A"),
    "excel-error/text-of-error": reg([valid_row(registered_at="#VALUE!")], "registered_at", "登记时间", "#VALUE!"),
    "excel-error/text-column": reg([valid_row(buyer=ExcelError("#N/A"))], "buyer", "买家", "#N/A"),
    "order-id-as-number": reg([valid_row(order_id=1.2345678901234568e18)], "order_id", "订单号",
                              "1.23456789012346e+18"),
    "order-id-as-number/warning": reg([valid_row(order_id=123456789012345)], "order_id", "订单号",
                                      "123456789012345", "warning"),
    "order-id-format": reg([valid_row(order_id="12345-678")], "order_id", "订单号", "12345-678"),
    "duplicate-case-id": reg([valid_row(), valid_row()], "case_id", "售后单号",
                             ("SH20261121-001", "SH20261121-001")),
    "case-id-missing": reg([valid_row(case_id=None)], "case_id", "售后单号", None, "warning"),
    "date-in-future": reg([valid_row(registered_at=datetime(2026, 11, 22, 9, 0))], "registered_at", "登记时间",
                          "2026-11-22 09:00"),
    "signed-after-registered": reg([valid_row(signed_at=datetime(2026, 11, 21, 11, 0))], "signed_at", "签收时间",
                                   "2026-11-21 11:00"),
    # Approved, so over-ceiling stays quiet: no approval lets a refund exceed what the buyer paid.
    "amount-exceeds-paid": reg([valid_row(amount=D("120.00"), approved_by="张主管")], "amount", "金额", "120.00"),
    "order-refunds-exceed-paid": reg(
        [valid_row(amount=D("60.00"), approved_by="张主管"),
         valid_row(case_id=SECOND, amount=D("60.00"), approved_by="张主管")],
        "amount", "金额", ("60.00", "60.00")),
    "over-ceiling": reg([valid_row(amount=D("25.00"))], "amount", "金额", "25.00"),
    "over-ceiling/freight": reg([valid_row(freight_refund=D("25.00"), return_tracking="SF1234567890")],
                                "freight_refund", "退运费", "25.00"),
    # 审批人 is the agent: an invalid approval counts as none (SPEC §14.3.3).
    "over-ceiling/invalid-approval": Repro(only("over-ceiling", [valid_row(amount=D("25.00"), approved_by="小王")],
                                                "self-approval"), "error", (2,), letter("amount"), "金额", ("25.00",)),
    # Explained, not paid: below the evidence minimum a partial refund's ceiling is 0 (SPEC §14.3.2).
    "evidence-insufficient": reg([valid_row(**NO_MONEY, evidence_count=2, resolution="解释说明")], "evidence_count", "凭证数", "2", "warning"),
    "outside-return-window": reg([valid_row(**NO_REASON, signed_at=datetime(2026, 11, 10, 15, 0))],
                                 "resolution", "处理方案", "退货退款"),
    # Applied exactly at the window end (申请时间 wins over 登记时间); the buyer's own size problem.
    "outside-return-window/size": reg(
        [valid_row(**EXCHANGED, case_type="尺码问题", liable_party="客户", severity=None,
                   signed_at=datetime(2026, 11, 10, 15, 0), applied_at=datetime(2026, 11, 18, 0, 0))],
        "resolution", "处理方案", "换货"),
    "price-protect-expired": reg([valid_row(**PRICE_PROTECT, ordered_at=datetime(2026, 11, 1, 9, 0))],
                                 "resolution", "处理方案", "仅退款"),
    "price-protect-unconfirmed": reg([valid_row(**PRICE_PROTECT, order_stage="已发货未签收", signed_at=None)],
                                     "order_stage", "订单节点", "已发货未签收", "warning"),
    "exchange-limit": reg(
        [valid_row(**EXCHANGED), valid_row(**EXCHANGED, case_id=SECOND)],
        "resolution", "处理方案", ("换货", "换货")),
    # Approved, so the refund-only ceiling of 0 (SPEC §14.3.1) stays quiet.
    "refund-type-mismatch": reg([valid_row(**{**NO_REASON, "resolution": "仅退款"}, approved_by="张主管")],
                                "resolution", "处理方案", "仅退款"),
    "cashback-account-missing": reg([valid_row(payee_account=None)], "payee_account", "收款账号", None),
    # At noon, before the day's 18:00 deadline, so the blank resolution is not yet overdue.
    "resolution-missing": reg([valid_row(resolution=None)], "resolution", "处理方案", None,
                              now=datetime(2026, 11, 21, 12, 0)),
    # A resolution that moves no money: a money one without 方案时间 is required-missing (SPEC §14.2).
    "resolved-at-missing": reg([valid_row(**NO_MONEY, resolution="补发", resolved_at=None)],
                               "resolved_at", "方案时间", None, "warning"),
    "required-missing/amount": reg([valid_row(amount=None)], "amount", "金额", None),
    "required-missing/return-tracking": reg([valid_row(freight_refund=D("5.00"))],
                                            "return_tracking", "退回单号", None),
    "closed-with-money": reg([valid_row(status="已关闭", paid_at=None)], "status", "状态", "已关闭", "warning"),
    "possible-double-payment": Repro(_renumbered_after_export, "error", (2,), letter("case_id"), "售后单号",
                                     ("SH20261121-009",)),
    "amount-changed-after-export": Repro(_changed_after_export, "error", (2,), letter("amount"), "金额", ("15.00",)),
    "escalation-missing": reg([valid_row(**NO_MONEY, case_type="投诉维权", resolution="升级主管")],
                              "approved_by", "审批人", None, "warning"),
    # 原路退款, not a cashback: so only completed-unpaid, not cashback-unpaid.
    "completed-unpaid": reg([valid_row(paid_at=None, refund_channel="原路退款", payee_account=None)],
                            "paid_at", "付款时间", None, "warning"),
    "duplicate-case": reg([valid_row(status="待处理"), valid_row(case_id=SECOND, status="待处理")],
                          "case_type", "售后类型", ("运输破损", "运输破损"), "warning"),
    "buyer-multiple-agents": reg(
        [valid_row(), valid_row(case_id=SECOND, order_id="223456789012345678", agent="小李")],
        "agent", "客服", ("小王", "小李"), "warning"),
    "solution-overdue": reg([valid_row(**UNSOLVED)], "resolution", "处理方案", None),
    "solution-late": reg(
        [valid_row(resolved_at=datetime(2026, 11, 21, 18, 20), paid_at=datetime(2026, 11, 21, 18, 25))],
        "resolved_at", "方案时间", "2026-11-21 18:20", "warning"),
    "cashback-unpaid": reg([valid_row(paid_at=None, status="已给方案")], "paid_at", "付款时间", None),
    "return-stale": reg(
        [valid_row(**RETURNED, status="待寄回", registered_at=datetime(2026, 11, 10, 9, 0),
                   ordered_at=datetime(2026, 11, 5, 9, 0), signed_at=datetime(2026, 11, 9, 15, 0),
                   resolved_at=datetime(2026, 11, 10, 10, 0))],
        "status", "状态", "待寄回", "warning"),
    # Received Tuesday 11-17: due by 18:00 on the third working day after, Friday 11-20.
    "refund-stale": reg(
        [valid_row(**RETURNED, status="待退款", registered_at=datetime(2026, 11, 16, 9, 0),
                   ordered_at=datetime(2026, 11, 14, 9, 0), signed_at=datetime(2026, 11, 15, 15, 0),
                   resolved_at=datetime(2026, 11, 16, 10, 0), goods_received_at=datetime(2026, 11, 17, 10, 0))],
        "status", "状态", "待退款", "warning"),
    # An interception refund keeps the calendar rule (due once the parcel is back, seed 004 退款2).
    "refund-stale/calendar": reg(
        [valid_row(case_type="已发货仅退款", severity=None, resolution="拦截退款", amount=None,
                   refund_channel="原路退款", payee_account=None, paid_at=None, status="待退款",
                   registered_at=datetime(2026, 11, 17, 9, 0), ordered_at=datetime(2026, 11, 15, 9, 0),
                   signed_at=None, order_stage="已发货未签收", resolved_at=datetime(2026, 11, 17, 10, 0))],
        "status", "状态", "待退款", "warning"),
    "self-approval": reg([valid_row(approved_by="小王")], "approved_by", "审批人", "小王", "warning"),
    "self-approval/needed": Repro(only("self-approval", [valid_row(amount=D("25.00"), approved_by="小王")],
                                       "over-ceiling"), "error", (2,), letter("approved_by"), "审批人", ("小王",)),
    "approver-unknown": Repro(lambda _m: run([valid_row(approved_by="李四")], policy=APPROVERS).issues, "warning",
                              (2,), letter("approved_by"), "审批人", ("李四",)),
    "approver-unknown/needed": Repro(
        only("approver-unknown", [valid_row(**RETURNED_AND_PAID, qty=2, received_qty=1, approved_by="李四")],
             "return-qty-mismatch", APPROVERS),
        "error", (2,), letter("approved_by"), "审批人", ("李四",)),
    "freight-refund-insured": reg([valid_row(freight_insured="是", freight_refund=D("5.00"),
                                             return_tracking="SF1234567890")], "freight_refund", "退运费", "5.00"),
    "cashback-channel": reg([valid_row(**{**RETURNED_AND_PAID, "refund_channel": "支付宝返现",
                                         "payee_account": "13800001234"})],
                            "refund_channel", "退款方式", "支付宝返现", "warning"),
    "below-minimum-offer": reg([valid_row(case_type="与描述不符", severity=None, amount=D("3.00"))],
                               "amount", "金额", "3.00", "warning"),
    "goods-received-missing": reg([valid_row(**{**RETURNED_AND_PAID, "goods_received_at": None})],
                                  "goods_received_at", "收货时间", None, "warning"),
    "return-qty-mismatch": reg([valid_row(**RETURNED_AND_PAID, qty=2, received_qty=1)],
                               "received_qty", "实收数量", "1", "warning"),
    "policy-invalid": Repro(_policy(["下班时间", "25:99", ""]), "error", (2,), "B", "值", ("25:99",), POLICY),
    "policy-invalid/days": Repro(_policy(["下班时间", "17:30", ""], ["无理由退货天数", "七天", ""]),
                                 "error", (3,), "B", "值", ("七天",), POLICY),
    "voucher-orphaned": Repro(_posted_voucher_of_a_deleted_case, "warning", (2,), "D", "售后单号",
                              ("SH20261120-007",), "单据"),
    "other-register-sheets": Repro(_other_register_sheets, "warning", (1,), None, None, (None,)),
    "rule-crashed": Repro(_recommend_crashes, "error", (2,), None, None, (None,)),
    "rule-crashed/check": Repro(_required_check_crashes, "error", (2,), None, None, (None,)),
}


def code_of(key: str) -> str:
    return key.split("/")[0]


def as_tuple(golden: str | tuple[str, ...]) -> tuple[str, ...]:
    return (golden,) if isinstance(golden, str) else golden


# --- completeness -----------------------------------------------------------------------------


# SPEC §6 table: code → severity ("error / warning" of order-id-as-number: error is the catalogue's).
SPEC_SEVERITY = {
    "header-missing": "error", "required-missing": "error", "invalid-choice": "error", "invalid-number": "error",
    "negative-amount": "error", "invalid-datetime": "error", "excel-error": "error", "order-id-as-number": "error",
    "order-id-format": "error", "duplicate-case-id": "error", "case-id-missing": "warning",
    "date-in-future": "error", "signed-after-registered": "error", "amount-exceeds-paid": "error",
    "order-refunds-exceed-paid": "error", "over-ceiling": "error", "evidence-insufficient": "warning",
    "outside-return-window": "error", "price-protect-expired": "error", "price-protect-unconfirmed": "warning",
    "exchange-limit": "error", "refund-type-mismatch": "error", "cashback-account-missing": "error",
    "resolution-missing": "error", "resolved-at-missing": "warning", "escalation-missing": "warning",
    "completed-unpaid": "warning", "duplicate-case": "warning", "buyer-multiple-agents": "warning",
    "solution-overdue": "error", "solution-late": "warning", "cashback-unpaid": "error", "return-stale": "warning",
    "refund-stale": "warning", "policy-invalid": "error", "rule-crashed": "error",
}
# SPEC §14.3: the codes of revision 2.
SPEC_SEVERITY_REVISION_2 = {
    "other-register-sheets": "warning", "closed-with-money": "warning", "possible-double-payment": "error",
    "amount-changed-after-export": "error", "voucher-orphaned": "warning",
    # error when the row needed the approval, else warning (the catalogue holds error; warning overrides)
    "self-approval": "error", "approver-unknown": "error",
    "freight-refund-insured": "error", "cashback-channel": "warning", "below-minimum-offer": "warning",
    "goods-received-missing": "warning", "return-qty-mismatch": "warning",
}


def test_catalogue_is_the_spec_table() -> None:
    assert len(SPEC_SEVERITY) == 36
    assert {code: spec.severity.value for code, spec in CATALOGUE.items()} == SPEC_SEVERITY | SPEC_SEVERITY_REVISION_2


def test_every_catalogue_code_has_a_reproducer_and_a_golden() -> None:
    assert set(CATALOGUE) <= {code_of(key) for key in REPROS}
    assert set(REPROS) == set(GOLDEN)
    assert {code_of(key) for key in REPROS} <= set(CATALOGUE)


def test_each_golden_has_one_message_per_row_of_its_reproducer() -> None:
    for key, repro in REPROS.items():
        assert len(as_tuple(GOLDEN[key])) == len(repro.rows), key


# --- reproducers ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(REPROS))
def test_reproducer_raises_exactly_that_issue_where_it_is(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    repro = REPROS[key]
    issues = list(repro.make(monkeypatch))
    assert {issue.code for issue in issues} == {code_of(key)}, [i.message for i in issues]
    assert [issue.row for issue in issues] == list(repro.rows)
    for issue in issues:
        assert issue.severity == repro.severity
        assert issue.sheet == repro.sheet
        assert issue.column == repro.column
        assert issue.field == repro.field
    assert tuple(issue.value for issue in issues) == repro.values


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_a_valid_row_does_not_raise_it(code: str) -> None:
    assert code not in codes(run([valid_row()]))
    assert code not in codes(run([valid_row(), valid_row(case_id=SECOND, order_id="223456789012345678")]))


def test_a_valid_register_and_the_default_policy_raise_nothing() -> None:
    assert run([valid_row()]).issues == ()
    rows = [["参数", "值", "说明"], *([p.name, policy_value_text(p.key), p.description] for p in PARAMS)]
    assert parse_policy(rows)[1] == []


# --- golden messages --------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(REPROS))
def test_golden_message(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    messages = tuple(issue.message for issue in REPROS[key].make(monkeypatch))
    assert messages == as_tuple(GOLDEN[key])


# --- issues about several rows ----------------------------------------------------------------


@pytest.mark.parametrize("code", CROSS_ROW)
def test_cross_row_issue_names_the_other_row_in_each_message(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    issues = list(REPROS[code].make(monkeypatch))
    assert [issue.row for issue in issues] == [2, 3]
    assert "同见第 3 行" in issues[0].message
    assert "同见第 2 行" in issues[1].message


def _third(**overrides: object) -> dict[str, object]:
    return valid_row(case_id="SH20261121-003", **overrides)


THREE_ROWS: dict[str, list[dict[str, object]]] = {
    "duplicate-case-id": [valid_row(), valid_row(), valid_row(order_id="323456789012345678")],
    "duplicate-case": [valid_row(status="待处理"), valid_row(case_id=SECOND, status="待处理"),
                       _third(status="待处理")],
    "order-refunds-exceed-paid": [valid_row(amount=D("40.00"), approved_by="张主管"),
                                  valid_row(case_id=SECOND, amount=D("40.00"), approved_by="张主管"),
                                  _third(amount=D("40.00"), approved_by="张主管")],
    "exchange-limit": [valid_row(**EXCHANGED), valid_row(**EXCHANGED, case_id=SECOND), _third(**EXCHANGED)],
    "buyer-multiple-agents": [valid_row(), valid_row(case_id=SECOND, order_id="223456789012345678", agent="小李"),
                              _third(order_id="323456789012345678", agent="小张")],
}


@pytest.mark.parametrize("code", CROSS_ROW)
def test_cross_row_issue_on_three_rows_names_both_others(code: str) -> None:
    issues = found(run(THREE_ROWS[code]), code)
    assert [issue.row for issue in issues] == [2, 3, 4]
    for issue, others in zip(issues, ("3、4", "2、4", "2、3"), strict=True):
        assert f"同见第 {others} 行" in issue.message, issue.message
    assert set(codes(run(THREE_ROWS[code]))) == {code}


def test_three_exchanges_on_one_order_count_three() -> None:
    issues = found(run(THREE_ROWS["exchange-limit"]), "exchange-limit")
    assert all("换货 3 次，超过上限 1 次" in issue.message for issue in issues)


# --- severity overrides: order-id-as-number ---------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "severity", "value", "digits"),
    [
        pytest.param(1.2345678901234568e18, "error", "1.23456789012346e+18", 19, id="19-digit float"),
        pytest.param(1234567890123456, "error", "1234567890123456", 16, id="16-digit int"),
        pytest.param(123456789012345, "warning", "123456789012345", 15, id="15-digit int"),
        pytest.param(123456789012345.0, "warning", "123456789012345", 15, id="15-digit float"),
        pytest.param(123456789012, "warning", "123456789012", 12, id="12-digit int"),
    ],
)
def test_order_id_as_number_is_an_error_only_beyond_15_digits(
    cell: float, severity: str, value: str, digits: int
) -> None:
    issues = found(run([valid_row(order_id=cell)]), "order-id-as-number")
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.severity, issue.row, issue.column, issue.field, issue.value) == (
        severity, 2, letter("order_id"), "订单号", value)
    assert f"（{digits} 位）" in issue.message
    lost = "Excel 只保留 15 位有效数字，后面几位已经丢失"
    assert (lost in issue.message) == (severity == "error")
    assert "设为文本格式" in issue.message


def test_order_id_as_number_catalogue_severity_is_error_and_warning_is_an_override() -> None:
    assert CATALOGUE["order-id-as-number"].severity == "error"
    assert found(run([valid_row(order_id=123456789012345)]), "order-id-as-number")[0].severity == "warning"


def test_short_order_number_typed_as_number_also_breaks_the_pattern() -> None:
    report = run([valid_row(order_id=12345)])
    assert sorted(codes(report)) == ["order-id-as-number", "order-id-format"]
    assert found(report, "order-id-as-number")[0].severity == "warning"


# --- excel-error in every kind of column --------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "field"),
    [("order_id", "订单号"), ("registered_at", "登记时间"), ("platform", "平台"), ("qty", "数量"),
     ("amount", "金额"), ("description", "问题描述")],
)
@pytest.mark.parametrize("cell", [ExcelError("#N/A"), "#N/A", "#DIV/0!"], ids=["ExcelError", "text", "div0"])
def test_excel_error_is_reported_on_its_cell(key: str, field: str, cell: object) -> None:
    report = run([valid_row(**{key: cell})])
    assert codes(report) == ["excel-error"]
    issue = found(report, "excel-error")[0]
    assert (issue.severity, issue.row, issue.column, issue.field, issue.value) == (
        "error", 2, letter(key), field, str(cell))
    assert str(cell) in issue.message


@pytest.mark.parametrize(
    "cell", [None, "非质量问题", ExcelError("#N/A")], ids=["blank", "invalid-choice", "excel-error"]
)
def test_unusable_case_type_is_reported_once_and_leaves_the_ceiling_blank(cell: object) -> None:
    """SPEC §2.2/§4: without a case type the ceiling cannot be computed, so it is blank (the missing
    input is reported on its own cell), and a blank ceiling cannot be exceeded: no over-ceiling."""
    report = run([valid_row(case_type=cell)])
    assert report.results[0].recommendation is not None
    assert report.results[0].recommendation.ceiling is None
    assert "over-ceiling" not in codes(report)
    assert len(report.issues) == 1
    assert report.issues[0].column == letter("case_type")


# --- header-missing ---------------------------------------------------------------------------


def test_header_missing_is_sheet_level_on_the_header_row_and_once_only() -> None:
    index = KEYS.index("buyer")
    header = [h for i, h in enumerate(HEADERS) if i != index]
    rows = [(row, [valid_row(case_id=f"SH20261121-00{row}").get(k) for i, k in enumerate(KEYS) if i != index])
            for row in (4, 5)]
    report = validate(RawRegister(sheet=REGISTER, header_row=3, header=header, rows=rows), NOW)
    assert codes(report) == ["header-missing"]  # no required-missing 买家 on every row
    assert report.issues[0].row == 3


# --- policy-invalid ---------------------------------------------------------------------------


def test_policy_invalid_keeps_the_default_and_says_so() -> None:
    policy, issues = parse_policy([["参数", "值", "说明"], ["下班时间", "25:99", ""], ["保价天数", "10", ""]])
    assert policy.day_end == time(18, 0)
    assert policy.price_protect_days == 10  # the other keys still apply
    assert [issue.code for issue in issues] == ["policy-invalid"]
    assert "按默认值 18:00 运行" in issues[0].message


def test_policy_invalid_is_reported_alongside_the_register() -> None:
    policy, issues = parse_policy([["参数", "值", "说明"], ["下班时间", "25:99", ""]])
    raw = RawRegister(sheet=REGISTER, header_row=1, header=list(HEADERS),
                      rows=[(2, [valid_row(case_id=None).get(k) for k in KEYS])])
    report = validate(raw, NOW, policy, extra_issues=issues)
    assert sorted(codes(report)) == ["case-id-missing", "policy-invalid"]
    assert found(report, "policy-invalid")[0].sheet == POLICY


def test_policy_invalid_for_an_unknown_parameter_points_at_its_name_cell() -> None:
    """SPEC §6: `column` and `value` are the cell's; the unusable cell is the 参数 name in column A."""
    _, issues = parse_policy([["参数", "值", "说明"], ["不知道", "1", ""]])
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.code, issue.sheet, issue.row, issue.column, issue.field) == ("policy-invalid", POLICY, 2, "A", "参数")
    assert issue.value == "不知道"
    assert "不知道" in issue.message


# --- rule-crashed: the run goes on ------------------------------------------------------------


def test_recommend_crash_is_reported_per_case_and_the_other_rules_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aftersales.validate, "recommend", _boom)
    report = run([valid_row(case_id=None), valid_row(case_id="SH20261121-009", description=None)])
    assert sorted(codes(report, 2)) == ["case-id-missing", "rule-crashed"]
    assert sorted(codes(report, 3)) == ["required-missing", "rule-crashed"]
    assert all("recommend" in issue.message for issue in found(report, "rule-crashed"))
    assert [result.recommendation for result in report.results] == [None, None]


def test_check_crash_names_the_rule_and_the_other_rules_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aftersales.checks.cases, "required_fields", _boom)
    report = run([valid_row(description=None), valid_row(description=None)])  # also a duplicate 售后单号
    crashes = found(report, "rule-crashed")
    assert [issue.row for issue in crashes] == [2, 3]
    assert all("check_required" in issue.message for issue in crashes)
    assert len(found(report, "duplicate-case-id")) == 2


def test_a_whole_check_that_crashes_is_a_sheet_level_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    def check_everything(cases: object, ctx: object) -> list[Issue]:
        raise KeyError("x")

    monkeypatch.setitem(TIERS, "across", (check_everything, *TIERS["across"]))
    report = run([valid_row(), valid_row()])
    crash = found(report, "rule-crashed")
    assert [(issue.row, issue.column, issue.severity) for issue in crash] == [(None, None, "error")]
    assert "check_everything" in crash[0].message
    assert len(found(report, "duplicate-case-id")) == 2


def test_amount_above_paid_without_approval_is_also_over_the_ceiling() -> None:
    report = run([valid_row(amount=D("120.00"))])
    assert [(i.code, i.column) for i in report.issues] == [
        ("amount-exceeds-paid", letter("amount")),
        ("over-ceiling", letter("amount")),
    ]
