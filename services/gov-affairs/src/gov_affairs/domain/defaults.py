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


def _two_step_flow(community_days: int, street_days: int) -> dict[str, Any]:
    """The committee checks (入户调查, 公示), then the street office decides."""
    return {
        "steps": [
            {
                "key": "community",
                "name": _t("社区受理审核", "Community check"),
                "signers": [{"role": "community_admin"}],
                "due": {
                    "working_days": community_days,
                    "remind_before_hours": 8,
                    "escalate_to": [{"role": "gov_officer"}],
                },
            },
            {
                "key": "street",
                "name": _t("街道审批", "Street office decision"),
                "signers": [{"role": "gov_officer"}],
                "due": {"working_days": street_days},
            },
        ]
    }


def _decision(title: tuple[str, str], statement: tuple[str, str], extra: list[Any]) -> Any:
    return {
        "title": _t(*title),
        "statement": _t(*statement),
        "fields": [
            {"label": _t("姓名", "Name"), "fact": "form.name"},
            {
                "label": _t("身份证号码", "ID number"),
                "fact": "form.id_number",
                "masked": "id_number",
            },
            *extra,
        ],
        "issuer": _t("街道办事处", "Street office"),
        "valid_days": 365,
    }


BELOW_STANDARD = {
    "fact": "form.per_capita_income",
    "op": "lt",
    "value": 1100,
    "label": _t("家庭月人均收入低于低保标准", "household income per head below the standard"),
}
NO_SECOND_HOME = {
    "fact": "form.owns_second_home",
    "op": "eq",
    "value": False,
    "label": _t("无第二套住房", "no second home"),
}
ID_CARD = {"code": "id_card", "name": _t("申请人身份证", "Applicant's ID card")}
HUKOU = {"code": "hukou_book", "name": _t("户口簿", "Household register (户口簿)")}
COMMON_FIELDS = {
    "name": _field("申请人姓名", "Applicant's name", maxLength=30),
    "id_number": _field("申请人身份证号码", "Applicant's ID number", **{"x-kind": "id_number"}),
    "phone": _field("联系电话", "Contact mobile", **{"x-kind": "phone"}),
}

DIBAO = ServiceItem.model_validate(
    {
        "code": "dibao",
        "name": _t("最低生活保障（低保）申请", "Minimum living allowance (dibao)"),
        "category": "welfare",
        "description": _t(
            "本市户籍、家庭月人均收入低于当地低保标准的家庭可申请；社区入户调查并公示后由街道审批，"
            "按月发放差额，每年复核。",
            "Households registered in this city whose income per head is below the local"
            " standard may apply; the committee visits and posts the result, the street office"
            " decides; the gap is paid monthly and re-examined every year.",
        ),
        "conditions": [
            _t("本市户籍", "registered in this city"),
            _t("家庭月人均收入低于低保标准", "household income per head below the standard"),
            _t("无第二套住房", "no second home"),
        ],
        "materials": [
            ID_CARD,
            HUKOU,
            {"code": "income_proof", "name": _t("家庭收入证明", "Proof of the household's income")},
            {"code": "bank_card", "name": _t("本人银行卡或存折", "Bank card or passbook")},
        ],
        "form": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "name",
                "id_number",
                "phone",
                "hukou_local",
                "household_size",
                "per_capita_income",
                "owns_second_home",
                "bank_account",
            ],
            "properties": {
                **COMMON_FIELDS,
                "hukou_local": _field("是否本市户籍", "Registered in this city", "boolean"),
                "household_size": _field(
                    "共同生活家庭人数", "People in the household", "integer", minimum=1, maximum=20
                ),
                "per_capita_income": _field(
                    "家庭月人均收入（元）",
                    "Income per head a month (yuan)",
                    "number",
                    minimum=0,
                    maximum=100000,
                ),
                "owns_second_home": _field("是否有第二套住房", "Owns a second home", "boolean"),
                "bank_account": _field(
                    "救助金发放账号", "Account for the payments", pattern="^[0-9]{12,19}$"
                ),
            },
        },
        "subject_id_field": "id_number",
        "eligibility": {"all": [LOCAL, BELOW_STANDARD, NO_SECOND_HOME]},
        "flow": _two_step_flow(10, 10),
        "certificate": _decision(
            ("最低生活保障审批决定书", "Minimum living allowance decision"),
            (
                "经入户调查、公示和审批，下列家庭纳入最低生活保障，自批准次月起按月发放。",
                "After a home visit, public notice and approval, the household below receives"
                " the minimum living allowance monthly from the month after approval.",
            ),
            [
                {"label": _t("家庭人数", "Household size"), "fact": "form.household_size"},
                {
                    "label": _t("月保障金（元）", "Monthly amount (yuan)"),
                    "fact": "benefit.monthly_amount",
                },
            ],
        ),
        "promised_days": 30,
    }
)

TEMPORARY_AID = ServiceItem.model_validate(
    {
        "code": "temporary_aid",
        "name": _t("临时救助申请", "Hardship aid"),
        "category": "welfare",
        "description": _t(
            "因疾病、意外、灾害等突发原因导致基本生活暂时困难的家庭可申请一次性救助，金额不超过当地上限。",
            "A household in sudden hardship (illness, accident, disaster) may apply for a"
            " one-off payment up to the local cap.",
        ),
        "conditions": [_t("遭遇突发困难", "a sudden hardship")],
        "materials": [
            ID_CARD,
            {
                "code": "hardship_proof",
                "name": _t("困难情况证明（病历、事故证明等）", "Proof of the hardship"),
            },
            {"code": "bank_card", "name": _t("本人银行卡或存折", "Bank card or passbook")},
        ],
        "form": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "id_number", "phone", "emergency", "requested_amount", "account"],
            "properties": {
                **COMMON_FIELDS,
                "emergency": {
                    **_field("困难原因", "Cause of the hardship"),
                    "enum": ["illness", "accident", "disaster", "other"],
                    "x-enum-titles": [
                        _t("重大疾病", "serious illness"),
                        _t("意外事故", "accident"),
                        _t("自然灾害", "disaster"),
                        _t("其他突发困难", "other sudden hardship"),
                    ],
                },
                "circumstances": _field(
                    "情况说明", "What happened", maxLength=2000, **{"x-widget": "textarea"}
                ),
                "requested_amount": _field(
                    "申请金额（元）", "Amount asked for (yuan)", "number", minimum=1, maximum=100000
                ),
                "account": _field(
                    "救助金发放账号", "Account for the payment", pattern="^[0-9]{12,19}$"
                ),
            },
        },
        "subject_id_field": "id_number",
        "eligibility": {
            "fact": "form.emergency",
            "op": "in",
            "value": ["illness", "accident", "disaster", "other"],
            "label": _t("遭遇突发困难", "a sudden hardship"),
        },
        "flow": _two_step_flow(3, 5),
        "certificate": _decision(
            ("临时救助审批决定书", "Hardship aid decision"),
            (
                "经审核，下列申请人符合临时救助条件，一次性救助金发放至本人账户。",
                "Having been examined, the applicant below receives a one-off hardship payment"
                " into their own account.",
            ),
            [
                {
                    "label": _t("救助金额（元）", "Amount (yuan)"),
                    "fact": "benefit.one_off_amount",
                },
            ],
        ),
        "promised_days": 10,
    }
)

DISABILITY_CARE_SUBSIDY = ServiceItem.model_validate(
    {
        "code": "disability_care_subsidy",
        "name": _t("重度残疾人护理补贴申请", "Care subsidy for severe disability"),
        "category": "disability",
        "description": _t(
            "持第二代残疾人证、残疾等级为一、二级的本人或监护人可申请，按月发放，每年复核。",
            "A holder of a second-generation disability certificate of grade 1 or 2 (or their"
            " guardian) may apply; paid monthly and re-examined every year.",
        ),
        "conditions": [
            _t("持第二代残疾人证", "holds a second-generation disability certificate"),
            _t("残疾等级为一、二级", "disability grade 1 or 2"),
        ],
        "materials": [
            ID_CARD,
            {"code": "disability_certificate", "name": _t("残疾人证", "Disability certificate")},
            {"code": "bank_card", "name": _t("本人银行卡或存折", "Bank card or passbook")},
        ],
        "form": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "id_number", "phone", "disability_card", "bank_account"],
            "properties": {
                **COMMON_FIELDS,
                "disability_card": _field(
                    "残疾人证号（20位）",
                    "Disability certificate number (20 characters)",
                    minLength=20,
                    maxLength=20,
                    **{"x-kind": "disability_card"},
                ),
                "bank_account": _field(
                    "补贴发放账号", "Account for the subsidy", pattern="^[0-9]{12,19}$"
                ),
            },
        },
        "subject_id_field": "id_number",
        "eligibility": {
            "all": [
                {
                    "fact": "subject.disability_card_holder",
                    "op": "eq",
                    "value": True,
                    "label": _t(
                        "残疾人证为申请人本人所有", "the certificate is the applicant's own"
                    ),
                },
                {
                    "fact": "subject.disability_grade",
                    "op": "lte",
                    "value": 2,
                    "label": _t("残疾等级为一、二级", "disability grade 1 or 2"),
                },
            ]
        },
        "flow": _two_step_flow(5, 5),
        "certificate": _decision(
            ("重度残疾人护理补贴核定通知书", "Care subsidy for severe disability: decision"),
            (
                "经审核，下列残疾人符合重度残疾人护理补贴条件，自核定次月起按月发放。",
                "Having been examined, the person below qualifies for the care subsidy, paid"
                " monthly from the month after approval.",
            ),
            [
                {"label": _t("残疾等级", "Grade"), "fact": "subject.disability_grade"},
                {
                    "label": _t("补贴标准（元/月）", "Amount (yuan a month)"),
                    "fact": "benefit.monthly_amount",
                },
            ],
        ),
        "promised_days": 15,
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
        "eligibility": {"all": [LOCAL, BELOW_STANDARD, NO_SECOND_HOME]},
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
        "service_item": "disability_care_subsidy",
    }
)

PROGRAMMES = (OLD_AGE_PROGRAMME, DIBAO_PROGRAMME, TEMPORARY_AID_PROGRAMME, DISABILITY_PROGRAMME)
SERVICE_ITEMS = (OLD_AGE_ALLOWANCE, DIBAO, TEMPORARY_AID, DISABILITY_CARE_SUBSIDY)
