"""GB/T 4754-2017 industry codes (国民经济行业分类) on merchants, against a real PostgreSQL and
Kafka: optional at registration, an unknown code refused with a field error in words,
changed by PATCH, searched by section (门类), and carried by the merchant's events."""

from __future__ import annotations

from typing import Any

from test_commerce_api import M, shop

from commerce_helpers import Harness
from sc_contracts.events import MerchantChangedV1


async def test_a_merchants_industry_is_checked_changed_searched_and_published(
    harness: Harness, community: str
) -> None:
    h = harness
    owner = h.merchant(community, "m-industry")
    staff = h.staff(community)

    unknown = await h.client.post(
        M, json=shop(community, industry_code="00"), headers={**owner, "Accept-Language": "en"}
    )
    assert unknown.status_code == 422, unknown.text
    (error,) = unknown.json()["errors"]
    assert error["field"].endswith("industry_code") and error["type"] == "industry.unknown"
    assert error["message"] == (
        "“00” is not an industry code of GB/T 4754-2017; pick one from the list"
    )
    assert error["messages"]["zh-CN"].startswith("“00”不是国民经济行业分类")

    r = await h.client.post(M, json=shop(community, industry_code="8111"), headers=owner)
    assert r.status_code == 201, r.text
    repair: dict[str, Any] = r.json()
    assert repair["industry"] == {
        "code": "81",
        "label": {
            "zh-CN": "机动车、电子产品和日用产品修理业",
            "en": ("Repair of motor vehicles, electronic and household products"),
        },
        "section": "O",
        "section_label": {
            "zh-CN": "居民服务、修理和其他服务业",
            "en": "Resident services, repair and other services",
        },
    }
    r = await h.client.post(M, json=shop(community, name="幸福里小吃"), headers=owner)
    assert r.status_code == 201 and r.json()["industry"] is None  # optional
    snack = r.json()

    async def found(section: str) -> set[str]:
        r = await h.client.get(M, params={"industry_section": section}, headers=staff)
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()["items"]}

    assert repair["id"] in await found("O") and snack["id"] not in await found("O")
    assert snack["id"] not in await found("H")

    bad_patch = await h.client.patch(
        f"{M}/{snack['id']}", json={"industry_code": "H99"}, headers=owner
    )
    assert bad_patch.status_code == 422 and bad_patch.json()["errors"][0]["type"] == (
        "industry.unknown"
    )
    r = await h.client.patch(f"{M}/{snack['id']}", json={"industry_code": "62"}, headers=owner)
    assert r.status_code == 200, r.text
    assert r.json()["industry"]["label"] == {"zh-CN": "餐饮业", "en": "Catering"}
    assert snack["id"] in await found("H") and snack["id"] not in await found("O")
    bad_section = await h.client.get(M, params={"industry_section": "X"}, headers=staff)
    assert bad_section.status_code == 422

    events = await h.read(
        MerchantChangedV1,
        lambda seen: sum(e.data["merchant_id"] == snack["id"] for e in seen) >= 2,
    )
    codes = [
        (e.data["change"], e.data.get("industry_code"))
        for e in events
        if e.data["merchant_id"] in (snack["id"], repair["id"])
    ]
    assert ("registered", "81") in codes
    assert [c for c in codes if c != ("registered", "81")] == [
        ("registered", None),
        ("updated", "62"),
    ]
