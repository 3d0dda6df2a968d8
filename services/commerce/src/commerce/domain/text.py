"""People's words: problems in zh-CN first and en second, and the labels of the codes a
client sees (categories, kinds), so no answer shows a bare enum value."""

from __future__ import annotations

from commerce.domain.offers import OFFER_PROBLEMS
from commerce.domain.orders import ORDER_PROBLEMS
from sc_core.errors import Problem

# code -> (status, zh-CN, en): every problem commerce answers with
PROBLEMS: dict[str, tuple[int, str, str]] = {
    "commerce.merchant_not_found": (404, "没有找到这家商户", "No such merchant"),
    "commerce.merchant_exists": (
        409,
        "该统一社会信用代码已在本社区登记",
        "A merchant with this unified social credit code is already registered here",
    ),
    "commerce.not_merchant_here": (
        403,
        "您不是本社区的商户，不能在此登记",
        "You are not a merchant of this community and may not register one here",
    ),
    "commerce.not_owner": (403, "只有商户本人可以修改登记信息", "Only the merchant may change it"),
    "commerce.not_verifier": (
        403,
        "只有本社区的工作人员可以审核商户",
        "Only the community's staff may verify merchants",
    ),
    "commerce.already_reviewed": (
        409,
        "这家商户已审核，信息修改后才能再次审核",
        "This merchant was already reviewed; it can be reviewed again after a change",
    ),
    "commerce.reject_reason_required": (
        422,
        "不通过时请写明原因",
        "Say why the merchant is not verified",
    ),
    "commerce.point_not_found": (404, "没有找到这个服务网点", "No such service point"),
    "commerce.not_point_staff": (
        403,
        "只有本社区的工作人员可以管理服务网点",
        "Only the community's staff may manage service points",
    ),
    "commerce.point_merchant_unknown": (
        422,
        "所选商户不在本社区或尚未通过审核",
        "The merchant chosen is not a verified merchant of this community",
    ),
    "commerce.not_bookable": (
        422,
        "这个网点不接受预约（回收点请直接前往投放）",
        "This service point takes no bookings (take recycling to the point)",
    ),
    "commerce.household_required": (
        403,
        "请以您所在住户的身份预约",
        "Book for a household you belong to",
    ),
    "commerce.household_unknown": (
        409,
        "暂时无法确认这户的住址，请稍后再试",
        "The household's address is not known yet; try again shortly",
    ),
    "commerce.point_out_of_reach": (
        403,
        "只能使用本社区的服务网点",
        "Only your community's service points can be used",
    ),
    "commerce.not_recycling_point": (
        422,
        "投放只能登记在回收点",
        "Drop-offs are recorded at recycling points only",
    ),
    "commerce.household_elsewhere": (
        422,
        "这户不在该回收点所在的社区",
        "The household is not in the recycling point's community",
    ),
    "commerce.statement_forbidden": (
        403,
        "只能查看自己住户或本社区的积分",
        "You may read only your household's or your community's credits",
    ),
    "commerce.location_incomplete": (
        422,
        "查询附近网点需要同时提供纬度和经度",
        "Give both latitude and longitude to list nearby service points",
    ),
    "commerce.listing_not_found": (404, "没有找到这条租售信息", "No such listing"),
    "commerce.not_room_owner": (
        403,
        "只有房屋的业主或代业主登记的物业可以发布租售信息",
        "Only the room's owner, or the property on the owner's behalf, may list it",
    ),
    "commerce.owner_unverified": (
        409,
        "住户登记中这户没有业主，不能发布租售信息",
        "The register names no owner of this household; it cannot be listed",
    ),
    "commerce.listing_open": (
        409,
        "这套房屋已有同类的租售信息在审核或发布中",
        "This room already has a listing of this kind under review or published",
    ),
    "commerce.listing_step_refused": (
        409,
        "这条租售信息当前的状态不能进行此操作",
        "This listing's state does not allow that",
    ),
    "commerce.not_listing_moderator": (
        403,
        "只有本社区的物业或社区工作人员可以审核租售信息",
        "Only the community's property or community staff may review listings",
    ),
    "commerce.not_listing_owner": (
        403,
        "只有发布这条信息的业主或本社区的物业可以撤回",
        "Only the owner who listed it or the community's property may withdraw it",
    ),
    "commerce.not_revealable": (
        422,
        "只能查看联系电话",
        "Only the contact phone can be revealed",
    ),
    "commerce.credits_insufficient": (
        409,
        "这户的积分余额不足，不能兑换",
        "The household has not enough credits for this",
    ),
    "commerce.photo_not_found": (404, "没有找到这张照片", "No such photo"),
    "commerce.photo_unusable": (
        422,
        "只能添加您本人上传、尚未用于其他租售信息的照片",
        "Only photos you uploaded that are on no listing yet can be added",
    ),
    "commerce.too_many_photos": (
        422,
        "每条租售信息最多 9 张照片",
        "A listing has at most 9 photos",
    ),
    "commerce.not_listing_editor": (
        403,
        "只有发布这条信息的业主或本社区的物业可以添加照片",
        "Only the owner who listed it or the community's property may add photos",
    ),
    "commerce.shop_not_found": (404, "没有找到这家商铺", "No such shop"),
    "commerce.product_not_found": (404, "没有找到这件商品", "No such product"),
    "commerce.shop_exists": (409, "这家商户已开设商铺", "This merchant already has a shop"),
    "commerce.merchant_unverified": (
        409,
        "商户通过审核后才能开设商铺",
        "A merchant opens a shop once verified",
    ),
    "commerce.not_shop_owner": (
        403,
        "只有商户本人可以管理商铺和商品",
        "Only the merchant may manage the shop and its products",
    ),
    "commerce.bin_exists": (
        409,
        "这个垃圾桶设备已登记在某个回收点旁",
        "This bin device is already placed beside a recycling point",
    ),
}

# the problems of the sub-domains kept beside their rules
PROBLEMS.update(ORDER_PROBLEMS)
PROBLEMS.update(OFFER_PROBLEMS)


def problem(code: str, **extra: object) -> Problem:
    """The problem of ``code``: ``detail`` in zh-CN, both languages in ``messages``."""
    status, zh, en = PROBLEMS[code]
    return Problem(status, code, zh, messages={"zh-CN": zh, "en": en}, **extra)
