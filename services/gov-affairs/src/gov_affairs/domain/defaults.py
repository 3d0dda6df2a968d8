"""The services and programmes a community starts with (data; each community edits its own).

Amounts are examples of a city's standards, not national figures: the street office sets
its own in the console.
"""

from __future__ import annotations

from typing import Any

from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.welfare import Programme


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _field(zh: str, en: str, kind: str = "string", **kw: Any) -> dict[str, Any]:
    return {"type": kind, "title": zh, "x-title-en": en, **kw}


AGE_80 = {
    "fact": "subject.age",
    "op": "gte",
    "value": 80,
    "label": _t("年满80周岁", "aged 80 or over"),
}
LOCAL = {
    "fact": "form.hukou_local",
    "op": "eq",
    "value": True,
    "label": _t("本市户籍", "household registration in this city"),
}
FOR_SELF = {
    "fact": "form.on_behalf",
    "op": "eq",
    "value": False,
    "label": _t(
        "本人申请（代办的申请由工作人员审核）",
        "applying for oneself (a proxy's application is reviewed)",
    ),
}

OLD_AGE_ALLOWANCE = ServiceItem.model_validate(
    {
        "code": "old_age_allowance",
        "name": _t("高龄补贴申请", "Old-age allowance"),
        "category": "elderly",
        "description": _t(
            "年满80周岁的本市户籍老人按月领取高龄补贴；本人申请且材料齐全的即时办结。",
            "Residents of this city aged 80 or over receive a monthly allowance; an application"
            " made by the elder with every material is granted at once.",
        ),
        "conditions": [
            _t("年满80周岁", "aged 80 or over"),
            _t("本市户籍", "registered in this city"),
        ],
        "materials": [
            {"code": "id_card", "name": _t("老人身份证", "Elder's ID card")},
            {"code": "hukou_book", "name": _t("户口簿", "Household register (户口簿)")},
            {"code": "bank_card", "name": _t("本人银行卡或存折", "Elder's bank card or passbook")},
            {
                "code": "proxy_letter",
                "name": _t(
                    "代办委托书及代办人身份证", "Letter of authority and the proxy's ID card"
                ),
                "condition": {"fact": "form.on_behalf", "op": "eq", "value": True},
            },
        ],
        "form": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "id_number", "hukou_local", "on_behalf", "phone", "bank_account"],
            "properties": {
                "name": _field("老人姓名", "Elder's name", maxLength=30),
                "id_number": _field(
                    "老人身份证号码", "Elder's ID number", **{"x-kind": "id_number"}
                ),
                "hukou_local": _field("是否本市户籍", "Registered in this city", "boolean"),
                "on_behalf": _field("是否代办", "Applying on the elder's behalf", "boolean"),
                "proxy_name": _field("代办人姓名", "Proxy's name", maxLength=30),
                "phone": _field("联系电话", "Contact mobile", **{"x-kind": "phone"}),
                "bank_account": _field(
                    "补贴发放账号", "Account for the allowance", pattern="^[0-9]{12,19}$"
                ),
            },
        },
        "subject_id_field": "id_number",
        "eligibility": {"all": [AGE_80, LOCAL]},
        "instant_rule": {"all": [AGE_80, LOCAL, FOR_SELF]},
        "flow": {
            "steps": [
                {
                    "key": "community",
                    "name": _t("社区初审", "Community check"),
                    "signers": [{"role": "community_admin"}],
                    "due": {
                        "working_days": 3,
                        "remind_before_hours": 8,
                        "escalate_to": [{"role": "gov_officer"}],
                    },
                },
                {
                    "key": "street",
                    "name": _t("街道审核", "Street office approval"),
                    "signers": [{"role": "gov_officer"}],
                    "due": {"working_days": 5},
                },
            ]
        },
        "certificate": {
            "title": _t("高龄补贴核定通知书", "Old-age allowance approval notice"),
            "statement": _t(
                "经审核，下列老人符合高龄补贴发放条件，自核定次月起按月发放至本人账户。",
                "Having been examined, the elder below qualifies for the old-age allowance, paid"
                " monthly into their own account from the month after approval.",
            ),
            "fields": [
                {"label": _t("姓名", "Name"), "fact": "form.name"},
                {
                    "label": _t("身份证号码", "ID number"),
                    "fact": "form.id_number",
                    "masked": "id_number",
                },
                {"label": _t("年龄", "Age"), "fact": "subject.age"},
                {"label": _t("补贴档次", "Band"), "fact": "benefit.band"},
                {
                    "label": _t("补贴标准（元/月）", "Amount (yuan a month)"),
                    "fact": "benefit.monthly_amount",
                },
            ],
            "issuer": _t("幸福里社区居民委员会", "Xingfuli Community Residents' Committee"),
            "valid_days": 365,
        },
        "promised_days": 8,
    }
)

OLD_AGE_PROGRAMME = Programme.model_validate(
    {
        "code": "old_age_allowance",
        "kind": "old_age_allowance",
        "name": _t("高龄补贴", "Old-age allowance"),
        "eligibility": {"all": [AGE_80, LOCAL]},
        "amount": {
            "kind": "fixed",
            "tiers": [
                {
                    "when": {"fact": "subject.age", "op": "gte", "value": 100},
                    "monthly_amount": "500",
                    "label": _t("百岁及以上", "100 and over"),
                },
                {
                    "when": {"fact": "subject.age", "op": "gte", "value": 90},
                    "monthly_amount": "300",
                    "label": _t("90至99周岁", "90 to 99"),
                },
                {
                    "when": {"fact": "subject.age", "op": "gte", "value": 80},
                    "monthly_amount": "100",
                    "label": _t("80至89周岁", "80 to 89"),
                },
            ],
        },
        "review_every_months": 12,
        "service_item": "old_age_allowance",
    }
)

DIBAO_PROGRAMME = Programme.model_validate(
    {
        "code": "dibao",
        "kind": "dibao",
        "name": _t("最低生活保障（低保）", "Minimum living allowance (dibao)"),
        "eligibility": {
            "all": [
                LOCAL,
                {
                    "fact": "form.per_capita_income",
                    "op": "lt",
                    "value": 1100,
                    "label": _t(
                        "家庭月人均收入低于低保标准", "household income per head below the standard"
                    ),
                },
                {
                    "fact": "form.owns_second_home",
                    "op": "eq",
                    "value": False,
                    "label": _t("无第二套住房", "no second home"),
                },
            ]
        },
        "amount": {
            "kind": "gap",
            "standard": "1100",
            "income_fact": "form.per_capita_income",
            "members_fact": "form.household_size",
            "floor_per_head": "100",
        },
        "review_every_months": 12,
        "service_item": "dibao",
    }
)

TEMPORARY_AID_PROGRAMME = Programme.model_validate(
    {
        "code": "temporary_aid",
        "kind": "temporary_aid",
        "name": _t("临时救助", "Hardship aid"),
        "eligibility": {
            "fact": "form.emergency",
            "op": "in",
            "value": ["illness", "accident", "disaster", "other"],
            "label": _t("遭遇突发困难", "a sudden hardship"),
        },
        "amount": {"kind": "capped", "amount_fact": "form.requested_amount", "cap": "3300"},
        "one_off": True,
        "service_item": "temporary_aid",
    }
)

DISABILITY_PROGRAMME = Programme.model_validate(
    {
        "code": "disability_care_subsidy",
        "kind": "disability_subsidy",
        "name": _t("重度残疾人护理补贴", "Care subsidy for severe disability"),
        "eligibility": {
            "fact": "subject.disability_grade",
            "op": "lte",
            "value": 2,
            "label": _t("残疾等级为一、二级", "disability grade 1 or 2"),
        },
        "amount": {
            "kind": "fixed",
            "tiers": [
                {
                    "when": {"fact": "subject.disability_grade", "op": "eq", "value": 1},
                    "monthly_amount": "150",
                    "label": _t("一级", "grade 1"),
                },
                {
                    "when": {"fact": "subject.disability_grade", "op": "eq", "value": 2},
                    "monthly_amount": "100",
                    "label": _t("二级", "grade 2"),
                },
            ],
        },
        "review_every_months": 12,
    }
)

PROGRAMMES = (OLD_AGE_PROGRAMME, DIBAO_PROGRAMME, TEMPORARY_AID_PROGRAMME, DISABILITY_PROGRAMME)
SERVICE_ITEMS = (OLD_AGE_ALLOWANCE,)
