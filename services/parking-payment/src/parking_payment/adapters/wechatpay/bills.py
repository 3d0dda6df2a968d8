"""WeChat Pay's trade bill (交易账单) as the simulator renders it: the columns of the real
CSV, each field prefixed with a backtick, then the summary lines."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from parking_payment.domain.money import fen_to_yuan

if TYPE_CHECKING:
    from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator

CN = ZoneInfo("Asia/Shanghai")
HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
SUMMARY = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)


def _row(values: list[str]) -> str:
    return ",".join("`" + v for v in values)


def render_trade_bill(sim: WeChatPaySimulator, day: date) -> str:
    lines = [HEADER]
    paid = refunded = count = 0
    for order in sim.orders.values():
        if order.success_time is None or order.success_time.astimezone(CN).date() != day:
            continue
        count += 1
        paid += order.amount
        yuan = fen_to_yuan(order.amount)
        lines.append(
            _row(
                [
                    order.success_time.astimezone(CN).strftime("%Y-%m-%d %H:%M:%S"),
                    order.appid,
                    sim.mchid,
                    "0",
                    "",
                    order.transaction_id or "",
                    order.out_trade_no,
                    order.openid or "",
                    order.kind.upper(),
                    "SUCCESS",
                    "OTHERS",
                    "CNY",
                    yuan,
                    "0.00",
                    "0",
                    "0",
                    "0.00",
                    "0.00",
                    "",
                    "",
                    order.description,
                    order.attach,
                    "0.00000",
                    "0.60%",
                    yuan,
                    "0.00",
                    "",
                ]
            )
        )
    for refund in sim.refunds.values():
        when = refund.success_time
        if refund.status != "SUCCESS" or when is None or when.astimezone(CN).date() != day:
            continue
        order = sim.orders[refund.out_trade_no]
        refunded += refund.amount
        yuan = fen_to_yuan(refund.amount)
        lines.append(
            _row(
                [
                    when.astimezone(CN).strftime("%Y-%m-%d %H:%M:%S"),
                    order.appid,
                    sim.mchid,
                    "0",
                    "",
                    order.transaction_id or "",
                    order.out_trade_no,
                    order.openid or "",
                    order.kind.upper(),
                    "REFUND",
                    "OTHERS",
                    "CNY",
                    "0.00",
                    "0.00",
                    refund.refund_id,
                    refund.out_refund_no,
                    yuan,
                    "0.00",
                    "ORIGINAL",
                    "SUCCESS",
                    order.description,
                    order.attach,
                    "0.00000",
                    "0.60%",
                    "0.00",
                    yuan,
                    "",
                ]
            )
        )
    lines.append(SUMMARY)
    lines.append(
        _row(
            [
                str(count),
                fen_to_yuan(paid),
                fen_to_yuan(refunded),
                "0.00",
                "0.00000",
                fen_to_yuan(paid),
                fen_to_yuan(refunded),
            ]
        )
    )
    return "\r\n".join(lines) + "\r\n"
