"""The issue catalogue (SPEC §6): every code with its severity, title and Chinese message template.

The help sheet and the documentation are generated from CATALOGUE, so it cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True)
class IssueSpec:
    code: str
    severity: Severity
    title: str
    """Short Chinese title (help sheet)."""
    when: str
    """When the issue is raised (help sheet)."""
    template: str
    """Chinese message; says what to do. Placeholders are filled from the issue's parameters."""


def _spec(code: str, severity: str, title: str, when: str, template: str) -> IssueSpec:
    return IssueSpec(code, Severity(severity), title, when, template)


_SPECS = (
    _spec("header-missing", "error", "缺少必填列", "登记表的表头行找不到必填列",
          "找不到必填列「{field}」：请在表头行（第 {row} 行）加上这一列，表头文字为「{field}」或「{key}」。"),
    _spec("required-missing", "error", "必填项为空", "本条售后需要的字段为空（见必填规则）",
          "「{field}」为空：{reason}，请补上。"),
    _spec("invalid-choice", "error", "不在下拉选项中", "取值不在下拉列表（含别名）中；填到了别的列的词会说明应填在哪一列",
          "「{value}」不是有效的{field}：{advice}。"),
    _spec("invalid-number", "error", "数字无法识别", "金额或数量单元格无法识别为数字",
          "「{value}」不是有效的{field}：请填写{expected}。"),
    _spec("negative-amount", "error", "金额为负数", "金额小于 0",
          "{field}为负数（{value}）：请填写不小于 0 的金额，钱的去向由处理方案决定。"),
    _spec("invalid-datetime", "error", "日期无法识别", "日期时间单元格无法识别",
          "「{value}」不是有效的{field}：请填写日期时间，如 2026-11-21 14:30。"),
    _spec("excel-error", "error", "Excel 错误值", "单元格是 Excel 错误值（#N/A、#VALUE! 等）",
          "{field}单元格是 Excel 错误值 {error}：请修正公式，或直接填写正确的内容。"),
    _spec("order-id-as-number", "error", "订单号存成了数字",
          "订单号以数字格式存储（超过 15 位为错误，否则为警告）",
          "订单号被存成了数字（{digits} 位）{consequence}：请把「订单号」列设为文本格式，再重新粘贴订单号。"),
    _spec("order-id-format", "error", "订单号格式不对", "订单号清理空格和不可见字符后不符合政策中的订单号格式",
          "订单号「{value}」格式不对：{expected}，请核对后重新粘贴。"),
    _spec("duplicate-case-id", "error", "售后单号重复", "同一售后单号出现两次以上",
          "售后单号「{value}」重复（同见第 {others} 行）：每个售后单号只能用一次，请改成唯一的单号。"),
    _spec("case-id-missing", "warning", "售后单号为空", "售后单号为空（命令行校验；校验按钮会自动编号）",
          "售后单号为空：点「校验」按钮会自动编号，也可手工填写，如 SH20261121-001。"),
    _spec("date-in-future", "error", "日期在未来", "任何一个日期时间（登记、下单、签收、方案、付款时间等）晚于当前时间",
          "{field}（{value}）晚于当前时间 {now}：请核对，不能填写未来的时间。"),
    _spec("signed-after-registered", "error", "签收晚于登记", "签收时间晚于登记时间",
          "签收时间（{value}）晚于登记时间（{registered}）：请核对这两个时间。"),
    _spec("amount-exceeds-paid", "error", "金额超过实付", "金额大于实付金额",
          "金额 {value} 超过实付金额 {paid}：退款不得高于买家实际付款，请改小金额。"),
    _spec("order-refunds-exceed-paid", "error", "订单累计退款超过实付", "同一订单各售后的金额合计大于实付金额",
          "订单 {order_id} 各售后金额合计 {total} 超过实付金额 {paid}（同见第 {others} 行）："
          "同一订单累计退款不得超过实付，请核对各条金额。"),
    _spec("over-ceiling", "error", "超过补偿上限", "金额或退运费超过补偿上限，且没有有效的审批人",
          "{field} {value} 超过{what}上限 {ceiling}：请改到上限以内，或经主管同意后填写「审批人」。"),
    _spec("evidence-insufficient", "warning", "凭证不足", "破损/质量问题凭证少于要求，少货/错货/尺码问题没有凭证",
          "凭证数 {count}，{case_type}至少需要 {minimum} 个：请让买家补充照片或视频后再定方案。"),
    _spec("outside-return-window", "error", "超过七天退换期限",
          "七天无理由，或非我方责任的尺码问题、与描述不符，申请（无申请时间按登记）时已过七天期限，却选了退货退款、换货或仅退款",
          "{case_type}申请时已过七天退换期限（签收 {signed}，期限到 {window_end}，{applied}）：不能「{resolution}」，"
          "请改为「婉拒」；可以解释说明，或给补偿（部分退款）挽留。"),
    _spec("price-protect-expired", "error", "超过保价期限", "保价已过期却给了婉拒以外的方案",
          "保价已过期（下单 {ordered}，保价 {days} 天到 {last_day} 为止，{applied}）：只能「婉拒」，请修改处理方案。"),
    _spec("price-protect-unconfirmed", "warning", "保价未确认收货", "保价退差价但订单节点不是已签收",
          "保价退差价的前提是买家已确认收货，订单节点为「{stage}」：请确认买家已签收后再退差价。"),
    _spec("exchange-limit", "error", "换货次数超限", "同一订单同一货号换货次数超过政策上限",
          "订单 {order_id}{item} 换货 {count} 次，超过上限 {limit} 次（同见第 {others} 行）：同一商品只能换货 {limit} 次，其余请改为退货退款等其他方案。"),
    _spec("refund-type-mismatch", "error", "退款类型不对", "已签收订单的七天无理由选了仅退款",
          "已签收订单的七天无理由不能「仅退款」：请改为「退货退款」，买家先退回商品。"),
    _spec("cashback-account-missing", "error", "缺少收款账号", "支付宝返现没有收款账号",
          "退款方式为支付宝返现，但收款账号为空：请填写买家的支付宝账号。"),
    _spec("resolution-missing", "error", "缺少处理方案", "填了方案时间却没有处理方案",
          "已填方案时间（{resolved}）但没有处理方案：请选择给买家的处理方案。"),
    _spec("resolved-at-missing", "warning", "缺少方案时间", "选了处理方案却没有方案时间",
          "已选处理方案「{resolution}」但没有方案时间：请填写给买家方案的时间。"),
    _spec("escalation-missing", "warning", "未上报主管", "投诉维权/其他已处理但没有有效的审批人",
          "{case_type}已处理但没有有效的审批人：疑难和投诉须立刻上报主管，请填写审批人。"),
    _spec("completed-unpaid", "warning", "已完成未付款", "状态已完成、方案要付款却没有付款时间",
          "状态为已完成，但「{resolution}」还没有付款时间：请填写付款时间，或改回待退款。"),
    _spec("duplicate-case", "warning", "重复登记", "同一订单同一货号同一售后类型有两条未结束的记录",
          "订单 {order_id}{item} 已有未结束的{case_type}售后（同见第 {others} 行）：请合并为一条，或关闭重复的一条。"),
    _spec("buyer-multiple-agents", "warning", "一个买家多个客服", "同一平台同一买家由多位客服处理",
          "买家「{buyer}」由多位客服处理（{agents}，同见第 {others} 行）：一个买家只对应一个客服，请统一客服。"),
    _spec("solution-overdue", "error", "未当天给方案", "过了方案截止时间仍没有处理方案",
          "方案截止时间 {deadline} 已过，仍未给方案：所有售后必须当天给出解决方案，请立即处理。"),
    _spec("solution-late", "warning", "方案给得晚", "方案时间晚于截止时间",
          "方案时间 {value} 晚于截止时间 {deadline}：所有售后必须当天给出解决方案，请在截止前处理；如时间填错请改正。"),
    _spec("cashback-unpaid", "error", "返现未付", "返现过了当天下班时间还没有付款时间",
          "{channel} {amount} 应在 {due} 前付给买家，还没有付款时间：请立即返款并填写付款时间。"),
    _spec("return-stale", "warning", "待寄回超时", "待寄回超过政策天数",
          "待寄回已 {days} 天（超过 {limit} 天）：请联系买家寄回，或关闭这条售后。"),
    _spec("refund-stale", "warning", "退款超时",
          "退货退款过了收货时间后的退款工作日（没有收货时间列时从方案时间算），或其他待退款超过政策天数",
          "{overdue}：请尽快退款并填写付款时间。"),
    _spec("policy-invalid", "error", "政策值无效", "政策表中的值无法使用（该项按默认值运行）",
          "政策「{param}」无法使用（{why}）：{fallback}，请改正。"),
    _spec("closed-with-money", "warning", "已关闭但有退款", "状态已关闭、处理方案要退钱，却没有付款时间（不会付款）",
          "状态为已关闭，但「{resolution}」要退钱且没有付款时间：已关闭的售后不会付款。确实要退，请把状态改回待退款；已经付了，请填写付款时间。"),
    _spec("self-approval", "error", "自己审批自己", "审批人就是本条的客服（本条需要审批时为错误，否则为警告）",
          "审批人「{value}」就是本条的客服，自己不能审批自己{need}：请由主管审批后填写主管的名字。"),
    _spec("approver-unknown", "error", "审批人不在名单", "政策填了审批人名单，审批人不在名单上（本条需要审批时为错误，否则为警告）",
          "审批人「{value}」不在政策「审批人名单」（{approvers}）里{need}：请由名单上的人审批，或请组长把此人加进名单。"),
    _spec("freight-refund-insured", "error", "有运费险还退运费", "运费险为是，却填了退运费",
          "本单有运费险，寄回运费由保险公司赔给买家：退运费 {value} 请清空或改为 0（售后手册 换货流程）。"),
    _spec("cashback-channel", "warning", "退款走了返现", "退货退款、拦截退款或未发货仅退款的金额用支付宝返现或千牛红包支付",
          "「{resolution}」的退款用了{value}：退款应通过平台原路退回（与买家原支付方式一致），订单无法申请退款时才返现；"
          "请改为原路退款，或在备注写明原因。"),
    _spec("below-minimum-offer", "warning", "补损低于下限", "与描述不符的部分退款低于政策的不符补损下限",
          "与描述不符的补损 {value} 低于政策下限 {minimum}：补损一般在 {minimum}–{maximum} 元之间，请提高金额，或改用其他方案。"),
    _spec("goods-received-missing", "warning", "缺少收货时间", "退货退款或换货已到待退款/已完成，收货时间为空",
          "「{resolution}」状态为{status}，但收货时间为空：请填写退回商品验收合格的时间，退款时限从它算起。"),
    _spec("return-qty-mismatch", "warning", "实收数量不符", "实收数量与数量不同，且没有有效的审批（退款表暂不付这条）",
          "实收数量 {value} 与数量 {qty} 不符：请按少货错货流程核实（售后处理流程 七）；数量核对一致或经主管审批前，退款表不付这条。"),
    _spec("possible-double-payment", "error", "可能重复付款",
          "售后单号不同，但订单号、货号、退款方式、合计与退款表里已导出的一行相同",
          "订单号、货号、退款方式和合计 {total} 与「{ledger}」第 {line} 行已导出的 {batch}（售后单号 {exported}）相同：可能重复付款，本次不导出。"
          "是同一笔退款，请删掉这一行或改回原售后单号；确实是另一笔，请财务核实后手工付款并填写付款时间。"),
    _spec("amount-changed-after-export", "error", "导出后金额变了", "已导出到退款表的售后，金额或退运费后来改了",
          "这条售后已在 {batch} 导出（合计 {exported}），现在合计为 {total}：不会再次付款。请财务核对：多退了要追回，少退了请按差额另行处理。"),
    _spec("voucher-orphaned", "warning", "单据找不到售后", "已过账的单据，登记表里已没有它的售后（删行、归档或改了售后单号）",
          "已过账的{kind} {number}（售后单号 {value}{amount}）在登记表里找不到这条售后（行被删除、移到归档或改了售后单号）："
          "已过账的单据不会自动冲销，请组长核对后决定是否手工冲销。"),
    _spec("other-register-sheets", "warning", "还有别的登记表", "工作簿里还有别的工作表也有登记表的表头，本次没有校验它们",
          "这些工作表也有登记表的表头，本次没有校验：{sheets}。要校验它们，请在命令行加 --sheet 工作表名，或把要校验的表命名为「登记表」。"),
    _spec("rule-crashed", "error", "内部规则出错", "内部规则出错（包含规则名；其他规则照常运行）",
          "内部规则 {rule} 出错（{error}）：其他校验照常完成，请把此文件发给技术支持。"),
)

CATALOGUE: dict[str, IssueSpec] = {spec.code: spec for spec in _SPECS}


class Issue(BaseModel):
    """One problem found, in Excel's own coordinates."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    sheet: str
    row: int | None
    """Excel row number (1-based) as the user sees it."""
    column: str | None
    """Column letter, e.g. "D"; None for a row- or sheet-level issue."""
    field: str | None
    """Chinese header of the column."""
    value: str | None
    """The cell as text."""
    message: str
    case_id: str | None = None


def render_message(code: str, params: dict[str, str]) -> str:
    return CATALOGUE[code].template.format(**params)


def make_issue(
    code: str,
    *,
    sheet: str,
    row: int | None,
    column: str | None = None,
    field: str | None = None,
    value: str | None = None,
    case_id: str | None = None,
    severity: str | None = None,
    **params: str,
) -> Issue:
    """An issue with its message rendered from the catalogue template."""
    spec = CATALOGUE[code]
    values = {"field": field or "", "value": value or "", "row": str(row or ""), **params}
    issue = Issue(
        code=code,
        severity=Severity(severity) if severity else spec.severity,
        sheet=sheet,
        row=row,
        column=column,
        field=field,
        value=value,
        message=render_message(code, values),
        case_id=case_id,
    )
    # Every field was given: share one set of their names instead of pydantic's own per issue (728
    # bytes each, ~60 MB for a 100,000-row register's issues). Frozen models never change it.
    object.__setattr__(issue, "__pydantic_fields_set__", _ISSUE_FIELDS)
    return issue


_ISSUE_FIELDS = set(Issue.model_fields)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """By row (sheet-level first), then most severe first, then column."""
    return sorted(
        issues,
        key=lambda i: (i.row or 0, SEVERITY_RANK[i.severity], len(i.column or ""), i.column or "", i.code),
    )
