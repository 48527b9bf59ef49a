"""PII in the 日结 report (issue 12 item 18, SPEC §14.6): a phone number is masked in every form people
write it, an e-mail shows its first 2 characters, *** and its domain, any other account its last 4."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from aftersales.eod import end_of_day, mask_account, mask_buyer, mask_text
from tests.domain import run, valid_row
from workbook.cli import main
from workbook.template import build_register_workbook

PHONES = ["13800001234", "138-0000-1234", "138 0000 1234", "+86 138 0000 1234", "+86-138-0000-1234",
          "138.0000.1234", "１３８００００１２３４", "１３８－００００－１２３４", "(+86)13800001234", "0086 13800001234",
          "138\u30000000\u30001234"]


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_is_masked_in_every_form(phone: str) -> None:
    assert mask_account(phone) == "*******1234"
    shown = mask_buyer(f"张三{phone}（退货）")
    assert shown == "张三*******1234（退货）"
    assert "0000" not in shown and "138" not in shown


@pytest.mark.parametrize(("email", "shown"), [
    ("buyer2026@qq.com", "bu***@qq.com"), ("zhang.san@example.com.cn", "zh***@example.com.cn"),
    ("ｔｂ＠１６３．ｃｏｍ", "tb***@163.com"),
])
def test_an_email_shows_two_characters_and_its_domain(email: str, shown: str) -> None:
    assert mask_account(email) == shown
    assert mask_text(f"邮箱 {email} 已联系") == f"邮箱 {shown} 已联系"


def test_other_accounts_show_their_last_four_characters() -> None:
    assert mask_account("6222021000112233") == "************2233"
    assert mask_account("alipay_user_8899") == "************8899"


def test_order_numbers_and_amounts_are_not_phones() -> None:
    text = "订单 123456789012345678 金额 13800.00，SH20261121-013"
    assert mask_text(text) == text


def test_the_report_masks_every_phone_and_email_in_the_workbook_and_the_json(tmp_path: Path,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    rows = [valid_row(case_id=f"SH20261121-{n:03d}", order_id=f"1234567890123456{n:02d}", buyer=f"买家{phone}",
                      payee_account=phone, paid_at=None, status="已给方案")
            for n, phone in enumerate(PHONES[:6], start=1)]
    rows.append(valid_row(case_id="SH20261121-099", order_id="123456789012345699", buyer="buyer2026@qq.com",
                          payee_account="buyer2026@qq.com", paid_at=None, status="已给方案"))
    path = tmp_path / "register.xlsx"
    build_register_workbook(rows).save(path)
    out = tmp_path / "eod.xlsx"
    assert main(["eod", str(path), "--now", "2026-11-21T18:30", "-o", str(out), "--json"]) in (0, 1)
    printed = capsys.readouterr().out
    json.loads(printed)
    cells = " ".join(str(v) for sheet in openpyxl.load_workbook(out).worksheets
                     for line in sheet.iter_rows(values_only=True) for v in line if v is not None)
    for text in (printed, cells):
        assert "0000" not in text.replace("00:00", "").replace("2026", "")
        assert "buyer2026" not in text and "bu***@qq.com" in text
        assert "*******1234" in text


def test_end_of_day_figures_carry_masked_text_only() -> None:
    report = run([valid_row(buyer="138 0000 1234", payee_account="+86 138-0000-1234", paid_at=None)],
                 now=datetime(2026, 11, 21, 18, 30))
    eod = end_of_day(report, datetime(2026, 11, 21).date())
    dumped = json.dumps(eod.model_dump(mode="json"), ensure_ascii=False)
    assert "1380000" not in dumped.replace(" ", "") and "*******1234" in dumped


def test_phones_written_with_86_and_spaced_dashes_are_masked() -> None:
    from aftersales.eod import mask_text

    assert mask_text("8613800001234") == "*******1234"
    assert mask_text("138 - 0000 - 1234") == "*******1234"
    assert mask_text("订单 1234567890123456789") == "订单 1234567890123456789"  # an order number is no phone
