"""GB/T 4754-2017 industry codes (国民经济行业分类) as organisations carry them, and the table
itself for a form's picker: each section (门类) with its divisions (大类), in both languages."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from gov_affairs.domain.text import Text
from sc_core.auth import CurrentCaller
from sc_core.industry import EDITION, SECTIONS, division

router = APIRouter(prefix="/api/v1/industries", tags=["organisations"])


class OrgIndustry(BaseModel):
    """An organisation's industry: the division's code and name, its section's."""

    code: str
    name: Text
    section: str
    section_name: Text


class OrgIndustryDivision(BaseModel):
    code: str
    name: Text


class OrgIndustrySection(BaseModel):
    code: str
    name: Text
    divisions: list[OrgIndustryDivision]


class OrgIndustryTable(BaseModel):
    edition: str
    sections: list[OrgIndustrySection]


def industry_read(code: str | None) -> OrgIndustry | None:
    found = division(code)
    if found is None:
        return None
    return OrgIndustry(
        code=found.code,
        name=Text(zh=found.zh, en=found.en),
        section=found.section.code,
        section_name=Text(zh=found.section.zh, en=found.section.en),
    )


def _table() -> OrgIndustryTable:
    sections = []
    for s in SECTIONS.values():
        divisions = [industry_read(f"{n:02d}") for n in range(s.first, s.last + 1)]
        sections.append(
            OrgIndustrySection(
                code=s.code,
                name=Text(zh=s.zh, en=s.en),
                divisions=[OrgIndustryDivision(code=d.code, name=d.name) for d in divisions if d],
            )
        )
    return OrgIndustryTable(edition=EDITION, sections=sections)


_TABLE = _table()


@router.get("", summary="The industry table (GB/T 4754-2017 sections and divisions)")
async def industries(who: CurrentCaller) -> OrgIndustryTable:
    """Anyone signed in: the 20 sections (门类) and 97 divisions (大类) in zh-CN and en."""
    del who
    return _TABLE
