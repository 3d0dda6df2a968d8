"""Alipay's trade bill (账单) as the simulator renders it: a ZIP holding the GBK CSV
``<pid><date>_业务明细.csv`` with ``#`` comment lines around the detail table."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import TYPE_CHECKING

from parking_payment.adapters.alipay.protocol import CN
from parking_payment.domain.money import fen_to_yuan

if TYPE_CHECKING:
    from parking_payment.adapters.alipay.simulator import AlipaySimulator

HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,"
    "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
    "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
    "退款批次号/请求号,服务费（元）,分润（元）,备注"
)


def render_bill_zip(sim: AlipaySimulator, day: date) -> bytes:
    lines = [
        "#支付宝业务明细查询",
        f"#账号：[{sim.seller_id}0156]",
        f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        HEADER,
    ]
    fmt = "%Y-%m-%d %H:%M:%S"
    for t in sim.trades.values():
        if t.paid_at is None or t.paid_at.astimezone(CN).date() != day:
            continue
        yuan = fen_to_yuan(t.amount)
        row = [
            t.trade_no,
            t.out_trade_no,
            "交易",
            t.subject,
            t.created_at.astimezone(CN).strftime(fmt),
            t.paid_at.astimezone(CN).strftime(fmt),
            "",
            "",
            "",
            "",
            t.buyer_id or "",
            yuan,
            yuan,
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "",
            "0.00",
            "0.00",
            "",
            "-0.05",
            "0.00",
            "",
        ]
        lines.append(",".join(v + "\t" for v in row))
    for r in sim.refunds.values():
        if r.at.astimezone(CN).date() != day:
            continue
        t = sim.trades[r.out_trade_no]
        row = [
            t.trade_no,
            t.out_trade_no,
            "退款",
            t.subject,
            t.created_at.astimezone(CN).strftime(fmt),
            r.at.strftime(fmt),
            "",
            "",
            "",
            "",
            t.buyer_id or "",
            fen_to_yuan(t.amount),
            "-" + fen_to_yuan(r.amount),
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "",
            "0.00",
            "0.00",
            r.out_request_no,
            "0.00",
            "0.00",
            "",
        ]
        lines.append(",".join(v + "\t" for v in row))
    lines.append(
        "#-----------------------------------------业务明细列表结束------------------------------------"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        name = f"{sim.seller_id}{day:%Y%m%d}_业务明细.csv"
        archive.writestr(name, "\r\n".join(lines).encode("gb18030"))
    return buffer.getvalue()
