"""GB/T 4754-2017 industry codes (国民经济行业分类) on organisations and enterprises, over HTTP
on PostgreSQL and Kafka: an unknown code is refused with a field error in words, a class code
is kept as its division, the register is searched by section (门类), the table is served for
a form's picker, and a complaint's event carries the enterprise's code."""

from __future__ import annotations

from typing import Any

from gov_affairs_helpers import Harness, register
from sc_contracts.events import OrganisationComplaintFiledV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

GROCER = "91110105MA01ABCD13"  # an enterprise (工商)
ELDER_CARE = "51110105MJ0012345E"  # a social organisation (民政)


def _org(community: str, name: str, uscc: str, **more: Any) -> dict[str, Any]:
    return {
        "community_id": community,
        "name": name,
        "kind": "enterprise",
        "uscc": uscc,
        "address": "幸福里 1 号门",
        **more,
    }


async def test_industry_codes_are_checked_kept_searched_and_published(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"301": 90.0})
    office = h.staff(community, "gov-ind-1", "gov_officer")
    li = h.issuer.bearer("acc-ind-li", grants=[Grant("resident", "household", homes["301"])])

    unknown = await h.client.post(
        "/api/v1/organisations",
        headers={**office, "Accept-Language": "zh-CN"},
        json=_org(community, "幸福里便民超市", GROCER, industry_code="99"),
    )
    assert unknown.status_code == 422, unknown.text
    (error,) = unknown.json()["errors"]
    assert error["field"].endswith("industry_code") and error["type"] == "industry.unknown"
    assert (
        error["message"] == "“99”不是国民经济行业分类（GB/T 4754-2017）的行业代码，请从列表中选择"
    )
    in_english = await h.client.post(
        "/api/v1/organisations",
        headers={**office, "Accept-Language": "en"},
        json=_org(community, "幸福里便民超市", GROCER, industry_code="F62"),  # 62 is in H
    )
    assert in_english.status_code == 422
    assert in_english.json()["errors"][0]["message"] == (
        "“F62” is not an industry code of GB/T 4754-2017; pick one from the list"
    )

    grocer = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json=_org(community, "幸福里便民超市", GROCER, industry_code="5211"),  # a class of 52
    )
    assert grocer.status_code == 201, grocer.text
    assert grocer.json()["industry"] == {
        "code": "52",
        "name": {"zh": "零售业", "en": "Retail trade"},
        "section": "F",
        "section_name": {"zh": "批发和零售业", "en": "Wholesale and retail trade"},
    }
    elder = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json=_org(community, "幸福里养老服务中心", ELDER_CARE, kind="social_organisation"),
    )
    assert elder.status_code == 201 and elder.json()["industry"] is None  # optional

    async def names(**params: str) -> list[str]:
        found = await h.client.get(
            "/api/v1/organisations", headers=li, params={"community_id": community, **params}
        )
        assert found.status_code == 200, found.text
        return [o["name"] for o in found.json()["items"]]

    assert await names(industry_section="F") == ["幸福里便民超市"]
    assert await names(industry_section="Q") == []
    assert (
        await h.client.get(
            "/api/v1/organisations",
            headers=li,
            params={"community_id": community, "industry_section": "Z"},
        )
    ).status_code == 422

    table = await h.client.get("/api/v1/industries", headers=li)
    assert table.status_code == 200, table.text
    sections = table.json()["sections"]
    assert table.json()["edition"] == "GB/T 4754-2017" and len(sections) == 20
    assert sum(len(s["divisions"]) for s in sections) == 97
    retail = next(s for s in sections if s["code"] == "F")
    assert retail["name"]["zh"] == "批发和零售业"
    assert [d["name"]["zh"] for d in retail["divisions"]] == ["批发业", "零售业"]

    filed = await h.client.post(
        f"/api/v1/organisations/{grocer.json()['id']}/complaints",
        headers=li,
        json={"summary": "超市门口堆放货物占用消防通道。"},
    )
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["id"]

    def published(events: list[CloudEvent]) -> bool:
        return any(e.data.get("complaint_id") == complaint_id for e in events)

    events = await h.read(OrganisationComplaintFiledV1, published)
    sent = next(e for e in events if e.data.get("complaint_id") == complaint_id)
    assert (sent.data["uscc"], sent.data["industry_code"]) == (GROCER, "52")
